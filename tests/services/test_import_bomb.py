"""Import bombs: small files that unpack to millions of rows are refused early, in bounded memory,
with a French message, and write nothing; a refusal lists at most 200 problems.

Each bomb is imported in its own Python process (the three run side by side), so that the peak
resident memory it reports is that import's alone, on top of the imports of the
dashboard's modules.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from dashboard.core.formatting import fr_number
from dashboard.errors import ImportRejected
from dashboard.services.import_reader import MAX_CELLS, MAX_FILE_BYTES, MAX_PART_BYTES, MAX_ROWS
from dashboard.services.importer import import_file
from dashboard.store import Store
from dashboard.store.access import OPERATOR
from tests.helpers.bombs import XLSX_SHEET_PART, write_ods_rows_bomb, write_rows_bomb
from tests.helpers.workbooks import REPO_ROOT

MAX_RSS_KIB = 500 * 1024          # peak resident memory of an importing process, in KiB
ROW_CAP_MESSAGE = f"feuille trop grande (plus de {fr_number(MAX_ROWS)} lignes remplies)"
BOMBS = {                          # name: (writer, data rows)
    "rows_3m.xlsx": (write_rows_bomb, 3_000_000),
    "rows_250k.xlsx": (write_rows_bomb, 250_000),
    "rows_3m.ods": (write_ods_rows_bomb, 3_000_000),
    # ten tables each under the row cap, that calamine would all expand on opening (600 MB)
    "tables_10.ods": (lambda path, rows: write_ods_rows_bomb(path, rows, tables=10), 199_000),
}

# Imports one file into a fresh store and prints one JSON line: what was refused, the digest of every
# table of the store and the audit log length before and after, and the peak memory (after the imports, and at the end).
IMPORT_SCRIPT = r"""
import json, sys, traceback
from pathlib import Path
from dashboard.errors import ImportRejected
from dashboard.services.importer import import_file
from dashboard.store import Database, Store
from dashboard.store.access import OPERATOR
from tests.helpers.store_state import table_digests


def peak_kib():
    # The peak resident size of this process's own memory (VmHWM). Its ru_maxrss would not do:
    # Linux keeps across exec the peak of the process it was forked from, here the test runner.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


path, database = Path(sys.argv[1]), Path(sys.argv[2])
db = Database(database)
store = db.store()
outcome = {"hash_before": table_digests(db.cursor()), "audit_before": len(store.audit_log(OPERATOR)),
           "baseline_kib": peak_kib()}
try:
    import_file(path, store, actor=OPERATOR)
    outcome["error"] = "import accepted"
except ImportRejected as rejected:
    outcome["problems"] = [str(problem) for problem in rejected.problems]
    outcome["total"] = rejected.total
except Exception:
    outcome["error"] = traceback.format_exc()
