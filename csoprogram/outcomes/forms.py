"""The outcomes dashboard's filters (read from the query string)."""

from django import forms

from metrics.models import Status

from ..stage import STAGE_CHOICES

STATUS_CHOICES = [("", "Any metric status")] + [
    (s.value, f"A metric {s.label.lower()}") for s in (Status.RED, Status.AMBER, Status.GREEN)
]


class DashboardFilterForm(forms.Form):
    stage = forms.ChoiceField(label="Stage", required=False, choices=STAGE_CHOICES)
    status = forms.ChoiceField(label="Metric status", required=False, choices=STATUS_CHOICES)
    # The program meeting whose agenda orders the cards (kept by the filter form).
    meeting = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )

    def options(self) -> dict:
        """Keyword arguments of outcomes_dashboard: each filter that is valid
        (a field that is not is ignored, the others still apply)."""
        data = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data keeps the fields that are valid
            data = self.cleaned_data
        return {
            "meeting_id": data.get("meeting"),
            "stage": data.get("stage") or "",
            "status": data.get("status") or "",
        }
