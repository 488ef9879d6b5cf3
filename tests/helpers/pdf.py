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


def without_times(text: str) -> str:
    """`text` with every « 02/12/2026 à 01:31 » masked: two writings of one record differ by the minute only."""
    return re.sub(r"\d\d/\d\d/\d{4} à \d\d:\d\d", "<date>", text)


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def page_lightness(path: Path, folder: Path) -> list[float]:
    """How light each page is, from 0 (black) to 1 (white), rendered in grey by `pdftoppm`."""
    import numpy as np

    subprocess.run(["pdftoppm", "-gray", "-r", "20", str(path), str(folder / "page")], check=True)
    lightness = []
    for image in sorted(folder.glob("page-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        _magic, width, height, _maximum, pixels = image.read_bytes().split(maxsplit=4)
        grey = np.frombuffer(pixels[-int(width) * int(height):], dtype=np.uint8)
        lightness.append(float(grey.mean()) / 255)
    return lightness
