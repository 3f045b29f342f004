"""The CSO's request to publish: which customer service metrics to show."""

from django import forms

from csoprogram.lib.forms import CrispyMixin
from metrics.models import Metric


class PublicationForm(CrispyMixin, forms.Form):
    metrics = forms.ModelMultipleChoiceField(
        label="Customer service metrics to publish",
        queryset=Metric.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metrics"].queryset = Metric.objects.filter(
            department=department, active=True
        ).order_by("name")
