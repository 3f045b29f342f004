"""The theme board's filters: department, audience, sentiment, fiscal year and
quarter (or dates), only feedback with a possible solution, and words to search."""

from crispy_forms.layout import Column, Row
from django import forms

from csoprogram.lib import fiscal
from csoprogram.lib.forms import crispy_helper
from departments.models import Department

from .board import BoardFilters
from .models import CustomerType, Sentiment

QUARTERS = [("", "Whole year"), ("1", "Q1"), ("2", "Q2"), ("3", "Q3"), ("4", "Q4")]


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class BoardFilterForm(forms.Form):
    q = forms.CharField(
        label="Search feedback and possible solutions",
        required=False,
        max_length=200,
        help_text='For example: wait times, "permit tracker", -parking',
    )
    department = DepartmentChoiceField(
        label="Department",
        required=False,
        empty_label="All departments",
        queryset=Department.objects.filter(active=True).order_by("name"),
    )
    audience = forms.ChoiceField(
        label="From", required=False, choices=[("", "All customers"), *CustomerType.choices]
    )
    sentiment = forms.ChoiceField(
        label="Sentiment", required=False, choices=[("", "All feedback"), *Sentiment.choices]
    )
    fiscal_year = forms.TypedChoiceField(
        label="Fiscal year", required=False, coerce=int, empty_value=None
    )
    quarter = forms.TypedChoiceField(
        label="Quarter", required=False, choices=QUARTERS, coerce=int, empty_value=None
    )
    date_from = forms.DateField(
        label="Held from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Held until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    with_solution = forms.BooleanField(
        label="Only feedback with a possible solution", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = fiscal.current_program_year()
        self.fields["fiscal_year"].choices = [("", "Any year")] + [
            (str(y), f"FY{y}") for y in range(this_year, this_year - 6, -1)
        ]
        self.helper = crispy_helper(
            Row(
                Column("q", css_class="col-12 col-lg-6"),
                Column("department", css_class="col-12 col-md-6 col-lg-6"),
            ),
            Row(
                Column("audience", css_class="col-6 col-md-3"),
                Column("sentiment", css_class="col-6 col-md-3"),
                Column("fiscal_year", css_class="col-6 col-md-3"),
                Column("quarter", css_class="col-6 col-md-3"),
            ),
            Row(
                Column("date_from", css_class="col-6 col-md-3"),
                Column("date_to", css_class="col-6 col-md-3"),
                Column("with_solution", css_class="col-12 col-md-6 pt-md-4"),
            ),
        )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        if data.get("quarter") and not data.get("fiscal_year"):
            self.add_error("quarter", "Choose the fiscal year of the quarter.")
        return data

    def filters(self) -> BoardFilters:
        """The valid filters (none while the form is unbound or invalid)."""
        if not (self.is_bound and self.is_valid()):
            return BoardFilters()
        d = self.cleaned_data
        return BoardFilters(
            department_id=d["department"].pk if d.get("department") else None,
            audience=d.get("audience") or None,
            sentiment=d.get("sentiment") or None,
            fiscal_year=d.get("fiscal_year"),
            quarter=d.get("quarter"),
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
            with_solution=bool(d.get("with_solution")),
            q=(d.get("q") or "").strip(),
        )
