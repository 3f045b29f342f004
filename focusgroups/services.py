"""Writes about focus groups: the program's rules for sessions, feedback and
themes live here. Callers check who may act (focusgroups.permissions); these
functions check what may happen."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from csoprogram.lib.rules import RuleError, rule_errors_raise
from departments import roles
from departments.models import Department

from . import notices
from .models import Audience, CustomerType, FeedbackItem, FocusGroupSession, Theme
from .selectors import themes_usable_by

SESSION_FIELDS = (
    "held_on",
    "audience",
    "status",
    "participants",
    "location",
    "facilitator",
    "notes",
)


# Sessions -------------------------------------------------------------------


def _check_session(*, department: Department, held_on: date, status: str, facilitator) -> None:
    errors = []
    if status == FocusGroupSession.Status.HELD and held_on > timezone.localdate():
        errors.append(
            RuleError(
                "A session that was held cannot be dated in the future.",
                "Give the day it was held, or mark it planned.",
                field="held_on",
            )
        )
    if facilitator is not None and not roles.is_cso(facilitator, department):
        errors.append(
            RuleError(
                "The facilitator must be a CSO of the department.",
                "Choose one of the department's CSOs.",
                field="facilitator",
            )
        )
    rule_errors_raise(errors)


def session_create(
    *,
    department: Department,
    created_by,
    held_on: date,
    audience: str,
    status: str = FocusGroupSession.Status.PLANNED,
    participants: int = 0,
    location: str = "",
    facilitator=None,
    notes: str = "",
) -> FocusGroupSession:
    _check_session(department=department, held_on=held_on, status=status, facilitator=facilitator)
    return FocusGroupSession.objects.create(
        department=department,
        created_by=created_by,
        held_on=held_on,
        audience=audience,
        status=status,
        participants=participants,
        location=location.strip(),
        facilitator=facilitator,
        notes=notes.strip(),
    )


def session_update(*, session: FocusGroupSession, **changes) -> FocusGroupSession:
    unknown = set(changes) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown session fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    _check_session(
        department=session.department,
        held_on=session.held_on,
        status=session.status,
        facilitator=session.facilitator,
    )
    if session.status != FocusGroupSession.Status.HELD and session.feedback_items.exists():
        raise RuleError(
            "This session has feedback, so it was held.",
            "Remove the feedback first.",
            field="status",
        )
    session.save(update_fields=[*changes, "updated_at"])
    return session


def session_delete(*, session: FocusGroupSession) -> int:
    """Delete the session and its feedback; returns how many feedback items went."""
    with transaction.atomic():
        removed = session.feedback_items.count()
        session.delete()
    return removed


# Feedback -------------------------------------------------------------------

FEEDBACK_FIELDS = ("text", "sentiment", "customer_type", "possible_solution", "shared_with_csos")


def default_customer_type(session: FocusGroupSession) -> str | None:
    """A session's audience decides where its feedback came from, unless mixed."""
    return {
        Audience.INTERNAL: CustomerType.INTERNAL,
        Audience.EXTERNAL: CustomerType.EXTERNAL,
    }.get(session.audience)


def _clean_feedback(
    *, department: Department, text: str, themes, usable: set[int] | None = None
) -> tuple[str, list[Theme]]:
    """The item's words and themes, or the rules they break. usable: the pks of
    the themes the department may use, when the caller read them already."""
    errors = []
    text = (text or "").strip()
    if not text:
        errors.append(RuleError("Write what the customer said.", field="text"))
    themes = list(themes or [])
    if usable is None:
        usable = set(
            themes_usable_by(department=department)
            .filter(pk__in=[t.pk for t in themes])
            .values_list("pk", flat=True)
        )
    if any(t.pk not in usable for t in themes):
        errors.append(
            RuleError(
                "Feedback is tagged with accepted themes or the department's own proposals.",
                "Choose from the themes listed.",
                field="themes",
            )
        )
    rule_errors_raise(errors)
    return text, themes


def _feedback_save(item: FeedbackItem, *, themes, **values) -> FeedbackItem:
    """Clean and save the item's words and tags (create or update)."""
    values["text"], themes = _clean_feedback(
        department=item.department, text=values.get("text", item.text), themes=themes
    )
    values["possible_solution"] = (values.get("possible_solution") or "").strip()
    for name, value in values.items():
        setattr(item, name, value)
    with transaction.atomic():
        if item.pk is None:
            item.save()
        else:
            item.save(update_fields=[*values, "updated_at"])
        item.themes.set(themes)
    return item


def _session_held_check(session: FocusGroupSession) -> None:
    if session.status != FocusGroupSession.Status.HELD:
        raise RuleError(
            "Feedback is recorded on a session that was held.",
            "Mark the session held first.",
        )


