"""End to end: the administration uploads a damaged file on /import and reads every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.browser import no_exception, open_page, sign_in

pytestmark = pytest.mark.e2e


def test_import_page_reports_problems_and_writes_nothing(page, app_url: str, tmp_path: Path) -> None:
    damaged = tmp_path / "Notes.csv"
    damaged.write_text("Juré;Dossier;Critère;Note;Commentaire\n"
                       "J-INCONNU;AMI1-001;J01;3;essai\n"
                       "J-INCONNU;AMI1-002;J01;7;essai\n", encoding="utf-8")
    sign_in(page, app_url, "admin")
    open_page(page, "Import")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(damaged))
    page.get_by_role("button", name="Importer").click()
    page.get_by_text("Import refusé").wait_for()
    page.get_by_text("juré inconnu").wait_for()
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Feuille « Notes », ligne 3, colonne « Note », valeur « 7 » : valeur hors de l'intervalle 1–5" in body
    assert "Feuille « Notes », ligne 2, colonne « Juré », valeur « J-INCONNU » : juré inconnu" in body
    assert "la base n'a pas été modifiée" in body
    assert no_exception(page)
