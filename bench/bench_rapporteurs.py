"""Benchmark of the rapporteurs' assignment (`dashboard/core/rapporteurs.py`, what `jury assign`
solves), medians of:

* the demo's AMI1 as `jury assign --call AMI1 --per-dossier 2` reads it (79 eligible dossiers,
  8 rapporteurs, its recusals), solved, not stored;
* generated calls of 500 dossiers and 20 jurors, and of 2 000 dossiers and 30 jurors (régions
  drawn at random with a fixed seed, 3 % of the pairs recused).

Target: ≤ 0,5 s for the demo's call; the generated calls are for information. It never fails on
a missed target: it says by how much.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_journal import line
from timing import median_seconds

from dashboard.core.rapporteurs import AssignmentCase, Reader, assign
from dashboard.services.operations import run_init
from dashboard.services.rapporteurs import eligible_dossiers
from dashboard.store import Database
from dashboard.store.access import OPERATOR

REGIONS = ["Bretagne", "Occitanie", "Grand Est", "Hauts-de-France", "Normandie", "Île-de-France"]


def generated_case(dossiers: int, jurors: int) -> AssignmentCase:
    rng = random.Random(2019)
    readers = tuple(Reader(f"J{i:02d}", f"Juré {i}", rng.choice([*REGIONS, None]), i == 0) for i in range(jurors))
    ids = tuple(f"D{i:04d}" for i in range(dossiers))
    recusals = frozenset((r.juror_id, d) for r in readers for d in ids if rng.random() < 0.03)
    return AssignmentCase(ids, {d: rng.choice(REGIONS) for d in ids}, readers, recusals, 2)


def demo_case() -> AssignmentCase:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(Path(folder) / "jury.duckdb")
        try:
            run_init(database, {})
            store = database.store()
            return store.assignment_case("AMI1", eligible_dossiers(store, OPERATOR, "AMI1"), 2, None, False, True)
        finally:
            database.close()


def main() -> None:
    case = demo_case()
    line("répartition de l'AMI1 (79 dossiers, 8 rapporteurs)", median_seconds(lambda: assign(case), 5), 0.5)
    for dossiers, jurors in ((500, 20), (2000, 30)):
        generated = generated_case(dossiers, jurors)
        line(f"répartition de {dossiers} dossiers, {jurors} jurés", median_seconds(lambda g=generated: assign(g), 3),
             None)


if __name__ == "__main__":
    main()