outcome["maxrss_kib"] = peak_kib()
outcome["hash_after"] = table_digests(db.cursor())
outcome["audit_after"] = len(store.audit_log(OPERATOR))
db.close()
print(json.dumps(outcome, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def bomb_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    return {name: writer(folder / name, rows) for name, (writer, rows) in BOMBS.items()}


@pytest.fixture(scope="module")
def outcomes(bomb_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each bomb imported into a fresh store by its own process, the processes running together."""
    folder = tmp_path_factory.mktemp("stores")
    processes = {
        name: subprocess.Popen([sys.executable, "-c", IMPORT_SCRIPT, str(path), str(folder / f"{name}.duckdb")],
                               cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name, path in bomb_files.items()}
    results = {}
    for name, process in processes.items():
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, f"{name}: the importing process failed\n{stderr}"
        results[name] = json.loads(stdout.strip().splitlines()[-1])
    return results


def _refused_once(outcome: dict[str, Any]) -> str:
    """The single problem of a refusal that left the store as it was."""
    assert "error" not in outcome, outcome["error"]
    assert outcome["hash_after"] == outcome["hash_before"], "a refused import must leave the store as it was"
    assert outcome["audit_after"] == outcome["audit_before"]
    assert outcome["total"] == 1, outcome["problems"]
    problem: str = outcome["problems"][0]
    return problem


def _peak_mib(outcome: dict[str, Any]) -> str:
    return f"peak {outcome['maxrss_kib'] // 1024} MiB (after imports {outcome['baseline_kib'] // 1024} MiB)"


def test_bombs_are_small_on_disk_and_huge_once_read(bomb_files: dict[str, Path]) -> None:
    with zipfile.ZipFile(bomb_files["rows_3m.xlsx"]) as archive:
        big = archive.getinfo(XLSX_SHEET_PART)
    assert bomb_files["rows_3m.xlsx"].stat().st_size < 3 * 1024 * 1024 < MAX_FILE_BYTES
    assert big.file_size > MAX_PART_BYTES
    with zipfile.ZipFile(bomb_files["rows_250k.xlsx"]) as archive:
        assert archive.getinfo(XLSX_SHEET_PART).file_size < MAX_PART_BYTES
    assert bomb_files["rows_3m.ods"].stat().st_size < 2048


def test_a_small_bomb_is_a_valid_workbook(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    workbook = openpyxl.load_workbook(write_rows_bomb(tmp_path / "small.xlsx", 3), read_only=True)
    try:
        assert workbook.sheetnames == ["Notes"]
        rows = list(workbook["Notes"].iter_rows(values_only=True))
        assert workbook["Notes"].max_row == 4
    finally:
        workbook.close()
    assert rows == [("Juré", "Dossier", "Critère", "Note")] + [("J1", "D1", "J01", 3)] * 3
    ods = CalamineWorkbook.from_path(str(write_ods_rows_bomb(tmp_path / "small.ods", 3)))
    try:
        assert ods.sheet_names == ["Notes"]
        assert ods.get_sheet_by_name("Notes").to_python() == [["Juré", "Dossier", "Critère", "Note"]] + [
            ["J1", "D1", "J01", 3.0]] * 3
    finally:
        ods.close()


def test_three_million_row_xlsx_is_refused_by_its_uncompressed_size(outcomes: dict[str, dict[str, Any]]) -> None:
    outcome = outcomes["rows_3m.xlsx"]
    problem = _refused_once(outcome)
    assert XLSX_SHEET_PART in problem
    assert "contenu trop volumineux une fois décompressé" in problem
    assert outcome["maxrss_kib"] < MAX_RSS_KIB, _peak_mib(outcome)


def test_250_000_row_xlsx_is_refused_by_the_row_cap_while_streaming(outcomes: dict[str, dict[str, Any]]) -> None:
    outcome = outcomes["rows_250k.xlsx"]
    problem = _refused_once(outcome)
    assert problem.startswith("Feuille « Notes » : " + ROW_CAP_MESSAGE), problem
    assert outcome["maxrss_kib"] < MAX_RSS_KIB, _peak_mib(outcome)


def test_ods_of_one_repeated_row_is_refused_by_the_streaming_count(outcomes: dict[str, dict[str, Any]]) -> None:
    outcome = outcomes["rows_3m.ods"]
    problem = _refused_once(outcome)
    assert problem.startswith("Feuille « Notes » : " + ROW_CAP_MESSAGE), problem
    assert outcome["maxrss_kib"] < MAX_RSS_KIB, _peak_mib(outcome)


def test_ods_bomb_is_refused_without_calamine_expanding_it(outcomes: dict[str, dict[str, Any]]) -> None:
    # calamine expands a repeated row when it opens the file (up to about a million rows, some
    # 230 MiB per table): a table the streaming count found too large is never handed to it.
    outcome = outcomes["rows_3m.ods"]
    assert outcome["maxrss_kib"] - outcome["baseline_kib"] < 100 * 1024, _peak_mib(outcome)


def test_a_refusal_lists_200_problems_and_counts_the_others(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "Notes.csv"
    path.write_text("Juré;Dossier;Critère;Note\n" + "".join(f"J1;D{i};J01;9\n" for i in range(1, 3001)),
                    encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        import_file(path, store, actor=OPERATOR)
    rejected = info.value
    assert rejected.total == 3000
    assert len(rejected.problems) == 200
    lines = str(rejected).splitlines()
    assert lines[0].startswith("Import refusé : 3\u202f000 problèmes trouvés")
    assert len(lines) == 1 + 200 + 1
    assert lines[-1] == "  – … et 2\u202f800 autres problèmes"
    assert lines[-1].endswith(f"… et {fr_number(2800)} autres problèmes")


def test_ods_of_many_tables_under_the_row_cap_is_refused_by_the_file_cap(
        outcomes: dict[str, dict[str, Any]]) -> None:
    outcome = outcomes["tables_10.ods"]
    problem = _refused_once(outcome)
    assert problem.startswith(f"Feuille « Feuille6 » : fichier trop grand (plus de {fr_number(MAX_CELLS)} cellules"
                              ), problem
    assert outcome["maxrss_kib"] - outcome["baseline_kib"] < 100 * 1024, _peak_mib(outcome)
