"""Forms check input and lay it out; services decide. Every field has a
visible label and its errors next to it (crispy-bootstrap5, form_tag=False)."""

from crispy_forms.layout import Column, Field, Row
from django import forms

from csoprogram.lib.forms import crispy_helper

from .models import Audience, CustomerType, FocusGroupSession, Sentiment, Theme
from .selectors import cso_choices, themes_usable_by
from .services import SESSION_FIELDS

_helper = crispy_helper


class FacilitatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class SessionForm(forms.ModelForm):
    class Meta:
        model = FocusGroupSession
        fields = list(SESSION_FIELDS)
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "audience": forms.RadioSelect,
            "status": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"audience": "Audience", "status": "Status"}
        help_texts = {
            "status": "Feedback is recorded once the session has been held.",
            "location": "For example: Fleet Management shop, 4301 Delaware Ave.",
        }

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"] = FacilitatorChoiceField(
            queryset=cso_choices(department=department),
            required=False,
            label="Facilitator",
            empty_label="Not recorded",
            help_text="A CSO of the department.",
        )
        if self.instance.pk and self.instance.facilitator_id:
            self.initial.setdefault("facilitator", self.instance.facilitator_id)
        self.fields["audience"].choices = Audience.choices
        self.fields["status"].choices = FocusGroupSession.Status.choices
        self.fields["participants"].min_value = 0
        self.helper = _helper(
            Row(
                Column("held_on", css_class="col-sm-6"),
                Column("participants", css_class="col-sm-6"),
            ),
            Row(Column("audience", css_class="col-sm-6"), Column("status", css_class="col-sm-6")),
            Row(
                Column("location", css_class="col-sm-6"),
                Column("facilitator", css_class="col-sm-6"),
            ),
            "notes",
        )


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label="Feedback",
        max_length=2000,
        error_messages={"required": "Write what the customer said."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="In the customer's words.",
    )
    sentiment = forms.ChoiceField(
        label="Sentiment",
        choices=[("", "Choose…"), *Sentiment.choices],
        error_messages={"required": "Choose the sentiment."},
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    possible_solution = forms.CharField(
        label="Possible solution",
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    customer_type = forms.ChoiceField(
        label="From",
        choices=CustomerType.choices,
        error_messages={"required": "Choose where the feedback came from."},
    )
    shared_with_csos = forms.BooleanField(
        label="Share with other CSOs",
        required=False,
        help_text="Other departments' CSOs may read it on the theme board.",
    )

    def __init__(self, *args, session, autofocus=False, entry=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        if entry:
            # The entry form in the browser names each submission, so that a
            # submission sent again (a retry, a reload) saves the item once.
            self.fields["client_token"] = forms.UUIDField(required=False, widget=forms.HiddenInput)
        # The browser checks the same before queueing a submission, and says
        # the same words next to the field.
        for name in ("text", "sentiment", "customer_type"):
            self.fields[name].widget.attrs["data-fg-missing"] = self.fields[name].error_messages[
                "required"
            ]
        self.fields["themes"].queryset = themes_usable_by(department=session.department)
        self.fields["themes"].label_from_instance = lambda t: (
            f"{t.name} (proposed)" if t.status == Theme.Status.PROPOSED else t.name
        )
        if session.audience == Audience.MIXED:
            self.fields["customer_type"].choices = [("", "Choose…"), *CustomerType.choices]
        if autofocus:
            self.fields["text"].widget.attrs["autofocus"] = True
            self.fields["text"].widget.attrs["data-fg-focus"] = ""
        self.helper = _helper(
            Field("text"),
            Row(
                Column("sentiment", css_class="col-sm-6"),
                Column("customer_type", css_class="col-sm-6"),
            ),
            Field("themes", template="focusgroups/partials/theme_checkboxes.html"),
            Field("possible_solution"),
            Field("shared_with_csos"),
        )


class ThemeForm(forms.Form):
    name = forms.CharField(label="Theme", max_length=80)
    description = forms.CharField(
        label="Description",
        max_length=300,
        required=False,
        help_text="Optional. What belongs here.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("name", "description")


class ProposeThemeForm(forms.Form):
    name = forms.CharField(
        label="New theme",
        max_length=80,
        help_text="Usable in your department at once; the Chief Customer Service Officer decides.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("name")


class MergeThemeForm(forms.Form):
    into = forms.ModelChoiceField(
        label="Merge into", queryset=Theme.objects.none(), empty_label="Choose a theme…"
    )

    def __init__(self, *args, theme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = Theme.objects.filter(status=Theme.Status.ACCEPTED).exclude(
            pk=theme.pk
        )
        self.fields["into"].widget.attrs["id"] = f"id_into_{theme.pk}"
        self.helper = _helper("into")
