"""Each person's choice of workflow notifications by e-mail."""

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from .lib.notifications import (
    NOTIFICATION_KINDS,
    notification_preferences_for,
    notification_preferences_save,
)


class NotificationPreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label="E-mail me when",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Everything also appears under Notifications and in My work; "
        "unticked kinds are not e-mailed.",
    )
    daily_digest = forms.BooleanField(
        label="Send one daily digest instead of an e-mail each time",
        required=False,
        help_text="One e-mail each morning listing what happened since the last one.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_kinds"].choices = list(NOTIFICATION_KINDS.items())
        self.helper = FormHelper()
        self.helper.form_tag = False


def notification_preferences(request):
    preference = notification_preferences_for(request.user)
    initial = {
        "email_kinds": [k for k in NOTIFICATION_KINDS if k not in preference.email_off],
        "daily_digest": preference.daily_digest,
    }
    form = NotificationPreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        notification_preferences_save(
            user=request.user,
            email_kinds=form.cleaned_data["email_kinds"],
            daily_digest=form.cleaned_data["daily_digest"],
        )
        messages.success(request, "Your notification preferences have been saved.")
        return redirect("notification_preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "has_email": bool(request.user.email)},
    )
