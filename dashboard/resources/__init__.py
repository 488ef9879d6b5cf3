"""Package data shipped in the wheel: the reference communes (`communes.csv`),
the university hubs (`university_hubs.csv`), the département outlines
(`departements.geojson`), the demo workbook (`demo_ami.xlsx`), the demo's synthetic
application documents (`demo_pieces.zip`, one PDF per demo dossier) and the PDF font,
DejaVu Sans Condensed (`fonts/`, with its licence `fonts/LICENCE-DejaVu.txt`).

The builders in the repository's `data/` folder write these files; the code
reads them only through `importlib.resources`, so an installed package finds
them wherever it lives.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

COMMUNES = "communes.csv"
UNIVERSITY_HUBS = "university_hubs.csv"
CONTOURS = "departements.geojson"
DEMO_WORKBOOK = "demo_ami.xlsx"
DEMO_DOCUMENTS = "demo_pieces.zip"


def resource(name: str) -> Traversable:
    """One file of the package data (open it with `.open()`, or `importlib.resources.as_file`)."""
    return resources.files(__name__).joinpath(name)
