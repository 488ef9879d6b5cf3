"""A séance held on a copy of the demo database, the way the president holds one: opened by the
service (agenda and official settings v1), attendance taken, a weight change, dossiers discussed,
secret votes closed, decisions recorded (one departing from its vote), a vote cancelled, and the
séance closed. The procès-verbal and report tests read it back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dashboard.core.decision import AggregationSettings
from dashboard.core.votes import Tally
from dashboard.services import seance as seance_service
from dashboard.services.meeting import ExportRequest, call_inputs, call_request, load_call, official
from dashboard.services.operations import demo_login
from dashboard.store import Database, Store
from dashboard.store.access import OPERATOR, Actor
from tests.helpers.apptest import account
from tests.helpers.databases import copy_database

CALL = "AMI1"
PRESIDENT = "helene.marchetti"
PLACE = "Cnam, 292 rue Saint-Martin, Paris"
TITLE = "Séance du 05/09/2019"
SIZE = 55
# juror id → attendance: seven present (JUR-07 leaves during the séance), one excused, one absent
EXCUSED, ABSENT, LEAVES = "JUR-08", "JUR-09", "JUR-07"
# dossier → the ballots of the jurors present, in juror order (JUR-01 … JUR-07), and the decision
VOTED: dict[str, tuple[list[str], str, str, str | None]] = {
    "AMI1-002": (["retenu"] * 5 + ["non retenu", "abstention"], "retenu",
                 "Projet d'antenne solide, partenaires engagés.", None),
    "AMI1-004": (["non retenu"] * 4 + ["retenu", "retenu", "abstention"], "ajourné – accompagnement proposé",
                 "Territoire prometteur, dossier à consolider.",
                 "Le jury propose un accompagnement plutôt qu'un refus sec."),
}
CANCELLED = "AMI1-005"  # its vote is cancelled; no decision


@dataclass(frozen=True)
class HeldSeance:
    seance_id: int
    president: Actor
    tallies: dict[str, Tally]


def jury_accounts(store: Store) -> dict[str, Actor]:
    """Every demo juror's account, by juror id."""
    return {str(row.juror_id): account(store, demo_login(str(row.name))) for row in store.jurors().itertuples()}


def _vote(store: Store, seance_id: int, president: Actor, dossier: str, ballots: list[str],
          present: list[str], jurors: dict[str, Actor]) -> Tally:
    version = store.seance(president, seance_id).version
    store.discuss_dossier(president, seance_id, dossier, version)
    vote_id = store.open_vote(president, seance_id, store.seance(president, seance_id).version).vote_id
    for juror_id, choice in zip(present, ballots, strict=False):
        store.cast_ballot(jurors[juror_id], vote_id, choice)
    tally = store.close_vote(president, vote_id).tally
    assert tally is not None
    return tally


def hold_seance(store: Store, *, close: bool = True) -> HeldSeance:
    """Hold the demo call's séance as the module docstring says."""
    president = account(store, PRESIDENT)
    call = load_call(store, president, CALL)
    inputs = call_inputs(store, president, call, AggregationSettings())
    seance_id = seance_service.open_seance(store, president, inputs, TITLE, PLACE, SIZE).seance_id
    jurors = jury_accounts(store)
    for juror_id in sorted(jurors):
        status = {EXCUSED: "excusé", ABSENT: "absent"}.get(juror_id, "présent")
        store.mark_attendance(president, seance_id, juror_id, status)
    settled = official(store, president, CALL, seance_id)
    assert settled is not None
    changed = settled.profile.to_dict() | {"method": "topsis"}
    store.set_official_profile(president, seance_id, changed, settled.settings.version,
                               "pondération : méthode Somme pondérée → TOPSIS")
    present = [j for j in sorted(jurors) if j not in (EXCUSED, ABSENT)]
    tallies = {}
    for dossier, (ballots, decision, rationale, departure) in VOTED.items():
        tallies[dossier] = _vote(store, seance_id, president, dossier, ballots, present, jurors)
        store.record_decision(president, CALL, dossier, decision, rationale, departure)
    store.discuss_dossier(president, seance_id, CANCELLED, store.seance(president, seance_id).version)
    vote_id = store.open_vote(president, seance_id, store.seance(president, seance_id).version).vote_id
    store.cancel_vote(president, vote_id)
    store.record_departure(president, seance_id, LEAVES)
    if close:
        store.close_seance(president, seance_id)
    return HeldSeance(seance_id, president, tallies)


@contextmanager
def held_copy(source: Path, path: Path) -> Iterator[tuple[Store, HeldSeance, ExportRequest]]:
    """A copy of the database `source` at `path` where the séance was held: its store, the séance,
    and what the official export of the call holds (`call_request`); the database closed after."""
    copy_database(source, path)
    database = Database(path)
    try:
        store = database.store()
        seance = hold_seance(store)
        yield store, seance, call_request(store, OPERATOR, CALL, seance_id=seance.seance_id)
    finally:
        database.close()
