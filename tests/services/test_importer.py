"""Import: validation before writing, all-or-nothing, idempotent re-import."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from dashboard.services.importer import import_file
from dashboard.store import Database, Store
from dashboard.store.access import OPERATOR
from tests.helpers.store_state import refused_import
from tests.helpers.workbooks import tiny_tables, write_workbook


def test_valid_workbook_is_imported_whole(store: Store, tiny_workbook: Path) -> None:
    report = import_file(tiny_workbook, store, actor=OPERATOR)
    assert report.summary.changes["dossiers"].added == 3
    assert report.summary.changes["ratings"].added == 5
    assert report.summary.changes["recusals"].added == 1
    assert report.summary.changes["conflict_declarations"].added == 2
    summary = store.summary()
    assert summary == [{"call": "AMI1", "label": "AMI 1 — 2019", "dossiers": 3, "historical_laureates": 2,
                        "jurors": 2, "jurors_with_ratings": 2, "ratings": 5, "documents": 0,
                        "rapporteurs": 0}]
    dossiers = store.dossiers(OPERATOR, "AMI1").set_index("dossier_id")
    assert dossiers.loc["AMI1-002", "display_name"] == "Saint-Joseph (974)"
    assert dossiers.loc["AMI1-003", "display_name"] == "Saint-Louis (68)"
    declarations = store.conflict_declarations(OPERATOR, "AMI1").set_index("juror_id")
    assert not declarations.loc["J-CNAM", "has_conflicts"]
    assert declarations.loc["J-BDT", "has_conflicts"]


def test_reimporting_the_same_file_changes_nothing(store: Store, tiny_workbook: Path) -> None:
    import_file(tiny_workbook, store, actor=OPERATOR)
    before = store.content_hash()
    ratings_before = store.ratings(OPERATOR)
    report = import_file(tiny_workbook, store, actor=OPERATOR)
    assert not report.summary.changed_anything
    assert store.content_hash() == before
    assert store.ratings(OPERATOR)["version"].tolist() == ratings_before["version"].tolist()
    assert "Aucun changement" in "\n".join(report.lines())


def test_changed_rating_is_updated_with_a_new_version(store: Store, tmp_path: Path) -> None:
    tables = tiny_tables()
    import_file(write_workbook(tmp_path / "a.xlsx", tables), store, actor=OPERATOR)
    tables["ratings"][0]["score"] = 5
    report = import_file(write_workbook(tmp_path / "b.xlsx", tables), store, actor=OPERATOR)
    assert report.summary.changes["ratings"].updated == 1
    assert report.summary.changes["ratings"].unchanged == 4
    rating = store.ratings(OPERATOR).set_index(["juror_id", "dossier_id"]).loc[("J-CNAM", "AMI1-001")]
    assert rating["score"] == 5 and rating["version"] == 2


def test_tolerant_headers_decimal_commas_and_blank_lines(store: Store, tmp_path: Path) -> None:
    tables = tiny_tables()
    tables["criterion_values"][1]["value"] = "106,9"
    path = write_workbook(tmp_path / "tolerant.xlsx", tables)
    import openpyxl
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Dossiers"]
    sheet["D1"] = "  DATE DE DEPOT "  # no accent, other case, spaces
    workbook["Valeurs"].append([None, None, None, None])  # a blank line
    workbook["Valeurs"].append(["AMI1-003", "C06", 1, None])  # after it, a duplicate? no: same key
    workbook["Valeurs"].delete_rows(workbook["Valeurs"].max_row)
    workbook.save(path)
    import_file(path, store, actor=OPERATOR)
    values = store.criterion_values(OPERATOR).set_index(["dossier_id", "criterion_id"])["value"]
    assert values[("AMI1-001", "C02")] == pytest.approx(106.9)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda t: t["dossiers"].append(copy.deepcopy(t["dossiers"][0])),
         "Feuille « Dossiers », ligne 5, colonne « Identifiant », valeur « AMI1-001 » : "
         "identifiant en double (déjà ligne 2)"),
        (lambda t: t["ratings"][1].update(score=7),
         "Feuille « Notes », ligne 3, colonne « Note », valeur « 7 » : valeur hors de l'intervalle 1–5"),
        (lambda t: t["candidates"][0].update(population="beaucoup"),
         "Feuille « Candidats », ligne 2, colonne « Population », valeur « beaucoup » : nombre entier attendu"),
        (lambda t: t["candidates"][1].update(population=0),
         "Feuille « Candidats », ligne 3, colonne « Population », valeur « 0 » : valeur inférieure au minimum 1"),
        (lambda t: t["candidates"][2].update(insee_code="99999"),
         "Feuille « Candidats », ligne 4, colonne « Code INSEE », valeur « 99999 » : "
         "code INSEE inconnu du référentiel des communes"),
        (lambda t: t["criterion_values"][0].update(criterion_id="Z99"),
         "Feuille « Valeurs », ligne 2, colonne « Critère », valeur « Z99 » : critère inconnu du catalogue"),
        (lambda t: t["dossiers"][0].update(call_id="AMI9"),
         "Feuille « Dossiers », ligne 2, colonne « Appel », valeur « AMI9 » : appel inconnu"),
        (lambda t: t["calls"][0].update(opens_on="13 mai"),
         "Feuille « Appels », ligne 2, colonne « Date d'ouverture », valeur « 13 mai » : "
         "date attendue (JJ/MM/AAAA)"),
        (lambda t: t["ratings"].append({"juror_id": "J-BDT", "dossier_id": "AMI1-003", "criterion_id": "J01",
                                        "score": 3}),
         "Feuille « Notes », ligne 7, colonne « Dossier », valeur « AMI1-003 » : "
         "le juré « J-BDT » est récusé pour ce dossier"),
        (lambda t: t["ratings"][0].update(criterion_id="C02"),
         "Feuille « Notes », ligne 2, colonne « Critère », valeur « C02 » : critère de notation du jury inconnu"),
        (lambda t: t["dossiers"][1].update(antenna_concept="château"),
         "Feuille « Dossiers », ligne 3, colonne « Concept d'antenne », valeur « château » : valeur non reconnue"),
        (lambda t: t["jurors"][0].update(name=None),
         "Feuille « Jurés », ligne 2, colonne « Nom » : valeur obligatoire manquante"),
    ],
    ids=["duplicate-dossier", "rating-7", "text-in-number", "population-0", "unknown-insee",
         "unknown-criterion", "unknown-call", "bad-date", "recused-rating", "rating-non-jury-criterion",
         "bad-choice", "missing-required"],
)
def test_each_class_of_bad_input_is_named_and_nothing_is_written(store: Store, database: Database, tmp_path: Path,
                                                                mutate, expected: str) -> None:
    tables = tiny_tables()
    mutate(tables)
    problems = refused_import(write_workbook(tmp_path / "bad.xlsx", tables), store, database)
    assert any(p.startswith(expected) for p in problems), problems


def test_bad_input_on_a_filled_store_leaves_it_unchanged(store: Store, database: Database, tiny_workbook: Path,
                                                         tmp_path: Path) -> None:
    import_file(tiny_workbook, store, actor=OPERATOR)
    tables = tiny_tables()
    tables["ratings"][0]["score"] = 1      # a valid change…
    tables["ratings"][1]["score"] = 9      # …and a bad one: neither lands
    problems = refused_import(write_workbook(tmp_path / "bad.xlsx", tables), store, database)
    assert len(problems) == 1
    assert store.ratings(OPERATOR).set_index(["juror_id", "dossier_id"]).loc[("J-CNAM", "AMI1-001"), "score"] == 4


def test_missing_column_and_unknown_format(store: Store, database: Database, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "nocol.xlsx", tiny_tables())
    import openpyxl
    workbook = openpyxl.load_workbook(path)
    workbook["Notes"].delete_cols(4)  # « Note »
    workbook.save(path)
    problems = refused_import(path, store, database)
    assert problems == ["Feuille « Notes », ligne 1, colonne « Note » : colonne obligatoire absente "
                        "(en-têtes cherchés dans les 10 premières lignes)"]
    other = tmp_path / "dossiers.xls"
    other.write_bytes(b"not a workbook")
    assert "format non pris en charge" in refused_import(other, store, database)[0]
    assert "enregistrez-le au format .xlsx" in refused_import(other, store, database)[0]


def test_failure_while_writing_rolls_everything_back(store: Store, tiny_workbook: Path, monkeypatch) -> None:
    before = store.content_hash()
    original = Store._write_rows
    calls = {"n": 0}

    def failing(self, table, keys, rows):
        calls["n"] += 1
        if table == "ratings":
            raise RuntimeError("disk full (simulated)")
        return original(self, table, keys, rows)

    monkeypatch.setattr(Store, "_write_rows", failing)
    with pytest.raises(RuntimeError):
        import_file(tiny_workbook, store, actor=OPERATOR)
    assert calls["n"] >= 5  # earlier tables had been written inside the transaction
    assert store.content_hash() == before
    assert store.calls().empty


def test_csv_of_one_table_with_semicolons(store: Store, database: Database, tiny_workbook: Path,
                                          tmp_path: Path) -> None:
    import_file(tiny_workbook, store, actor=OPERATOR)
    csv_path = tmp_path / "Notes.csv"
    csv_path.write_text("Juré;Dossier;Critère;Note;Commentaire\nJ-BDT;AMI1-002;J01;4;Revu à la hausse\n",
                        encoding="utf-8")
    report = import_file(csv_path, store, actor=OPERATOR)
    assert report.summary.changes["ratings"].updated == 1
    bad = tmp_path / "Notes2.csv"
    bad.write_text("Juré;Dossier;Critère;Note\nJ-BDT;AMI1-002;J01;3,5\n", encoding="utf-8")
    problems = refused_import(bad, store, database)
    assert problems == ["Feuille « Notes », ligne 2, colonne « Note », valeur « 3,5 » : nombre entier attendu"]
