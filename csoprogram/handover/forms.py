"""The hand-over form: what to hand over (everything, ticked) and to whom."""

from django import forms

from csoprogram.lib.forms import CrispyMixin


class HandOverForm(CrispyMixin, forms.Form):
    items = forms.MultipleChoiceField(
        label="What to hand over",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one thing to hand over."},
    )
    successor = forms.ModelChoiceField(
        label="Successor",
        queryset=None,
        empty_label="Choose the person who takes it over",
        help_text="Everything ticked goes to this person in one step.",
    )

    def __init__(self, *args, groups, successors, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(i.key, f"{g.heading}: {i.label}") for g in groups for i in g.items]
        self.fields["items"].choices = choices
        self.fields["items"].initial = [key for key, _ in choices]
        self.fields["successor"].queryset = successors
