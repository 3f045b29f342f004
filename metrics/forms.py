from crispy_forms.helper import FormHelper
from django import forms

from departments.models import DepartmentRole, User
from plans.models import AreaOfFocus

from . import fiscal
from .models import VALUE_DIGITS, Metric, StarterMetric


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


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


def _analysts(department):
    return User.objects.filter(
        assignments__department=department, assignments__role=DepartmentRole.ANALYST
    ).distinct()


class MetricForm(forms.ModelForm):
    """A customer service metric. CSOs propose (no baseline, target or band);
    analysts set everything. On edit, a versioned change asks from when it applies."""

    ANALYST_ONLY = (
        "baseline_value",
        "baseline_period",
        "target_value",
        "target_period",
        "amber_band",
        "owner",
    )

    baseline_period = PeriodField(label="Baseline period", required=False)
    target_period = PeriodField(label="Target period (reached by)", required=False)

    class Meta:
        model = Metric
        fields = [
            "name",
            "area_of_focus",
            "definition",
            "unit",
            "direction",
            "frequency",
            "rollup",
            "data_source",
            "baseline_value",
            "baseline_period",
            "target_value",
            "target_period",
            "amber_band",
            "owner",
        ]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, department, analyst: bool, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.department = department
        self.fields["area_of_focus"].queryset = AreaOfFocus.objects.filter(department=department)
        self.fields["area_of_focus"].label = "Area of focus"
        if analyst:
            self.fields["owner"].queryset = _analysts(department)
        else:
            for name in self.ANALYST_ONLY:
                del self.fields[name]
        if self.instance.pk:
            for name in ("baseline_period", "target_period"):
                day = getattr(self.instance, name)
                if name in self.fields and day:
                    self.initial[name] = fiscal.period_code(day, self.instance.frequency)
        if editing:
            self.fields["effective_from"] = PeriodField(
                label="A changed definition, unit, direction, target or band applies from",
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
        for name in ("baseline_period", "target_period"):
            period = data.get(name)
            if period is None:
                continue
            if frequency == fiscal.QUARTERLY and not isinstance(period, fiscal.Quarter):
                self.add_error(name, "This metric is quarterly: write a fiscal quarter, FY2027 Q1.")
        return data

    def metric_data(self) -> dict:
        data = {
            k: v for k, v in self.cleaned_data.items() if k not in ("effective_from", "change_note")
        }
        for name in ("baseline_period", "target_period"):
            if name in data:
                data[name] = data[name].start if data[name] else None
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
        help_text="Needed when the period already has a different value.",
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
        if self.metric.frequency == fiscal.MONTHLY and not isinstance(period, fiscal.Month):
            raise forms.ValidationError("This metric is monthly: write a month, such as 2026-07.")
        if self.metric.frequency == fiscal.QUARTERLY and not isinstance(period, fiscal.Quarter):
            raise forms.ValidationError("This metric is quarterly: write FY2027 Q1.")
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
                self.fields[name] = value_field(
                    label=f"{metric.name}, {label}",
                    required=False,
                    disabled=start > today,
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
                cells.append({"name": name, "start": start, "label": label, "current": current})
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
        self.fields["area_of_focus"].queryset = AreaOfFocus.objects.filter(department=department)
        self.helper = _helper()


class MeetingYearForm(forms.Form):
    """Schedule a fiscal year's four PhillyStat meetings at once."""

    fiscal_year = forms.IntegerField(label="Fiscal year", min_value=2000, max_value=2100)
    q1 = forms.DateField(
        label="Q1 meeting date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q2 = forms.DateField(
        label="Q2 meeting date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q3 = forms.DateField(
        label="Q3 meeting date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q4 = forms.DateField(
        label="Q4 meeting date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    analyst = forms.ModelChoiceField(
        label="PhillyStat analyst", queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["analyst"].queryset = _analysts(department)
        self.helper = _helper()

    def dates(self) -> dict[int, object]:
        return {q: self.cleaned_data.get(f"q{q}") for q in (1, 2, 3, 4)}

    def clean(self):
        data = super().clean()
        if not any(data.get(f"q{q}") for q in (1, 2, 3, 4)):
            raise forms.ValidationError("Give at least one meeting date.")
        return data


def suggested_meeting_dates(fiscal_year: int) -> dict[str, object]:
    """Each quarter's meeting in the third week of the month after it ends, on a Wednesday."""
    import datetime

    result = {}
    for q in fiscal.fiscal_year_quarters(fiscal_year):
        nxt = q.next().start
        day = nxt + datetime.timedelta(days=14)
        day += datetime.timedelta(days=(2 - day.weekday()) % 7)
        result[f"q{q.quarter}"] = day
    return result


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
        self.fields["analyst"].queryset = _analysts(department)
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

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
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
    what = forms.CharField(label="Commitment", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label="Owner", max_length=200)
    due = forms.DateField(label="Due date", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
