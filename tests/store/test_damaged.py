"""A damaged database file is refused when it is opened, in French, and left as it was:
cut short (DuckDB opens some such files and fails later, table by table), cut to
nothing, or another kind of file under the database's name."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dashboard.errors import DamagedDatabaseError
from dashboard.store import Database
from tests.helpers.databases import copy_database
from tests.helpers.workbooks import DEMO_WORKBOOK

BLOCK = 262_144  # DuckDB's block size


def _cut(source: Path, target: Path, size: int) -> Path:
    target.write_bytes(source.read_bytes()[:size])
    return target


def _damaged_files(demo: Path, folder: Path) -> dict[str, Path]:
    size = demo.stat().st_size
    return {
        "last block cut": _cut(demo, folder / "last-block.duckdb", size - BLOCK),
        "last page cut": _cut(demo, folder / "last-page.duckdb", size - 4096),
        "cut in half": _cut(demo, folder / "half.duckdb", size // 2),
        "headers only": _cut(demo, folder / "headers.duckdb", 3 * 4096),
        "empty": _cut(demo, folder / "empty.duckdb", 0),
        "a workbook": _cut(DEMO_WORKBOOK, folder / "workbook.duckdb", DEMO_WORKBOOK.stat().st_size),
    }


@pytest.mark.parametrize("damage", ["last block cut", "last page cut", "cut in half", "headers only", "empty",
                                    "a workbook"])
def test_a_damaged_file_is_refused_at_open_and_left_untouched(demo_database_file: Path, tmp_path: Path,
                                                              damage: str) -> None:
    path = _damaged_files(demo_database_file, tmp_path)[damage]
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(DamagedDatabaseError) as refused:
        Database(path)
    message = str(refused.value)
    assert message.startswith(f"Base endommagée : « {path} »")
    assert "Restaurez une sauvegarde" in message
    assert "IO Error" not in message and "bytes" not in message
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not path.with_name(path.name + ".wal").exists()


def test_the_whole_file_opens_after_the_check(demo_database_file: Path, tmp_path: Path) -> None:
    """The check refuses damage, not a sound file: the demo opens and stays byte-identical."""
    path = tmp_path / "demo.duckdb"
    copy_database(demo_database_file, path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    Database(path).close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_commands_refuse_a_damaged_file_in_one_french_line(demo_database_file: Path, tmp_path: Path) -> None:
    path = _cut(demo_database_file, tmp_path / "jury.duckdb", demo_database_file.stat().st_size - BLOCK)
    for command in (["summary"], ["serve", "--port", "8599", "--address", "127.0.0.1"]):
        result = subprocess.run([sys.executable, "-m", "dashboard", *command, "--db", str(path)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(f"Erreur : Base endommagée : « {path} » est tronquée")
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "Restaurez une sauvegarde" in result.stderr


def test_a_file_whose_last_blocks_were_freed_and_cut_off_opens(demo_database_file: Path, tmp_path: Path) -> None:
    """DuckDB cuts free blocks off the end of the file when it checkpoints: the file is then
    shorter than its block count, and whole all the same."""
    path = copy_database(demo_database_file, tmp_path / "demo.duckdb")
    for sql in ("CREATE TABLE scratch AS SELECT range AS n, md5(range::VARCHAR) AS h FROM range(300000)",
                "DROP TABLE scratch"):
        con = duckdb.connect(str(path))
        con.execute(sql)
        con.close()
    con = duckdb.connect(str(path))
    block_size, total, free = con.execute(
        "SELECT block_size, total_blocks, free_blocks FROM pragma_database_size()").fetchall()[0]
    con.close()
    assert free > 0 and path.stat().st_size < 3 * 4096 + total * block_size  # the case at hand
    Database(path).close()
