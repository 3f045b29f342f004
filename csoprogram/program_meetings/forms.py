"""Forms of program meetings: validation and layout only; the views hand
cleaned_data to the services."""

from django import forms

from csoprogram.lib.forms import CrispyMixin
from departments.models import Department

from ..models import ProgramActionItem, ProgramMeeting


class ProgramMeetingForm(CrispyMixin, forms.ModelForm):
    departments = forms.ModelMultipleChoiceField(
        label="Departments presenting",
        queryset=Department.objects.filter(active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="They present in alphabetical order; change the order on the meeting's page.",
    )

    class Meta:
        model = ProgramMeeting
        fields = ["kind", "title", "date", "attendees", "notes"]
        labels = {"kind": "Kind of meeting", "title": "Title (optional)"}
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "attendees": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }


class ActionItemForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = ProgramActionItem
        fields = ["what", "owner", "due", "department"]
        widgets = {
            "what": forms.Textarea(attrs={"rows": 2}),
            "due": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = meeting.departments.order_by("name")
        self.fields["department"].empty_label = "The whole program"
