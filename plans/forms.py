"""Forms: validation and layout only. Views hand cleaned_data to services."""

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.utils import timezone

from focusgroups.models import FeedbackItem, Theme

from .models import AreaOfFocus, CommentField, CustomerServicePlan, Impediment, Success


class _Crispy:
    """crispy-bootstrap5 layout without a <form> tag: templates own the form."""

    def _helper(self):
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def _rows(n):
    return forms.Textarea(attrs={"rows": n})


class PlanForm(_Crispy, forms.ModelForm):
    # The version the person opened; a save naming an older one is a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = CustomerServicePlan
        fields = ["mission", "vision", "strengths", "opportunities", "sustainability"]
        labels = {
            "mission": "Mission statement",
            "vision": "Vision statement",
            "strengths": "Strengths",
            "opportunities": "Opportunities",
            "sustainability": "How the department will sustain the change",
        }
        help_texts = {
            "mission": "What the department does for its customers, in a sentence or two.",
            "vision": "Where the department's customer service is going. For example: "
            "“At the Office of Fleet Management, our vision is to deliver top quality "
            "service to our customers on time, every time.”",
            "strengths": "What customers told you the department does well.",
            "opportunities": "What customers told you could be better.",
        }
        widgets = {
            "mission": _rows(3),
            "vision": _rows(3),
            "strengths": _rows(5),
            "opportunities": _rows(5),
            "sustainability": _rows(4),
        }

    def __init__(self, *args, suggestion=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()
        if not self.is_bound:
            self.initial.setdefault("version", self.instance.version)
        self.suggested = []
        # Strengths and opportunities start as a suggestion drawn from the
        # focus-group feedback, editable, until the CSO saves their own text.
        for name, text in (suggestion or {}).items():
            if name in self.fields and not self.is_bound and not self.initial.get(name):
                self.initial[name] = text
                self.suggested.append(name)


class AreaOfFocusForm(_Crispy, forms.ModelForm):
    class Meta:
        model = AreaOfFocus
        fields = ["title", "description", "year", "status", "themes", "feedback_items"]
        labels = {
            "title": "Area of focus",
            "description": "Description",
            "year": "Year of the plan",
            "themes": "Feedback themes it answers",
            "feedback_items": "Specific feedback it answers (optional)",
        }
        help_texts = {
            "title": "One realistic but impactful area for the year.",
            "year": "Year 1 for the first area of focus; year 2 once year one has shown progress.",
            "themes": "Choose one or more themes from the focus groups.",
        }
        widgets = {
            "description": _rows(4),
            "themes": forms.CheckboxSelectMultiple,
            "feedback_items": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()
        self.fields["themes"].required = True
        self.fields["themes"].queryset = Theme.objects.filter(
            Q(status=Theme.Status.ACCEPTED) | Q(proposed_for=department, status="proposed")
        ).order_by("name")
        self.fields["feedback_items"].queryset = FeedbackItem.objects.filter(
            department=department
        ).order_by("-created_at")
        self.fields["feedback_items"].label_from_instance = lambda item: (
            f"“{item.text[:140]}” ({item.get_sentiment_display().lower()})"
        )
        self.fields["year"].widget.attrs["min"] = 1
        # Withdrawing has its own button, which asks why.
        self.fields["status"].choices = [
            c for c in AreaOfFocus.Status.choices if c[0] != AreaOfFocus.Status.WITHDRAWN
        ]


class WithdrawAreaForm(_Crispy, forms.Form):
    reason = forms.CharField(
        label="Why the area of focus is withdrawn",
        widget=_rows(3),
        help_text="Kept in the plan's history, with who and when.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class RequestChangesForm(_Crispy, forms.Form):
    field = forms.ChoiceField(
        label="About", choices=CommentField.choices, required=False, initial=""
    )
    comment = forms.CharField(
        label="What should change",
        widget=_rows(5),
        help_text="The CSO sees this next to the part of the plan it is about.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class ApproveForm(_Crispy, forms.Form):
    comment = forms.CharField(label="Note to the CSO (optional)", widget=_rows(3), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class EndorseForm(_Crispy, forms.Form):
    note = forms.CharField(label="Note (optional)", widget=_rows(2), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class CommentForm(_Crispy, forms.Form):
    field = forms.ChoiceField(
        label="About", choices=CommentField.choices, required=False, initial=""
    )
    body = forms.CharField(label="Comment", widget=_rows(3))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class CommentEditForm(_Crispy, forms.Form):
    body = forms.CharField(label="Comment", widget=_rows(3))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class ConfirmProgressForm(_Crispy, forms.Form):
    note = forms.CharField(
        label="Why progress is confirmed",
        widget=_rows(4),
        help_text="For example what the CSO showed at the PhillyStat meeting.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class CompareVersionsForm(forms.Form):
    older = forms.TypedChoiceField(label="From version", coerce=int)
    newer = forms.TypedChoiceField(label="To version", coerce=int)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (
                v.history_id,
                f"v{v.version} · {timezone.localtime(v.history_date):%b %-d, %Y %H:%M} · "
                f"{v.history_user or 'system'}",
            )
            for v in versions
        ]
        self.fields["older"].choices = choices
        self.fields["newer"].choices = choices


class ImpedimentForm(_Crispy, forms.ModelForm):
    class Meta:
        model = Impediment
        fields = ["kind", "description", "support_requested", "who_can_help"]
        labels = {
            "kind": "Kind of impediment",
            "description": "What is in the way",
            "support_requested": "Support requested",
            "who_can_help": "Who can help",
        }
        widgets = {"description": _rows(3), "support_requested": _rows(2)}

    def __init__(self, *args, **kwargs):
        # Three forms share the change-record page and a "description" field:
        # element ids must differ (names stay plain).
        kwargs.setdefault("auto_id", "impediment_%s")
        super().__init__(*args, **kwargs)
        self._helper()


class ResolveImpedimentForm(_Crispy, forms.Form):
    resolution = forms.CharField(label="How it was resolved", widget=_rows(2))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class SupportForm(_Crispy, forms.Form):
    description = forms.CharField(label="Support given", widget=_rows(3))
    impediment = forms.ModelChoiceField(
        label="For the impediment (optional)", queryset=Impediment.objects.none(), required=False
    )
    success = forms.ModelChoiceField(
        label="For the success (optional)", queryset=Success.objects.none(), required=False
    )

    def __init__(self, *args, department, **kwargs):
        # Three forms share the change-record page and a "description" field:
        # element ids must differ (names stay plain).
        kwargs.setdefault("auto_id", "support_%s")
        super().__init__(*args, **kwargs)
        self._helper()
        self.fields["impediment"].queryset = Impediment.objects.filter(department=department)
        self.fields["success"].queryset = Success.objects.filter(department=department)


class SuccessForm(_Crispy, forms.ModelForm):
    class Meta:
        model = Success
        fields = ["title", "happened_on", "description"]
        labels = {
            "title": "Success to celebrate",
            "happened_on": "When",
            "description": "What happened",
        }
        widgets = {"happened_on": forms.DateInput(attrs={"type": "date"}), "description": _rows(3)}

    def __init__(self, *args, **kwargs):
        # Three forms share the change-record page and a "description" field:
        # element ids must differ (names stay plain).
        kwargs.setdefault("auto_id", "success_%s")
        super().__init__(*args, **kwargs)
        self._helper()
