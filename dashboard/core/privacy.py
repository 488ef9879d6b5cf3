"""What an anonymised view shows instead of who: random juror pseudonyms and the
mask of a recusal motive.

Pseudonyms J1…Jn are drawn afresh each time (`secrets`), so they follow no
order a reader could know (sorted logins, the order of the accounts) and two
exports cannot be lined up; the mapping is kept in no file.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from dashboard.core.formatting import is_missing

HIDDEN_MOTIVE = "motif non communiqué"


def random_pseudonyms(juror_ids: Iterable[object]) -> dict[str, str]:
    """J1…Jn for the distinct juror ids, in an order drawn at random (None and NaN left out)."""
    jurors = sorted({str(j) for j in juror_ids if not is_missing(j)})
    numbers = list(range(1, len(jurors) + 1))
    secrets.SystemRandom().shuffle(numbers)
    return {juror: f"J{number}" for juror, number in zip(jurors, numbers, strict=True)}


def pseudonym_order(pseudonym: str) -> int:
    """The number of « J7 », to sort rows by pseudonym (J2 before J10) rather than by the hidden id."""
    return int(pseudonym.removeprefix("J"))
