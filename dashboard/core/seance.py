"""The séance's pure rules: its quorums, its agenda, and the words that explain them.

- **Quorum of the séance**: the jurors present (marked « présent » and not left)
  must be more than half of the call's jurors.
- **Quorum of a dossier**: the present jurors who are not recused from it must be
  more than half of the call's jurors who are not recused from it.
- **Agenda**, built when the séance opens: first the `contested_count` most
  contested dossiers (`scoring.most_contested`: the largest per-criterion spread of
  the jury's ratings, then the dossier's share of the disagreement), then the
  dossiers near the shortlist boundary (ranks N−5 … N+5 under the jury's profile,
  closest to N first), then every other dossier by rank (the ineligible last).
  Each line says why it is there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from dashboard.core.formatting import fr_number, fr_percent

# The reason a dossier is on the agenda (stored) and how the page names it.
AGENDA_REASONS: dict[str, str] = {
    "conteste": "Parmi les plus contestés",
    "limite": "Près de la limite de la liste restreinte",
    "autre": "Autre dossier",
    "ajoute": "Ajouté par la présidence",
}
# How far from the shortlist size N a rank is « near the boundary ».
BOUNDARY_WIDTH = 5
# How many of the most contested dossiers open the agenda (and /concertation shows).
CONTESTED_COUNT = 10

ATTENDANCE_STATUSES: tuple[str, ...] = ("présent", "absent", "excusé")


@dataclass(frozen=True)
class Quorum:
    """`present` people out of `expected`; reached when more than half are present."""

    present: int
    expected: int

    @property
    def needed(self) -> int:
        """The fewest present that reach the quorum (more than half)."""
        return self.expected // 2 + 1

    @property
    def reached(self) -> bool:
        return self.expected > 0 and self.present >= self.needed

    def sentence(self, what: str) -> str:
        """« Quorum de la séance atteint : 6 présents sur 9 (5 requis). »"""
        state = "atteint" if self.reached else "non atteint"
        present = "présent" if self.present <= 1 else "présents"
        return (f"Quorum {what} {state} : {fr_number(self.present)} {present} sur "
                f"{fr_number(self.expected)} ({fr_number(self.needed)} requis).")


def seance_quorum(present: Iterable[str], call_jurors: Iterable[str]) -> Quorum:
    """The séance's quorum: present jurors against the call's jurors."""
    jurors = set(call_jurors)
    return Quorum(len(set(present) & jurors), len(jurors))


def dossier_quorum(present: Iterable[str], call_jurors: Iterable[str], recused: Iterable[str]) -> Quorum:
    """A dossier's quorum: present non-recused jurors against the call's non-recused jurors."""
    sitting = set(call_jurors) - set(recused)
    return Quorum(len(set(present) & sitting), len(sitting))


@dataclass(frozen=True)
class AgendaLine:
    """One dossier on the agenda, with why it is there (`AGENDA_REASONS` key and a sentence) and
    its rank under the jury's profile when the agenda was built (None: not ranked)."""

    dossier_id: str
    reason: str
    detail: str
    rank: int | None = None


def _points(count: int) -> str:
    return f"{fr_number(count)} point" + ("s" if count > 1 else "")


def _ordinal(rank: int) -> str:
    """1 → « 1er », 2 → « 2e »."""
    return f"{rank}{'er' if rank == 1 else 'e'}"


def _contested_detail(row: pd.Series, rank: int) -> str:
    detail = f"{_ordinal(rank)} plus contesté : écart maximal de {_points(int(row['max_spread']))}"
    if str(row.get("criteria") or ""):
        detail += f" (critères {row['criteria']})"
    return detail + f", {fr_percent(float(row['share']), 1)} du désaccord du jury"


def _boundary_detail(rank: int, size: int) -> str:
    """« Rang 53 pour une liste de 55 : dans la liste, à 2 places de la limite »."""
    if rank == size:
        return f"Rang {rank} pour une liste de {size} : dernier dossier de la liste"
    side = "dans" if rank < size else "hors de"
    gap = abs(rank - size) if rank < size else rank - size
    places = "place" if gap == 1 else "places"
    return f"Rang {rank} pour une liste de {size} : {side} la liste, à {gap} {places} de la limite"


def build_agenda(dossier_ids: Iterable[str], contested: pd.DataFrame, ranks: Mapping[str, int],
                 size: int, contested_count: int = CONTESTED_COUNT) -> list[AgendaLine]:
    """The opening agenda (see the module docstring).

    `contested`: `scoring.most_contested` rows (index dossier, columns max_spread,
    share, criteria), most contested first; `ranks`: rank of each eligible dossier
    under the jury's profile; `size`: the shortlist size N."""
    known = list(dict.fromkeys(str(d) for d in dossier_ids))
    lines: list[AgendaLine] = []
    placed: set[str] = set()
    for position, (dossier, row) in enumerate(contested.head(contested_count).iterrows(), start=1):
        if str(dossier) in known:
            lines.append(AgendaLine(str(dossier), "conteste", _contested_detail(row, position),
                                    ranks.get(str(dossier))))
            placed.add(str(dossier))
    near = [d for d in known if d in ranks and abs(ranks[d] - size) <= BOUNDARY_WIDTH and d not in placed]
    for dossier in sorted(near, key=lambda d: (abs(ranks[d] - size), ranks[d])):
        lines.append(AgendaLine(dossier, "limite", _boundary_detail(ranks[dossier], size), ranks[dossier]))
        placed.add(dossier)
    rest = [d for d in known if d not in placed]
    for dossier in sorted(rest, key=lambda d: (d not in ranks, ranks.get(d, 0), d)):
        detail = f"Rang {ranks[dossier]}" if dossier in ranks else "Non classé (inéligible)"
        lines.append(AgendaLine(dossier, "autre", detail, ranks.get(dossier)))
    return lines
