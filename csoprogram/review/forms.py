"""The program review's filters and sort order (read from the query string)."""

from django import forms

from ..stage import STAGE_CHOICES

SORT_CHOICES = [
    ("department", "Department"),
    ("stage", "Stage"),
    ("flags", "Most reasons for attention"),
    ("plan_days", "Days in plan status"),
    ("red", "Metrics off target"),
    ("overdue", "Overdue commitments"),
    ("impediments", "Open impediments"),
    ("freshness", "Data freshness (lowest first)"),
]


class ReviewFilterForm(forms.Form):
    stage = forms.ChoiceField(label="Stage", required=False, choices=STAGE_CHOICES)
    overdue = forms.BooleanField(label="Overdue commitments", required=False)
    red = forms.BooleanField(label="Metrics off target", required=False)
    stale = forms.BooleanField(label="No recent activity", required=False)
    flagged = forms.BooleanField(label="Needs attention", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)

    def options(self) -> dict:
        """The filters and sort as keyword arguments of filter_and_sort_review:
        each one that is valid (a field that is not is ignored)."""
        data = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data keeps the fields that are valid
            data = self.cleaned_data
        return {
            "stage": data.get("stage") or "",
            "overdue": data.get("overdue", False),
            "red": data.get("red", False),
            "stale": data.get("stale", False),
            "flagged": data.get("flagged", False),
            "sort": data.get("sort") or "department",
        }
