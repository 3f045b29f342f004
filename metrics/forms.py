"""Forms of the metrics pages: validation and layout; the services decide."""

from types import SimpleNamespace

from django import forms

from csoprogram.lib import fiscal
from csoprogram.lib.forms import crispy_helper
from departments.models import DepartmentRole, User
from plans.models import AreaOfFocus
from plans.selectors import areas_metrics_may_measure

from .formatting import metric_format
from .locks import period_locked
from .models import VALUE_DIGITS, Metric, StarterMetric
from .rules import period_refusal
from .services import ANALYST_FIELDS
from .trajectory import quarter_target, trajectory

_helper = crispy_helper


class PeriodField(forms.CharField):
    """A fiscal quarter ("FY2027 Q1") or a month ("2026-07"), cleaned to the
    period (fiscal.Quarter or fiscal.Month)."""

    def __init__(self, *, quarters_only=False, **kwargs):
        self.quarters_only = quarters_only
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "help_text",
            "A fiscal quarter such as FY2027 Q1"
            if quarters_only
            else "FY2027 Q1, or 2026-07 for a month",
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            period = fiscal.parse_period(value)
        except fiscal.PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None
        if self.quarters_only and not isinstance(period, fiscal.Quarter):
            raise forms.ValidationError("Write a fiscal quarter, such as FY2027 Q1.")
        return period


def value_field(**kwargs) -> forms.DecimalField:
    return forms.DecimalField(**VALUE_DIGITS, **kwargs)


def analysts_of(department):
    return User.objects.filter(
        assignments__department=department, assignments__role=DepartmentRole.ANALYST
    ).distinct()


