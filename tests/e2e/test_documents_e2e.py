"""End to end: a juror reads a dossier's PDF beside the rating form on /notation; a juror recused
from that dossier is refused the document on /dossiers and the copied address of the PDF; the
administration attaches documents, and takes in a town's application form downloaded blank from
/import, with its document."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.browser import choose_call, no_exception, open_page, sign_in
from tests.helpers.documents import pdf_bytes, zip_of
from tests.helpers.forms import filled_form

pytestmark = pytest.mark.e2e

DOSSIER = "AMI1-003"          # olivier.castaing (JUR-04) is recused from it in the demo
RECUSED = "olivier.castaing"


def test_a_juror_reads_the_pdf_and_a_recused_juror_is_refused_it(page, browser, app_url: str) -> None:
    sign_in(page, app_url, "celine.ravaud", path=f"/notation?dossier={DOSSIER}")
    choose_call(page, re.compile(r"AMI 1 — 2019"))
    page.get_by_text("Pièces du dossier (1)").wait_for()
    page.get_by_text(f"{DOSSIER}_dossier-de-candidature.pdf").wait_for()
    with page.expect_response(lambda response: "/media/" in response.url and response.url.endswith(".pdf")) as shown:
        page.get_by_text("Lire ici", exact=True).click()
    address = shown.value.url
    assert shown.value.status == 200 and shown.value.body().startswith(b"%PDF-")
    # The viewer draws the pages beside the rating form, which stays in place.
    viewer = page.locator('[aria-label="Pièce AMI1-003_dossier-de-candidature.pdf"]')
    viewer.wait_for()
    viewer.locator("canvas").first.wait_for()
    assert page.locator('[data-testid="stForm"]').count() == 1
    assert no_exception(page)

    recused = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    other = recused.new_page()
    other.set_default_timeout(30_000)
    try:
        sign_in(other, app_url, RECUSED, path=f"/dossiers?dossier={DOSSIER}")
        choose_call(other, re.compile(r"AMI 1 — 2019"))
        other.get_by_text(f"vous êtes récusé·e pour le dossier « {DOSSIER} »").wait_for()
        main = other.locator('[data-testid="stMain"]')
        assert "dossier-de-candidature.pdf" not in main.inner_text()
        assert other.get_by_text("Lire ici", exact=True).count() == 0
        refused = recused.request.get(address)
        assert refused.status == 403 and "Fichier réservé" in refused.text()
        assert no_exception(other)
    finally:
        recused.close()
    assert page.request.get(address).status == 200  # the juror who opened it still may


def test_the_administration_attaches_documents_on_import(page, app_url: str, tmp_path: Path) -> None:
    slip = tmp_path / "envoi.zip"
    slip.write_bytes(zip_of({"AMI1-010_budget.pdf": pdf_bytes(), "../AMI1-011_budget.pdf": pdf_bytes()}))
    good = tmp_path / "AMI1-010_budget.pdf"
    good.write_bytes(pdf_bytes(2))
    sign_in(page, app_url, "admin")
    open_page(page, "Import")
    page.get_by_text("Import des pièces").first.wait_for()
    uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]').nth(2)
    uploader.set_input_files(str(good))
    page.get_by_role("button", name="Joindre les pièces").click()
    page.get_by_text("Pièces de l'appel « AMI1 » : 1 nouveau, 0 déjà présent.").wait_for()
    page.get_by_text("AMI1-010_budget.pdf → AMI1-010 : nouveau").wait_for()
    # The same file again, with an archive whose entry leaves it: all refused, nothing written.
    uploader.set_input_files(str(slip))
    page.get_by_role("button", name="Joindre les pièces").click()
    page.get_by_text("Import des pièces refusé").wait_for()
    assert "Fichier « envoi.zip/../AMI1-011_budget.pdf » : chemin refusé" in page.locator(
        '[data-testid="stMain"]').inner_text()
    assert no_exception(page)


def test_the_administration_takes_in_a_filled_application_form(page, app_url: str, tmp_path: Path) -> None:
    # A form re-sent for a demo dossier (AMI1-045: the EPCI of Vierzon), only its identity filled:
    # the dossier stays as it is (the shared server's other tests count the demo's), its document is added.
    sign_in(page, app_url, "admin")
    open_page(page, "Import")
    page.get_by_text("Formulaires de candidature").first.wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger le formulaire vierge").click()
    assert download.value.suggested_filename == "formulaire_AMI1.xlsx"
    form = tmp_path / "formulaire_Vierzon.xlsx"
    form.write_bytes(filled_form(Path(download.value.path()).read_bytes(), {"kind": "EPCI", "insee_code": "18279"}))
    budget = tmp_path / "formulaire_Vierzon_budget.pdf"
    budget.write_bytes(pdf_bytes())
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').nth(1).set_input_files([str(form), str(budget)])
    page.get_by_role("button", name="Importer les formulaires").click()
    page.get_by_text("0 dossier(s) ajouté(s), 1 formulaire(s) déjà reçu(s), 1 pièce(s) jointe(s).").wait_for()
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "formulaire_Vierzon.xlsx → AMI1-045 (" in main and ") : inchangé ; conservé (cellule vide) : " in main
    page.get_by_text("formulaire_Vierzon_budget.pdf → AMI1-045 : nouveau").wait_for()
    assert no_exception(page)
