"""The séance's record in the store: its lifecycle, attendance, the agenda, the dossier under
discussion with its compare-and-set, recusal refusals, the frozen record, the clock."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from dashboard.core.seance import AgendaLine
from dashboard.errors import AccessDenied, SeanceChanged, StoreError
from dashboard.services.importer import import_file
from dashboard.store import Database, Store
from dashboard.store.access import OPERATOR, Actor
from tests.helpers.accounts import ADMIN, DIRECTION, JUROR, PRESIDENT, add_accounts

# Version 1 of the official settings, as the séance service would copy them.
OFFICIAL = {"profile": {"method": "wsm", "weights": {"J1": 1.0}, "enabled": ["J1"], "preferences": {}, "v": 0.5,
                        "missing": "mean", "weighting": {"mode": "equal"}},
            "choices": {"size": 2, "every_region": False, "min_overseas": 0, "min_ti_share": 0.0,
                        "max_per_region": None}}
AGENDA = [AgendaLine("AMI1-002", "conteste", "1er plus contesté"), AgendaLine("AMI1-003", "limite", "Rang 2"),
          AgendaLine("AMI1-001", "autre", "Rang 1")]


def _open(store: Store, actor: Actor = PRESIDENT) -> int:
    return store.open_seance(actor, "AMI1", "Séance du 05/09/2019", "Paris, Cnam", 2, AGENDA, **OFFICIAL).seance_id


def _seance_entries(store: Store) -> list[tuple[str, str, dict]]:
    log = store.audit_log(OPERATOR)
    log = log[log["entity"] == "seance"]
    return [(actor, action, json.loads(after)) for actor, action, after in zip(
        log["actor"], log["action"], log["after"], strict=True)]


def test_opening_records_the_seance_its_agenda_and_the_journal(tiny_store: Store) -> None:
    clock = tiny_store.seance_clock()
    data_version = tiny_store.data_version()
    seance = tiny_store.seance(JUROR, _open(tiny_store))
    assert (seance.call_id, seance.title, seance.place, seance.shortlist_size) == (
        "AMI1", "Séance du 05/09/2019", "Paris, Cnam", 2)
    assert seance.is_open and seance.opened_by == "Claire Martin" and seance.current_dossier_id is None
    agenda = tiny_store.agenda(JUROR, seance.seance_id)
    assert agenda["dossier_id"].tolist() == ["AMI1-002", "AMI1-003", "AMI1-001"]
    assert agenda["position"].tolist() == [1, 2, 3]
    assert agenda["detail"].tolist() == ["1er plus contesté", "Rang 2", "Rang 1"]
    assert tiny_store.seance_clock() == (clock[0] + 1, clock[1] + 1)
    # journalled with the person's name, and no cache of the call's data is thrown away
    [(login, action, after)] = _seance_entries(tiny_store)
    assert (login, action, after["par"], after["ordre_du_jour"]) == (
        "claire.martin", "ouverture de la séance", "Claire Martin", ["AMI1-002", "AMI1-003", "AMI1-001"])
    assert tiny_store.data_version() == data_version
    assert [s.seance_id for s in tiny_store.open_seances(DIRECTION)] == [seance.seance_id]


def test_one_open_seance_per_call_and_who_may_open(tiny_store: Store) -> None:
    _open(tiny_store)
    with pytest.raises(StoreError, match="déjà ouverte pour l'appel « AMI1 »"):
        _open(tiny_store, ADMIN)
    for actor in (JUROR, DIRECTION):
        with pytest.raises(AccessDenied, match="conduite de la séance"):
            _open(tiny_store, actor)
    with pytest.raises(StoreError, match="titre de la séance est obligatoire"):
        tiny_store.open_seance(PRESIDENT, "AMI1", "  ", None, 2, AGENDA, **OFFICIAL)
    with pytest.raises(StoreError, match="inconnu"):
        tiny_store.open_seance(PRESIDENT, "AMI1", "Autre", None, 2, [AgendaLine("AMI9-001", "autre", "x")], **OFFICIAL)
    assert len(tiny_store.call_seances(PRESIDENT, "AMI1")) == 1


def test_attendance_arrival_departure_and_the_present(tiny_store: Store) -> None:
    seance_id = _open(tiny_store)
    attendance = tiny_store.attendance(JUROR, seance_id).set_index("juror_id")
    assert attendance["status"].isna().all() and not attendance["present"].any()
    tiny_store.mark_attendance(PRESIDENT, seance_id, "J-BDT", "présent")
    tiny_store.mark_attendance(PRESIDENT, seance_id, "J-CNAM", "excusé")
    attendance = tiny_store.attendance(JUROR, seance_id).set_index("juror_id")
    assert attendance.loc["J-BDT", "status"] == "présent" and bool(attendance.loc["J-BDT", "present"])
    arrived = attendance.loc["J-BDT", "arrived_at"]
    assert arrived is not None and attendance.loc["J-CNAM", "status"] == "excusé"
    tiny_store.mark_attendance(PRESIDENT, seance_id, "J-BDT", "présent")  # marked again: arrival kept
    assert tiny_store.attendance(JUROR, seance_id).set_index("juror_id").loc["J-BDT", "arrived_at"] == arrived
    tiny_store.record_departure(PRESIDENT, seance_id, "J-BDT")
    attendance = tiny_store.attendance(JUROR, seance_id).set_index("juror_id")
    assert not bool(attendance.loc["J-BDT", "present"]) and attendance.loc["J-BDT", "left_at"] is not None
    with pytest.raises(StoreError, match="aucun départ à noter"):
        tiny_store.record_departure(PRESIDENT, seance_id, "J-CNAM")
    with pytest.raises(StoreError, match="Présence « en retard » inconnue"):
        tiny_store.mark_attendance(PRESIDENT, seance_id, "J-BDT", "en retard")
    with pytest.raises(AccessDenied):
        tiny_store.mark_attendance(JUROR, seance_id, "J-BDT", "présent")
    actions = [action for _, action, _ in _seance_entries(tiny_store)]
    assert actions.count("présence") == 3 and actions.count("départ d'un juré") == 1


def test_the_agenda_is_edited_by_the_president(tiny_store: Store) -> None:
    seance_id = _open(tiny_store)
    tiny_store.move_agenda_line(PRESIDENT, seance_id, "AMI1-001", 1)
    assert tiny_store.agenda(JUROR, seance_id)["dossier_id"].tolist() == ["AMI1-001", "AMI1-002", "AMI1-003"]
    tiny_store.remove_agenda_line(PRESIDENT, seance_id, "AMI1-002")
    agenda = tiny_store.agenda(JUROR, seance_id)
    assert agenda["dossier_id"].tolist() == ["AMI1-001", "AMI1-003"] and agenda["position"].tolist() == [1, 2]
    tiny_store.add_agenda_line(PRESIDENT, seance_id, "AMI1-002")
    agenda = tiny_store.agenda(JUROR, seance_id)
    assert agenda["dossier_id"].tolist() == ["AMI1-001", "AMI1-003", "AMI1-002"]
    assert agenda["detail"].iloc[-1] == "Ajouté par Claire Martin" and agenda["reason"].iloc[-1] == "ajoute"
    with pytest.raises(StoreError, match="déjà à l'ordre du jour"):
        tiny_store.add_agenda_line(PRESIDENT, seance_id, "AMI1-002")
    with pytest.raises(StoreError, match="hors de l'ordre du jour"):
        tiny_store.move_agenda_line(PRESIDENT, seance_id, "AMI1-002", 4)
    with pytest.raises(AccessDenied):
        tiny_store.move_agenda_line(JUROR, seance_id, "AMI1-002", 1)


def test_moving_through_the_agenda_marks_what_is_done(tiny_store: Store) -> None:
    seance = tiny_store.seance(PRESIDENT, _open(tiny_store))
    seance = tiny_store.next_dossier(PRESIDENT, seance.seance_id, seance.version)
    assert seance.current_dossier_id == "AMI1-002"
    seance = tiny_store.discuss_dossier(PRESIDENT, seance.seance_id, "AMI1-001", seance.version)
    agenda = tiny_store.agenda(JUROR, seance.seance_id).set_index("dossier_id")
    assert agenda["discussed_at"].notna().tolist() == [True, False, False]  # 002 done, 003 and 001 not
    assert agenda["current"].tolist() == [False, False, True]
    seance = tiny_store.next_dossier(PRESIDENT, seance.seance_id, seance.version)
    assert seance.current_dossier_id == "AMI1-003"  # the first not yet discussed
    seance = tiny_store.next_dossier(PRESIDENT, seance.seance_id, seance.version)
    assert seance.current_dossier_id is None
    assert tiny_store.agenda(JUROR, seance.seance_id)["discussed_at"].notna().all()
    with pytest.raises(StoreError, match="n'est pas à l'ordre du jour"):
        tiny_store.discuss_dossier(PRESIDENT, seance.seance_id, "AMI1-999", seance.version)


def test_a_stale_move_is_refused_and_changes_nothing(tiny_store: Store) -> None:
    seance = tiny_store.seance(PRESIDENT, _open(tiny_store))
    seen = seance.version
    moved = tiny_store.next_dossier(PRESIDENT, seance.seance_id, seen)
    clock = tiny_store.seance_clock()
    with pytest.raises(SeanceChanged, match="La séance a changé entre-temps"):
        tiny_store.next_dossier(PRESIDENT, seance.seance_id, seen)
    assert tiny_store.seance(PRESIDENT, seance.seance_id) == moved
    assert tiny_store.seance_clock() == clock


def test_choosing_the_dossier_already_under_discussion_is_no_conflict(tiny_store: Store) -> None:
    seance = tiny_store.seance(PRESIDENT, _open(tiny_store))
    seen = seance.version
    moved = tiny_store.discuss_dossier(PRESIDENT, seance.seance_id, "AMI1-003", seen)
    clock, entries = tiny_store.seance_clock(), len(tiny_store.audit_log(PRESIDENT))
    # The same choice sent again for the version it was made on: nothing to do, nothing refused.
    assert tiny_store.discuss_dossier(PRESIDENT, seance.seance_id, "AMI1-003", seen) == moved
    assert tiny_store.seance_clock() == clock and len(tiny_store.audit_log(PRESIDENT)) == entries
    with pytest.raises(SeanceChanged, match="La séance a changé entre-temps"):  # another choice is one
        tiny_store.discuss_dossier(PRESIDENT, seance.seance_id, "AMI1-001", seen)


def test_two_tabs_moving_at_once_move_once(tmp_path: Path, tiny_workbook: Path) -> None:
    database = Database(tmp_path / "jury.duckdb")
    try:
        store = database.store()
        import_file(tiny_workbook, store, actor=OPERATOR)
        add_accounts(store, (PRESIDENT,))
        seance = store.open_seance(PRESIDENT, "AMI1", "Séance", None, 2, AGENDA, **OFFICIAL)
        outcomes: list[str] = []
        start = threading.Barrier(2)

        def click() -> None:
            tab = database.store()  # each tab has its own cursor
            start.wait()
            try:
                tab.next_dossier(PRESIDENT, seance.seance_id, seance.version)
                outcomes.append("moved")
            except SeanceChanged:
                outcomes.append("refused")
        threads = [threading.Thread(target=click) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["moved", "refused"]
        after = store.seance(PRESIDENT, seance.seance_id)
        assert after.current_dossier_id == "AMI1-002" and after.version == seance.version + 1
        assert store.agenda(PRESIDENT, seance.seance_id)["discussed_at"].isna().all()
    finally:
        database.close()


def test_a_recused_juror_is_refused_the_ratings_of_the_dossier_under_discussion(tiny_store: Store) -> None:
    seance = tiny_store.seance(PRESIDENT, _open(tiny_store))
    seance = tiny_store.discuss_dossier(PRESIDENT, seance.seance_id, "AMI1-003", seance.version)
    with pytest.raises(AccessDenied, match="vous êtes récusé·e pour le dossier « AMI1-003 »"):
        tiny_store.discussed_ratings(JUROR, seance.seance_id)
    shown = tiny_store.discussed_ratings(PRESIDENT, seance.seance_id)
    assert not shown.empty and set(shown.columns) == {"criterion_id", "jurors", "mean", "lowest", "highest"}
    seance = tiny_store.discuss_dossier(PRESIDENT, seance.seance_id, "AMI1-001", seance.version)
    ratings = tiny_store.discussed_ratings(JUROR, seance.seance_id).set_index("criterion_id")
    stored = tiny_store.ratings(PRESIDENT, "AMI1")
    stored = stored[(stored["dossier_id"] == "AMI1-001") & stored["counts"]]
    expected = stored.groupby("criterion_id")["score"].agg(["count", "mean", "min", "max"])
    assert ratings["jurors"].tolist() == expected["count"].tolist()
    assert ratings["mean"].tolist() == pytest.approx(expected["mean"].tolist())
    assert ratings["lowest"].tolist() == expected["min"].tolist()
    assert ratings["highest"].tolist() == expected["max"].tolist()


def test_a_closed_seance_is_frozen_until_the_president_reopens_it(tiny_store: Store) -> None:
    seance = tiny_store.seance(PRESIDENT, _open(tiny_store))
    seance = tiny_store.next_dossier(PRESIDENT, seance.seance_id, seance.version)
    clock = tiny_store.seance_clock()
    closed = tiny_store.close_seance(ADMIN, seance.seance_id)
    assert not closed.is_open and closed.closed_by == "Secrétariat" and closed.current_dossier_id is None
    assert tiny_store.seance_clock() == (clock[0] + 1, clock[1] + 1)
    assert tiny_store.open_seances(JUROR) == []
    assert tiny_store.agenda(PRESIDENT, seance.seance_id).set_index("dossier_id").loc["AMI1-002", "discussed_at"]
    before = (tiny_store.state_hash(), len(tiny_store.audit_log(OPERATOR)))
    for change in (lambda: tiny_store.mark_attendance(PRESIDENT, seance.seance_id, "J-BDT", "présent"),
                   lambda: tiny_store.next_dossier(PRESIDENT, seance.seance_id, closed.version),
                   lambda: tiny_store.move_agenda_line(PRESIDENT, seance.seance_id, "AMI1-001", 1),
                   lambda: tiny_store.close_seance(PRESIDENT, seance.seance_id)):
        with pytest.raises(StoreError, match="est close depuis le"):
            change()
    assert (tiny_store.state_hash(), len(tiny_store.audit_log(OPERATOR))) == before
    with pytest.raises(AccessDenied, match="réouverture"):
        tiny_store.reopen_seance(ADMIN, seance.seance_id)
    reopened = tiny_store.reopen_seance(PRESIDENT, seance.seance_id)
    assert reopened.is_open and [s.seance_id for s in tiny_store.open_seances(JUROR)] == [seance.seance_id]
    assert [action for _, action, _ in _seance_entries(tiny_store)][-2:] == [
        "clôture de la séance", "réouverture de la séance"]
    with pytest.raises(StoreError, match="déjà ouverte"):
        tiny_store.reopen_seance(PRESIDENT, seance.seance_id)


def test_reopening_waits_for_the_other_open_seance_of_the_call(tiny_store: Store) -> None:
    first = _open(tiny_store)
    tiny_store.close_seance(PRESIDENT, first)
    second = _open(tiny_store)
    with pytest.raises(StoreError, match="Une autre séance est ouverte"):
        tiny_store.reopen_seance(PRESIDENT, first)
    assert [s.seance_id for s in tiny_store.call_seances(PRESIDENT, "AMI1")] == [second, first]


def test_the_journal_covers_the_seance(tiny_store: Store) -> None:
    seance = tiny_store.seance(PRESIDENT, _open(tiny_store))
    tiny_store.next_dossier(PRESIDENT, seance.seance_id, seance.version)
    assert tiny_store.verify_journal(OPERATOR).intact
    tiny_store._cur.execute("UPDATE seance_agenda SET detail = 'réécrit hors de l''application'")
    assert not tiny_store.verify_journal(OPERATOR).intact
    tiny_store._cur.execute("UPDATE seance_agenda SET detail = '1er plus contesté' WHERE dossier_id = 'AMI1-002'")
    tiny_store._cur.execute("UPDATE seance_agenda SET detail = 'Rang 2' WHERE dossier_id = 'AMI1-003'")
    tiny_store._cur.execute("UPDATE seance_agenda SET detail = 'Rang 1' WHERE dossier_id = 'AMI1-001'")
    assert tiny_store.verify_journal(OPERATOR).intact
