from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from departments.models import User

from .models import TrainingModule, TrainingSession


class _Crispy:
    def _helper(self):
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ModuleForm(_Crispy, forms.ModelForm):
    materials_url = forms.URLField(
        label="Link to the materials",
        required=False,
        assume_scheme="https",
        help_text="Slides, handbook or recording, e.g. on the city's intranet.",
    )

    class Meta:
        model = TrainingModule
        fields = ["title", "description", "materials_url", "required", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "materials_url": "Slides, handbook or recording, e.g. on the city's intranet."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class SessionForm(_Crispy, forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["starts_at", "online", "place", "facilitator"]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            )
        }
        labels = {"online": "Held online"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self._helper()


class CompletionForm(_Crispy, forms.Form):
    user = forms.ModelChoiceField(
        label="Customer Service Officer", queryset=User.objects.none(), empty_label="Choose a CSO"
    )
    completed_on = forms.DateField(
        label="Completed on", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, cso_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(pk__in=list(cso_ids))
        self.initial.setdefault("completed_on", timezone.localdate())
        self._helper()

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("A completion date cannot be in the future.")
        return value
