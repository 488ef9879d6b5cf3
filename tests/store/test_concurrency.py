"""Many jurors at once on one DuckDB file, and a process killed mid-import."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from datetime import date
from pathlib import Path

from dashboard.services.importer import import_file
from dashboard.store import Database, RatingEntry
from dashboard.store.access import OPERATOR, Actor
from tests.helpers.workbooks import tiny_tables, write_workbook

JURORS, DOSSIERS, CRITERIA = 20, 100, 5  # 100 dossiers × 5 criteria = 500 ratings per juror


def crowded_tables() -> dict:
    tables = tiny_tables()
    tables["criteria"] = [c for c in tables["criteria"] if c["group"] != "jury"] + [
        {"criterion_id": f"J0{k}", "group": "jury", "label": f"Critère {k}", "direction": "max",
         "lower": 1, "upper": 5} for k in range(1, CRITERIA + 1)]
    tables["candidates"] = tables["candidates"][:1]
    tables["dossiers"] = [{"dossier_id": f"AMI1-{i:03d}", "call_id": "AMI1", "candidate_id": "COM-15014"}
                          for i in range(1, DOSSIERS + 1)]
    tables["criterion_values"], tables["ratings"] = [], []
    tables["jurors"] = [{"juror_id": f"J{i:02d}", "name": f"Juré {i}", "organisation": "Test", "role": "jure"}
                        for i in range(1, JURORS + 1)]
    tables["recusals"] = [{"juror_id": f"J{i:02d}", "call_id": "AMI1", "dossier_id": None,
                           "declared_on": date(2019, 6, 1)} for i in range(1, JURORS + 1)]
    return tables


def test_twenty_jurors_write_ten_thousand_ratings_at_once(tmp_path: Path) -> None:
    db = Database(tmp_path / "crowd.duckdb")
    try:
        setup = db.store()
        import_file(write_workbook(tmp_path / "crowd.xlsx", crowded_tables()), setup, actor=OPERATOR)
        audit_before = len(setup.audit_log(OPERATOR))
        errors: list[BaseException] = []
        start = threading.Barrier(JURORS)

        def juror_session(index: int) -> None:
            store = db.store()  # one cursor per session, as in the server
            actor = Actor(f"jure{index}", f"Juré {index}", "jure", f"J{index:02d}")
            start.wait()
            try:
                for d in range(1, DOSSIERS + 1):  # a dossier's ratings at once, as the rating page saves them
                    store.save_ratings(actor, f"AMI1-{d:03d}", [
                        RatingEntry(f"J0{k}", 1 + (d + k + index) % 5, None, None) for k in range(1, CRITERIA + 1)])
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=juror_session, args=(i,)) for i in range(1, JURORS + 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        ratings = setup.ratings(OPERATOR, "AMI1")
        assert len(ratings) == JURORS * DOSSIERS * CRITERIA == 10_000
        assert (ratings["version"] == 1).all()
        audit = setup.audit_log(OPERATOR)
        assert len(audit) - audit_before == 10_000
        assert (audit["action"].iloc[audit_before:] == "notation").all()
        expected = {(f"J{i:02d}", f"AMI1-{d:03d}", f"J0{k}"): 1 + (d + k + i) % 5
                    for i in range(1, JURORS + 1) for d in range(1, DOSSIERS + 1) for k in range(1, CRITERIA + 1)}
        stored = {(r.juror_id, r.dossier_id, r.criterion_id): r.score for r in ratings.itertuples()}
        assert stored == expected
    finally:
        db.close()


CHILD = textwrap.dedent("""
    import sys, time
    from dashboard.services.importer import import_file
    from dashboard.store import Database, RatingEntry, Store
    from dashboard.store.access import OPERATOR

    original = Store._write_rows
    def slow_write(self, table, keys, rows):
        original(self, table, keys, rows)
        if table == "dossiers":      # calls, criteria, candidates, dossiers written, not committed
            print("inside-transaction", flush=True)
            time.sleep(120)
    Store._write_rows = slow_write
    db = Database(sys.argv[1])
    import_file(sys.argv[2], db.store(), actor=OPERATOR)
    print("committed", flush=True)
""")


def test_process_killed_mid_import_leaves_the_database_as_before(tmp_path: Path) -> None:
    path = tmp_path / "killed.duckdb"
    first = tiny_tables()
    db = Database(path)
    import_file(write_workbook(tmp_path / "first.xlsx", first), db.store(), actor=OPERATOR)
    before = db.store().content_hash()
    before_summary = db.store().summary()
    db.close()

    second = crowded_tables()  # 100 dossiers, 20 jurors: a different content
    workbook = write_workbook(tmp_path / "second.xlsx", second)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(workbook)],
                             stdout=subprocess.PIPE, text=True, env={**os.environ})
    try:
        assert child.stdout.readline().strip() == "inside-transaction"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    db = Database(path)
    try:
        store = db.store()
        assert store.content_hash() == before
        assert store.summary() == before_summary
        assert len(store.dossiers(OPERATOR, "AMI1")) == 3
    finally:
        db.close()


def test_one_session_store_used_from_two_threads_at_once_waits_instead_of_failing(store) -> None:
    # Streamlit may start a person's next run while their previous one is still in a query
    # (a click crossing the séance's poll): both use the session's store, so the same cursor.
    barrier, failures = threading.Barrier(2), []

    def reads() -> None:
        barrier.wait()
        try:
            for _ in range(300):
                assert store.seance_clock() == (0, 0)
                store.call_juror_ids()
        except Exception as exc:  # collected: the assertion below names it
            failures.append(exc)

    threads = [threading.Thread(target=reads) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
