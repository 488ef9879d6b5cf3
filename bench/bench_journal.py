"""Benchmark of the journal's chain (`dashboard/store/journal.py`): what sealing costs a write,
what checking costs an opening, and `jury audit --verify`.

Run: ``python bench/bench_journal.py`` (or ``make bench``). On the demo database (85 dossiers,
5 100 ratings) and on a generated call of 2 000 dossiers (108 000 ratings), medians of:

* a juror's save of one dossier's six ratings (one transaction: the rating rows, the part of the
  state digest for that dossier, six sealed entries);
* a failed log-in (counted and journalled; the password check itself is left out);
* opening the database (the whole state digest is read, and compared with the last entry's);
* `verify_journal` (every seal, every link, the state read whole).

Targets: a save ≤ 50 ms and an opening ≤ 1 s at 2 000 dossiers; the rest is for information.
It never fails on a missed target: it says by how much.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_pages import database_with, generated_call
from timing import median_seconds

from dashboard.store import Database, RatingEntry
from dashboard.store.access import OPERATOR, Actor


def line(label: str, seconds: float, target: float | None) -> None:
    if target is None:
        verdict = "pour information"
    else:
        verdict = "atteint" if seconds <= target else f"MANQUÉ de {seconds - target:.3f} s"
    shown = f"cible {target * 1000:6.0f} ms" if target is not None else " " * 15
    print(f"{label:<58} {seconds * 1000:9.1f} ms   {shown}   {verdict}")


def measure(path: Path, call_id: str, label: str, save_target: float | None, open_target: float | None) -> None:
    database = Database(path)
    try:
        store = database.store()
        juror = store.jurors().iloc[1]
        actor = Actor("bench", "Banc d'essai", "jure", str(juror["juror_id"]))
        dossiers = iter(store.dossiers_to_rate(actor, call_id)["dossier_id"].tolist())
        scores = count()

        def save() -> None:
            dossier = next(dossiers)
            mine = store.dossier_ratings(actor, dossier).set_index("criterion_id")
            store.save_ratings(actor, dossier, [
                RatingEntry(str(criterion), 1 + next(scores) % 5, None, int(row["version"]))
                for criterion, row in mine.iterrows()])

        line(f"enregistrement de 6 notes d'un dossier ({label})", median_seconds(save, 15), save_target)
        line(f"échec de connexion compté et journalisé ({label})",
             median_seconds(lambda: store.record_login_failure("bench", datetime.now()), 15), None)
        line(f"vérification du journal, {len(store.audit_log(OPERATOR))} entrées ({label})",
             median_seconds(lambda: store.verify_journal(OPERATOR), 3), None)
    finally:
        database.close()
    line(f"ouverture de la base ({label})", median_seconds(lambda: Database(path).close(), 3), open_target)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        measure(database_with(None, folder_path, "demo"), "AMI1", "démo, 85 dossiers", None, None)
        measure(database_with(generated_call(2000), folder_path, "generated"), "GEN", "2 000 dossiers", 0.050, 1.0)


if __name__ == "__main__":
    main()
