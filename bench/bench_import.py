"""Benchmark of the import's refusals of « bombs » and of an accepted import (`dashboard.services.importer`).

Run: ``python bench/bench_import.py`` (or ``make bench``). The files are the tests' own
(`tests/helpers/bombs.py`), written once outside the timing, one sheet « Notes » each:

* an .xlsx of 3 000 000 rows (about 1,7 Mo, 430 Mo uncompressed): refused by the cap on a
  part's uncompressed size, before any row is read;
* an .ods of about 1 Ko whose one row is repeated 3 000 000 times: refused by the streaming
  count of its rows;
* an .xlsx of 250 000 rows (36 Mo uncompressed, under that cap): refused by the cap of 200 000
  filled rows once that many were streamed; the same file without its `<dimension>` element
  (which Excel and LibreOffice write) is shown for information;
* the demo workbook (`dashboard/resources/demo_ami.xlsx`), accepted, each time into a fresh
  store (creating the store is timed too, and shown alone).

What is timed is `import_file` (the path the import page and `jury import` share), the median of
several runs. Target (README, « Limites »): a 2 Mo workbook holding 3 million rows is refused in a
fraction of a second; the same is asked of the .ods bomb (at most 1 s each). The other lines are for
information. The script never fails on a missed target: it says by how much.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timing import median_seconds

from dashboard.errors import ImportRejected
from dashboard.services.importer import import_file
from dashboard.store import Database, Store
from dashboard.store.access import OPERATOR
from tests.helpers.bombs import write_ods_rows_bomb, write_rows_bomb
from tests.helpers.workbooks import DEMO_WORKBOOK

TARGET_S = 1.0


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} Mo" if size >= 100_000 else f"{size / 1e3:.1f} Ko"


def sizes(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(part.file_size for part in archive.infolist())
    return f"fichier {megabytes(path.stat().st_size)}, {megabytes(unpacked)} décompressé"


def verdict(seconds: float, target: float | None) -> str:
    if target is None:
        return "pour information"
    if seconds <= target:
        return f"objectif ≤ {target:.0f} s : OK"
    return f"objectif ≤ {target:.0f} s : objectif manqué de {seconds - target:.2f} s"


def refusal(path: Path, store: Store, expected: str) -> Callable[[], str]:
    """A call importing `path`, which must be refused with `expected` in its first problem."""
    def run() -> str:
        try:
            import_file(path, store, actor=OPERATOR)
        except ImportRejected as rejected:
            problem = str(rejected.problems[0])
            assert expected in problem, problem
            return problem
        raise AssertionError(f"{path.name} was accepted")
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--repeat-rows", type=int, default=1,
                        help="runs of the imports that stream 200 000 rows (several seconds each)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bomb = write_rows_bomb(folder / "rows_3m.xlsx", 3_000_000)
        ods = write_ods_rows_bomb(folder / "rows_3m.ods", 3_000_000)
        rows = write_rows_bomb(folder / "rows_250k.xlsx", 250_000)
        undeclared = write_rows_bomb(folder / "rows_250k_sans_dimension.xlsx", 250_000, dimension=False)
        tables = write_ods_rows_bomb(folder / "tables_10.ods", 199_000, tables=10)
        database = Database(folder / "refusals.duckdb")
        store = database.store()
        cases = [
            ("xlsx de 3 000 000 lignes refusé", bomb, "trop volumineux une fois décompressé", args.repeat, TARGET_S),
            ("ods d'une ligne répétée 3 000 000 fois refusé", ods, "lignes remplies", args.repeat, TARGET_S),
            ("xlsx de 250 000 lignes refusé", rows, "lignes remplies", args.repeat_rows, None),
            ("le même sans <dimension> refusé", undeclared, "lignes remplies", args.repeat_rows, None),
            ("ods de 10 tables de 199 000 lignes refusé", tables, "cellules", args.repeat, TARGET_S),
        ]
        for label, path, expected, repeat, target in cases:
            run = refusal(path, store, expected)
            problem = run()
            seconds = median_seconds(run, repeat)
            print(f"import_file, {label} : médiane {seconds:.2f} s sur {repeat} ({sizes(path)}) "
                  f"— {verdict(seconds, target)}")
            print(f"    {problem}")
        database.close()

        numbers = itertools.count()

        def fresh_store() -> Database:
            return Database(folder / f"demo-{next(numbers)}.duckdb")

        def demo_import() -> None:
            db = fresh_store()
            report = import_file(DEMO_WORKBOOK, db.store(), actor=OPERATOR)
            assert report.summary.changed_anything
            db.close()

        create = median_seconds(lambda: fresh_store().close(), args.repeat)
        seconds = median_seconds(demo_import, args.repeat)
        print(f"import_file, classeur de démonstration accepté dans une base neuve : médiane {seconds:.2f} s "
              f"sur {args.repeat} ({sizes(DEMO_WORKBOOK)} ; dont création de la base : {create:.2f} s) "
              f"— {verdict(seconds, None)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
