"""The workbook as the Cnam direction prints it: the official export of a call where a séance was
held (tests/helpers/seance_record.py) and decisions were recorded outside it too, converted to
PDF by LibreOffice headless and read back by poppler (`pdftotext`), every sheet also saved as CSV
by LibreOffice. Pages are told apart by the sheet's name the print settings put at their top."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from dashboard.core import decision
from dashboard.report.shortlist_workbook import SHEETS
from dashboard.services.meeting import export_call
from dashboard.store.access import OPERATOR
from tests.helpers.apptest import account
from tests.helpers.libreoffice import libreoffice_convert, libreoffice_sheets, table
from tests.helpers.seance_record import CALL, PRESIDENT, SIZE, TITLE, VOTED, HeldSeance, held_copy

ADJOURNED = "ajourné – accompagnement proposé"


@dataclass(frozen=True)
class Printed:
    seance: HeldSeance
    path: Path
    sheets: dict[str, list[list[str]]]            # LibreOffice's CSV of every sheet
    pages: dict[str, list[str]]                   # sheet → the text of its printed pages
    left_out: str                                 # an eligible dossier outside the shortlist, decided twice
    ineligible: str                               # an ineligible dossier with a decision


def _pages_by_sheet(pdf: Path) -> dict[str, list[str]]:
    """Each page's text (`pdftotext -layout`), under the sheet named in the middle of its top line."""
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages: dict[str, list[str]] = {}
    for page in text.split("\f"):
        lines = [line for line in page.splitlines() if line.strip()]
        if not lines:
            continue
        parts = re.split(r"\s{2,}", lines[0].strip())
        assert len(parts) == 3, f"en-tête de page inattendu : {lines[0]!r}"
        pages.setdefault(parts[1], []).append(page)
    return pages


