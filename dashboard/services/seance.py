"""The séance for the pages: its opening (agenda and official settings, from the engine),
and what one person sees of it — attendance, quorums, the agenda, the dossier under
discussion with its aggregated ratings and its vote (who took part, the tally once
closed, the person's own ballot), or only that they are recused from it. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

import scoring
from dashboard.core import decision
from dashboard.core import shortlist as shortlist_logic
from dashboard.core.decision import DecisionInputs, WeightProfile
from dashboard.core.formatting import fr_date
from dashboard.core.seance import CONTESTED_COUNT, AgendaLine, Quorum, build_agenda, dossier_quorum, seance_quorum
from dashboard.errors import AccessDenied, ExportError
from dashboard.services.meeting import CallData, resolve_profile
from dashboard.store import Store
from dashboard.store.access import Actor, may
from dashboard.store.deliberation import VoteRecord
from dashboard.store.seance import SeanceRecord


def default_title(today: date) -> str:
    """« Séance du 05/09/2019 »."""
    return f"Séance du {fr_date(today)}"


def _jury_ranking(store: Store, actor: Actor, inputs: DecisionInputs) -> tuple[WeightProfile, scoring.RankResult]:
    """The jury's profile (« profil du jury », else equal weights) and the ranking under it."""
    _, profile = resolve_profile(store, actor, inputs)
    try:
        return profile, decision.rank_call(inputs, profile)
    except scoring.ScoringError as exc:
        raise ExportError(f"Le profil du jury ne permet pas de classer l'appel : {exc}") from exc


def opening_agenda(inputs: DecisionInputs, ranking: scoring.RankResult, size: int) -> list[AgendaLine]:
    """The agenda a séance opens with (`dashboard.core.seance.build_agenda`): the most contested
    dossiers by the panel's ratings, those near the boundary of a list of `size` under the jury's
    profile (`ranking`), then the others by rank."""
    if inputs.ratings is None:
        contested = pd.DataFrame(columns=["max_spread", "share", "criteria"])
    else:  # the spread and shares are those of the raw ratings, whatever the aggregation
        contested = scoring.most_contested(inputs.ratings.disagreement, CONTESTED_COUNT)
    ranks = {str(d): int(r) for d, r in ranking.ranks.items()}
    return build_agenda(inputs.eligibility.index, contested, ranks, size)


def open_seance(store: Store, actor: Actor, inputs: DecisionInputs, title: str, place: str | None,
                size: int) -> SeanceRecord:
    """Open the call's séance with its opening agenda and version 1 of its official settings: the
    jury's profile, and the shortlist's default constraints for a list of `size` (with the forcings)."""
    profile, ranking = _jury_ranking(store, actor, inputs)
    choices = shortlist_logic.default_choices(inputs, ranking, store.forcings(actor, inputs.call_id), size=size)
    return store.open_seance(actor, inputs.call_id, title, place, size, opening_agenda(inputs, ranking, size),
                             profile=profile.to_dict(), choices=choices.to_settings())


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
class VoteView:
    """The latest vote on the dossier under discussion, as one person may see it (how many took
    part is `vote.voters`, never what they chose): how many may vote, the person's own ballot and
    whether they may vote."""

    vote: VoteRecord
    possible_voters: int
    my_ballot: str | None
    may_vote: bool
    why_not: str | None  # why the person does not vote (None when they may)


@dataclass(frozen=True)
class SeanceView:
    """What /seance draws of one séance for one person."""

    seance: SeanceRecord
    attendance: pd.DataFrame
    agenda: pd.DataFrame
    quorum: Quorum
    discussed: Discussed | None
    vote: VoteView | None = None
    decision: pd.Series | None = None  # the current decision on the dossier under discussion


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


def _why_not_voting(actor: Actor, present: list[str]) -> str | None:
    if not may(actor, "vote") or not actor.juror_id:
        return "Vous suivez la séance sans voter (seuls les membres du jury votent)."
    if actor.juror_id not in present:
        return "Vous n'êtes pas pointé·e présent·e : demandez à la présidence de noter votre présence pour voter."
    return None


def _vote_view(store: Store, actor: Actor, seance: SeanceRecord, discussed: Discussed | None,
               present: list[str], jurors: list[str]) -> VoteView | None:
    """The latest vote of the séance on the dossier under discussion (None: no vote, or recused)."""
    if discussed is None or discussed.recused:
        return None
    votes = [v for v in store.seance_votes(actor, seance.seance_id) if v.dossier_id == discussed.dossier_id]
    if not votes:
        return None
    vote = votes[0]
    possible = dossier_quorum(present, jurors, store.dossier_recused_juror_ids(vote.dossier_id)).present
    why_not = _why_not_voting(actor, present)
    return VoteView(vote, possible, store.my_ballot(actor, vote.vote_id), vote.is_open and why_not is None, why_not)


def _current_decision(store: Store, actor: Actor, call_id: str, discussed: Discussed | None) -> pd.Series | None:
    if discussed is None or discussed.recused:
        return None
    decisions = store.decisions(actor, call_id)
    found = decisions[decisions["dossier_id"] == discussed.dossier_id]
    return None if found.empty else found.iloc[0]


def seance_view(store: Store, actor: Actor, call: CallData, seance_id: int) -> SeanceView:
    """The séance as `actor` sees it (a recused juror gets `Discussed.recused` and nothing else). For
    the president, a vote a restart interrupted is first recorded as void."""
    if may(actor, "run_seance"):
        store.record_interrupted_votes(actor, seance_id)
    seance = store.seance(actor, seance_id)
    attendance = store.attendance(actor, seance_id)
    agenda = store.agenda(actor, seance_id)
    names = call.dossiers.set_index("dossier_id")["display_name"]
    agenda = agenda.assign(name=[str(names.get(d, d)) for d in agenda["dossier_id"]])
    jurors = store.call_juror_ids()
    present = attendance.loc[attendance["present"].astype(bool), "juror_id"].tolist()
    discussed = _discussed(store, actor, call, seance, agenda, present, jurors)
    return SeanceView(seance, attendance, agenda, seance_quorum(present, jurors), discussed,
                      _vote_view(store, actor, seance, discussed, present, jurors),
                      _current_decision(store, actor, call.call_id, discussed))
