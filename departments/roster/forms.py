"""Roster forms: validation and layout only; views hand cleaned_data to services."""

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings

from departments import roles
from departments.models import Department, DepartmentRole


class _Crispy:
    def _helper(self):
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


ROLE_CHOICES = [("", "Choose a role")] + list(DepartmentRole.choices)
PROGRAM_ROLE_CHOICES = [
    ("", "None"),
    (roles.CCSO_GROUP, "Chief Customer Service Officer"),
    (roles.MDO_GROUP, "Managing Director's Office"),
]
SSO_ONLY_HELP = (
    "They sign in with the city's single sign-on and have no password here. Leave unticked "
    "to let them choose a password as well."
)


def _active_departments():
    return Department.objects.filter(active=True).order_by("name")


class InviteForm(_Crispy, forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="The invitation goes to this address; it is also how single sign-on "
        "recognises them.",
    )
    department = forms.ModelChoiceField(
        label="Department",
        queryset=Department.objects.none(),
        required=False,
        empty_label="No department role",
    )
    role = forms.ChoiceField(label="Role in the department", choices=ROLE_CHOICES, required=False)
    program_role = forms.ChoiceField(
        label="Program role", choices=PROGRAM_ROLE_CHOICES, required=False
    )
    sso_only = forms.BooleanField(
        label="Signs in with single sign-on only", required=False, help_text=SSO_ONLY_HELP
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _active_departments()
        if not settings.OIDC_RP_CLIENT_ID:
            del self.fields["sso_only"]
        self._helper()

    def clean(self):
        data = super().clean()
        if bool(data.get("department")) != bool(data.get("role")):
            missing = "role" if data.get("department") else "department"
            self.add_error(missing, "Choose both a department and a role, or neither.")
        return data


class PersonForm(_Crispy, forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(label="E-mail address", max_length=254)
    sso_only = forms.BooleanField(
        label="Signs in with single sign-on only", required=False, help_text=SSO_ONLY_HELP
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class AssignmentForm(_Crispy, forms.Form):
    department = forms.ModelChoiceField(
        label="Department", queryset=Department.objects.none(), empty_label="Choose a department"
    )
    role = forms.ChoiceField(label="Role", choices=ROLE_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _active_departments()
        self._helper()


class ProgramRolesForm(_Crispy, forms.Form):
    ccso = forms.BooleanField(label="Chief Customer Service Officer", required=False)
    mdo = forms.BooleanField(
        label="Managing Director's Office (reads every department)", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class DepartmentForm(_Crispy, forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, help_text="In full, e.g. Office of Fleet Management."
    )
    short_name = forms.CharField(
        label="Short name",
        max_length=60,
        required=False,
        help_text="Used in tables and menus, e.g. Fleet Management.",
    )
    slug = forms.SlugField(
        label="Web address name",
        max_length=60,
        required=False,
        help_text="Letters, numbers and hyphens, e.g. fleet. Left empty, it is made from the "
        "short name. It cannot be changed later.",
    )

    def __init__(self, *args, rename=False, **kwargs):
        super().__init__(*args, **kwargs)
        if rename:
            del self.fields["slug"]
        self._helper()
