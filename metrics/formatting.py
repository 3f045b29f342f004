"""Numbers of customer service metrics, formatted once: the metric's unit and
decimals, for pages, PDF packets, e-mails and error messages alike."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DEFAULT_DECIMALS = 1
MAX_DECIMALS = 4
EMPTY = "—"


def metric_number(value, *, unit: str = "", decimals: int | None = None) -> str:
    """12.5000 → "12.5"; 18.9333… minutes → "18.9 minutes"; 87 percent → "87%".

    Rounded half up to `decimals` places (the metric's setting, one by
    default), without trailing zeros, with thousands separators and the unit.
    """
    if value is None or value == "":
        return EMPTY
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    places = DEFAULT_DECIMALS if decimals is None else max(0, min(int(decimals), MAX_DECIMALS))
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    number = number.normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    if number == 0:
        number = Decimal(0)  # never "-0"
    text = f"{number:,f}"
    if unit == "percent":
        return f"{text}%"
    if unit in ("minutes", "days"):
        return f"{text} {unit}"
    return text


def metric_format(value, definition) -> str:
    """A value in the unit and decimals of `definition`: a Metric, a
    MetricVersion, a row with .unit (and maybe .decimals), or a unit string."""
    if isinstance(definition, str) or definition is None:
        return metric_number(value, unit=definition or "")
    return metric_number(
        value, unit=getattr(definition, "unit", ""), decimals=getattr(definition, "decimals", None)
    )
