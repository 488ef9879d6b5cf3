"""Attaching documents to dossiers, all or nothing: what is matched and accepted, what is refused
(each refusal leaves every table as it was, journal included), and the demo's documents."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter

from dashboard.errors import DocumentsRejected
from dashboard.services.document_files import IncomingFile, archive_files, folder_files, uploaded_files
from dashboard.services.documents import attach_demo_documents, attach_files
from dashboard.store import Database, Store
from dashboard.store.access import OPERATOR
from tests.helpers.documents import (
    docx_bytes,
    macro_workbook_bytes,
    odf_bytes,
    pdf_bytes,
    write_files,
    xlsx_bytes,
    zip_bomb,
    zip_of,
)
from tests.helpers.store_state import table_digests

ODS = "application/vnd.oasis.opendocument.spreadsheet"


def attach_folder(store: Store, folder: Path, call_id: str = "AMI1"):
    files, problems = folder_files(folder)
    return attach_files(store, OPERATOR, call_id, files, folder.name, problems)


def refused(store: Store, database: Database, files: list[IncomingFile], problems=()) -> list[str]:
    """The problems of a refused attachment, after checking that no table changed (journal included)."""
    before = table_digests(database.cursor())
    with pytest.raises(DocumentsRejected) as info:
        attach_files(store, OPERATOR, "AMI1", files, "envoi", list(problems))
    assert table_digests(database.cursor()) == before, "a refused attachment must leave every table as it was"
    assert str(info.value).startswith("Import des pièces refusé")
    return [str(problem) for problem in info.value.problems]


def test_files_named_after_their_dossier_are_attached_once(tiny_store: Store, database: Database,
                                                           tmp_path: Path) -> None:
    folder = write_files(tmp_path / "pieces", {"AMI1-001_candidature.pdf": pdf_bytes(2),
                                               "AMI1-002-budget.xlsx": xlsx_bytes(),
                                               "sous-dossier/AMI1-003.notice.odt": odf_bytes(),
                                               ".DS_Store": b"\x00\x01"})
    report = attach_folder(tiny_store, folder)
    assert report.lines()[0] == "Pièces de l'appel « AMI1 » : 3 nouveaux, 0 déjà présent."
    stored = tiny_store.call_documents(OPERATOR, "AMI1")
    assert list(zip(stored["dossier_id"], stored["file_name"], stored["kind"], strict=True)) == [
        ("AMI1-001", "AMI1-001_candidature.pdf", "pdf"), ("AMI1-002", "AMI1-002-budget.xlsx", "xlsx"),
        ("AMI1-003", "AMI1-003.notice.odt", "odt")]
    assert tiny_store.summary()[0]["documents"] == 3
    entries = tiny_store.audit_log(OPERATOR)
    assert (entries["action"] == "ajout de pièce").sum() == 3

    before = table_digests(database.cursor())
    again = attach_folder(tiny_store, folder)
    assert again.lines()[0] == "Pièces de l'appel « AMI1 » : 0 nouveau, 3 déjà présents."
    assert table_digests(database.cursor()) == before
    document = tiny_store.document(OPERATOR, int(stored["document_id"][0]))
    assert document.content == (folder / "AMI1-001_candidature.pdf").read_bytes()
    assert document.mime == "application/pdf"


def test_a_manifest_matches_every_accepted_kind(tiny_store: Store) -> None:
    manifest = "dossier;fichier\nAMI1-001;budget.xlsx\nAMI1-001;note.docx\nami1-002;annexes/plan.ods\n" \
               "AMI1-003;lettre.odt\nAMI1-003;scan.pdf\n\n"
    files = [IncomingFile("pieces.csv", manifest.encode("utf-8-sig")), IncomingFile("budget.xlsx", xlsx_bytes()),
             IncomingFile("note.docx", docx_bytes()), IncomingFile("annexes/plan.ods", odf_bytes(ODS)),
             IncomingFile("lettre.odt", odf_bytes()), IncomingFile("scan.pdf", pdf_bytes())]
    report = attach_files(tiny_store, OPERATOR, "AMI1", files, "envoi")
    assert report.added == 5
    stored = tiny_store.call_documents(OPERATOR, "AMI1")
    assert sorted(zip(stored["dossier_id"], stored["kind"], strict=True)) == [
        ("AMI1-001", "docx"), ("AMI1-001", "xlsx"), ("AMI1-002", "ods"), ("AMI1-003", "odt"), ("AMI1-003", "pdf")]


def test_the_same_content_twice_in_one_batch_is_one_document(tiny_store: Store) -> None:
    content = pdf_bytes()
    report = attach_files(tiny_store, OPERATOR, "AMI1", [IncomingFile("AMI1-001_a.pdf", content),
                                                         IncomingFile("AMI1-001_copie.pdf", content)], "envoi")
    assert report.lines()[0] == "Pièces de l'appel « AMI1 » : 1 nouveau, 1 déjà présent."
    assert "même contenu que « AMI1-001_a.pdf »" in report.lines()[2]
    assert len(tiny_store.dossier_documents(OPERATOR, "AMI1-001")) == 1


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _no_page_pdf() -> bytes:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("notes-de-seance.pdf", pdf_bytes(), "Fichier « notes-de-seance.pdf » : ne correspond à aucun dossier de "
                                         "l'appel « AMI1 »"),
    ("AMI1-0011_x.pdf", pdf_bytes(), "ne correspond à aucun dossier"),
    ("AMI1-002_budget.xlsm", macro_workbook_bytes(), "format refusé (.xlsm) : les fichiers à macros"),
    ("AMI1-002_budget.xlsx", macro_workbook_bytes(), "document à macros refusé"),
    ("AMI1-002_lettre.docx", pdf_bytes(), "le contenu ne correspond pas à l'extension .docx : c'est un PDF, "
                                          "pas un texte Word"),
    ("AMI1-002_lettre.pdf", b"Bonjour, ceci est un texte.", "le contenu ne correspond pas à l'extension .pdf"),
    ("AMI1-002_budget.ods", xlsx_bytes(), "c'est un classeur Excel, pas un classeur OpenDocument"),
    ("AMI1-002_scan.pdf", b"%PDF-1.7\n garbage", "PDF illisible"),
    ("AMI1-002_scan.pdf", _no_page_pdf(), "PDF sans aucune page"),
    ("AMI1-002_scan.pdf", _encrypted_pdf(), "PDF protégé par mot de passe"),
    ("AMI1-002_notes.txt", b"texte", "type non accepté : seuls les fichiers .pdf, .xlsx, .ods, .docx, .odt"),
    ("AMI1-002_vide.pdf", b"", "fichier vide"),
])
def test_a_refused_file_refuses_the_whole_batch(tiny_store: Store, database: Database, name: str, content: bytes,
                                                expected: str) -> None:
    problems = refused(tiny_store, database, [IncomingFile("AMI1-001_candidature.pdf", pdf_bytes()),
                                              IncomingFile(name, content)])
    assert len(problems) == 1 and expected in problems[0], problems
    assert problems[0].startswith(f"Fichier « {name} »")
    assert tiny_store.call_documents(OPERATOR, "AMI1").empty


def test_an_oversized_file_is_refused_before_it_is_read(tiny_store: Store, database: Database,
                                                        tmp_path: Path) -> None:
    folder = write_files(tmp_path / "pieces", {"AMI1-001_candidature.pdf": pdf_bytes(),
                                               "AMI1-002_scan.pdf": b"%PDF-" + bytes(20 * 1024 * 1024)})
    files, problems = folder_files(folder)
    assert [f.path for f in files] == ["AMI1-001_candidature.pdf"]
    assert [str(p) for p in refused(tiny_store, database, files, problems)] == [
        "Fichier « AMI1-002_scan.pdf » : trop volumineux (20,0\u00a0Mio ; au plus 20,0\u00a0Mio par pièce)"]


def test_a_call_over_its_cap_is_refused(tiny_store: Store, database: Database,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import dashboard.store.documents as records

    monkeypatch.setattr(records, "MAX_CALL_BYTES", 100)
    problems = refused(tiny_store, database, [IncomingFile("AMI1-001_candidature.pdf", pdf_bytes(3))])
    assert len(problems) == 1 and problems[0].startswith("Appel « AMI1 » : les pièces de l'appel dépasseraient")


def test_another_content_under_a_stored_name_is_refused(tiny_store: Store, database: Database) -> None:
    attach_files(tiny_store, OPERATOR, "AMI1", [IncomingFile("AMI1-001_candidature.pdf", pdf_bytes(1))], "envoi")
    problems = refused(tiny_store, database, [IncomingFile("AMI1-001_candidature.pdf", pdf_bytes(2))])
    assert problems == ["Fichier « AMI1-001_candidature.pdf » : le dossier « AMI1-001 » a déjà une pièce nommée "
                        "« AMI1-001_candidature.pdf », d'un autre contenu : renommez le fichier, ou faites d'abord "
                        "retirer l'ancienne pièce"]


def test_a_manifest_names_its_row_column_and_value(tiny_store: Store, database: Database) -> None:
    manifest = "dossier,fichier\nAMI1-009,scan.pdf\nAMI1-001,absent.pdf\nAMI1-002,\n"
    problems = refused(tiny_store, database, [IncomingFile("pieces.csv", manifest.encode()),
                                              IncomingFile("scan.pdf", pdf_bytes())])
    assert problems[:3] == [
        "Fichier « pieces.csv », ligne 2, colonne « dossier », valeur « AMI1-009 » : dossier inconnu dans l'appel "
        "« AMI1 »",
        "Fichier « pieces.csv », ligne 3, colonne « fichier », valeur « absent.pdf » : fichier absent du dossier ou "
        "de l'archive",
        "Fichier « pieces.csv », ligne 4, colonne « fichier » : valeur obligatoire"]
    # scan.pdf was named by a refused line only: it has no dossier either
    assert problems[3].startswith("Fichier « scan.pdf » : ne correspond à aucun dossier")


def test_an_archive_is_opened_like_a_folder(tiny_store: Store) -> None:
    archive = zip_of({"envoi/AMI1-001_candidature.pdf": pdf_bytes(), "__MACOSX/._AMI1-001_candidature.pdf": b"x",
                      "envoi/AMI1-002_budget.xlsx": xlsx_bytes()})
    files, problems = uploaded_files([("envoi.zip", archive), ("AMI1-003_lettre.docx", docx_bytes())])
    assert problems == []
    assert [f.path for f in files] == ["envoi/AMI1-001_candidature.pdf", "envoi/AMI1-002_budget.xlsx",
                                       "AMI1-003_lettre.docx"]
    assert attach_files(tiny_store, OPERATOR, "AMI1", files, "envoi.zip").added == 3


@pytest.mark.parametrize("entry", ["../AMI1-001_candidature.pdf", "/etc/AMI1-001_candidature.pdf",
                                   "envoi\\..\\AMI1-001_candidature.pdf", "C:/AMI1-001_candidature.pdf"])
def test_an_archive_entry_leaving_the_archive_refuses_it(tiny_store: Store, database: Database, entry: str) -> None:
    archive = zip_of({"AMI1-002_budget.xlsx": xlsx_bytes(), entry: pdf_bytes()})
    files, problems = archive_files("envoi.zip", archive)
    assert files == []
    assert [str(p) for p in refused(tiny_store, database, files, problems)] == [
        f"Fichier « envoi.zip/{entry} » : chemin refusé : il sort du dossier de l'archive (« .. », chemin absolu "
        "ou « \\ »)"]


def test_a_zip_bomb_is_refused_before_anything_is_decompressed(tiny_store: Store, database: Database,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = zip_bomb("AMI1-001_candidature.pdf", 64 * 1024 * 1024)
    assert len(bomb) < 200 * 1024
    opened: list[str] = []
    original = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: opened.append(str(name))
                        or original(self, name, *a, **k))
    files, problems = archive_files("envoi.zip", bomb)
    assert opened == [] and files == []
    assert [str(p) for p in refused(tiny_store, database, files, problems)] == [
        "Fichier « AMI1-001_candidature.pdf » : trop volumineux (64,0\u00a0Mio ; au plus 20,0\u00a0Mio par pièce)"]


def test_a_damaged_archive_is_refused(tiny_store: Store, database: Database) -> None:
    files, problems = archive_files("envoi.zip", b"PK\x03\x04 pas une archive")
    assert refused(tiny_store, database, files, problems) == [
        "Fichier « envoi.zip » : archive illisible : ce n'est pas un fichier .zip valide"]


def test_recused_juror_neither_lists_nor_opens_the_documents(tiny_store: Store) -> None:
    from tests.helpers.accounts import JUROR, PRESIDENT

    attach_files(tiny_store, OPERATOR, "AMI1", [IncomingFile("AMI1-003_candidature.pdf", pdf_bytes()),
                                                IncomingFile("AMI1-001_candidature.pdf", pdf_bytes(2))], "envoi")
    stored = tiny_store.call_documents(OPERATOR, "AMI1").set_index("dossier_id")["document_id"]
    from dashboard.errors import AccessDenied

    with pytest.raises(AccessDenied, match="récusé·e pour le dossier « AMI1-003 »"):
        tiny_store.dossier_documents(JUROR, "AMI1-003")
    with pytest.raises(AccessDenied, match="récusé·e pour le dossier « AMI1-003 »"):
        tiny_store.document(JUROR, int(stored["AMI1-003"]))
    assert list(tiny_store.call_documents(JUROR, "AMI1")["dossier_id"]) == ["AMI1-001"]
    assert tiny_store.document(JUROR, int(stored["AMI1-001"])).content == pdf_bytes(2)
    assert len(tiny_store.dossier_documents(PRESIDENT, "AMI1-003")) == 1


def test_removal_is_the_administrations_and_journalled(tiny_store: Store) -> None:
    from dashboard.errors import AccessDenied, StoreError
    from tests.helpers.accounts import ADMIN, PRESIDENT

    attach_files(tiny_store, OPERATOR, "AMI1", [IncomingFile("AMI1-001_candidature.pdf", pdf_bytes())], "envoi")
    document_id = int(tiny_store.call_documents(OPERATOR, "AMI1")["document_id"][0])
    with pytest.raises(AccessDenied, match="le retrait d'une pièce"):
        tiny_store.remove_document(PRESIDENT, document_id, "erreur de dossier")
    with pytest.raises(StoreError, match="motif du retrait est obligatoire"):
        tiny_store.remove_document(ADMIN, document_id, "  ")
    tiny_store.remove_document(ADMIN, document_id, "pièce déposée sur le mauvais dossier")
    assert tiny_store.call_documents(OPERATOR, "AMI1").empty
    last = tiny_store.audit_log(OPERATOR).iloc[-1]
    assert (last["actor"], last["action"], last["entity_id"]) == ("admin", "retrait de pièce",
                                                                  "AMI1-001/AMI1-001_candidature.pdf")
    assert '"reason": "pièce déposée sur le mauvais dossier"' in last["after"] and '"sha256"' in last["before"]
    assert tiny_store.verify_journal(OPERATOR).intact


def test_audit_verify_finds_a_content_or_a_digest_changed_outside(tiny_store: Store, database: Database) -> None:
    attach_files(tiny_store, OPERATOR, "AMI1", [IncomingFile("AMI1-001_candidature.pdf", pdf_bytes())], "envoi")
    assert tiny_store.verify_journal(OPERATOR).intact
    cursor = database.cursor()
    cursor.execute("UPDATE dossier_documents SET content = ?", [pdf_bytes(2)])
    verdict = tiny_store.verify_journal(OPERATOR)
    assert verdict.problems == ["la pièce n° 1 « AMI1-001_candidature.pdf » du dossier « AMI1-001 » a été modifiée "
                                "hors de l'application (son contenu ne correspond plus à son empreinte SHA-256)."]
    cursor.execute("UPDATE dossier_documents SET sha256 = sha256(content), size_bytes = octet_length(content)")
    verdict = tiny_store.verify_journal(OPERATOR)
    assert len(verdict.problems) == 1 and "données modifiées hors de l'application" in verdict.problems[0]
    database.chain.reset(tiny_store.state_parts(), tiny_store.chain_tip())  # as a reopening would read them


def test_every_demo_dossier_gets_its_fictitious_application(store: Store, tmp_path: Path) -> None:
    from dashboard.services.importer import import_file
    from tests.helpers.workbooks import DEMO_WORKBOOK

    import_file(DEMO_WORKBOOK, store, actor=OPERATOR)
    reports = attach_demo_documents(store)
    dossiers = store.dossiers(OPERATOR)
    assert sum(report.added for report in reports) == len(dossiers) == 105
    documents = store.call_documents(OPERATOR, "AMI1")
    assert set(documents["dossier_id"]) == set(dossiers[dossiers["call_id"] == "AMI1"]["dossier_id"])
    le_port = dossiers.set_index("dossier_id").loc["AMI1-061"]
    document = store.document(OPERATOR, int(documents.set_index("dossier_id").loc["AMI1-061", "document_id"]))
    path = tmp_path / document.file_name
    path.write_bytes(document.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert 1 <= int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:"))) <= 3
    assert "DOCUMENT FICTIF généré pour la démonstration" in " ".join(text.split())
    assert "Le Port (INSEE 97407)" in text
    assert f"{le_port['population']:,}".replace(",", "\u202f") in text or f"{le_port['population']:,}".replace(
        ",", " ") in text
    assert attach_demo_documents(store)[0].added == 0