def feedback_create(
    *,
    session: FocusGroupSession,
    created_by,
    text: str,
    sentiment: str,
    customer_type: str,
    themes=(),
    possible_solution: str = "",
    shared_with_csos: bool = False,
    client_token=None,
) -> FeedbackItem:
    """Record one item. With a client_token (one per submission in the
    browser), a submission sent again returns the item saved the first time."""
    if client_token is not None:
        saved = FeedbackItem.objects.filter(session=session, client_token=client_token).first()
        if saved is not None:
            return saved
    _session_held_check(session)
    item = FeedbackItem(
        session=session,
        department=session.department,
        created_by=created_by,
        client_token=client_token,
    )
    values = {
        "text": text,
        "sentiment": sentiment,
        "customer_type": customer_type,
        "possible_solution": possible_solution,
        "shared_with_csos": shared_with_csos,
    }
    if client_token is None:
        return _feedback_save(item, themes=themes, **values)
    try:
        with transaction.atomic():
            return _feedback_save(item, themes=themes, **values)
    except IntegrityError:
        # The same submission, sent twice at once: the other request saved it.
        saved = FeedbackItem.objects.filter(session=session, client_token=client_token).first()
        if saved is None:
            raise
        return saved


def feedback_create_many(
    *, session: FocusGroupSession, created_by, items: list[dict]
) -> list[FeedbackItem]:
    """Record many items at once (a bulk import), by the rules of
    feedback_create, all or none, in a few queries whatever their number:
    the items, their themes and their history are each inserted in bulk."""
    _session_held_check(session)
    usable = set(themes_usable_by(department=session.department).values_list("pk", flat=True))
    new, tags = [], []
    for values in items:
        values = dict(values)
        text, themes = _clean_feedback(
            department=session.department,
            text=values.pop("text"),
            themes=values.pop("themes", ()),
            usable=usable,
        )
        unknown = set(values) - set(FEEDBACK_FIELDS)
        if unknown:
            raise TypeError(f"Unknown feedback fields: {sorted(unknown)}")
        values["possible_solution"] = (values.get("possible_solution") or "").strip()
        new.append(
            FeedbackItem(
                session=session,
                department=session.department,
                created_by=created_by,
                text=text,
                **values,
            )
        )
        tags.append(themes)
    Tag = FeedbackItem.themes.through
    HistoricalTag = FeedbackItem.history.model._meta.get_field(
        "historicalfeedbackitem_themes"
    ).related_model
    with transaction.atomic():
        created = FeedbackItem.objects.bulk_create(new, batch_size=500)
        links = Tag.objects.bulk_create(
            [
                Tag(feedbackitem=item, theme=t)
                for item, themes in zip(created, tags, strict=True)
                for t in themes
            ],
            batch_size=2000,
        )
        records = FeedbackItem.history.bulk_history_create(
            created, default_user=created_by, default_change_reason="Feedback import"
        )
        # The history of each item's themes, as django-simple-history records
        # them on a save (bulk inserts send no signals).
        record_of = {r.id: r for r in records}
        HistoricalTag.objects.bulk_create(
            [
                HistoricalTag(
                    id=link.pk,
                    feedbackitem_id=link.feedbackitem_id,
                    theme_id=link.theme_id,
                    history=record_of[link.feedbackitem_id],
                )
                for link in links
            ],
            batch_size=2000,
        )
    return created


def feedback_update(*, item: FeedbackItem, themes=(), **values) -> FeedbackItem:
    """Change an item's text, sentiment, origin, solution or sharing, and themes."""
    unknown = set(values) - set(FEEDBACK_FIELDS)
    if unknown:
        raise TypeError(f"Unknown feedback fields: {sorted(unknown)}")
    return _feedback_save(item, themes=themes, **values)


def feedback_delete(*, item: FeedbackItem) -> None:
    item.delete()


# Themes ---------------------------------------------------------------------