@pytest.fixture(scope="module")
def printed(demo_database_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Printed:
    work = tmp_path_factory.mktemp("printed")
    with held_copy(demo_database_file, work / "jury.duckdb") as (store, held, request):
        eligible = set(request.ranking.scores.index)
        left_out = sorted(eligible - set(request.shortlist.selected) - set(VOTED))[0]
        status = request.inputs.eligibility["status"]
        ineligible = sorted(status.index[status == decision.INELIGIBLE])[0]
        president = account(store, PRESIDENT)
        # After the séance: a decision on a dossier outside the shortlist, then its correction.
        store.record_decision(president, CALL, left_out, ADJOURNED, "À revoir avec la région.")
        store.record_decision(president, CALL, left_out, "non retenu", "Projet trop éloigné des objectifs.")
        store.record_decision(president, CALL, ineligible, "non retenu", "Population hors des bornes de l'AMI.")
        name, content = export_call(store, OPERATOR, CALL, seance_id=held.seance_id,
                                    generated_at=datetime(2019, 9, 26, 14, 5, 30))
    workbook = work / name
    workbook.write_bytes(content)
    pdf = libreoffice_convert(workbook, "pdf", work)
    return Printed(held, workbook, libreoffice_sheets(workbook, work), _pages_by_sheet(pdf), left_out, ineligible)


def _folded(text: str) -> str:
    """`text` without any whitespace: a wrapped value reads the same once its line breaks are gone."""
    return re.sub(r"\s+", "", text)


def test_every_sheet_prints_one_page_wide_with_its_header_on_every_page(printed: Printed) -> None:
    assert set(printed.pages) == set(SHEETS)
    for sheet, pages in printed.pages.items():
        headers = [h for h in printed.sheets[sheet][0] if h]
        assert headers, sheet
        for number, page in enumerate(pages, start=1):
            # The header row is repeated, and every column of it is on the page: nothing cut in strips.
            body = _folded(page)
            missing = [h for h in headers if _folded(h) not in body]
            assert not missing, f"« {sheet} », page {number} : en-têtes absents {missing}"
            assert re.search(r"page \d+ / \d+", page), f"« {sheet} », page {number} : pas de numéro"
            assert "exporté le 26/09/2019 à 14:05" in page


def test_the_shortlist_prints_on_two_pages_at_most_and_the_manifest_on_one(printed: Printed) -> None:
    counts = {sheet: len(pages) for sheet, pages in printed.pages.items()}
    assert len(table(printed.sheets["Liste restreinte"])) == SIZE
    assert counts["Liste restreinte"] <= 2
    assert counts["Manifeste"] == 1
    assert counts["Décisions"] == 1 and counts["Contraintes"] <= 2 and counts["Classement"] <= 3
    # Every dossier of the shortlist is on its pages.
    text = _folded("".join(printed.pages["Liste restreinte"]))
    assert all(_folded(r["Identifiant"]) in text for r in table(printed.sheets["Liste restreinte"]))


def _shown(value: object, number_format: str) -> list[str]:
    """How a Manifeste value reads on paper (either decimal mark: the reader's locale decides)."""
    if isinstance(value, datetime):
        return [value.strftime("%d/%m/%Y %H:%M:%S" if "ss" in number_format else "%d/%m/%Y")]
    if isinstance(value, date):
        return [value.strftime("%d/%m/%Y")]
    if isinstance(value, float) and number_format.endswith("%"):
        shown = f"{100 * value:.1f}"
        return [f"{shown}%", f"{shown.replace('.', ',')}%"]
    return [str(value)]


def _in_order(words: list[str], text: str) -> bool:
    """Whether `words` appear in `text` in their order (a wrapped label's lines are interleaved
    with its value's on paper)."""
    tokens = iter(text.split())
    return all(any(token == word for token in tokens) for word in words)


def test_every_manifest_value_is_on_its_printed_page(printed: Printed) -> None:
    [page] = printed.pages["Manifeste"]
    body = _folded(page)
    ws = openpyxl.load_workbook(printed.path)["Manifeste"]
    checked = 0
    for label, value in ws.iter_rows(min_row=2, max_col=2):
        assert label.value is not None
        assert _in_order(str(label.value).split(), page), label.value
        if value.value is None:
            continue
        assert any(_folded(shown) in body for shown in _shown(value.value, value.number_format)), label.value
        checked += 1
    assert checked >= 30   # the spec JSON, the fingerprints, the weights of the 18 criteria…


def test_decisions_lists_every_decision_shortlisted_or_not_with_its_vote(printed: Printed) -> None:
    rows = table(printed.sheets["Décisions"])
    current = {r["Identifiant"]: r for r in rows if r["État"] == "en vigueur"}
    assert set(current) == {*VOTED, printed.left_out, printed.ineligible}
    seance = f"n° {printed.seance.seance_id} — {TITLE}"
    for dossier, (_ballots, taken, rationale, departure) in VOTED.items():
        row = current[dossier]
        assert (row["Décision"], row["Motivation"], row["Séance"]) == (taken, rationale, seance)
        assert row["Vote (décompte)"] == printed.seance.tallies[dossier].count_sentence()
        assert row["Écart au vote"] == (departure or "")
        assert row["Par"] == "Hélène Marchetti"
    outside = current[printed.left_out]
    assert (outside["Décision"], outside["Liste restreinte"], outside["Séance"]) == ("non retenu", "non",
                                                                                    "hors séance")
    assert outside["Motivation"] == "Projet trop éloigné des objectifs." and outside["Vote (décompte)"] == ""
    assert current[printed.ineligible]["Liste restreinte"] == "non éligible"
    assert current[printed.ineligible]["Rang"] == ""
    [replaced] = [r for r in rows if r["État"] == "remplacée"]
    assert (replaced["Identifiant"], replaced["Décision"]) == (printed.left_out, ADJOURNED)
    # The decisions in force come first, « retenu » before « ajourné » before « non retenu ».
    order = [r["Décision"] for r in rows if r["État"] == "en vigueur"]
    assert order == sorted(order, key=["retenu", ADJOURNED, "non retenu"].index)
    assert printed.sheets["Décisions"][len(rows) + 2][0] == (
        "4 décisions en vigueur : 1 retenu, 1 ajourné – accompagnement proposé, 2 non retenu ; "
        "1 décision remplacée depuis.")
    # « Classement » carries the jury's decision beside the historical one.
    ranking = {r["Identifiant"]: r for r in table(printed.sheets["Classement"])}
    assert ranking[printed.left_out]["Décision du jury"] == "non retenu"
    assert all(ranking[d]["Décision du jury"] == VOTED[d][1] for d in VOTED)
    assert "Décision historique" in ranking[printed.left_out]


def test_print_settings_survive_the_writer_splice(printed: Printed) -> None:
    workbook = openpyxl.load_workbook(printed.path)
    for ws in workbook:
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth == 1, ws.title
        assert ws.page_setup.fitToHeight == (1 if ws.title == "Manifeste" else 0), ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        quoted = ws.title.replace("'", "''")
        assert ws.print_area and ws.print_area.startswith(f"'{quoted}'!$A$1:"), ws.title
        assert ws.oddHeader.center.text == "&A" and ws.oddFooter.right.text == "page &P / &N", ws.title
    assert workbook["Liste restreinte"].page_setup.orientation == "landscape"
