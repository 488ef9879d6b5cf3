"""The documents people sign or hand over, from the store to the PDF: the ranking report
(`jury rapport`, « Télécharger en PDF » on /classement and /liste-restreinte) and the
procès-verbal of a séance (`jury pv`, « Télécharger le procès-verbal (PDF) » on /seance).

The ranking report is written from the same `ExportRequest` as the workbook, so it follows
the one export rule of `services.meeting` (which weights, which constraints, official or
personal) and its file is named by the same grammar (`core.filenames`, kind « rapport »).
The procès-verbal is always the séance's own: its official settings, its attendance, its
votes and the decisions taken in it (`seance_minutes`); only the president, the direction
and the administration may establish it (they read the register of recusals it holds).
No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd

from dashboard.core import filenames
from dashboard.core import shortlist as shortlist_logic
from dashboard.core.decision import AggregationSettings, DecisionInputs, WeightProfile
from dashboard.core.documents import PDF_MIME
from dashboard.core.formatting import fr_datetime
from dashboard.core.seance import seance_quorum
from dashboard.errors import ExportError
from dashboard.report.proces_verbal import Deliberation, Minutes, build_proces_verbal
from dashboard.report.ranking_report import build_ranking_report
from dashboard.services.meeting import (
    CallData,
    ExportRequest,
    Official,
    call_request,
    export_request,
    known_call,
    official,
    solve,
    with_stored_forcings,
)
from dashboard.store import Store
from dashboard.store.access import Actor, require
from dashboard.store.deliberation import CLOSED, OPEN, VOID, VoteRecord

__all__ = ["build_report", "page_report_request", "proces_verbal_call", "proces_verbal_file_name", "report_call",
           "report_file_name", "seance_minutes"]

PDF = PDF_MIME


# --------------------------------------------------------------------------- the ranking report


def report_file_name(call_id: str, scope: str, at: datetime) -> str:
    """« rapport_AMI1_officiel-s3-v4_2026-12-01_14h05.pdf » (the scope of `ExportRequest.scope`)."""
    return filenames.product_file_name("rapport", call_id, scope, at, "pdf")


def build_report(request: ExportRequest, at: datetime) -> bytes:
    """The ranking report's bytes; reads nothing from the store (the pages run it on click)."""
    if not request.shortlist.feasible:
        raise ExportError(f"Pas de rapport : la liste restreinte est impossible ({request.shortlist.message}).")
    return build_ranking_report(
        call=request.call, inputs=request.inputs, profile=request.profile, profile_name=request.profile_name,
        ranking=request.ranking, shortlist=request.shortlist, forcings=request.forcings,
        decisions=request.decisions, content_hash=request.content_hash, journal_head=request.journal_head,
        user=request.user, nature=request.nature, anonymise=request.anonymise, generated_at=at)


def report_call(store: Store, actor: Actor, call_id: str, profile_name: str | None = None, size: int | None = None,
                constraints: Mapping[str, Any] | None = None, anonymise: bool = False,
                generated_at: datetime | None = None, seance_id: int | None = None) -> tuple[str, bytes]:
    """The ranking report of a call straight from the store (`jury rapport`): (file name, bytes),
    under the one rule of `services.meeting.call_request`."""
    request = call_request(store, actor, call_id, profile_name, size, constraints, anonymise,
                           seance_id=seance_id)
    at = (generated_at or datetime.now()).replace(microsecond=0)
    return report_file_name(call_id, request.scope, at), build_report(request, at)


def page_report_request(store: Store, actor: Actor, call: CallData, inputs: DecisionInputs, profile: WeightProfile,
                        choices: shortlist_logic.ShortlistChoices, forcings: pd.DataFrame, *,
                        aggregation: AggregationSettings, official_settings: Official | None,
                        content_hash: str | None = None) -> ExportRequest:
    """What /classement's report holds: the page's ranking and the shortlist under `choices` (the
    official ones, or the person's own from /liste-restreinte), the stored forcings united in."""
    merged = with_stored_forcings(choices.to_constraints(), forcings)
    ranking, result = solve(inputs, profile, choices.size, merged)
    return export_request(store, actor, call, inputs, profile, ranking, result, merged, forcings,
                          aggregation=aggregation, content_hash=content_hash, official_settings=official_settings)


# --------------------------------------------------------------------------- the procès-verbal


def _vote_words(vote: VoteRecord) -> str:
    """« Vote clos à 10:42 : 5 retenu, 2 non retenu, 1 abstention »."""
    if vote.status == CLOSED and vote.tally is not None:
        when = f" à {vote.ended_at:%H:%M}" if vote.ended_at is not None else ""
        return f"Vote clos{when} : {vote.tally.count_sentence()}"
    if vote.status == VOID:
        return f"Vote annulé ({vote.void_reason or 'sans motif'})"
    if vote.status == OPEN and vote.interrupted:
        return "Vote interrompu par un redémarrage du serveur : nul"
    return "Vote en cours"


