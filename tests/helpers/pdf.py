"""PDFs read back by poppler (Debian `poppler-utils`, installed by `.ci/run`), not by the library that wrote them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def pdf_text(path: Path, *, layout: bool = False, first: int | None = None, last: int | None = None) -> str:
    """The text `pdftotext` reads (raw order: a table cell's lines together), whitespace folded."""
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    mode = ["-layout"] if layout else ["-raw"]
    out = subprocess.run(["pdftotext", *mode, *pages, str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout if layout else re.sub(r"\s+", " ", out.stdout)


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
