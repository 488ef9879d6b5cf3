"""The séance's secret votes, decisions from their tallies, and the official settings in versions,
on a copy of the demo database (nine jurors): the quorum, the secrecy of the ballots (in no table,
journal entry, log or backup), a change of vote, a restart in the middle of a vote, the plurality
rule, the history of decisions, and the versions only the president writes."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.core.seance import AgendaLine
from dashboard.core.votes import VOTE_CHOICES
from dashboard.errors import AccessDenied, SeanceChanged, StoreError
from dashboard.services.backups import make_backup
from dashboard.store import Database, Store, deliberation
from dashboard.store.access import OPERATOR, Actor
from tests.helpers.apptest import account
from tests.helpers.seance_record import jury_accounts
from tests.store.test_seance import OFFICIAL

CALL = "AMI1"
# JUR-04 is recused from AMI1-003, nobody from the others
DOSSIER, OTHER, RECUSED_FROM = "AMI1-002", "AMI1-004", "AMI1-003"
PRESIDENT, RECUSED = "helene.marchetti", "olivier.castaing"


@pytest.fixture
def demo(demo_app_store: Store) -> Store:
    return demo_app_store


def _open(store: Store, present: int | None = None) -> tuple[int, Actor]:
    """A séance on the first dossiers, `present` jurors marked present (all by default), AMI1-001 under
    discussion; (séance id, president)."""
    president = account(store, PRESIDENT)
    agenda = [AgendaLine(d, "autre", "Rang") for d in (DOSSIER, OTHER, RECUSED_FROM)]
    seance_id = store.open_seance(president, CALL, "Séance du 05/09/2019", None, 5, agenda, **OFFICIAL).seance_id
    for juror_id in sorted(jury_accounts(store))[:present]:
        store.mark_attendance(president, seance_id, juror_id, "présent")
    store.discuss_dossier(president, seance_id, DOSSIER, store.seance(president, seance_id).version)
    return seance_id, president


def _open_vote(store: Store, seance_id: int, president: Actor) -> int:
    return store.open_vote(president, seance_id, store.seance(president, seance_id).version).vote_id


def _pairs(rows: list[tuple], tokens: set[str]) -> set[str]:
    """The rows (as text) holding both a juror's identifier or name and a vote choice."""
    found = set()
    for row in rows:
        text = " | ".join("" if v is None else str(v) for v in row)
        if any(token in text for token in tokens) and any(choice in text for choice in VOTE_CHOICES):
            found.add(text)
    return found