def _deliberations(store: Store, actor: Actor, call_id: str, seance_id: int,
                   names: Mapping[str, str]) -> tuple[Deliberation, ...]:
    """Every dossier discussed, voted on or decided in the séance, in the agenda's order."""
    agenda = store.agenda(actor, seance_id)
    positions = {str(d): int(p) for d, p in zip(agenda["dossier_id"], agenda["position"], strict=True)}
    discussed = [str(d) for d, at in zip(agenda["dossier_id"], agenda["discussed_at"], strict=True) if pd.notna(at)]
    votes: dict[str, list[VoteRecord]] = {}
    for vote in reversed(store.seance_votes(actor, seance_id)):
        votes.setdefault(vote.dossier_id, []).append(vote)
    history = store.decision_history(actor, call_id)
    taken = history[history["seance_id"] == seance_id] if not history.empty else history
    decided = {str(row["dossier_id"]): row for _, row in taken.iterrows()}  # the séance's last decision wins
    involved = list(dict.fromkeys([*discussed, *votes, *decided]))
    involved.sort(key=lambda d: (positions.get(d, len(positions) + 1), d))
    lines = []
    for dossier in involved:
        row = decided.get(dossier)
        lines.append(Deliberation(
            dossier, names.get(dossier, dossier), positions.get(dossier),
            tuple(_vote_words(v) for v in votes.get(dossier, [])),
            None if row is None else str(row["decision"]),
            None if row is None else str(row["rationale"]),
            None if row is None or pd.isna(row["departure"]) else str(row["departure"])))
    return tuple(lines)


def seance_minutes(store: Store, actor: Actor, call_id: str, seance_id: int | None = None) -> tuple[Minutes, str]:
    """What the séance's procès-verbal says, and the scope its file is named by: the séance
    `seance_id`, else the call's open séance, else its last closed one."""
    require(actor, "write_proces_verbal")
    known_call(store, call_id)  # an unknown call is refused by its name first
    settled = official(store, actor, call_id, seance_id)
    if settled is None:
        raise ExportError(f"L'appel « {call_id} » n'a encore aucune séance : pas de procès-verbal à établir.")
    seance, settings = settled.seance, settled.settings
    request = call_request(store, actor, call_id, seance_id=seance.seance_id)
    inputs = request.inputs
    attendance = store.attendance(actor, seance.seance_id)
    present = attendance.loc[attendance["present"].astype(bool), "juror_id"].tolist()
    register = request.register  # those who establish the minutes read the register (REGISTER_READERS)
    assert register is not None
    minutes = Minutes(
        call_id=call_id, call_label=str(request.call["label"]), seance_id=seance.seance_id, title=seance.title,
        place=seance.place, opened_at=seance.opened_at, opened_by=seance.opened_by, closed_at=seance.closed_at,
        closed_by=seance.closed_by, attendance=attendance,
        quorum=seance_quorum(present, store.call_juror_ids()).sentence("de la séance"),
        register=register, settings_version=settings.version,
        settings_line=(f"Réglages officiels en vigueur : version {settings.version} ({settings.change}), "
                       f"du {fr_datetime(settings.changed_at)} par {settings.changed_by}."),
        settings_versions=store.official_versions(actor, seance.seance_id),
        inputs=inputs, profile=request.profile, ranking=request.ranking, shortlist=request.shortlist,
        constraint_lines=tuple(shortlist_logic.describe_choices(settled.choices, inputs)),
        forcings=request.forcings,
        deliberations=_deliberations(store, actor, call_id, seance.seance_id, inputs.display_names),
        content_hash=request.content_hash, journal_head=request.journal_head,
        presidents=tuple(store.jury_presidents(actor)), generated_by=f"{actor.name} ({actor.login})")
    return minutes, settled.scope


def proces_verbal_file_name(call_id: str, scope: str, at: datetime) -> str:
    """« proces-verbal_AMI1_officiel-s3-v4_2026-12-01_14h05.pdf »."""
    return filenames.product_file_name("proces-verbal", call_id, scope, at, "pdf")


def proces_verbal_call(store: Store, actor: Actor, call_id: str, seance_id: int | None = None,
                       generated_at: datetime | None = None) -> tuple[str, bytes]:
    """The séance's procès-verbal straight from the store (`jury pv`): (file name, bytes)."""
    minutes, scope = seance_minutes(store, actor, call_id, seance_id)
    at = (generated_at or datetime.now()).replace(microsecond=0)
    return proces_verbal_file_name(call_id, scope, at), build_proces_verbal(minutes, at)
