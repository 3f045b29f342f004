"""What a person owns in the program, in a shape every app can give.

When a person leaves a role, the CCSO hands what they own to a successor
(csoprogram.handover). Each app that gives people work describes it with an
*owned-item provider* of its own layer (departments.roster.handover,
focusgroups.handover, metrics.handover); csoprogram.handover.providers lists
them in the order they are handed over. A new kind of owned work (a
commitment's owner, say) is one more provider added to that list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class OwnedItem:
    """One thing a person owns. `key` is "<provider kind>:<pk>"."""

    kind: str
    pk: int
    label: str
    department_id: int | None = None
    url: str = ""
    # What comes with it (a narrative due with a CSO's role, plans waiting
    # for the CCSO's review): handed over together, not separately.
    notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"


class OwnedItemProvider(Protocol):
    kind: str
    heading: str

    def owned(self, user_ids: list[int]) -> dict[int, list[OwnedItem]]:
        """user id -> what they own of this kind; a fixed number of queries."""

    def hand_over(self, *, actor, person, successor, pks: list[int]) -> int:
        """Give the person's items `pks` to the successor (inside the caller's
        transaction; raises ValidationError naming what cannot be handed over).
        Returns how many were handed over."""


def owned_by(providers, user_ids: list[int]) -> dict[int, list[tuple[object, list[OwnedItem]]]]:
    """user id -> [(provider, items)] for each provider that has items."""
    result: dict[int, list] = {uid: [] for uid in user_ids}
    for provider in providers:
        owned = provider.owned(user_ids)
        for uid in user_ids:
            if owned.get(uid):
                result[uid].append((provider, owned[uid]))
    return result
