"""Form plumbing shared by every app: the crispy layout helper (templates own
the <form> tag and the CSRF token) and how a refused rule lands on a form."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def crispy_helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


class CrispyMixin:
    """Gives a form `self.helper` without a <form> tag."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper()


def form_add_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal (a RuleError, or any ValidationError) next to
    the field it names, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            known = name in form.fields and name != NON_FIELD_ERRORS
            form.add_error(name if known else None, errors)
    else:
        form.add_error(None, error)


def form_submit(form: forms.BaseForm, action):
    """Hand a valid form's cleaned_data to a service: `action(cleaned_data)`.
    Returns what the service returns, or None when the form is invalid or the
    service refused (its refusal is then on the form, next to the field)."""
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as error:
        form_add_error(form, error)
        return None
