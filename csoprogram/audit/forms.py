"""The audit page's filters."""

from django import forms

from csoprogram.lib.forms import crispy_helper
from departments.models import Department, User

from .selectors import KIND_CHOICES, AuditFilter


class AuditFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        label="Department",
        required=False,
        queryset=Department.objects.order_by("name"),
        empty_label="Every department",
    )
    person = forms.ModelChoiceField(
        label="Person",
        required=False,
        queryset=User.objects.order_by("last_name", "first_name", "username"),
        empty_label="Anyone",
    )
    kind = forms.ChoiceField(label="Kind of record", required=False, choices=KIND_CHOICES)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()

    def audit_filter(self) -> AuditFilter:
        """The valid filters (one that is not valid is ignored, and shown as an error)."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return AuditFilter(
            department=data.get("department"),
            person=data.get("person"),
            kind=data.get("kind") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