class MetricForm(forms.ModelForm):
    """A customer service metric. CSOs propose (no baseline, target or band);
    analysts set everything. On edit, a versioned change asks from when it applies."""

    baseline_period = PeriodField(label="Baseline period", required=False)
    target_period = PeriodField(label="Target period (reached by)", required=False)

    class Meta:
        model = Metric
        fields = [
            "name",
            "area_of_focus",
            "definition",
            "unit",
            "decimals",
            "direction",
            "frequency",
            "rollup",
            "data_source",
            *ANALYST_FIELDS,
        ]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, department, analyst: bool, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.department = department
        self.fields["area_of_focus"].queryset = areas_metrics_may_measure(department)
        self.fields["area_of_focus"].label = "Area of focus"
        self.fields["decimals"].required = False
        self.fields[
            "area_of_focus"
        ].help_text = "An area of focus of a customer service plan submitted for review."
        if analyst:
            self.fields["owner"].queryset = analysts_of(department)
        else:
            for name in ANALYST_FIELDS:
                del self.fields[name]
        if self.instance.pk:
            for name in ("baseline_period", "target_period"):
                day = getattr(self.instance, name)
                if name in self.fields and day:
                    self.initial[name] = fiscal.period_code(day, self.instance.frequency)
        if editing:
            self.fields["effective_from"] = PeriodField(
                label="A changed definition applies from",
                quarters_only=True,
                required=False,
                initial=fiscal.current_quarter().label,
            )
            self.fields["change_note"] = forms.CharField(
                label="What changed and why",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        frequency = data.get("frequency") or self.instance.frequency
        name = data.get("name") or self.instance.name or "This metric"
        for field_name in ("baseline_period", "target_period"):
            period = data.get(field_name)
            if period is None or frequency == fiscal.MONTHLY:
                continue  # a monthly metric may name a quarter or a month
            refusal = period_refusal(name=name, frequency=frequency, period=period, started=False)
            if refusal is not None:
                self.add_error(field_name, refusal.text)
        return data

    def metric_data(self) -> dict:
        data = {
            k: v for k, v in self.cleaned_data.items() if k not in ("effective_from", "change_note")
        }
        for name in ("baseline_period", "target_period"):
            if name in data:
                data[name] = data[name].start if data[name] else None
        if data.get("decimals") is None:
            data.pop("decimals", None)  # the model's default
        if "amber_band" in data and data["amber_band"] is None:
            data["amber_band"] = 0
        return data

    def _post_clean(self):
        # The service builds and validates the model; the form only parses.
        pass


class ValueForm(forms.Form):
    period = PeriodField(label="Period")
    value = value_field(label="Value")
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(
        label="Reason for a correction",
        required=False,
        help_text="Needed when the period already has a different value, or when its "
        "quarter is locked (the correction then waits for the Chief Customer Service "
        "Officer's approval).",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, metric: Metric, **kwargs):
        super().__init__(*args, **kwargs)
        self.metric = metric
        if metric.frequency == fiscal.MONTHLY:
            self.fields["period"].help_text = "A month, such as 2026-07"
        else:
            self.fields["period"].help_text = "A fiscal quarter, such as FY2027 Q1"
        if not self.is_bound and "period" not in self.initial:
            last = fiscal.last_completed_quarter()
            self.initial["period"] = (
                last.months()[-1].code if metric.frequency == fiscal.MONTHLY else last.label
            )
        self.fields["value"].label = f"Value ({metric.get_unit_display()})"
        self.helper = _helper()

    def clean_period(self):
        period = self.cleaned_data["period"]
        refusal = period_refusal(
            name=self.metric.name, frequency=self.metric.frequency, period=period
        )
        if refusal is not None:
            raise forms.ValidationError(refusal.text)
        return period


class GridForm(forms.Form):
    """A quarter's values for every metric of the department: one field for a
    quarterly metric, one per month for a monthly one."""

    reason = forms.CharField(
        label="Reason for corrections",
        required=False,
        help_text="Needed when you change a value already recorded.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, metrics, quarter: fiscal.Quarter, existing: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.quarter = quarter
        self.rows = []
        today = fiscal.today()
        for metric in metrics:
            if metric.frequency == fiscal.MONTHLY:
                periods = [(m.start, m.label) for m in quarter.months()]
            else:
                periods = [(quarter.start, quarter.label)]
            cells = []
            for start, label in periods:
                name = f"v_{metric.pk}_{start:%Y%m}"
                # A locked period is corrected on the value form, with approval.
                locked = period_locked(start)
                self.fields[name] = value_field(
                    label=f"{metric.name}, {label}",
                    required=False,
                    disabled=start > today or locked,
                    widget=forms.NumberInput(
                        attrs={
                            "class": "form-control grid-value",
                            "step": "any",
                            "inputmode": "decimal",
                        }
                    ),
                )
                current = existing.get((metric.pk, start))
                if current is not None:
                    self.initial[name] = f"{current.normalize():f}"
                cells.append(
                    {
                        "name": name,
                        "start": start,
                        "label": label,
                        "current": current,
                        "locked": locked,
                    }
                )
            self.rows.append({"metric": metric, "cells": cells})

    def bound_rows(self):
        for row in self.rows:
            yield {
                "metric": row["metric"],
                "cells": [dict(cell, field=self[cell["name"]]) for cell in row["cells"]],
            }

    def entries(self):
        """(metric, period_start, value) for every filled-in cell."""
        for row in self.rows:
            for cell in row["cells"]:
                value = self.cleaned_data.get(cell["name"])
                if value is not None:
                    yield row["metric"], cell["start"], value


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: metric, period, value, note. At most 5 MB and 20,000 rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class LibraryCopyForm(forms.Form):
    starters = forms.ModelMultipleChoiceField(
        label="Starter metrics to copy",
        queryset=StarterMetric.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    area_of_focus = forms.ModelChoiceField(
        label="Area of focus", queryset=AreaOfFocus.objects.none(), required=False
    )

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_of_focus"].queryset = areas_metrics_may_measure(department)
        self.helper = _helper()


class TrajectoryForm(forms.Form):
    """A metric's target for each quarter on its trajectory. An empty field
    follows the straight line from baseline to target (shown as placeholder)."""

    def __init__(self, *args, metric: Metric, **kwargs):
        super().__init__(*args, **kwargs)
        self.metric = metric
        self.points = trajectory(metric)
        hand_set = metric.interim_targets or {}
        for point in self.points:
            name = self.field_name(point.quarter)
            line = quarter_target(_without_hand_set(metric), point.quarter)
            self.fields[name] = value_field(
                label=f"Target for {point.quarter.label}",
                required=False,
                widget=forms.NumberInput(
                    attrs={
                        "step": "any",
                        "inputmode": "decimal",
                        "placeholder": "" if line is None else metric_format(line, metric),
                    }
                ),
            )
            if point.quarter.code in hand_set:
                self.initial[name] = hand_set[point.quarter.code]
        self.fields["effective_from"] = PeriodField(
            label="The new trajectory applies from",
            quarters_only=True,
            required=False,
            initial=fiscal.current_quarter().label,
        )
        self.fields["change_note"] = forms.CharField(
            label="What changed and why", widget=forms.Textarea(attrs={"rows": 2})
        )
        self.helper = _helper()

    @staticmethod
    def field_name(quarter: fiscal.Quarter) -> str:
        return f"target_{quarter.fiscal_year}_q{quarter.quarter}"

    def interim_targets(self) -> dict[str, str]:
        """Quarter code -> target, for the quarters set by hand (others interpolate).
        Targets set before for quarters outside the form are kept."""
        shown = {p.quarter.code for p in self.points}
        targets = {
            code: value
            for code, value in (self.metric.interim_targets or {}).items()
            if code not in shown
        }
        for point in self.points:
            value = self.cleaned_data.get(self.field_name(point.quarter))
            if value is not None:
                targets[point.quarter.code] = value
        return targets


def _without_hand_set(metric: Metric):
    """The metric as its straight line would be: no quarter set by hand."""
    fields = ("baseline_value", "baseline_period", "target_value", "target_period")
    return SimpleNamespace(**{f: getattr(metric, f) for f in fields}, interim_targets={})


class CorrectionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve"), ("reject", "Do not approve")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="Note to the person who asked", required=False, max_length=2000)
