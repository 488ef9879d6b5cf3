"""Benchmark of backups (`dashboard/services/backups.py`): how long writes wait while the copy is
made, and what the whole checked backup costs.

Run: ``python bench/bench_backup.py`` (or ``make bench``). On the demo database (85 dossiers) and
on a generated call of 2 000 dossiers (108 000 ratings), medians of:

* the copy itself (`Database.copy_to`: `ATTACH` + `COPY FROM DATABASE`), the time writes wait;
* the checked backup (`make_backup`: copy, key, reopening, row counts, journal verification),
  what `jury backup` and each automatic copy cost the server.

Target: writes wait ≤ 1 s at 2 000 dossiers; the rest is for information. It never fails on a
missed target: it says by how much.
"""

from __future__ import annotations

import sys
import tempfile
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_journal import line
from bench_pages import database_with, generated_call
from timing import median_seconds

from dashboard.services.backups import make_backup
from dashboard.store import Database


def measure(path: Path, label: str, copy_target: float | None) -> None:
    folder = path.with_suffix(".copies")
    folder.mkdir()
    database = Database(path)
    numbers = count()
    try:
        line(f"copie, écritures en attente ({label})",
             median_seconds(lambda: database.copy_to(folder / f"copie-{next(numbers)}.duckdb"), 5), copy_target)
        line(f"sauvegarde vérifiée complète ({label})",
             median_seconds(lambda: make_backup(database, folder / f"sauvegarde-{next(numbers)}.duckdb"), 3), None)
    finally:
        database.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        measure(database_with(None, folder_path, "demo"), "démo, 85 dossiers", None)
        measure(database_with(generated_call(2000), folder_path, "generated"), "2 000 dossiers", 1.0)


if __name__ == "__main__":
    main()
