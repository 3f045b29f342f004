"""Forms of the PhillyStat pages."""

from django import forms

from csoprogram.lib.forms import crispy_helper
from departments.models import User
from plans.models import ImpedimentKind

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
    # Raise a new impediment (a plans.Impediment record) with the narrative.
    impediment_description = forms.CharField(
        label="New impediment: what is in the way",
        required=False,
        help_text="Pushback, lack of resources, anything in the way that is not listed above. "
        "Leave empty if there is nothing new.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    impediment_kind = forms.ChoiceField(
        label="Kind of impediment",
        choices=ImpedimentKind.choices,
        initial=ImpedimentKind.OTHER,
        required=False,
    )
    impediment_support = forms.CharField(
        label="Support requested",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
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
        # The new impediment comes last, after the notes on metrics.
        self.order_fields([f for f in self.fields if not f.startswith("impediment_")])
        self.helper = _helper()

    def notes(self) -> dict[int, str]:
        return {pk: self.cleaned_data.get(name, "") for pk, name in self.note_fields}

    def new_impediment(self) -> dict | None:
        description = (self.cleaned_data.get("impediment_description") or "").strip()
        if not description:
            return None
        return {
            "kind": self.cleaned_data.get("impediment_kind") or ImpedimentKind.OTHER,
            "description": description,
            "support_requested": self.cleaned_data.get("impediment_support", ""),
        }


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


class FollowUpMemoForm(forms.Form):
    """The draft follow-up memo: attendance, what was said about each metric,
    other notes."""

    attendance = forms.CharField(
        label="Attendance",
        required=False,
        help_text="Who attended. People named here (or their role: CSO, department head, "
        "analyst, CCSO) receive the memo, with the owners of the commitments.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    other_notes = forms.CharField(
        label="Other notes", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, discussion: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.note_fields = []
        for item in discussion:
            name = f"discussed_{item['metric_id']}"
            self.fields[name] = forms.CharField(
                label=f"What was discussed: {item['metric']}",
                help_text=f"{item['value']}"
                + (f" ({item['status']})" if item.get("status") else "")
                + (f", target {item['target']}" if item.get("target") else ""),
                required=False,
                initial=item.get("note", ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.note_fields.append((item["metric_id"], name))
        self.order_fields(["attendance", *[n for _, n in self.note_fields], "other_notes"])
        self.helper = _helper()

    def notes(self) -> dict[int, str]:
        return {pk: self.cleaned_data.get(name, "") for pk, name in self.note_fields}
