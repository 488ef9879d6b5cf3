"""Write failures named for what they are: two sessions saving at once, a clash with a write
made outside the store, a full disk that says nothing was written (never « another window
saved »), and a ROLLBACK that never hides the error that caused it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboard.errors import DiskFullError, StaleWrite, StoreError, WriteConflictError
from dashboard.store import Database, Store
from dashboard.store import store as store_module
from dashboard.store.access import OPERATOR, Actor
from dashboard.store.store import RatingEntry
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
    """A write made outside the store, in the middle of a transaction that changed the account's row."""
    other = database.cursor()
    other.execute("BEGIN TRANSACTION")
    other.execute("UPDATE users SET failed_attempts = failed_attempts + 1 WHERE login = ?", [LOGIN])
    return other


def test_a_clash_with_a_write_made_outside_the_store_is_named_and_nothing_is_written(demo_db: Database) -> None:
    other = _hold_user_row(demo_db)
    store = demo_db.store()
    journal_before = len(store.audit_log(OPERATOR))
    with pytest.raises(WriteConflictError) as refused:
        store.record_login_failure(LOGIN, store_module.datetime.now())
    message = str(refused.value)
    assert message.endswith("un autre enregistrement simultané sur les mêmes données a empêché l'écriture ; "
                            "rien n'a été écrit. Recommencez.")
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


def test_two_sessions_saving_the_same_rating_at_once_one_lands_the_other_is_told_the_value(
        demo_db: Database) -> None:
    """Writes run one at a time: the second sees the first's save, and its juror is told their
    view is out of date, with the current value (not « another window »)."""
    sessions = [demo_db.store(), demo_db.store()]
    actor, dossier, criterion, seen = _juror(sessions[0])
    assert seen is not None  # the demo juror has rated it: both sessions change that rating
    current = int(sessions[0].dossier_ratings(actor, dossier).set_index("criterion_id").loc[criterion, "score"])
    scores = [current % 5 + 1, (current + 1) % 5 + 1]  # two new scores, both unlike the stored one
    start = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def save(index: int) -> None:
        start.wait()
        try:
            entry = RatingEntry(criterion, scores[index], None, seen)
            outcomes[index] = sessions[index].save_ratings(actor, dossier, [entry])
        except BaseException as exc:  # collected and asserted below
            outcomes[index] = exc

    threads = [threading.Thread(target=save, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (landed,) = [index for index, outcome in enumerate(outcomes) if isinstance(outcome, dict)]
    stale = outcomes[1 - landed]
    assert isinstance(stale, StaleWrite), stale
    assert "modifiées ailleurs" in str(stale) and f"{criterion} : {scores[landed]}" in str(stale)
    assert "une autre fenêtre" not in str(stale)
    assert stale.current is not None and stale.current[criterion]["score"] == scores[landed]
    assert stale.current[criterion]["version"] == seen + 1


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
