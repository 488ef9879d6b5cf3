"""Write failures named for what they are: a write conflict retried then named, a full
disk that says nothing was written (never « another window saved »), and a ROLLBACK that
never hides the error that caused it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboard.errors import DiskFullError, StaleWrite, StoreError, WriteConflictError
from dashboard.store import Database, Store
from dashboard.store import store as store_module
from dashboard.store.access import OPERATOR, Actor
from dashboard.store.store import WRITE_ATTEMPTS, RatingEntry
from tests.helpers.databases import copy_database
from tests.helpers.store_state import table_digests

LOGIN = "celine.ravaud"


@pytest.fixture
def demo_db(demo_database_file: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "demo.duckdb"
    copy_database(demo_database_file, path)
    database = Database(path)
    yield database
    database.close()


def _failed_attempts(database: Database) -> int:
    return int(database.cursor().execute("SELECT failed_attempts FROM users WHERE login = ?", [LOGIN]).fetchall()[0][0])


def _hold_user_row(database: Database) -> duckdb.DuckDBPyConnection:
    """Another session in the middle of a transaction that changed the account's row."""
    other = database.cursor()
    other.execute("BEGIN TRANSACTION")
    other.execute("UPDATE users SET failed_attempts = failed_attempts + 1 WHERE login = ?", [LOGIN])
    return other


def test_a_write_conflict_is_retried_and_lands_once_the_other_session_is_done(
        demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    other = _hold_user_row(demo_db)
    pauses: list[int] = []

    def other_commits(attempt: int) -> None:
        pauses.append(attempt)
        other.execute("COMMIT")

    monkeypatch.setattr(store_module, "pause_before_retry", other_commits)
    demo_db.store().record_login_failure(LOGIN, store_module.datetime.now())
    assert pauses == [1]  # one conflict, one retry
    assert _failed_attempts(demo_db) == 2  # both sessions' failures counted
    journal = demo_db.store().audit_log(OPERATOR)
    assert (journal["action"] == "échec de connexion").sum() == 1


def test_a_conflict_that_lasts_is_named_after_three_attempts_and_nothing_is_written(
        demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    other = _hold_user_row(demo_db)
    pauses: list[int] = []
    monkeypatch.setattr(store_module, "pause_before_retry", pauses.append)
    store = demo_db.store()
    journal_before = len(store.audit_log(OPERATOR))
    with pytest.raises(WriteConflictError) as refused:
        store.record_login_failure(LOGIN, store_module.datetime.now())
    assert pauses == list(range(1, WRITE_ATTEMPTS))
    message = str(refused.value)
    assert f"après {WRITE_ATTEMPTS} essais ; rien n'a été écrit" in message
    assert "Conflict" not in message and "TransactionContext" not in message
    other.execute("ROLLBACK")
    assert _failed_attempts(demo_db) == 0
    assert len(store.audit_log(OPERATOR)) == journal_before


def _juror(store: Store) -> tuple[Actor, str, str, int | None]:
    """A demo juror, a dossier they may rate, one jury criterion and the version of its rating."""
    credentials = store.credentials(LOGIN)
    assert credentials is not None
    actor = credentials["actor"]
    dossier = str(store.dossiers_to_rate(actor, "AMI1")["dossier_id"].iloc[0])
    criterion = str(store.criteria().query("criterion_group == 'jury'")["criterion_id"].iloc[0])
    own = store.own_ratings(actor, "AMI1").set_index(["dossier_id", "criterion_id"])["version"]
    return actor, dossier, criterion, int(own.loc[(dossier, criterion)]) if (dossier, criterion) in own.index else None


def test_two_sessions_saving_the_same_rating_at_once_end_in_a_stale_refusal_with_the_values(
        demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The conflict is retried; the retry then sees the other session's save, and the juror
    is told their view is out of date, with the current value (not « another window »)."""
    first, second = demo_db.store(), demo_db.store()
    actor, dossier, criterion, seen = _juror(first)
    other = demo_db.cursor()
    other.execute("BEGIN TRANSACTION")
    assert seen is not None  # the demo juror has rated it: the other session changes that rating
    other.execute("UPDATE ratings SET score = 1, version = version + 1 WHERE juror_id = ? AND dossier_id = ? "
                  "AND criterion_id = ?", [actor.juror_id, dossier, criterion])
    monkeypatch.setattr(store_module, "pause_before_retry", lambda attempt: other.execute("COMMIT"))
    with pytest.raises(StaleWrite) as stale:
        second.save_ratings(actor, dossier, [RatingEntry(criterion, 5, None, seen)])
    assert "modifiées ailleurs" in str(stale.value) and f"{criterion} : 1" in str(stale.value)
    assert "une autre fenêtre" not in str(stale.value)
    assert stale.value.current is not None and stale.value.current[criterion]["score"] == 1


class _FailingCommit:
    """A cursor whose COMMIT fails as DuckDB's does on a full disk (the transaction is then
    already over, so a ROLLBACK fails too), everything else passed to the real cursor."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self._cursor = cursor
        self.rollbacks = 0

    def execute(self, sql: str, *args: Any) -> Any:
        if sql == "COMMIT":
            self._cursor.execute("ROLLBACK")
            raise duckdb.TransactionException(
                'TransactionContext Error: Failed to commit: Could not write file "/srv/jury/jury.duckdb.wal": '
                "No space left on device")
        if sql == "ROLLBACK":
            self.rollbacks += 1
            raise duckdb.TransactionException("TransactionContext Error: cannot rollback - no transaction is active")
        return self._cursor.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


def test_a_full_disk_on_a_rating_save_says_so_and_nothing_is_written(demo_db: Database) -> None:
    reader = demo_db.store()
    actor, dossier, criterion, seen = _juror(reader)
    before = table_digests(demo_db.cursor())
    failing = _FailingCommit(demo_db.cursor())
    with pytest.raises(DiskFullError) as full:
        Store(failing, chain=demo_db.chain).save_ratings(actor, dossier, [RatingEntry(criterion, 2, "note", seen)])
    message = str(full.value)
    assert message.startswith("Disque plein sur le serveur : rien n'a été écrit.")
    assert "fenêtre" not in message and "/srv" not in message and "rollback" not in message.lower()
    assert failing.rollbacks == 1  # the failed ROLLBACK was tried, and did not hide the full disk
    assert table_digests(demo_db.cursor()) == before


def test_a_full_disk_during_an_import_is_named_and_the_store_is_unchanged(demo_db: Database) -> None:
    from dashboard.services.importer import import_file
    from tests.helpers.workbooks import DEMO_WORKBOOK

    before = table_digests(demo_db.cursor())
    with pytest.raises(DiskFullError):
        import_file(DEMO_WORKBOOK, Store(_FailingCommit(demo_db.cursor()), chain=demo_db.chain), actor=OPERATOR)
    assert table_digests(demo_db.cursor()) == before


def test_a_failed_read_names_the_operation_but_neither_the_sql_nor_a_path(demo_db: Database) -> None:
    cursor = demo_db.cursor()
    store = Store(cursor, chain=demo_db.chain)
    cursor.close()
    with pytest.raises(StoreError) as failed:
        store.calls()
    message = str(failed.value)
    assert message.startswith("Lecture impossible : la base a refusé l'opération")
    assert "SELECT" not in message and "Requête" not in message
    assert isinstance(failed.value.__cause__, duckdb.Error)  # DuckDB's words kept for the incident log
