"""The séance for the pages: its opening agenda (from the engine), and what one person
sees of it — attendance, quorums, the agenda, the dossier under discussion with its
aggregated ratings, or only that they are recused from it. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

import scoring
from dashboard.core import decision
from dashboard.core.decision import DecisionInputs
from dashboard.core.formatting import fr_date
from dashboard.core.seance import CONTESTED_COUNT, AgendaLine, Quorum, build_agenda, dossier_quorum, seance_quorum
from dashboard.errors import AccessDenied, ExportError
from dashboard.services.meeting import CallData, resolve_profile
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.store.seance import SeanceRecord


def default_title(today: date) -> str:
    """« Séance du 05/09/2019 »."""
    return f"Séance du {fr_date(today)}"


def opening_agenda(store: Store, actor: Actor, inputs: DecisionInputs, size: int) -> list[AgendaLine]:
    """The agenda a séance opens with (`dashboard.core.seance.build_agenda`): the most contested
    dossiers by the panel's ratings, those near the boundary of a list of `size` under the jury's
    profile (« profil du jury », else equal weights), then the others by rank."""
    if inputs.ratings is None:
        contested = pd.DataFrame(columns=["max_spread", "share", "criteria"])
    else:  # the spread and shares are those of the raw ratings, whatever the aggregation
        contested = scoring.most_contested(inputs.ratings.disagreement, CONTESTED_COUNT)
    _, profile = resolve_profile(store, actor, inputs)
    try:
        ranks = decision.rank_call(inputs, profile).ranks
    except scoring.ScoringError as exc:
        raise ExportError(f"Le profil du jury ne permet pas de classer l'appel : {exc}") from exc
    return build_agenda(inputs.eligibility.index, contested, {str(d): int(r) for d, r in ranks.items()}, size)


def open_seance(store: Store, actor: Actor, inputs: DecisionInputs, title: str, place: str | None,
                size: int) -> SeanceRecord:
    """Open the call's séance with its opening agenda."""
    return store.open_seance(actor, inputs.call_id, title, place, size, opening_agenda(store, actor, inputs, size))


@dataclass(frozen=True)
class Discussed:
    """The dossier under discussion as one person may see it: `recused` alone, or its card
    row, its aggregated ratings (criterion, label, jurors, mean, lowest, highest) and its rank
    when the séance opened."""

    dossier_id: str
    name: str
    recused: bool
    card: pd.Series | None = None
    ratings: pd.DataFrame | None = None
    opening_rank: int | None = None
    quorum: Quorum | None = None


@dataclass(frozen=True)
class SeanceView:
    """What /seance draws of one séance for one person."""

    seance: SeanceRecord
    attendance: pd.DataFrame
    agenda: pd.DataFrame
    quorum: Quorum
    discussed: Discussed | None


def _discussed(store: Store, actor: Actor, call: CallData, seance: SeanceRecord, agenda: pd.DataFrame,
               present: list[str], jurors: list[str]) -> Discussed | None:
    """The dossier under discussion, always a line of the agenda (the store keeps it there)."""
    dossier_id = seance.current_dossier_id
    if dossier_id is None:
        return None
    line = agenda[agenda["dossier_id"] == dossier_id].iloc[0]
    try:
        ratings = store.discussed_ratings(actor, seance.seance_id)
    except AccessDenied:
        return Discussed(dossier_id, str(line["name"]), recused=True)
    labels = call.criteria.set_index("criterion_id")["label"]
    ratings = ratings.assign(label=[str(labels.get(c, c)) for c in ratings["criterion_id"]])
    rank = line["opening_rank"]
    card = call.dossiers[call.dossiers["dossier_id"] == dossier_id].set_index("dossier_id").iloc[0]
    quorum = dossier_quorum(present, jurors, store.dossier_recused_juror_ids(dossier_id))
    return Discussed(dossier_id, str(line["name"]), False, card, ratings, None if pd.isna(rank) else int(rank),
                     quorum)


def seance_view(store: Store, actor: Actor, call: CallData, seance_id: int) -> SeanceView:
    """The séance as `actor` sees it (a recused juror gets `Discussed.recused` and nothing else)."""
    seance = store.seance(actor, seance_id)
    attendance = store.attendance(actor, seance_id)
    agenda = store.agenda(actor, seance_id)
    names = call.dossiers.set_index("dossier_id")["display_name"]
    agenda = agenda.assign(name=[str(names.get(d, d)) for d in agenda["dossier_id"]])
    jurors = store.call_juror_ids()
    present = attendance.loc[attendance["present"].astype(bool), "juror_id"].tolist()
    return SeanceView(seance, attendance, agenda, seance_quorum(present, jurors),
                      _discussed(store, actor, call, seance, agenda, present, jurors))
