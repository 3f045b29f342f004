"""Template filters for dates and times: {{ moment|when }}, {{ moment|when:"short" }},
{{ text|sentence }}. The formats live in csoprogram/lib/formats.py."""

from django import template

from csoprogram.lib import formats

register = template.Library()


@register.filter(is_safe=True)
def when(value, style: str = "") -> str:
    return formats.when(value, style)


@register.filter(is_safe=True)
def sentence(value) -> str:
    return formats.sentence(value)
