"""Import of files as French offices make them: nothing erased, changed or crashed silently.

Each test names a file an operator really met (merged headers, formulas never
recalculated, percent cells, hidden sheets, Mac or UTF-16 CSV, a title above
the header, `.ods`…) and asserts the French message or the note of the report,
and, when the file is refused, that every table of the store (journal, accounts
and reference data included) is exactly as it was.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from dashboard.services.importer import ImportReport, import_file
from dashboard.store import Database, Store
from dashboard.store.access import OPERATOR
from tests.helpers.libreoffice import libreoffice_convert
from tests.helpers.store_state import refused_import as refused
from tests.helpers.workbooks import DEMO_WORKBOOK, tiny_tables, write_workbook


@pytest.fixture
def filled(store: Store, tiny_workbook: Path) -> Store:
    """The tiny call imported: the stored values a bad file must not touch."""
    import_file(tiny_workbook, store, actor=OPERATOR)
    return store


def edited(path: Path, edit: Any) -> Path:
    """Open the workbook with openpyxl, apply `edit(workbook)`, save it in place."""
    workbook = openpyxl.load_workbook(path)
    edit(workbook)
    workbook.save(path)
    return path


def rewrite_part(path: Path, part: str, change: Any) -> Path:
    """Rewrite one XML part of an .xlsx archive with `change(text) -> text`."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    parts[part] = change(parts[part].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def sheet_part(path: Path, title: str) -> str:
    """The archive path of the worksheet named `title` (openpyxl writes them in order)."""
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index(title) + 1}.xml"


def criterion(store: Store, criterion_id: str) -> dict[str, Any]:
    return store.criteria().set_index("criterion_id").loc[criterion_id].to_dict()


