"""A real full disk: the demo database on a small tmpfs, filled up by another file.

The scenario runs in a child process with a mount namespace of its own (`unshare -m`),
so the tmpfs is private to it and disappears with it. Two cases:
- the disk is full when a rating is saved: the commit cannot write DuckDB's journal;
  the juror is told « disque plein : rien n'a été écrit », and nothing was;
- there is room for the journal but not for a checkpoint: DuckDB invalidates the whole
  database (a fatal error); the juror is told so, the next save too, and once room is
  made the database is reopened in the same process, whole.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers.workbooks import REPO_ROOT

SCENARIO = textwrap.dedent('''
    import json, os, shutil, sys
    from dashboard.store import Database, Store
    from dashboard.store.store import RatingEntry

    folder, demo = sys.argv[1], sys.argv[2]
    shutil.copy(demo, f"{folder}/jury.duckdb")
    shutil.copy(demo.replace(".duckdb", ".journal.key"), f"{folder}/jury.journal.key")
    database = Database(f"{folder}/jury.duckdb")
    store = database.store()  # as a page's store is
    actor = store.credentials("celine.ravaud")["actor"]
    dossiers = list(store.dossiers_to_rate(actor, "AMI1")["dossier_id"][:2])
    criterion = store.criteria().query("criterion_group == 'jury'")["criterion_id"].iloc[0]
    filler = f"{folder}/filler"
    results = {}

    def fill_up(margin: int) -> None:
        with open(filler, "wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(bytes(65536))
            except OSError:
                pass
        os.truncate(filler, max(0, os.path.getsize(filler) - margin))

    def score(store, dossier):
        rows = store.own_ratings(actor, "AMI1")
        row = rows[(rows.dossier_id == dossier) & (rows.criterion_id == criterion)]
        return None if row.empty else [int(row.score.iloc[0]), int(row.version.iloc[0])]

    def save(store, dossier, value):
        try:
            current = score(store, dossier)
            store.save_ratings(actor, dossier, [RatingEntry(criterion, value, None, current and current[1])])
            return "enregistré"
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"

    # 1. No room at all.
    results["before"] = score(store, dossiers[0])
    fill_up(0)
    results["full"] = save(store, dossiers[0], 1 if results["before"] != [1, results["before"][1]] else 2)
    results["after full"] = score(store, dossiers[0])
    os.remove(filler)
    results["freed"] = save(store, dossiers[0], 4)
    results["after freed"] = score(store, dossiers[0])

    # 2. Room for the journal, none for a checkpoint. DuckDB folds its journal into the file
    # once the journal passes 16 MB: here at every commit, so the juror's save meets it.
    database.cursor().execute("SET GLOBAL checkpoint_threshold = '1B'")
    fill_up(16 * 1024)
    results["before fatal"] = score(store, dossiers[1])
    results["fatal"] = save(store, dossiers[1], 5)
    results["next"] = save(store, dossiers[1], 3)
    results["failed"] = database.failed()
    os.remove(filler)
    results["reopened"] = database.reopen_if_failed()
    results["generation"] = database.generation
    fresh = database.store()
    results["after reopen"] = [score(fresh, dossiers[0]), score(fresh, dossiers[1])]
    results["reopen again"] = database.reopen_if_failed()
    database.close()
    print(json.dumps(results, ensure_ascii=False))
''')


def _isolated_tmpfs_available() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _isolated_tmpfs_available(),
                    reason="needs `unshare -m` and `mount -t tmpfs` (root, as in CI)")
def test_a_full_disk_is_named_and_a_fatal_error_reopens_the_database(demo_database_file: Path,
                                                                      tmp_path: Path) -> None:
    mount = tmp_path / "small"
    mount.mkdir()
    size_kib = demo_database_file.stat().st_size // 1024 + 2048
    command = (f'mount -t tmpfs -o size={size_kib}k tmpfs "$1" && '
               f'exec "{sys.executable}" -c "$2" "$1" "$3"')
    result = subprocess.run(["unshare", "-m", "sh", "-c", command, "sh", str(mount), SCENARIO,
                             str(demo_database_file)], capture_output=True, text=True, timeout=300,
                            cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
    results = json.loads(result.stdout.strip().splitlines()[-1])

    before = results["before"]
    assert results["full"].startswith("DiskFullError: Disque plein sur le serveur : rien n'a été écrit.")
    assert results["after full"] == before  # nothing written
    assert results["freed"] == "enregistré"
    assert results["after freed"][0] == 4

    assert results["fatal"].startswith("DatabaseFailedError: Disque plein sur le serveur : la base a été refermée")
    assert results["next"].startswith("DatabaseFailedError: Disque plein sur le serveur : la base a été refermée")
    assert results["failed"] is True
    assert results["reopened"] is True and results["generation"] == 1
    saved, unchanged = results["after reopen"]
    assert saved == results["after freed"]  # what was written before stays
    assert unchanged == results["before fatal"]  # the refused save wrote nothing
    assert results["reopen again"] is False
    assert "Traceback" not in result.stderr
    assert not list(mount.iterdir())  # the tmpfs lived only in the child's namespace
