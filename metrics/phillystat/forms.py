"""Forms of the PhillyStat pages."""

from django import forms

from csoprogram.lib.forms import crispy_helper
from departments.models import User

from ..forms import analysts_of
from .models import CommitmentStatus
from .permissions import commitment_owners

_helper = crispy_helper


class MeetingYearForm(forms.Form):
    """Schedule a fiscal year's four PhillyStat meetings at once."""

    fiscal_year = forms.IntegerField(label="Fiscal year", min_value=2000, max_value=2100)
    q1, q2, q3, q4 = (
        forms.DateField(
            label=f"Q{q} meeting date",
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}),
        )
        for q in (1, 2, 3, 4)
    )
    analyst = forms.ModelChoiceField(
        label="PhillyStat analyst", queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["analyst"].queryset = analysts_of(department)
        self.helper = _helper()

    def dates(self) -> dict[int, object]:
        return {q: self.cleaned_data.get(f"q{q}") for q in (1, 2, 3, 4)}

    def clean(self):
        data = super().clean()
        if not any(data.get(f"q{q}") for q in (1, 2, 3, 4)):
            raise forms.ValidationError("Give at least one meeting date.")
        return data


class MeetingForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.CharField(
        label="Attendees", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    analyst = forms.ModelChoiceField(
        label="PhillyStat analyst", queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["analyst"].queryset = analysts_of(department)
        self.helper = _helper()


class NarrativeForm(forms.Form):
    what_changed = forms.CharField(
        label="What changed this quarter", widget=forms.Textarea(attrs={"rows": 4})
    )
    impediments = forms.CharField(
        label="Impediments",
        required=False,
        help_text="Pushback, lack of resources, anything in the way.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, lines, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if locked:
            self.fields["reason"] = forms.CharField(
                label="Reason for the correction",
                help_text="The PhillyStat meeting has been held: the change is applied once "
                "the Chief Customer Service Officer approves it.",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.note_fields = []
        for line in lines:
            metric = line["metric"]
            name = f"note_{metric.pk}"
            label = f"Note on {metric.name}"
            if line["any_red"]:
                label += " (required: off target this quarter)"
            self.fields[name] = forms.CharField(
                label=label,
                required=line["any_red"],
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=line["note"],
            )
            self.note_fields.append((metric.pk, name))
        self.helper = _helper()

    def notes(self) -> dict[int, str]:
        return {pk: self.cleaned_data.get(name, "") for pk, name in self.note_fields}


class CommitmentForm(forms.Form):
    """Record or edit a commitment: what, who owns it, by when."""

    what = forms.CharField(label="Commitment", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=User.objects.none(),
        error_messages={
            "invalid_choice": "A commitment is owned by the department's CSO, head or "
            "PhillyStat analyst, or by the Chief Customer Service Officer. "
            "Choose one from the list."
        },
    )
    due = forms.DateField(label="Due date", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, department, **kwargs):
        kwargs.setdefault("auto_id", "commitment_%s")
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = commitment_owners(department)
        self.helper = _helper()


class CommitmentCloseForm(forms.Form):
    """Mark a commitment done with a note (its owner), or drop it (the analyst
    or the CCSO, saying why)."""

    status = forms.ChoiceField(
        label="Close as",
        choices=[(CommitmentStatus.DONE, "Done"), (CommitmentStatus.DROPPED, "Dropped")],
        initial=CommitmentStatus.DONE,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        help_text="What was done, or why it is dropped.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, can_drop: bool, **kwargs):
        kwargs.setdefault("auto_id", "close_%s")
        super().__init__(*args, **kwargs)
        if not can_drop:
            self.fields["status"].choices = [(CommitmentStatus.DONE, "Done")]
            self.fields["status"].widget = forms.HiddenInput()
        self.helper = _helper()
