from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm


class _Crispy:
    def _helper(self):
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ApiTokenForm(_Crispy, forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What uses it, so you recognise it later: “Quarterly values upload”.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class ResetRequestForm(_Crispy, PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Your e-mail address"
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "autofocus": True})
        self._helper()


class ChoosePasswordForm(_Crispy, SetPasswordForm):
    """Set a password from an invitation or a reset link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Choose a password"
        self.fields["new_password2"].label = "The same password again"
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"
        self._helper()
