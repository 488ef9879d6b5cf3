"""Workbooks read back, or converted, by an independent program: LibreOffice headless."""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def _convert(source: Path, target: str, out: Path, work: Path) -> subprocess.CompletedProcess[str]:
    """`soffice --convert-to target` of `source` into `out`, with a profile and a home of its own."""
    home, profile = work / "home", work / "lo_profile"
    for folder in (out, home):
        folder.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", target,
         "--outdir", str(out), str(source)],
        env={**os.environ, "HOME": str(home)}, capture_output=True, text=True, timeout=240)


def libreoffice_sheets(xlsx: Path, work: Path) -> dict[str, list[list[str]]]:
    """Every sheet of `xlsx` as read by LibreOffice headless (one CSV per sheet)."""
    out = work / "csv"
    completed = _convert(xlsx, CSV_FILTER, out, work)
    sheets = {}
    for path in sorted(out.glob(f"{xlsx.stem}-*.csv")):
        name = path.stem[len(xlsx.stem) + 1:]
        with path.open(encoding="utf-8", newline="") as handle:
            sheets[name] = list(csv.reader(handle))
    assert sheets, f"LibreOffice n'a rien écrit : {completed.stdout}\n{completed.stderr}"
    return sheets


def table(rows: list[list[str]]) -> list[dict[str, str]]:
    """The header row and the data rows under it, up to the first empty row."""
    header = rows[0]
    records = []
    for row in rows[1:]:
        if not any(cell.strip() for cell in row):
            break
        records.append(dict(zip(header, row, strict=True)))  # LibreOffice pads every row
    return records


def libreoffice_convert(source: Path, extension: str, work: Path) -> Path:
    """`source` saved by LibreOffice headless in another format (« ods », « xlsx »…)."""
    out = work / "converted"
    completed = _convert(source, extension, out, work)
    converted = out / f"{source.stem}.{extension}"
    assert converted.exists(), f"LibreOffice n'a rien écrit : {completed.stdout}\n{completed.stderr}"
    return converted
