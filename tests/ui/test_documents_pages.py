"""AppTest of the dossiers' documents on the demo: listed on /notation and /dossiers, the PDF read in
the page with its address granted to the reader only, refused to a recused juror; removed on
/administration; the « Formulaires de candidature » and « Import des pièces » sections of /import."""

from __future__ import annotations

import io

import openpyxl
import pytest
from streamlit.runtime.memory_media_file_storage import _calculate_file_id
from streamlit.testing.v1 import AppTest

from dashboard.store import Store
from dashboard.store.access import OPERATOR
from dashboard.ui.downloads import granted
from tests.helpers.apptest import PAGES, account, catch_downloads, signed_in_page
from tests.helpers.forms import answer_cell
from tests.helpers.rendered import rendered

DOSSIER = "AMI1-003"  # olivier.castaing is recused from it


def _document(store: Store):
    documents = store.dossier_documents(OPERATOR, DOSSIER)
    assert len(documents) == 1
    return store.document(OPERATOR, int(documents["document_id"][0]))


def _page(name: str, actor, dossier: str = DOSSIER) -> AppTest:
    at = signed_in_page(PAGES / name, actor, "AMI1")
    at.query_params["dossier"] = dossier
    return at


def _markdown(at: AppTest) -> str:
    return "\n".join(rendered(block.value) for block in at.markdown)


def test_notation_lists_the_documents_and_reads_the_pdf(demo_app_store: Store,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    served = catch_downloads(monkeypatch, key_prefix="notation_pieces_download")
    juror, recused = account(demo_app_store, "celine.ravaud"), account(demo_app_store, "olivier.castaing")
    document = _document(demo_app_store)
    at = _page("notation.py", juror).run()
    assert not at.exception
    shown = _markdown(at)
    assert "Pièces du dossier (1)" in shown and f"**{DOSSIER}_dossier-de-candidature.pdf** — PDF" in shown
    assert "par opérateur (ligne de commande)" in shown
    assert served["data"]() == document.content and served["file_name"] == document.file_name
    file_id = _calculate_file_id(document.content, "application/pdf")
    assert not granted(juror.login, file_id)
    at.toggle(key=f"notation_pieces_read_{document.document_id}").set_value(True).run()
    assert not at.exception
    assert granted(juror.login, file_id) and not granted(recused.login, file_id)
    assert len(at.get("form")) == 1  # the rating form beside it


def test_dossiers_refuses_the_documents_to_a_recused_juror(demo_app_store: Store) -> None:
    recused = account(demo_app_store, "olivier.castaing")
    at = _page("dossiers.py", recused).run()
    assert not at.exception
    assert any(f"vous êtes récusé·e pour le dossier « {DOSSIER} »" in rendered(w.value) for w in at.warning)
    assert "dossier-de-candidature.pdf" not in _markdown(at)
    assert not [t for t in at.toggle if str(t.key).startswith("dossiers_pieces")]
    other = _page("dossiers.py", recused, dossier="AMI1-004").run()
    assert "Pièces du dossier (1)" in _markdown(other)


def test_administration_removes_a_document_with_its_reason(demo_app_store: Store) -> None:
    admin = account(demo_app_store, "admin")
    document = _document(demo_app_store)
    at = signed_in_page(PAGES / "administration.py", admin, "AMI1").run()
    assert not at.exception
    at.selectbox(key="document_remove_id").set_value(document.document_id)
    at.text_input(key="document_remove_reason").input("pièce d'un autre dossier")
    [submit] = [b for b in at.button if b.label == "Retirer la pièce"]
    submit.click().run()
    assert not at.exception
    assert demo_app_store.dossier_documents(OPERATOR, DOSSIER).empty
    last = demo_app_store.audit_log(OPERATOR).iloc[-1]
    assert (last["actor"], last["action"]) == ("admin", "retrait de pièce")
    assert "pièce d'un autre dossier" in last["after"]
    assert demo_app_store.verify_journal(OPERATOR).intact


def test_import_page_offers_the_forms_and_documents_sections(demo_app_store: Store,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    served = catch_downloads(monkeypatch, key_prefix="forms_template")
    admin = account(demo_app_store, "admin")
    at = signed_in_page(PAGES / "import_page.py", admin, "AMI1").run()
    assert not at.exception
    assert [h.value for h in at.header] == ["Formulaires de candidature", "Import des pièces"]
    assert at.selectbox(key="documents_call").value == "AMI1"
    assert len(at.get("file_uploader")) == 3
    assert served["by_key"]["forms_template"]["label"] == "Télécharger le formulaire vierge"
    assert served["file_name"] == "formulaire_AMI1.xlsx"
    at.selectbox(key="forms_call").set_value("AMI2-P3").run()
    assert not at.exception
    assert served["file_name"] == "formulaire_AMI2-P3.xlsx"
    form = openpyxl.load_workbook(io.BytesIO(served["data"]()))["Formulaire"]
    assert form[answer_cell(served["data"](), "call_id")].value == "AMI2-P3"