def with_percent_criterion(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The tiny call plus a criterion measured in %, whose values the file holds as fractions."""
    tables["criteria"].append({"criterion_id": "C07", "group": "objectif", "label": "Part des 15-29 ans",
                               "unit": "%", "direction": "max"})
    tables["criterion_values"] += [{"dossier_id": d, "criterion_id": "C07", "value": v, "provenance": "INSEE"}
                                   for d, v in (("AMI1-001", 0.103), ("AMI1-002", 0.185), ("AMI1-003", 0.142))]
    return tables


def percent_format(workbook: openpyxl.Workbook, sheet: str, rows: range, column: int) -> None:
    for row in rows:
        workbook[sheet].cell(row=row, column=column).number_format = "0.0%"


# ------------------------------------------------------------ erasure by omission
def test_merged_header_cells_over_values_are_refused(filled: Store, database: Database, tmp_path: Path) -> None:
    def merge_bounds(workbook: openpyxl.Workbook) -> None:
        sheet = workbook["Critères"]  # F « Borne basse », G « Borne haute »
        sheet["F1"] = "Borne basse / Borne haute"
        sheet["G1"] = None
        sheet.merge_cells("F1:G1")

    path = edited(write_workbook(tmp_path / "fusion.xlsx", tiny_tables()), merge_bounds)
    problems = refused(path, filled, database)
    assert ("Feuille « Critères », ligne 1, colonne « G » : en-tête manquant (cellule fusionnée ?) au-dessus "
            "de valeurs : donnez un en-tête à cette colonne ou videz-la") in problems
    assert criterion(filled, "E01")["upper"] == 100000 and criterion(filled, "J01")["upper"] == 5


def test_an_absent_column_keeps_the_stored_values(store: Store, tmp_path: Path) -> None:
    tables = tiny_tables()
    for number, dossier in enumerate(tables["dossiers"], start=1):
        dossier["summary"] = f"Résumé du dossier {number}"
    import_file(write_workbook(tmp_path / "full.xlsx", tables), store, actor=OPERATOR)

    tables["dossiers"][0]["sectors"] = "Numérique"  # one real change, in a column that is there
    without = {key: tables[key] for key in ("calls", "criteria", "candidates", "dossiers")}
    path = write_workbook(tmp_path / "partial.xlsx", without)

    def drop(workbook: openpyxl.Workbook) -> None:
        workbook["Dossiers"].delete_cols(8)  # « Résumé »
        workbook["Critères"].delete_cols(7)  # « Borne haute »

    report = import_file(edited(path, drop), store, actor=OPERATOR)
    dossiers = store.dossiers(OPERATOR, "AMI1").set_index("dossier_id")
    assert dossiers["summary"].tolist() == ["Résumé du dossier 1", "Résumé du dossier 2", "Résumé du dossier 3"]
    assert dossiers.loc["AMI1-001", "sectors"] == "Numérique"
    assert criterion(store, "E01")["upper"] == 100000 and criterion(store, "J01")["upper"] == 5
    assert report.summary.changes["dossiers"].updated == 1
    assert report.summary.changes["criteria"].updated == 0
    lines = report.lines()
    assert "  – Dossiers : colonne « Résumé » absente : valeurs existantes conservées" in lines
    assert "  – Critères : colonne « Borne haute » absente : valeurs existantes conservées" in lines


def test_an_empty_cell_in_a_present_column_is_a_change(filled: Store, tmp_path: Path) -> None:
    tables = tiny_tables()
    tables["dossiers"][0]["sectors"] = None  # was « Numérique ; BTP »
    report = import_file(write_workbook(tmp_path / "vide.xlsx", tables), filled, actor=OPERATOR)
    assert report.summary.changes["dossiers"].updated == 1
    assert filled.dossiers(OPERATOR, "AMI1").set_index("dossier_id")["sectors"].isna()["AMI1-001"]


# ----------------------------------------------------------------------- formulas
def test_a_formula_without_a_computed_value_is_refused(filled: Store, database: Database, tmp_path: Path) -> None:
    def formulas(workbook: openpyxl.Workbook) -> None:
        workbook["Critères"]["F2"] = "=5000*2"  # optional « Borne basse » of E01 (stored 10 000)
        workbook["Notes"]["D2"] = "=2+2"        # required « Note »

    path = edited(write_workbook(tmp_path / "script.xlsx", tiny_tables()), formulas)
    problems = refused(path, filled, database)
    advice = "formule sans valeur calculée : ouvrez puis enregistrez le classeur dans Excel ou LibreOffice"
    assert f"Feuille « Critères », ligne 2, colonne « Borne basse », valeur « =5000*2 » : {advice}" in problems
    assert f"Feuille « Notes », ligne 2, colonne « Note », valeur « =2+2 » : {advice}" in problems
    assert not any("valeur obligatoire manquante" in p for p in problems)
    assert criterion(filled, "E01")["lower"] == 10000


def test_a_formula_with_its_computed_value_is_read(filled: Store, tmp_path: Path) -> None:
    path = edited(write_workbook(tmp_path / "saved.xlsx", tiny_tables()),
                  lambda workbook: workbook["Notes"].__setitem__("D2", "=2+3"))
    # What Excel or LibreOffice write on saving: the formula and its value.
    rewrite_part(path, sheet_part(path, "Notes"), lambda xml: re.sub(r"<f>2\+3</f><v\s*/>", "<f>2+3</f><v>5</v>", xml))
    import_file(path, filled, actor=OPERATOR)
    assert filled.ratings(OPERATOR).set_index(["juror_id", "dossier_id"]).loc[("J-CNAM", "AMI1-001"), "score"] == 5


# ------------------------------------------------------------------------ numbers
def test_percent_cells_of_a_percent_criterion_are_read_as_shown(store: Store, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "pourcent.xlsx", with_percent_criterion(tiny_tables()))
    path = edited(path, lambda workbook: percent_format(workbook, "Valeurs", range(11, 14), 3))
    report = import_file(path, store, actor=OPERATOR)
    values = store.criterion_values(OPERATOR).set_index(["dossier_id", "criterion_id"])["value"]
    assert [values[(d, "C07")] for d in ("AMI1-001", "AMI1-002", "AMI1-003")] == [10.3, 18.5, 14.2]
    assert any(line.startswith("  – Valeurs : 3 valeur(s) au format pourcentage lue(s) comme le nombre affiché")
               and line.endswith("lignes 11, 12, 13") for line in report.lines())


def test_a_percent_cell_elsewhere_is_refused(filled: Store, database: Database, tmp_path: Path) -> None:
    def percents(workbook: openpyxl.Workbook) -> None:
        percent_format(workbook, "Valeurs", range(3, 4), 3)     # C02 of AMI1-001, in km
        percent_format(workbook, "Candidats", range(2, 3), 7)   # a population

    path = edited(write_workbook(tmp_path / "pourcent.xlsx", tiny_tables()), percents)
    problems = refused(path, filled, database)
    assert ("Feuille « Valeurs », ligne 3, colonne « Valeur », valeur « 10690 % » : valeur au format pourcentage "
            "alors que l'unité du critère « C02 » est « km » : saisissez le nombre sans format pourcentage") in problems
    assert ("Feuille « Candidats », ligne 2, colonne « Population », valeur « 2549900 % » : cellule au format "
            "pourcentage : cette colonne attend un nombre sans pourcentage (retirez le format « % » de la cellule)"
            ) in problems


def test_a_percentage_typed_in_a_csv_is_the_number_shown(store: Store, tmp_path: Path) -> None:
    import_file(write_workbook(tmp_path / "base.xlsx", with_percent_criterion(tiny_tables())), store, actor=OPERATOR)
    csv_path = tmp_path / "Valeurs.csv"
    csv_path.write_text("Dossier;Critère;Valeur\nAMI1-001;C07;10,3 %\n", encoding="utf-8")
    import_file(csv_path, store, actor=OPERATOR)
    values = store.criterion_values(OPERATOR).set_index(["dossier_id", "criterion_id"])["value"]
    assert values[("AMI1-001", "C07")] == 10.3


@pytest.mark.parametrize(("cell", "message"), [
    ("inf", "nombre fini attendu (valeur infinie ou hors des limites du calcul)"),
    ("1e400", "nombre fini attendu (valeur infinie ou hors des limites du calcul)"),
    ("-Infinity", "nombre fini attendu (valeur infinie ou hors des limites du calcul)"),
    ("nan", "nombre attendu"),
])
def test_non_finite_numbers_are_refused(filled: Store, database: Database, tmp_path: Path,
                                        cell: str, message: str) -> None:
    csv_path = tmp_path / "Valeurs.csv"
    csv_path.write_text(f"Dossier;Critère;Valeur\nAMI1-001;C02;{cell}\n", encoding="utf-8")
    assert refused(csv_path, filled, database) == [
        f"Feuille « Valeurs », ligne 2, colonne « Valeur », valeur « {cell} » : {message}"]


def test_an_integer_beyond_the_storage_type_is_refused(filled: Store, database: Database, tmp_path: Path) -> None:
    tables = tiny_tables()
    tables["candidates"][0]["population"] = 3_000_000_000
    problems = refused(write_workbook(tmp_path / "grand.xlsx", tables), filled, database)
    assert problems == ["Feuille « Candidats », ligne 2, colonne « Population », valeur « 3000000000 » : "
                        "nombre entier trop grand : au plus 2\u202f147\u202f483\u202f647"]


# ------------------------------------------------------------------ hidden content
def test_hidden_sheets_and_rows_are_imported_and_listed(store: Store, tmp_path: Path) -> None:
    def hide(workbook: openpyxl.Workbook) -> None:
        workbook["Notes"].sheet_state = "hidden"
        workbook["Notes"].row_dimensions[3].hidden = True
        workbook["Notes"].row_dimensions[5].hidden = True

    report = import_file(edited(write_workbook(tmp_path / "masque.xlsx", tiny_tables()), hide), store, actor=OPERATOR)
    assert report.summary.changes["ratings"].added == 5
    assert "  – feuille masquée importée : Notes" in report.lines()
    assert "  – Notes : lignes masquées importées : 3, 5" in report.lines()


def test_a_very_hidden_sheet_is_refused(filled: Store, database: Database, tmp_path: Path) -> None:
    tables = tiny_tables()
    tables["ratings"][0]["score"] = 1
    path = edited(write_workbook(tmp_path / "tres-masque.xlsx", tables),
                  lambda workbook: setattr(workbook["Notes"], "sheet_state", "veryHidden"))
    assert refused(path, filled, database) == [
        "Feuille « Notes » : feuille « très masquée » (invisible même avec « Afficher ») : rendez-la visible "
        "ou supprimez-la, puis importez de nouveau"]


# --------------------------------------------------------------------- the header
def test_the_header_may_sit_below_a_title(store: Store, database: Database, tmp_path: Path) -> None:
    def title(workbook: openpyxl.Workbook) -> None:
        for name in workbook.sheetnames:
            workbook[name].insert_rows(1, 2)
            workbook[name]["A1"] = f"{name} — AMI 1 (2019)"

    path = edited(write_workbook(tmp_path / "titre.xlsx", tiny_tables()), title)
    report = import_file(path, store, actor=OPERATOR)
    assert report.summary.changes["ratings"].added == 5
    assert "  – Notes : en-têtes lus ligne 3" in report.lines()

    tables = tiny_tables()
    tables["ratings"][0]["score"] = 9
    bad = edited(write_workbook(tmp_path / "titre-faux.xlsx", tables), title)
    assert refused(bad, store, database) == [
        "Feuille « Notes », ligne 4, colonne « Note », valeur « 9 » : valeur hors de l'intervalle 1–5"]


def test_a_header_missing_from_the_first_rows_says_where_it_looked(store: Store, database: Database,
                                                                   tmp_path: Path) -> None:
    csv_path = tmp_path / "Notes.csv"
    csv_path.write_text("Notes du jury\nJuré;Dossier;Critère;Score\nJ-CNAM;AMI1-001;J01;4\n", encoding="utf-8")
    assert refused(csv_path, store, database) == [
        "Feuille « Notes », ligne 2, colonne « Note » : colonne obligatoire absente "
        "(en-têtes cherchés dans les 10 premières lignes)"]


# --------------------------------------------------------------------------- CSV
NOTES_CSV = "Juré;Dossier;Critère;Note;Commentaire\nJ-BDT;AMI1-002;J01;4;Très bien, même à l'écrit\n"


def stored_comment(store: Store) -> str:
    return str(store.ratings(OPERATOR).set_index(["juror_id", "dossier_id"]).loc[("J-BDT", "AMI1-002"), "comment"])


@pytest.mark.parametrize(("encoding", "prefix", "text"), [
    ("utf-8", b"", NOTES_CSV),
    ("utf-8", codecs.BOM_UTF8, NOTES_CSV),
    ("cp1252", b"", NOTES_CSV),
    ("utf-16-le", codecs.BOM_UTF16_LE, NOTES_CSV.replace(";", "\t")),  # Excel « Texte Unicode »
    ("utf-8", b"", "sep=;\n" + NOTES_CSV.replace(";4;", ";4,0;")),  # Excel's « sep= » line
], ids=["utf-8", "utf-8-bom", "cp1252", "utf-16-tabs", "sep-line"])
def test_csv_encodings_and_separators_office_software_writes(filled: Store, tmp_path: Path, encoding: str,
                                                            prefix: bytes, text: str) -> None:
    csv_path = tmp_path / "Notes.csv"
    csv_path.write_bytes(prefix + text.replace("\n", "\r\n").encode(encoding))
    report: ImportReport = import_file(csv_path, filled, actor=OPERATOR)
    assert report.summary.changes["ratings"].updated == 1
    assert stored_comment(filled) == "Très bien, même à l'écrit"


@pytest.mark.parametrize(("content", "message"), [
    (NOTES_CSV.encode("mac_roman"),
     "encodage non reconnu : enregistrez le fichier au format « CSV UTF-8 » "
     "(ou « CSV (séparateur : point-virgule) »)"),
    (NOTES_CSV.encode("utf-16-le"),  # UTF-16 without its byte-order mark
     "illisible : ce n'est pas un fichier texte CSV"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "illisible : ce n'est pas un fichier texte CSV"),
], ids=["mac-roman", "utf-16-without-bom", "binary"])
def test_unreadable_csv_files_get_a_french_message(filled: Store, database: Database, tmp_path: Path,
                                                   content: bytes, message: str) -> None:
    csv_path = tmp_path / "Notes.csv"
    csv_path.write_bytes(content)
    assert refused(csv_path, filled, database) == [f"Fichier « Notes.csv » : {message}"]


# ------------------------------------------------------------------ damaged files
def test_damaged_workbooks_get_a_french_message(filled: Store, database: Database, tmp_path: Path) -> None:
    broken = write_workbook(tmp_path / "xml.xlsx", tiny_tables())
    rewrite_part(broken, sheet_part(broken, "Notes"), lambda xml: xml[: len(xml) // 2])
    problems = refused(broken, filled, database)
    assert problems == ["Feuille « Notes » : feuille illisible : son contenu XML est endommagé ; ouvrez le "
                        "classeur puis enregistrez-le de nouveau dans Excel ou LibreOffice"]

    renamed = tmp_path / "renomme.xlsx"
    renamed.write_text(NOTES_CSV, encoding="utf-8")
    assert refused(renamed, filled, database) == [
        "Fichier « renomme.xlsx » : illisible : ce n'est pas un classeur .xlsx valide (fichier endommagé, "
        "ou d'un autre format renommé) ; ouvrez-le puis enregistrez-le de nouveau dans Excel ou LibreOffice"]


# -------------------------------------------------------------------- identifiers
@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda t: t["calls"][0].update(call_id="../../evil"),
     "Feuille « Appels », ligne 2, colonne « Identifiant », valeur « ../../evil » : identifiant invalide"),
    (lambda t: t["dossiers"][0].update(dossier_id="AMI1 001"),
     "Feuille « Dossiers », ligne 2, colonne « Identifiant », valeur « AMI1 001 » : identifiant invalide"),
    (lambda t: t["criteria"][0].update(criterion_id="É01"),
     "Feuille « Critères », ligne 2, colonne « Identifiant », valeur « É01 » : identifiant invalide"),
    (lambda t: t["jurors"][0].update(juror_id="J/CNAM"),
     "Feuille « Jurés », ligne 2, colonne « Identifiant », valeur « J/CNAM » : identifiant invalide"),
], ids=["call-path", "dossier-space", "criterion-accent", "juror-slash"])
def test_identifiers_outside_the_grammar_are_refused(store: Store, database: Database, tmp_path: Path,
                                                     mutate: Any, expected: str) -> None:
    tables = tiny_tables()
    mutate(tables)
    problems = refused(write_workbook(tmp_path / "ids.xlsx", tables), store, database)
    assert any(p.startswith(expected) for p in problems), problems


def test_every_demo_identifier_passes(store: Store) -> None:
    report = import_file(DEMO_WORKBOOK, store, actor=OPERATOR)
    assert report.summary.changes["dossiers"].added == 105
    assert report.notes == []


def test_a_refused_dossier_is_not_named_as_call_none(store: Store, database: Database, tmp_path: Path) -> None:
    tables = tiny_tables()
    tables["dossiers"][2]["call_id"] = None
    problems = refused(write_workbook(tmp_path / "none.xlsx", tables), store, database)
    assert problems == ["Feuille « Dossiers », ligne 4, colonne « Appel » : valeur obligatoire manquante"]


# --------------------------------------------------------------------------- .ods
def test_an_ods_saved_by_libreoffice_imports_like_the_xlsx(store: Store, tmp_path: Path) -> None:
    xlsx = edited(write_workbook(tmp_path / "appel.xlsx", tiny_tables()),
                  lambda workbook: setattr(workbook["Jurés"], "sheet_state", "hidden"))
    ods = libreoffice_convert(xlsx, "ods", tmp_path / "lo")
    report = import_file(ods, store, actor=OPERATOR)
    assert "  – feuille masquée importée : Jurés" in report.lines()
    assert any("classeur .ods : les contrôles des formules sans valeur calculée" in line for line in report.lines())
    other = Database(tmp_path / "other.duckdb").store()
    import_file(xlsx, other, actor=OPERATOR)
    assert store.content_hash() == other.content_hash()


def test_a_column_twice_and_a_file_too_large_are_refused(filled: Store, database: Database, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    twice = tmp_path / "Notes.csv"
    twice.write_text("Juré;Dossier;Critère;Note;Note\nJ-BDT;AMI1-002;J01;4;5\n", encoding="utf-8")
    assert refused(twice, filled, database) == [
        "Feuille « Notes », ligne 1, colonne « Note » : colonne en double (déjà colonne D)"]
    monkeypatch.setattr("dashboard.services.import_reader.MAX_FILE_BYTES", 1024 * 1024)
    large = tmp_path / "large.csv"
    large.write_text(NOTES_CSV + "x" * (3 * 1024 * 1024 // 2), encoding="utf-8")
    assert refused(large, filled, database) == [
        "Fichier « large.csv » : trop volumineux (1,5 Mo ; au plus 1 Mo)"]


def test_no_conflict_over_stored_recusals_is_refused(filled: Store, database: Database, tmp_path: Path) -> None:
    csv_path = tmp_path / "Récusations.csv"  # J-BDT is recused from AMI1-003 in the store
    csv_path.write_text("Juré;Appel;Date de déclaration\nJ-BDT;AMI1;03/06/2019\n", encoding="utf-8")
    assert refused(csv_path, filled, database) == [
        "Feuille « Récusations », ligne 2, colonne « Dossier » : « aucun conflit » alors que le juré est récusé "
        "pour AMI1-003 dans cet appel : retirez d'abord ces récusations (page Administration)"]
    csv_path.write_text("Juré;Appel;Date de déclaration\nJ-CNAM;AMI1;03/06/2019\n", encoding="utf-8")
    report = import_file(csv_path, filled, actor=OPERATOR)
    assert ("  – Récusations : colonne « Dossier » absente : chaque ligne déclare « aucun conflit » pour son appel"
            in report.lines())
    assert report.summary.changes["conflict_declarations"].updated == 1  # its date, 01/06 → 03/06
