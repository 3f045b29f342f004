"""Green, amber or red: the one place where a value's status is decided."""

from decimal import Decimal

from django.db.models import F, Q

from .models import Direction, Status


def value_status(
    *, value: Decimal, target: Decimal | None, direction: str, amber_band: Decimal
) -> str:
    """The status of `value` against `target`.

    Green when the value meets or beats the target; amber when it falls short
    by no more than the amber band; red when it falls short by more. Exact at
    the edges: a value equal to the target is green, a shortfall equal to the
    band is amber. No target: no status ("").
    """
    if target is None or value is None:
        return ""
    value, target, band = Decimal(value), Decimal(target), Decimal(amber_band or 0)
    shortfall = target - value if direction == Direction.HIGHER else value - target
    if shortfall <= 0:
        return Status.GREEN
    if shortfall <= band:
        return Status.AMBER
    return Status.RED


def moved_toward_target(
    *, baseline: Decimal | None, latest: Decimal | None, direction: str
) -> bool:
    """True when the latest value moved from the baseline in the better direction
    (toward the target) — the year-one progress the year-two rule asks for."""
    if baseline is None or latest is None:
        return False
    if direction == Direction.HIGHER:
        return latest > baseline
    return latest < baseline


def moved_toward_target_q(*, latest: str, baseline: str = "baseline_value") -> Q:
    """SQL twin of moved_toward_target, as a filter on Metric: `latest` names
    the annotation holding the latest value."""
    return Q(direction=Direction.HIGHER, **{f"{latest}__gt": F(baseline)}) | Q(
        direction=Direction.LOWER, **{f"{latest}__lt": F(baseline)}
    )
