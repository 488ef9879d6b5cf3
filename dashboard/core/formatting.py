"""French display formats: `12 345,6`, `26/09/2019`, `67 %`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

import pandas as pd

NARROW_NBSP = "\u202f"


def is_missing(value: object) -> bool:
    """None, NaN, NaT or pandas' NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(cast(Any, value)))  # pd.isna takes any object at run time
    except (TypeError, ValueError):
        return False


def fr_number(value: float | int | None, decimals: int = 0) -> str:
    """`12345.6` → `12 345,6` (narrow no-break space between thousands)."""
    if value is None or is_missing(value):
        return "–"
    value = float(value)
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NARROW_NBSP).replace(".", ",")


def fr_percent(share: float | None, decimals: int = 0) -> str:
    """`0.6727` → `67 %`."""
    if share is None or is_missing(share):
        return "–"
    return f"{fr_number(100 * float(share), decimals)}\u00a0%"


def fr_date(value: date | datetime | str | None) -> str:
    """`2019-09-26` → `26/09/2019`."""
    if value is None or is_missing(value):
        return "–"
    if isinstance(value, str):
        value = pd.Timestamp(value)
    return value.strftime("%d/%m/%Y")


def display_name(name: str, departement_code: str | None) -> str:
    """« Nom (dép.) », the way towns are shown everywhere (homonyms exist)."""
    if is_missing(departement_code) or not departement_code:
        return str(name)
    return f"{name} ({departement_code})"


def fr_size(size: int) -> str:
    """A file size in binary units: `7352320` → `7,0 Mio`, `2048` → `2 Kio`."""
    if size >= 1024 * 1024:
        return f"{fr_number(size / (1024 * 1024), 1)}\u00a0Mio"
    if size >= 1024:
        return f"{fr_number(size / 1024)}\u00a0Kio"
    return f"{fr_number(size)}\u00a0octets"


def fr_count(count: int, noun: str) -> str:
    """« 1 dossier », « 12 dossiers », « 1 234 décisions »: the number in French and the noun
    agreed (a plural in « s », or the noun as it is when it already ends in s, x or z)."""
    plural = count > 1 and not noun.endswith(("s", "x", "z"))
    return f"{fr_number(count)} {noun}{'s' if plural else ''}"


def fr_list(items: Sequence[str]) -> str:
    """« a », « a et b », « a, b et c »."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def fr_datetime(value: datetime) -> str:
    """`2026-12-01 14:05:09` → `01/12/2026 à 14:05`."""
    return f"{value:%d/%m/%Y} à {value:%H:%M}"
