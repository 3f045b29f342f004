"""The one error a program rule raises when it refuses an action.

A RuleError says which rule refused (`rule`) and what would satisfy it
(`remedy`), both in words a person reads as they are. It is a Django
ValidationError, so a form shows it next to `field` (or at the top of the form
when no field is named), the API answers it as a 400 (409 for a conflict), and
pages without a form show it as a message: see csoprogram.lib.forms.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class RuleError(ValidationError):
    """A program rule refused the action.

    code: "rule" (the request breaks a rule: 400 in the API) or "conflict"
    (the record changed or is locked meanwhile: 409 in the API).
    """

    def __init__(
        self,
        rule: str,
        remedy: str = "",
        *,
        field: str | None = None,
        code: str = "rule",
        also: Iterable[RuleError] = (),
    ):
        self.rule = rule
        self.remedy = remedy
        self.field = field
        self.rule_code = code
        self.parts: list[RuleError] = [self, *also]
        if len(self.parts) == 1 and field is None:
            super().__init__(self.text_of_one, code=code)
            return
        by_field: dict[str, list[ValidationError]] = {}
        for part in self.parts:
            by_field.setdefault(part.field or NON_FIELD_ERRORS, []).append(
                ValidationError(part.text_of_one, code=code)
            )
        super().__init__(by_field)

    @property
    def text_of_one(self) -> str:
        return f"{self.rule} {self.remedy}".strip()

    @property
    def text(self) -> str:
        """Every refusal in one line, for a page that shows it as a message."""
        return " ".join(p.text_of_one for p in self.parts)

    def __str__(self) -> str:
        return self.text


def rule_errors_raise(errors: list[RuleError]) -> None:
    """Raise every refusal at once (several fields of one form), or nothing."""
    if errors:
        first, *rest = errors
        raise RuleError(
            first.rule, first.remedy, field=first.field, code=first.rule_code, also=rest
        )
