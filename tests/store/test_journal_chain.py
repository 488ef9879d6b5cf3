"""The journal's chain: `jury audit --verify` passes on an intact or migrated database and names
the entry where a change made directly in the file breaks it (see `dashboard/store/journal.py`)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from dashboard.cli import main
from dashboard.services.importer import import_file
from dashboard.store import Database, RatingEntry, journal
from dashboard.store.access import OPERATOR
from dashboard.store.base import PROTECTED_TABLES, UNPROTECTED_TABLES
from dashboard.store.database import CHAIN_VERSION
from tests.helpers.accounts import JUROR, PRESIDENT
from tests.helpers.databases import older_schema_file


@pytest.fixture
def chained(tmp_path: Path, tiny_workbook: Path) -> Path:
    """A closed database whose journal holds an import, two ratings, a decision and a failed log-in."""
    path = tmp_path / "jury.duckdb"
    db = Database(path)
    store = db.store()
    import_file(tiny_workbook, store, actor=OPERATOR)
    store.add_user(OPERATOR, JUROR.login, JUROR.name, "jure", "$2b$04$" + "x" * 53, juror_id=JUROR.juror_id)
    store.save_ratings(JUROR, "AMI1-002", [RatingEntry("J01", 2, "relu", 1)])
    store.save_ratings(JUROR, "AMI1-001", [RatingEntry("J01", 4, None, 1)])
    store.record_decision(PRESIDENT, "AMI1", "AMI1-001", "retenu", "dossier solide")
    store.record_login_failure("paul.leroy", datetime.now())
    db.close()
    return path


def _verify(path: Path, capsys: pytest.CaptureFixture[str], *heads: str) -> tuple[int, str, str]:
    arguments = ["audit", "--verify", "--db", str(path)]
    for head in heads:
        arguments += ["--head", head]
    code = main(arguments)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _tamper(path: Path, *statements: str) -> None:
    """Edit the file the way someone with the file and DuckDB would, outside the application."""
    con = duckdb.connect(str(path))
    try:
        for sql in statements:
            con.execute(sql)
    finally:
        con.close()


def _entries(path: Path) -> list[journal.Entry]:
    con = duckdb.connect(str(path))
    try:
        return [journal.Entry(*row) for row in con.execute(
            "SELECT audit_id, occurred_at, actor, action, entity, entity_id, before, after, prev_hash, "
            "state_hash, entry_hash, legacy FROM audit_log ORDER BY audit_id").fetchall()]
    finally:
        con.close()


def test_an_intact_journal_verifies(chained: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = _entries(chained)
    code, out, _ = _verify(chained, capsys)
    assert code == 0, out
    assert out.startswith(f"Journal intact : {len(entries)} entrée(s) chaînée(s) et scellée(s).")
    assert f"l'état enregistré par l'entrée n° {entries[-1].audit_id}." in out
    assert f"Tête du journal : {entries[-1].entry_hash}" in out
    assert [e.prev_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    assert entries[0].prev_hash == journal.GENESIS and not any(e.legacy for e in entries)
    # Verifying writes nothing.
    assert _entries(chained) == entries


def test_an_entry_changed_in_the_file_is_named(chained: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = next(e for e in _entries(chained) if e.action == "décision")
    _tamper(chained, "UPDATE audit_log SET after = '{\"decision\": \"non retenu\"}' "
                     f"WHERE audit_id = {target.audit_id}")
    code, out, _ = _verify(chained, capsys)
    assert code == 1
    assert out.startswith(f"Journal altéré : l'entrée n° {target.audit_id} (décision, ")
    assert "a été modifiée hors de l'application" in out.splitlines()[0]


def test_an_entry_deleted_from_the_file_is_named(chained: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = _entries(chained)
    before, gone, after = entries[1], entries[2], entries[3]
    _tamper(chained, f"DELETE FROM audit_log WHERE audit_id = {gone.audit_id}")
    code, out, _ = _verify(chained, capsys)
    assert code == 1
    assert out.startswith(f"Journal altéré : une ou plusieurs entrées ont été supprimées entre l'entrée n° "
                          f"{before.audit_id} ")
    assert f"et l'entrée n° {after.audit_id} (" in out.splitlines()[0]


def test_an_entry_inserted_into_the_file_is_named(chained: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = _entries(chained)[-1]
    forged = head.audit_id + 1
    _tamper(chained, "INSERT INTO audit_log (audit_id, occurred_at, actor, action, entity, entity_id, after, "
                     f"prev_hash, state_hash, entry_hash, legacy) VALUES ({forged}, now(), 'claire.martin', "
                     f"'décision', 'decision', 'AMI1/AMI1-002', '{{}}', '{head.entry_hash}', '{head.state_hash}', "
                     f"'{'f' * 64}', false)")
    code, out, _ = _verify(chained, capsys)
    assert code == 1
    assert out.startswith(f"Journal altéré : l'entrée n° {forged} (décision, ")
    assert "la dernière, a été ajoutée ou modifiée hors de l'application" in out


def test_a_rating_changed_in_the_file_is_caught_at_the_next_opening(
        chained: Path, capsys: pytest.CaptureFixture[str]) -> None:
    last = _entries(chained)[-1]
    _tamper(chained, "UPDATE ratings SET score = 1 WHERE juror_id = 'J-BDT' AND dossier_id = 'AMI1-002'")
    code, out, err = _verify(chained, capsys)
    assert code == 1
    assert out.startswith(f"Journal altéré : données modifiées hors de l'application depuis l'entrée n° "
                          f"{last.audit_id}, constaté à l'ouverture de la base")
    assert err.startswith(f"Attention : les données de « {chained} » ont été modifiées hors de l'application")
    # The opening recorded it in the chain: the finding stays, whoever opens the file next.
    recorded = _entries(chained)[-1]
    assert (recorded.actor, recorded.action) == (journal.SYSTEM_ACTOR, journal.OUTSIDE_CHANGE)
    code, _, err = _verify(chained, capsys)
    assert code == 1 and "Attention" not in err  # found once, at the opening after the change
    # The application's own writes since then do not hide it.
    db = Database(chained)
    try:
        db.store().record_decision(PRESIDENT, "AMI1", "AMI1-002", "non retenu", "après débat")
    finally:
        db.close()
    code, out, _ = _verify(chained, capsys)
    assert code == 1 and f"depuis l'entrée n° {last.audit_id}" in out


def _reseal(path: Path, key: bytes, change: dict[int, dict[str, str]]) -> None:
    """Rewrite the whole chain as someone holding `key` would: `change` the content of some
    entries, then recompute every link and seal so that each entry verifies."""
    entries = _entries(path)
    con = duckdb.connect(str(path))
    try:
        previous = journal.GENESIS
        for entry in entries:
            rewritten = replace(entry, **change.get(entry.audit_id, {}), prev_hash=previous)
            sealed = journal.seal(key, rewritten)
            con.execute("UPDATE audit_log SET after = ?, prev_hash = ?, entry_hash = ? WHERE audit_id = ?",
                        [rewritten.after, previous, sealed, entry.audit_id])
            previous = sealed
    finally:
        con.close()


def test_a_chain_rewritten_without_the_key_does_not_verify(chained: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    first = _entries(chained)[0]
    _reseal(chained, os.urandom(32), {first.audit_id: {"after": '{"source": "autre.xlsx"}'}})
    code, out, _ = _verify(chained, capsys)
    assert code == 1
    assert "aucune entrée n'a un sceau valide avec cette clé" in out


def test_a_chain_rewritten_with_the_key_is_caught_by_a_recorded_head(chained: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    entries = _entries(chained)
    recorded_head = entries[-1].entry_hash  # as an export's Manifeste recorded it
    assert recorded_head is not None
    assert _verify(chained, capsys, recorded_head)[0] == 0
    key = journal.read_key(chained)
    assert key is not None
    _reseal(chained, key, {entries[0].audit_id: {"after": '{"source": "autre.xlsx"}'}})
    assert _verify(chained, capsys)[0] == 0  # consistent in itself: only a head kept elsewhere shows it
    code, out, _ = _verify(chained, capsys, recorded_head)
    assert code == 1
    assert f"l'empreinte « {recorded_head} », relevée hors de la base, n'est plus une entrée du journal" in out


def test_a_missing_key_is_named_and_never_replaced(chained: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file = journal.key_path(chained)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key_file.unlink()
    code, _, err = _verify(chained, capsys)
    assert code == 1
    assert err.startswith(f"Journal invérifiable : Clé du journal introuvable : « {key_file} »")
    assert main(["summary", "--db", str(chained)]) == 2
    assert "Clé du journal introuvable" in capsys.readouterr().err
    assert not key_file.exists()  # a new key would make every seal unverifiable


def test_bad_input_exits_2(chained: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as bad_head:
        main(["audit", "--verify", "--db", str(chained), "--head", "abc"])
    assert bad_head.value.code == 2
    assert "empreinte de 64 chiffres hexadécimaux attendue, reçu « abc »" in capsys.readouterr().err
    missing = tmp_path / "absente.duckdb"
    assert main(["audit", "--verify", "--db", str(missing)]) == 2
    assert f"base introuvable « {missing} »" in capsys.readouterr().err
    assert not missing.exists()


def test_the_listing_warns_when_the_journal_does_not_verify(chained: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    _tamper(chained, "DELETE FROM audit_log WHERE audit_id = (SELECT min(audit_id) FROM audit_log)")
    assert main(["audit", "--db", str(chained)]) == 0
    err = capsys.readouterr().err
    assert err.startswith("Attention : ce journal ne passe pas la vérification (une ou plusieurs entrées ont été "
                          "supprimées avant l'entrée n° ")


def test_a_database_upgraded_from_schema_3_verifies(chained: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "schema3.duckdb"
    legacy = older_schema_file(old, chained, CHAIN_VERSION - 1)
    code, out, _ = _verify(old, capsys)  # the command opens it, so migrates and seals it
    assert code == 0, out
    assert out.startswith(f"Journal intact : {legacy + 1} entrée(s) chaînée(s) et scellée(s), dont {legacy} "
                          "antérieure(s) au chaînage (marquées « ancienne »")
    entries = _entries(old)
    assert all(e.legacy and e.state_hash is None for e in entries[:legacy])
    assert (entries[-1].action, entries[-1].legacy) == ("migration du schéma", False)
    # From then on, the chain catches a legacy entry changed in the file too.
    _tamper(old, f"UPDATE audit_log SET actor = 'quelqu''un' WHERE audit_id = {entries[0].audit_id}")
    code, out, _ = _verify(old, capsys)
    assert code == 1 and f"l'entrée n° {entries[0].audit_id} (" in out


def test_every_table_is_protected_or_named_as_not(database: Database) -> None:
    tables = {row[0] for row in database.cursor().execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
    assert tables == set(PROTECTED_TABLES) | set(UNPROTECTED_TABLES)
    assert not set(PROTECTED_TABLES) & set(UNPROTECTED_TABLES)


def test_failed_log_ins_do_not_move_the_data_version(chained: Path) -> None:
    db = Database(chained)
    try:
        store = db.store()
        version, head, content = store.data_version(), store.journal_head(), store.content_hash()
        store.record_login_failure("paul.leroy", datetime.now())
        assert store.data_version() == version and store.content_hash() == content
        assert store.journal_head() != head  # journalled all the same
        store.record_decision(PRESIDENT, "AMI1", "AMI1-002", "non retenu", "après débat")
        assert store.data_version() > version
    finally:
        db.close()


def test_the_real_command_exits_1_on_a_tampered_file(chained: Path) -> None:
    _tamper(chained, "UPDATE audit_log SET actor = 'intrus' WHERE audit_id = (SELECT max(audit_id) FROM audit_log)")
    result = subprocess.run([sys.executable, "-m", "dashboard", "audit", "--verify", "--db", str(chained)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("Journal altéré : l'entrée n° ") and "Traceback" not in result.stderr


# ------------------------------------------------------------------ the check itself, on entries


def _chain(key: bytes, count: int) -> list[journal.Entry]:
    entries, previous = [], journal.GENESIS
    for number in range(1, count + 1):
        entry = journal.Entry(number, datetime(2026, 12, 1, 9, 0) + timedelta(minutes=number), "claire.martin",
                              "décision", "decision", f"AMI1/AMI1-{number:03d}", None, '{"decision": "retenu"}',
                              previous, "e" * 64, None, False)
        entry = replace(entry, entry_hash=journal.seal(key, entry))
        entries.append(entry)
        previous = entry.entry_hash
    return entries


def test_the_check_tells_an_insertion_from_a_change_and_lists_every_problem() -> None:
    key = os.urandom(32)
    entries = _chain(key, 6)
    forged = replace(entries[2], audit_id=3, after='{"decision": "non retenu"}', entry_hash="0" * 64,
                     prev_hash=entries[1].entry_hash)
    # An entry slipped between the 2nd and the 3rd (the chain goes over it), the 5th changed.
    tampered = [*entries[:2], forged, *entries[2:4], replace(entries[4], actor="intrus"), entries[5]]
    verdict = journal.verify(tampered, key, "e" * 64)
    assert not verdict.intact
    assert verdict.problems[0].startswith("l'entrée n° 3 (décision, 01/12/2026 09:03:00) a été insérée")
    assert verdict.problems[1].startswith("l'entrée n° 5 (décision, 01/12/2026 09:05:00) a été modifiée")
    assert len(verdict.problems) == 2
    assert journal.verify(entries, key, "e" * 64).intact
    assert journal.verify(entries, key, "f" * 64).problems == [
        "données modifiées hors de l'application depuis l'entrée n° 6 (elles ne correspondent plus à l'état "
        "qu'elle a enregistré)."]


def test_a_key_readable_by_others_is_pointed_out(chained: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file = journal.key_path(chained)
    key_file.chmod(0o644)
    code, _, err = _verify(chained, capsys)
    assert code == 0
    assert err.startswith(f"Attention : la clé du journal « {key_file} » est accessible à d'autres comptes "
                          f"(droits 644) ; « chmod 600 {key_file} »")


def test_a_later_migration_never_seals_an_entry_slipped_into_a_chained_journal(
        chained: Path, capsys: pytest.CaptureFixture[str]) -> None:
    forged = _entries(chained)[-1].audit_id + 1
    _tamper(chained, "INSERT INTO audit_log (audit_id, occurred_at, actor, action, entity, entity_id) "
                     f"VALUES ({forged}, now(), 'claire.martin', 'décision', 'decision', 'AMI1/AMI1-002')")
    db = Database(chained)
    try:
        db.store().seal_after_migration([CHAIN_VERSION + 1], chain_created=False)  # as a schema 5 would
    finally:
        db.close()
    slipped = next(e for e in _entries(chained) if e.audit_id == forged)
    assert slipped.entry_hash is None and not slipped.legacy
    code, out, err = _verify(chained, capsys)
    assert code == 1 and out.startswith(f"Journal altéré : l'entrée n° {forged} (décision, "), (out, err)