def _every_row(store: Store) -> set[str]:
    """Every row of every table of the base but the journal (its entries are read one by one),
    as text, that pairs a juror with a choice."""
    tokens = {t for actor in jury_accounts(store).values() for t in (actor.juror_id or "", actor.login, actor.name)}
    tables = [row[0] for row in store._rows("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                            "AND table_name <> 'audit_log'")]
    return {f"{table}: {text}" for table in tables
            for text in _pairs(store._rows(f"SELECT * FROM {table}"), tokens)}


def test_a_vote_needs_the_quorum_of_the_dossier(demo: Store) -> None:
    seance_id, president = _open(demo, present=4)
    with pytest.raises(StoreError, match=r"Quorum du dossier non atteint : 4 présents sur 9 \(5 requis\)"):
        _open_vote(demo, seance_id, president)
    assert demo.seance_votes(president, seance_id) == []
    demo.mark_attendance(president, seance_id, sorted(jury_accounts(demo))[4], "présent")
    vote = demo.vote(president, _open_vote(demo, seance_id, president))
    assert (vote.dossier_id, vote.status, vote.voters, vote.tally) == (DOSSIER, "ouvert", 0, None)
    with pytest.raises(StoreError, match="déjà ouvert"):
        _open_vote(demo, seance_id, president)
    # while it is open the dossier under discussion stays, the séance stays open
    with pytest.raises(StoreError, match="avant de passer au dossier suivant"):
        demo.next_dossier(president, seance_id, demo.seance(president, seance_id).version)
    with pytest.raises(StoreError, match="avant de clore la séance"):
        demo.close_seance(president, seance_id)
    for role in (account(demo, "direction"), account(demo, "celine.ravaud")):
        with pytest.raises(AccessDenied):
            demo.open_vote(role, seance_id, demo.seance(president, seance_id).version)


def test_ballots_stay_in_memory_and_only_who_voted_and_the_tally_are_written(
        demo: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    seance_id, president = _open(demo)
    jurors = jury_accounts(demo)
    before = _every_row(demo)  # e.g. a dossier's historical « non retenu » beside no juror
    journal_before = len(demo.audit_log(OPERATOR))
    vote_id = _open_vote(demo, seance_id, president)
    ballots = dict(zip(sorted(jurors), ["retenu", "retenu", "non retenu", "abstention", "retenu",
                                        "ajourné – accompagnement proposé"], strict=False))
    for juror_id, choice in ballots.items():
        demo.cast_ballot(jurors[juror_id], vote_id, choice)
    first = sorted(jurors)[0]
    demo.cast_ballot(jurors[first], vote_id, "non retenu")  # changed before the close
    demo.cast_ballot(jurors[first], vote_id, "retenu")      # and back
    assert demo.my_ballot(jurors[sorted(jurors)[2]], vote_id) == "non retenu"
    assert demo.my_ballot(president, vote_id) == ballots.get(president.juror_id or "")
    # while it is open: who voted, never what
    assert demo.vote_participants(president, vote_id) == sorted(ballots)
    assert demo.vote(president, vote_id).voters == 6
    assert _every_row(demo) == before

    closed = demo.close_vote(president, vote_id)
    assert closed.status == "clos" and closed.tally is not None
    assert closed.tally.as_dict() == {"retenu": 3, "ajourné – accompagnement proposé": 1, "non retenu": 1,
                                      "abstention": 1}
    with pytest.raises(StoreError, match="déjà clos"):
        demo.close_vote(president, vote_id)
    with pytest.raises(StoreError, match="clos ou annulé"):
        demo.cast_ballot(jurors[first], vote_id, "retenu")
    assert demo.my_ballot(jurors[first], vote_id) is None  # dropped
    # no table, journal entry or log line pairs a juror with a choice; the tally has no ballot's time
    assert _every_row(demo) == before
    new_entries = demo.audit_log(OPERATOR).iloc[journal_before:]
    tokens = {t for actor in jurors.values() for t in (actor.juror_id or "", actor.login, actor.name)}
    with_choices = [(action, json.loads(after)) for action, after in zip(new_entries["action"], new_entries["after"],
                                                                          strict=True)
                    if any(choice in after for choice in VOTE_CHOICES)]
    # the one entry that names choices is the tally: counts, and who closed the vote
    assert [action for action, _ in with_choices] == ["clôture du vote"]
    [(_, tally_entry)] = with_choices
    assert set(tally_entry) == {"seance", "par", "vote", "decompte"}
    assert not any(token in json.dumps(tally_entry["decompte"], ensure_ascii=False) for token in tokens)
    participation = [json.loads(a) for a, action in zip(new_entries["after"], new_entries["action"], strict=True)
                     if action == "participation au vote"]
    assert sorted(e["jure"] for e in participation) == sorted(ballots)  # once each, the change wrote nothing
    assert [c for c, _ in demo._table_columns("seance_vote_participation")] == ["vote_id", "juror_id"]
    timestamps = [c for c, dtype in demo._table_columns("seance_votes") if dtype.startswith("TIMESTAMP")]
    assert timestamps == ["opened_at", "ended_at"]
    assert not [r.getMessage() for r in caplog.records if any(c in r.getMessage() for c in VOTE_CHOICES)]
    # nor does a backup
    make_backup(_database(), tmp_path / "copie.duckdb")
    copy = Database(tmp_path / "copie.duckdb")
    try:
        assert _every_row(copy.store()) == before
        assert len(copy.store().audit_log(OPERATOR)) == len(demo.audit_log(OPERATOR))
    finally:
        copy.close()


def _database() -> Database:
    """The database `demo_app_store` opened (the app's, for this process)."""
    from dashboard.ui.session import get_database
    return get_database()


def test_a_recused_an_absent_or_a_non_juror_is_refused_a_ballot(demo: Store) -> None:
    seance_id, president = _open(demo, present=8)
    jurors = jury_accounts(demo)
    absent = jurors[sorted(jurors)[8]]
    demo.discuss_dossier(president, seance_id, RECUSED_FROM, demo.seance(president, seance_id).version)
    vote_id = _open_vote(demo, seance_id, president)
    recused = account(demo, RECUSED)
    with pytest.raises(AccessDenied, match="récusé·e"):
        demo.cast_ballot(recused, vote_id, "retenu")
    with pytest.raises(StoreError, match="pas pointé·e présent·e"):
        demo.cast_ballot(absent, vote_id, "retenu")
    with pytest.raises(AccessDenied):
        demo.cast_ballot(account(demo, "direction"), vote_id, "retenu")
    with pytest.raises(StoreError, match="Choix de vote « oui » inconnu"):
        demo.cast_ballot(president, vote_id, "oui")
    assert demo.vote_participants(president, vote_id) == []


RESTART_SCRIPT = """
import sys
from dashboard.store import Database
from tests.helpers.apptest import account
from tests.helpers.seance_record import jury_accounts
database = Database(sys.argv[1])
store = database.store()
president = account(store, "helene.marchetti")
[seance] = store.open_seances(president)
vote = store.open_vote(president, seance.seance_id, seance.version)
store.cast_ballot(president, vote.vote_id, "retenu")
database.close()
"""


def test_a_vote_open_when_the_server_stopped_is_void_and_says_so(demo: Store) -> None:
    seance_id, president = _open(demo)
    database = _database()
    path = database.path
    database.close()
    # another process (the server before its restart) opens a vote, takes a ballot, and ends
    subprocess.run([sys.executable, "-c", RESTART_SCRIPT, str(path)], check=True, capture_output=True, timeout=120,
                   cwd=Path(__file__).resolve().parents[2])
    reopened = Database(path)
    try:
        store = reopened.store()
        [vote] = store.seance_votes(president, seance_id)
        assert vote.status == "ouvert" and vote.interrupted and not vote.is_open and vote.voters == 1
        with pytest.raises(StoreError, match="redémarré pendant le vote"):
            store.cast_ballot(president, vote.vote_id, "retenu")
        assert store.record_interrupted_votes(president, seance_id)
        [vote] = store.seance_votes(president, seance_id)
        assert (vote.status, vote.void_reason, vote.tally) == ("annulé", deliberation.RESTART_REASON, None)
        again = store.open_vote(president, seance_id, store.seance(president, seance_id).version)
        assert again.is_open
    finally:
        reopened.close()


def _closed_vote(store: Store, seance_id: int, president: Actor, choices: list[str]) -> int:
    jurors = jury_accounts(store)
    vote_id = _open_vote(store, seance_id, president)
    for juror_id, choice in zip(sorted(jurors), choices, strict=False):
        store.cast_ballot(jurors[juror_id], vote_id, choice)
    store.close_vote(president, vote_id)
    return vote_id


def test_a_decision_that_departs_from_the_vote_says_why(demo: Store) -> None:
    seance_id, president = _open(demo)
    vote_id = _open_vote(demo, seance_id, president)
    with pytest.raises(StoreError, match="son vote est en cours"):
        demo.record_decision(president, CALL, DOSSIER, "retenu", "Vote en cours.")
    demo.cancel_vote(president, vote_id)
    vote_id = _closed_vote(demo, seance_id, president, ["retenu", "retenu", "non retenu", "abstention", "abstention"])
    label = demo.dossier_label(DOSSIER)
    assert label.endswith(")") and "(" in label
    refused = rf"Décision refusée sur « {re.escape(label)} » : « non retenu » s.écarte du vote"
    with pytest.raises(StoreError, match=refused):
        demo.record_decision(president, CALL, DOSSIER, "non retenu", "Projet trop fragile.")
    demo.record_decision(president, CALL, DOSSIER, "non retenu", "Projet trop fragile.",
                         departure="Le financement annoncé a été retiré la veille de la séance.")
    [row] = demo.decisions(president, CALL).to_dict("records")
    assert (row["decision"], row["seance_id"], row["vote_id"], row["retenu"], row["non_retenu"], row["abstention"]) == (
        "non retenu", seance_id, vote_id, 2, 1, 2)
    assert row["departure"].startswith("Le financement")
    # the plurality needs no reason; a tie allows either; only abstentions designate nothing
    demo.record_decision(president, CALL, DOSSIER, "retenu", "Conforme au vote.")
    demo.discuss_dossier(president, seance_id, OTHER, demo.seance(president, seance_id).version)
    _closed_vote(demo, seance_id, president, ["retenu", "non retenu", "abstention", "abstention", "abstention"])
    demo.record_decision(president, CALL, OTHER, "non retenu", "Égalité, la présidence tranche.")
    with pytest.raises(StoreError, match="s'écarte du vote"):
        demo.record_decision(president, CALL, OTHER, "ajourné – accompagnement proposé", "Autre avis.")
    history = demo.decision_history(president, CALL)
    assert history[history["dossier_id"] == DOSSIER]["decision"].tolist() == ["non retenu", "retenu"]
    assert history[history["dossier_id"] == DOSSIER]["current"].tolist() == [False, True]


def test_a_later_seance_supersedes_and_nothing_outside_a_seance_does(demo: Store) -> None:
    seance_id, president = _open(demo)
    _closed_vote(demo, seance_id, president, ["retenu"] * 5)
    demo.record_decision(president, CALL, DOSSIER, "retenu", "Unanimité.")
    demo.close_seance(president, seance_id)
    with pytest.raises(StoreError, match=r"prise en séance .* seule une séance ultérieure"):
        demo.record_decision(president, CALL, DOSSIER, "non retenu", "Changement d'avis hors séance.")
    demo.record_decision(president, CALL, OTHER, "non retenu", "Hors séance, sans décision antérieure.")
    second, _ = _open(demo)
    demo.record_decision(president, CALL, DOSSIER, "ajourné – accompagnement proposé", "Réexamen en séance.")
    current = demo.decisions(president, CALL).set_index("dossier_id")
    assert (current.at[DOSSIER, "decision"], current.at[DOSSIER, "seance_id"]) == (
        "ajourné – accompagnement proposé", second)
    history = demo.decision_history(president, CALL)
    rows = history[history["dossier_id"] == DOSSIER]
    assert rows["seance_id"].tolist() == [seance_id, second] and rows["current"].tolist() == [False, True]


def test_official_settings_change_in_versions_only_by_the_president(demo: Store) -> None:
    seance_id, president = _open(demo)
    first = demo.official_settings(president, seance_id)
    assert (first.version, first.profile, first.choices, first.forcings) == (
        1, OFFICIAL["profile"], OFFICIAL["choices"], [])
    heavier = {**OFFICIAL["profile"], "weights": {"J1": 3.0}}
    for other in (account(demo, "celine.ravaud"), account(demo, "admin"), account(demo, "direction")):
        with pytest.raises(AccessDenied, match="officielles"):
            demo.set_official_profile(other, seance_id, heavier, 1)
    second = demo.set_official_profile(president, seance_id, heavier, 1)
    assert (second.version, second.profile["weights"], second.changed_by) == (2, {"J1": 3.0}, president.name)
    with pytest.raises(SeanceChanged, match="version 2"):
        demo.set_official_choices(president, seance_id, {**OFFICIAL["choices"], "size": 7}, 1)
    third = demo.set_official_choices(president, seance_id, {**OFFICIAL["choices"], "size": 7}, 2)
    assert third.choices["size"] == 7 and third.profile["weights"] == {"J1": 3.0}
    demo.set_forcing(president, CALL, OTHER, "force_in", "Projet structurant pour la région.")
    fourth = demo.official_settings(president, seance_id)
    assert fourth.version == 4 and [f["dossier_id"] for f in fourth.forcings] == [OTHER]
    assert demo.official_settings(president, seance_id, version=2).choices == OFFICIAL["choices"]
    assert demo.official_versions(president, seance_id)["version"].tolist() == [1, 2, 3, 4]
    # each version journalled with the name, before and after
    log = demo.audit_log(OPERATOR)
    entries = [json.loads(a) for a, action in zip(log["after"], log["action"], strict=True)
               if action == "réglages officiels"]
    assert [(e["version"], e["par"]) for e in entries] == [(2, president.name), (3, president.name),
                                                          (4, president.name)]
    assert entries[0]["avant"]["profil"]["weights"] == {"J1": 1.0}
    assert entries[0]["apres"]["profil"]["weights"] == {"J1": 3.0}
    demo.close_seance(president, seance_id)
    with pytest.raises(StoreError, match="est close"):
        demo.set_official_profile(president, seance_id, OFFICIAL["profile"], 4)
