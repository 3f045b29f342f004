from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from departments.models import User


class LoginForm(AuthenticationForm):
    """The login form; fields get autocomplete hints for password managers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        # AuthenticationForm sets max_length after the field is built, so the
        # limit is not enforced; without it an over-long name reaches the
        # lockout table (varchar 255) and fails there instead of here.
        username.validators.append(MaxLengthValidator(username.max_length))
        username.widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.sso_only:
            # Their password is unusable; this catches one set in the admin.
            raise forms.ValidationError(
                "You sign in with single sign-on: use the button below.", code="sso_only"
            )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "reminders_by_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
