"""End to end: the administration uploads a damaged file on /import and reads every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.browser import no_exception, open_page, sign_in

pytestmark = pytest.mark.e2e


def upload(page, app_url: str, path: Path) -> None:
    """Sign in as the administration and import `path` on /import."""
    sign_in(page, app_url, "admin")
    open_page(page, "Import")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(path))
    page.get_by_role("button", name="Importer", exact=True).click()


def test_import_page_reports_problems_and_writes_nothing(page, app_url: str, tmp_path: Path) -> None:
    damaged = tmp_path / "Notes.csv"
    damaged.write_text("Juré;Dossier;Critère;Note;Commentaire\n"
                       "J-INCONNU;AMI1-001;J01;3;essai\n"
                       "J-INCONNU;AMI1-002;J01;7;essai\n", encoding="utf-8")
    upload(page, app_url, damaged)
    page.get_by_text("Import refusé").wait_for()
    page.get_by_text("juré inconnu").wait_for()
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Feuille « Notes », ligne 3, colonne « Note », valeur « 7 » : valeur hors de l'intervalle 1–5" in body
    assert "Feuille « Notes », ligne 2, colonne « Juré », valeur « J-INCONNU » : juré inconnu" in body
    assert "la base n'a pas été modifiée" in body
    assert no_exception(page)


def test_import_page_takes_an_ods_and_says_what_it_noticed(page, app_url: str, tmp_path: Path) -> None:
    import openpyxl

    from tests.helpers.libreoffice import libreoffice_convert
    from tests.helpers.workbooks import DEMO_WORKBOOK

    demo = openpyxl.load_workbook(DEMO_WORKBOOK, read_only=True)
    workbook = openpyxl.Workbook()
    workbook.active.title = "Lisez-moi"
    workbook.active["A1"] = "Jurés de l'appel, sans changement"
    jurors = workbook.create_sheet("Jurés")
    for number, row in enumerate(demo["Jurés"].iter_rows(values_only=True)):
        jurors.append([*row, "**Remarque**" if number == 0 else "à revoir"])  # a column the import ignores
    jurors.sheet_state = "hidden"
    workbook.save(tmp_path / "jures.xlsx")
    ods = libreoffice_convert(tmp_path / "jures.xlsx", "ods", tmp_path / "lo")

    upload(page, app_url, ods)
    page.get_by_text("Import de « jures.ods » réussi.").wait_for()
    page.get_by_text("(ignoré : feuille « Lisez-moi »)").wait_for()
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Aucun changement : la base contenait déjà ces données." in body
    assert "feuille masquée importée : Jurés" in body
    assert "classeur .ods : les contrôles des formules sans valeur calculée" in body
    assert "(ignoré : feuille « Lisez-moi »)" in body
    assert "(ignoré : Jurés : colonne « **Remarque** »)" in body  # shown as text, not as Markdown
    assert no_exception(page)
