"""The hand-over: what a person owns goes to a successor in one step, in one
transaction (all of it or none), recorded in both people's history; and no
one is deactivated while they still own anything."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from departments.models import User

from .providers import PROVIDERS
from .selectors import owned_by_person, owned_summary

# django-simple-history keeps a change reason of up to 100 characters.
REASON_LENGTH = 100


def _reason(text: str) -> str:
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


def person_hand_over(*, actor: User, person: User, successor: User, keys: list[str]) -> int:
    """Hand the person's items `keys` ("<kind>:<pk>", from owned_by_person) to
    the successor. Returns how many were handed over."""
    if successor.pk == person.pk:
        raise ValidationError({"successor": "Choose someone else to take the work over."})
    if not successor.is_active:
        raise ValidationError({"successor": f"{successor} is deactivated: choose someone active."})
    wanted: dict[str, list[int]] = {}
    for key in keys:
        kind, _, pk = key.partition(":")
        if pk.isdigit():
            wanted.setdefault(kind, []).append(int(pk))
    handed = 0
    with transaction.atomic():
        for provider in PROVIDERS:
            if wanted.get(provider.kind):
                handed += provider.hand_over(
                    actor=actor, person=person, successor=successor, pks=wanted[provider.kind]
                )
        if handed:
            User.history.bulk_history_create(
                [person],
                update=True,
                default_user=actor,
                default_change_reason=_reason(f"Handed {handed} item(s) over to {successor}"),
            )
            User.history.bulk_history_create(
                [successor],
                update=True,
                default_user=actor,
                default_change_reason=_reason(f"Took over {handed} item(s) from {person}"),
            )
    return handed


def refuse_deactivation_while_owning(sender, person: User, **kwargs) -> None:
    """Receiver of departments.roster.signals.person_deactivating."""
    groups = owned_by_person(person)
    if groups:
        raise ValidationError(
            f"{person} still owns work in the program. Hand it over first: {owned_summary(groups)}."
        )