def _check_theme_name(name: str, *, exclude_pk: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise RuleError("Give the theme a name.", field="name")
    existing = Theme.objects.annotate(lname=Lower("name")).filter(lname=name.lower())
    if exclude_pk:
        existing = existing.exclude(pk=exclude_pk)
    clash = existing.first()
    if clash is not None:
        hint = {
            Theme.Status.ACCEPTED: "use it",
            Theme.Status.PROPOSED: "it is waiting for a decision",
            Theme.Status.REJECTED: "it was rejected",
            Theme.Status.MERGED: "it was merged into another theme",
        }[clash.status]
        raise RuleError(f"A theme named “{clash.name}” already exists ({hint}).", field="name")
    return name


def theme_create(*, name: str, description: str = "", created_by=None) -> Theme:
    """The CCSO adds a theme to the program-wide list: accepted at once."""
    name = _check_theme_name(name)
    return Theme.objects.create(
        name=name,
        description=description.strip(),
        status=Theme.Status.ACCEPTED,
        decided_by=created_by,
        decided_at=timezone.now(),
    )


def theme_update(*, theme: Theme, name: str, description: str = "") -> Theme:
    theme.name = _check_theme_name(name, exclude_pk=theme.pk)
    theme.description = description.strip()
    theme.save(update_fields=["name", "description"])
    return theme


def theme_propose(
    *, department: Department, proposed_by, name: str, description: str = ""
) -> Theme:
    """A CSO proposes a theme: usable in their department at once, proposed
    until the CCSO accepts, merges or rejects it."""
    name = _check_theme_name(name)
    with transaction.atomic():
        theme = Theme.objects.create(
            name=name,
            description=description.strip(),
            status=Theme.Status.PROPOSED,
            proposed_by=proposed_by,
            proposed_for=department,
        )
        notices.theme_proposed_notify(theme=theme)
    return theme


def _decide(theme: Theme, *, to: str, decided_by, merged_into: Theme | None = None) -> bool:
    """Compare-and-swap: only one decision is taken on a proposal, even when
    two requests race. Returns False when someone decided first."""
    now = timezone.now()
    changed = Theme.objects.filter(pk=theme.pk, status=Theme.Status.PROPOSED).update(
        status=to, decided_by=decided_by, decided_at=now, merged_into=merged_into
    )
    if changed:
        theme.status, theme.decided_by, theme.decided_at = to, decided_by, now
        theme.merged_into = merged_into
        notices.theme_decided_notify(theme=theme, merged_into=merged_into)
    return bool(changed)


def theme_accept(*, theme: Theme, decided_by) -> Theme:
    if not _decide(theme, to=Theme.Status.ACCEPTED, decided_by=decided_by):
        raise RuleError("Only a proposed theme can be accepted.", "Reload the theme list.")
    return theme


def theme_reject(*, theme: Theme, decided_by) -> int:
    """Reject a proposal. Its feedback stays, without this theme (to keep the
    feedback under a theme, merge instead). Returns how many items lost it."""
    with transaction.atomic():
        if not _decide(theme, to=Theme.Status.REJECTED, decided_by=decided_by):
            raise RuleError("Only a proposed theme can be rejected.", "Reload the theme list.")
        links = FeedbackItem.themes.through.objects.filter(theme=theme)
        untagged = links.count()
        links.delete()
        for area in theme.areas_of_focus.all():
            area.themes.remove(theme)
    return untagged


def theme_merge(*, theme: Theme, into: Theme, decided_by) -> int:
    """Merge a theme into another: every feedback item and area of focus
    tagged with it is tagged with the target instead, and the theme is marked
    merged. Works for a proposal and for a duplicate accepted theme. Returns
    how many feedback items moved."""
    if into.pk == theme.pk:
        raise RuleError(
            "A theme is merged into another theme.", "Choose another one.", field="into"
        )
    if into.status != Theme.Status.ACCEPTED:
        raise RuleError("A theme is merged into an accepted theme.", field="into")
    Link = FeedbackItem.themes.through
    with transaction.atomic():
        # Lock both rows so a concurrent decision or merge waits for this one.
        locked = {
            t.pk: t for t in Theme.objects.select_for_update().filter(pk__in=[theme.pk, into.pk])
        }
        if locked[into.pk].status != Theme.Status.ACCEPTED:
            raise RuleError("A theme is merged into an accepted theme.", field="into")
        if locked[theme.pk].status not in (Theme.Status.PROPOSED, Theme.Status.ACCEPTED):
            raise RuleError("This theme was already decided.", "Reload the theme list.")
        was_proposed = locked[theme.pk].status == Theme.Status.PROPOSED

        item_ids = list(Link.objects.filter(theme=theme).values_list("feedbackitem_id", flat=True))
        already = set(
            Link.objects.filter(theme=into, feedbackitem_id__in=item_ids).values_list(
                "feedbackitem_id", flat=True
            )
        )
        Link.objects.bulk_create(
            [Link(feedbackitem_id=i, theme_id=into.pk) for i in item_ids if i not in already]
        )
        Link.objects.filter(theme=theme).delete()
        # Area-of-focus links one by one, so the plan's history records them.
        for area in theme.areas_of_focus.all():
            area.themes.add(into)
            area.themes.remove(theme)
        # Themes merged into this one earlier now point at the final target.
        Theme.objects.filter(merged_into=theme).update(merged_into=into)

        now = timezone.now()
        Theme.objects.filter(pk=theme.pk).update(
            status=Theme.Status.MERGED, merged_into=into, decided_by=decided_by, decided_at=now
        )
        theme.status, theme.merged_into = Theme.Status.MERGED, into
        theme.decided_by, theme.decided_at = decided_by, now
        if was_proposed:
            notices.theme_decided_notify(theme=theme, merged_into=into)
    return len(item_ids)
