"""A person's working state: which of a page's session values are kept in the store for
them (so that a reload, a new tab or a new sign-in finds them as they were), and how each
is written as JSON and read back.

Kept, each under the session key the pages already use:
- `selected_call`: the call chosen in the sidebar;
- `aggregation`: how the jurors' ratings are aggregated (sidebar);
- `profile_<call>`: the weight profile being edited, saved or not;
- `reference_<call>`: the profile rank changes are measured against;
- `shortlist_choices_<call>`: the shortlist's size and constraints under trial (the
  forcings are the president's, in the store);
- `comparer_dossiers_<call>`: the towns being compared;
- `projection`: whether the pages are in « mode projection » (`dashboard.ui.projection`).

A value is kept once the person changed it (a page's default is not); a value that no
longer reads (an older form, a constraint now invalid) is left out, and the page starts
from its default for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from dashboard.core.decision import AggregationSettings, WeightProfile
from dashboard.core.shortlist import ShortlistChoices


def _text(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("texte attendu")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("oui ou non attendu")
    return value


def _texts(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("liste de textes attendue")
    return list(value)


def _profile_in(data: Any) -> WeightProfile:
    if not isinstance(data, dict):
        raise ValueError("profil attendu")
    return WeightProfile.from_dict(data)


def _aggregation_in(data: Any) -> AggregationSettings:
    return AggregationSettings(**dict(data))


@dataclass(frozen=True)
class KeptValue:
    """One kind of kept value: its session key (exact, or a prefix followed by a call id),
    the value's type in the session, its JSON form both ways, and whether a page puts its
    default there before the person acts (else the value appears with the person's choice)."""

    key: str
    per_call: bool
    kind: type
    to_json: Callable[[Any], Any]
    from_json: Callable[[Any], Any]
    page_default: bool = True

    def names(self, session_key: str) -> bool:
        return session_key.startswith(self.key) and len(session_key) > len(self.key) if self.per_call \
            else session_key == self.key


KEPT: tuple[KeptValue, ...] = (
    KeptValue("selected_call", False, str, str, _text),
    KeptValue("aggregation", False, AggregationSettings, asdict, _aggregation_in),
    KeptValue("profile_", True, WeightProfile, WeightProfile.to_dict, _profile_in),
    KeptValue("reference_", True, str, str, _text, page_default=False),
    KeptValue("shortlist_choices_", True, ShortlistChoices, ShortlistChoices.to_settings,
              ShortlistChoices.from_settings),
    KeptValue("comparer_dossiers_", True, list, list, _texts),
    KeptValue("trial_", True, bool, bool, _flag, page_default=False),
    KeptValue("projection", False, bool, bool, _flag),
)


def kept_value(session_key: str) -> KeptValue | None:
    """The kind of kept value a session key holds, None when it is not kept."""
    return next((kept for kept in KEPT if kept.names(session_key)), None)


def encode(session_key: str, value: Any) -> str | None:
    """The JSON text stored for a session value, None when it is not kept (key or type)."""
    kept = kept_value(session_key)
    if kept is None or not isinstance(value, kept.kind):
        return None
    return json.dumps(kept.to_json(value), sort_keys=True, ensure_ascii=False)


def decode(session_key: str, text: str) -> Any | None:
    """The session value a stored text stands for, None when it no longer reads."""
    kept = kept_value(session_key)
    if kept is None:
        return None
    try:
        return kept.from_json(json.loads(text))
    except (ValueError, TypeError, KeyError):
        return None


def encode_all(session: dict[str, Any]) -> dict[str, str]:
    """Every kept value of a session, as stored."""
    encoded = {str(key): encode(str(key), value) for key, value in session.items()}
    return {key: text for key, text in encoded.items() if text is not None}


def changes(stored: dict[str, str], first_seen: dict[str, str], now: dict[str, str]) -> tuple[dict[str, str],
                                                                                           dict[str, str]]:
    """What to write, and the values first seen: a value the store holds is written again when
    it changed; one the store lacks is what the page started from (its default, noted in
    `first_seen`) until the person changes it. So a page's defaults are not frozen for a person
    who never touched them (a « profil du jury » saved later still reaches them). A value no
    page defaults (`KeptValue.page_default`) is the person's from its first appearance."""
    writes: dict[str, str] = {}
    seen = dict(first_seen)
    for key, text in now.items():
        kept = kept_value(key)
        if key in stored:
            if stored[key] != text:
                writes[key] = text
        elif key not in seen and kept is not None and kept.page_default:
            seen[key] = text
        elif key not in seen or seen[key] != text:
            writes[key] = text
    return writes, seen
