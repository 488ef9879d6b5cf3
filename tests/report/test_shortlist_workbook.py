"""The shortlist workbook: built from the demo call, read back by LibreOffice headless
(an independent reader: every sheet converted to CSV), and `jury export` as a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

import scoring
from dashboard.core import ahp, decision, views
from dashboard.core.decision import AggregationSettings
from dashboard.report.shortlist_workbook import (
    CONSTRAINTS_LABEL,
    HASH_LABEL,
    HEAD_LABEL,
    SHEETS,
    SPEC_LABEL,
    build_workbook,
)
from dashboard.services import meeting
from dashboard.services.importer import import_file
from dashboard.services.meeting import export_call
from dashboard.store import Database, RatingEntry
from dashboard.store.access import OPERATOR, Actor
from tests.helpers.databases import copy_database
from tests.helpers.libreoffice import libreoffice_sheets, table
from tests.helpers.workbooks import DEMO_WORKBOOK, REPO_ROOT

CALL = "AMI1"
SIZE = 55
GENERATED_AT = datetime(2019, 9, 26, 14, 5, 30)
REQUIRED_SHEETS = ("Liste restreinte", "Décisions", "Classement", "Pondérations", "Notes du jury", "Contraintes",
                   "Manifeste", "Matrice")
FORMULA = "=1+1"
PRESIDENT = Actor(login="helene.marchetti", name="Hélène Marchetti", role="president", juror_id="JUR-01")
JUROR = Actor(login="mathieu.kervella", name="Mathieu Kervella", role="jure", juror_id="JUR-02")


# --------------------------------------------------------------------------- helpers


def manifest(rows: list[list[str]]) -> dict[str, str]:
    return {row[0]: row[1] for row in rows[1:] if len(row) >= 2 and row[0]}


def jury(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ}, cwd=REPO_ROOT)


@dataclass
class Expected:
    """What the test computes on its own from the store, to compare with the workbook."""

    inputs: decision.DecisionInputs
    result: scoring.RankResult
    selected: tuple[str, ...]
    ratings: pd.DataFrame
    content_hash: str
    journal_head: str | None
    forced_in: str
    decided: str
    regions: set[str]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database with a forcing, decisions, a comment typed as a formula and a late recusal."""
    path = tmp_path_factory.mktemp("export") / "jury.duckdb"
    db = Database(path)
    store = db.store()
    import_file(DEMO_WORKBOOK, store, actor=OPERATOR)
    # A juror's comment typed as a formula (through the rating API, with the version they saw).
    mine = store.own_ratings(JUROR, CALL)
    first = mine[(mine["dossier_id"] == "AMI1-001") & (mine["criterion_id"] == "J01")].iloc[0]
    store.save_ratings(JUROR, "AMI1-001", [RatingEntry("J01", int(first["score"]), FORMULA, int(first["version"]))])
    # A recusal declared after JUR-03 rated AMI1-010: those ratings stop counting.
    store.add_recusal(OPERATOR, "JUR-03", "AMI1-010", "lien familial avec un élu", date(2019, 9, 20))
    db.close()
    return path


@pytest.fixture(scope="module")
def expected(demo_path: Path) -> Expected:
    """Forcing and decisions recorded by the president, then the shortlist computed independently."""
    db = Database(demo_path)
    try:
        store = db.store()
        inputs = meeting.call_inputs(store, OPERATOR, meeting.load_call(store, OPERATOR, CALL), AggregationSettings())
        result = decision.rank_call(inputs, decision.default_profile(inputs))
        # Force in the weakest ranked dossier; record a decision whose rationale looks like a formula.
        forced_in = str(result.scores.idxmin())
        store.set_forcing(PRESIDENT, CALL, forced_in, "force_in", "+ projet pilote outre-mer")
        decided = str(result.scores.idxmax())
        store.record_decision(PRESIDENT, CALL, decided, "retenu", FORMULA)
        store.record_decision(PRESIDENT, CALL, forced_in, "ajourné – accompagnement proposé", "@accompagnement 2020")
        eligible = inputs.eligible_ids
        attributes = inputs.attributes.loc[eligible, ["region", "overseas", "ti"]]
        # Saint-Martin, a collectivité d'outre-mer, belongs to no région group.
        collectivity = inputs.attributes.loc[eligible, "region_kind"] == "collectivité d'outre-mer"
        attributes["region"] = attributes["region"].mask(collectivity, None)
        assert attributes["region"].nunique() == 18
        independent = scoring.shortlist(result.scores, attributes, SIZE,
                                        {"min_per_group": {"region": 1}, "force_in": [forced_in]})
        assert independent.feasible and forced_in in independent.selected
        return Expected(inputs, result, tuple(map(str, independent.selected)), store.ratings(OPERATOR, CALL),
                        store.content_hash(), store.journal_head(), forced_in, decided,
                        set(attributes["region"].dropna()))
    finally:
        db.close()


def _export(demo_path: Path, anonymise: bool) -> tuple[str, bytes]:
    db = Database(demo_path)
    try:
        return export_call(db.store(), OPERATOR, CALL, None, SIZE, {"min_per_group": {"region": 1}},
                           anonymise=anonymise, generated_at=GENERATED_AT)
    finally:
        db.close()


def _written_and_read_back(demo_path: Path, work: Path, anonymise: bool) -> dict:
    """The exported workbook written under its own name in `work`, and its sheets as LibreOffice reads them."""
    name, content = _export(demo_path, anonymise=anonymise)
    path = work / name
    path.write_bytes(content)
    return {"name": name, "path": path, "sheets": libreoffice_sheets(path, work)}


@pytest.fixture(scope="module")
def exported(demo_path: Path, expected: Expected, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _written_and_read_back(demo_path, tmp_path_factory.mktemp("workbook"), anonymise=False)


@pytest.fixture(scope="module")
def anonymised(demo_path: Path, expected: Expected, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _written_and_read_back(demo_path, tmp_path_factory.mktemp("anonymised"), anonymise=True)


# --------------------------------------------------------------------------- read back by LibreOffice


def test_file_name_and_sheet_names(exported: dict) -> None:
    # {kind}_{call}_{scope}_{YYYY-MM-DD_HHhMM}.{ext}: the operator's command, at the export's time.
    assert exported["name"] == "liste-restreinte_AMI1_cli_2019-09-26_14h05.xlsx"
    names = set(exported["sheets"])
    assert set(REQUIRED_SHEETS) <= names
    assert names == set(SHEETS)


def test_shortlist_sheet_lists_the_independently_computed_selection(exported: dict, expected: Expected) -> None:
    rows = table(exported["sheets"]["Liste restreinte"])
    assert [r["Identifiant"] for r in rows] == list(expected.selected)
    assert len(rows) == SIZE
    by_id = {r["Identifiant"]: r for r in rows}
    forced = by_id[expected.forced_in]
    assert forced["Forçage"] == "imposé" and forced["Justification du forçage"] == "+ projet pilote outre-mer"
    assert forced["Entré par échange"].startswith("remplace ")
    assert forced["Dans les N premiers"] == "non"
    assert by_id[expected.decided]["Décision"] == "retenu"
    names = expected.inputs.attributes["display_name"]
    for r in rows:
        assert r["Nom (dép.)"] == names[r["Identifiant"]]
        assert int(r["Rang"]) == int(expected.result.ranks[r["Identifiant"]])
        assert float(r["Score"]) == pytest.approx(expected.result.scores[r["Identifiant"]], abs=1e-12)


def test_every_region_constraint_holds_in_the_read_back_sheet(exported: dict, expected: Expected) -> None:
    regions = [r["Région"] for r in table(exported["sheets"]["Liste restreinte"])]
    assert expected.regions <= set(regions)
    constraints = table(exported["sheets"]["Contraintes"])
    region_rows = [r for r in constraints if r["Type"] == "minimum par groupe"]
    assert len(region_rows) == len(expected.regions)
    for r in region_rows:
        region = r["Contrainte"].split(" : ", 1)[1]
        assert int(r["Atteint"]) == regions.count(region) >= int(r["Borne"]) == 1


def test_ranking_sheet_holds_every_eligible_dossier_and_the_jury_decision(exported: dict, expected: Expected) -> None:
    rows = table(exported["sheets"]["Classement"])
    assert list(rows[0])[:2] == ["Rang", "Identifiant"] and "id" not in rows[0]
    assert {r["Identifiant"] for r in rows} == set(expected.result.scores.index)
    assert [int(r["Rang"]) for r in rows] == sorted(int(r["Rang"]) for r in rows)
    by_id = {r["Identifiant"]: r for r in rows}
    assert by_id[expected.decided]["Décision du jury"] == "retenu"
    assert by_id[expected.forced_in]["Décision du jury"] == "ajourné – accompagnement proposé"
    undecided = [r for i, r in by_id.items() if i not in (expected.decided, expected.forced_in)]
    assert undecided and all(r["Décision du jury"] == "" for r in undecided)
    history = expected.inputs.attributes["historical_decision"]
    assert all(r["Décision historique"] == history[r["Identifiant"]] for r in rows)


def test_matrix_sheet_is_id_then_the_values_the_ranking_used(exported: dict, expected: Expected) -> None:
    rows = table(exported["sheets"]["Matrice"])
    spec_ids = [c["id"] for c in decision.default_profile(expected.inputs).spec(expected.inputs)["criteria"]]
    assert exported["sheets"]["Matrice"][0] == ["id", *spec_ids]   # nothing else
    assert [r["id"] for r in rows] == [r["Identifiant"] for r in table(exported["sheets"]["Classement"])]
    jury_criteria = [c for c in spec_ids if expected.inputs.criteria.at[c, "criterion_group"] == "jury"]
    assert jury_criteria, "the demo call has jury criteria"
    for r in rows:
        for criterion in spec_ids:
            value = expected.inputs.matrix.at[r["id"], criterion]
            if value != value:
                assert r[criterion] == ""
            else:
                assert float(r[criterion]) == pytest.approx(value, rel=1e-13)
    ineligible = table(exported["sheets"]["Non éligibles"])
    gated = expected.inputs.eligibility[expected.inputs.eligibility["status"] == decision.INELIGIBLE]
    assert {r["Identifiant"] for r in ineligible} == set(gated.index)
    assert all(r["Condition non remplie"] for r in ineligible)


def test_the_matrix_sheet_saved_as_csv_reproduces_the_ranks(exported: dict, tmp_path: Path) -> None:
    info = manifest(exported["sheets"]["Manifeste"])
    assert "« Matrice » en CSV" in info["Reproduire le classement"]
    rows = table(exported["sheets"]["Classement"])
    # The CSV LibreOffice saved of the « Matrice » sheet, as it is: the engine's --matrix.
    matrix = exported["path"].parent / "csv" / f"{exported['path'].stem}-Matrice.csv"
    assert matrix.is_file()
    spec_path = tmp_path / "S.json"
    spec_path.write_text(info[SPEC_LABEL], encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "scoring", "rank", "--matrix", str(matrix), "--spec", str(spec_path)],
                         capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert run.returncode == 0, run.stderr
    engine = {r["id"]: r for r in csv.DictReader(io.StringIO(run.stdout))}
    assert set(engine) == {r["Identifiant"] for r in rows}
    for r in rows:
        assert int(engine[r["Identifiant"]]["rank"]) == int(r["Rang"])
        assert float(engine[r["Identifiant"]]["score"]) == pytest.approx(float(r["Score"]), abs=1e-12)


def test_ratings_sheet_has_every_rating_and_marks_late_recusals(exported: dict, expected: Expected) -> None:
    rows = table(exported["sheets"]["Notes du jury"])
    assert len(rows) == len(expected.ratings) > 0
    not_counting = [r for r in rows if r["Prise en compte"] != "oui"]
    assert len(not_counting) == int((~expected.ratings["counts"].astype(bool)).sum()) > 0
    assert {(r["Juré"], r["Dossier"]) for r in not_counting} == {("JUR-03", "AMI1-010")}
    assert all(r["Prise en compte"].startswith("non") for r in not_counting)
    store_rows = {(r.juror_id, r.dossier_id, r.criterion_id): int(r.score) for r in expected.ratings.itertuples()}
    assert {(r["Juré"], r["Dossier"], r["Critère"]): int(r["Note"]) for r in rows} == store_rows
    names = set(expected.ratings["juror_name"])
    assert {r["Nom du juré"] for r in rows} == names


def test_anonymised_export_has_no_juror_name_and_consistent_pseudonyms(
        anonymised: dict, exported: dict, expected: Expected) -> None:
    sheets = anonymised["sheets"]
    names = set(expected.ratings["juror_name"]) | {"Marchetti", "Kervella"}
    for sheet, rows in sheets.items():
        text = "\n".join(",".join(row) for row in rows)
        for name in names:
            assert name not in text, f"« {name} » dans la feuille « {sheet} »"
        assert "JUR-0" not in text and "helene.marchetti" not in text
    plain = table(exported["sheets"]["Notes du jury"])
    masked = table(sheets["Notes du jury"])
    assert len(masked) == len(plain) == len(expected.ratings)
    assert "Nom du juré" not in masked[0] and "Organisation" not in masked[0]
    # Each pseudonym stands for one juror throughout: its rows are exactly one juror's ratings.
    def ratings_by(rows: list[dict]) -> dict[str, tuple]:
        found: dict[str, list] = {}
        for r in rows:
            found.setdefault(r["Juré"], []).append((r["Dossier"], r["Critère"], r["Note"]))
        return {who: tuple(sorted(values)) for who, values in found.items()}
    jurors, pseudonyms = ratings_by(plain), ratings_by(masked)
    assert set(pseudonyms) == {f"J{k}" for k in range(1, 10)}
    assert sorted(pseudonyms.values()) == sorted(jurors.values())
    assert len(set(jurors.values())) == 9   # the demo's jurors rate differently, so the match is one-to-one
    register = table(sheets["Conflits d'intérêts"])
    assert [r["Juré"] for r in register] == [f"J{k}" for k in range(1, 10)]   # in the pseudonyms' order
    assert all("lien familial" not in r["Récusé·e pour (dossier — motif)"] for r in register)
    assert any("motif non communiqué" in r["Récusé·e pour (dossier — motif)"] for r in register)


def test_manifest_makes_the_result_reproducible(exported: dict, expected: Expected) -> None:
    info = manifest(exported["sheets"]["Manifeste"])
    assert info[HASH_LABEL] == expected.content_hash
    # The journal's head beside it: an entry of the chain, which `jury audit --verify --head` finds.
    assert info[HEAD_LABEL] == expected.journal_head and len(info[HEAD_LABEL]) == 64
    assert info["Version de l'application"] == __import__("dashboard").__version__
    assert info["Appel"].startswith("AMI1 — ")
    assert info["Profil de pondération"] == "poids égaux"
    assert "Somme pondérée" in info["Méthode"]
    assert json.loads(info[CONSTRAINTS_LABEL]) == {"min_per_group": {"region": 1}, "force_in": [expected.forced_in]}
    # The constraints and the parameters in French sentences, beside the engine's JSON.
    forced_name = expected.inputs.attributes.at[expected.forced_in, "display_name"]
    assert info["Contraintes"].splitlines() == ["Au moins un dossier par région ayant un dossier éligible",
                                                f"Dossier imposé : {forced_name}"]
    assert info["Paramètres de la méthode"] == "Valeurs manquantes : moyenne de la colonne."
    assert info["Agrégation des notes du jury"].startswith("Moyenne ; ")
    assert not any(value.startswith("{") for label, value in info.items()
                   if label not in (SPEC_LABEL, CONSTRAINTS_LABEL))
    assert "python -m scoring rank --matrix" in info["Reproduire le classement"]
    assert info["Utilisateur"].startswith("opérateur")
    assert info["Date et heure de l'export"]
    weights = {k.split(" — ")[0]: v for k, v in info.items() if re.match(r"^[CDJ]\d\d — ", k)}
    assert set(weights) == {c["id"] for c in json.loads(info[SPEC_LABEL])["criteria"]}
    assert all(float(v.rstrip("%")) / 100 == pytest.approx(1 / 18) for v in weights.values())


def test_text_typed_as_a_formula_comes_back_as_text(exported: dict, expected: Expected) -> None:
    shortlist = {r["Identifiant"]: r for r in table(exported["sheets"]["Liste restreinte"])}
    assert shortlist[expected.decided]["Motivation"] == FORMULA
    assert shortlist[expected.forced_in]["Motivation"] == "@accompagnement 2020"
    comments = [r for r in table(exported["sheets"]["Notes du jury"])
                if (r["Juré"], r["Dossier"], r["Critère"]) == ("JUR-02", "AMI1-001", "J01")]
    assert [r["Commentaire"] for r in comments] == [FORMULA]
    everywhere = [cell for rows in exported["sheets"].values() for row in rows for cell in row]
    assert FORMULA in everywhere and "2" not in {c for c in everywhere if c == FORMULA}
    # No formula anywhere in the package, and the typed values are string cells.
    workbook = openpyxl.load_workbook(exported["path"])
    found = []
    for ws in workbook:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formule en {ws.title}!{cell.coordinate}"
                if cell.value in (FORMULA, "@accompagnement 2020", "+ projet pilote outre-mer"):
                    assert cell.data_type == "s"
                    found.append(cell.value)
    assert {FORMULA, "@accompagnement 2020", "+ projet pilote outre-mer"} <= set(found)


# --------------------------------------------------------------------------- formatting (openpyxl)


def test_header_style_frozen_header_autofilter_widths_and_formats(exported: dict) -> None:
    workbook = openpyxl.load_workbook(exported["path"])
    for title in SHEETS:
        ws = workbook[title]
        header = ws[1]
        assert all(c.font.b for c in header if c.value is not None), title
        assert all(c.fill.fill_type == "solid" for c in header if c.value is not None), title
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("2"), title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), title
        widths = [ws.column_dimensions[c.column_letter].width for c in header if c.value is not None]
        assert widths and all(w and 6 <= w <= 100 for w in widths), title
    ranking = workbook["Classement"]
    headers = {c.value: c.column_letter for c in ranking[1]}
    assert ranking.auto_filter.ref == f"A1:{get_column_letter(ranking.max_column)}{ranking.max_row}"
    assert ranking[f"{headers['Score']}2"].number_format == "0.000"
    matrix = workbook["Matrice"]
    assert all(isinstance(c.value, (int, float)) for row in matrix.iter_rows(min_row=2, min_col=2) for c in row
               if c.value is not None)
    scales = [rule for rng in ranking.conditional_formatting for rule in rng.rules if rule.type == "colorScale"]
    assert scales and any(f"{headers['Score']}2:" in str(rng.sqref) for rng in ranking.conditional_formatting)
    shortlist = workbook["Liste restreinte"]
    assert any(rule.type == "colorScale" for rng in shortlist.conditional_formatting for rule in rng.rules)
    notes = workbook["Notes du jury"]
    note_headers = {c.value: c.column_letter for c in notes[1]}
    assert notes[f"{note_headers['Noté le']}2"].number_format == "dd/mm/yyyy hh:mm"
    assert notes[f"{note_headers['Noté le']}2"].is_date
    weights = workbook["Pondérations"]
    weight_headers = {c.value: c.column_letter for c in weights[1]}
    assert weights[f"{weight_headers['Poids normalisé']}2"].number_format == "0.0%"
    assert weights[f"{weight_headers['Poids normalisé']}2"].value == pytest.approx(1 / 18)
    dated = next(row[1] for row in workbook["Manifeste"].iter_rows() if row[0].value == "Date et heure de l'export")
    assert dated.number_format == "dd/mm/yyyy hh:mm:ss" and dated.is_date


# --------------------------------------------------------------------------- the store-facing helper


def test_saved_jury_profile_is_used_and_ahp_consistency_is_shown(demo_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    copy_database(demo_path, copy)
    db = Database(copy)
    try:
        store = db.store()
        criteria = ["C02", "C06", "J01"]
        matrix = [[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]
        ahp = scoring.weights("ahp", pairwise=pd.DataFrame(matrix, index=criteria, columns=criteria))
        # The /ponderation page's format: « A|B » → Saaty label, over the enabled criteria.
        judgements = {"C02|C06": "3", "C02|J01": "5", "J01|C06": "1/2"}
        profile = decision.WeightProfile(method="topsis", weights=ahp.weights.to_dict(), enabled=tuple(criteria),
                                         weighting={"mode": "ahp", "pairwise": judgements})
        store.save_weight_profile(PRESIDENT, CALL, "profil du jury", profile.to_dict())
        _, content = export_call(store, OPERATOR, CALL, None, 10, None)
        with pytest.raises(Exception, match="Profil de pondération « inconnu » introuvable"):
            export_call(store, OPERATOR, CALL, "inconnu", 10, None)
    finally:
        db.close()
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    info = {r[0].value: r[1].value for r in workbook["Manifeste"].iter_rows(min_row=2)}
    assert info["Profil de pondération"] == "profil du jury"
    assert json.loads(info[SPEC_LABEL])["method"] == "topsis"
    cells = {c.value for row in workbook["Pondérations"].iter_rows() for c in row}
    assert "Ratio de cohérence CR" in cells and "Comparaisons par paires (AHP)" in cells
    values = list(workbook["Pondérations"].iter_rows(values_only=True))
    cr = next(r[1] for r in values if r[0] == "Ratio de cohérence CR")
    assert cr == pytest.approx(ahp.cr) and cr > 0
    grid = next(k for k, r in enumerate(values) if r[0] and str(r[0]).startswith("Comparaisons par paires ("))
    assert values[grid + 1][1:4] == ("C02", "C06", "J01")
    assert values[grid + 4][:4] == ("J01", pytest.approx(0.2), pytest.approx(0.5), 1)
    assert [c.value for c in workbook["Matrice"][1]] == ["id", "C02", "C06", "J01"]
    headers = [c.value for c in workbook["Classement"][1]]
    assert {"Distance à l'idéal (d+)", "Distance à l'anti-idéal (d−)"} <= set(headers)


def test_a_hierarchical_ahp_profile_is_reproduced_from_the_manifest(demo_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    copy_database(demo_path, copy)
    criteria = ("C02", "C06", "D01", "D03", "J01", "J02", "J03")
    weighting = {"mode": "ahp", "structure": "groupes",
                 "group_pairwise": {"objectif|dossier": "2", "objectif|jury": "1/2", "dossier|jury": "1/3"},
                 "pairwise": {"C02|C06": "3", "D01|D03": "1/2", "J01|J02": "2", "J01|J03": "9", "J02|J03": "1/2"}}
    db = Database(copy)
    try:
        store = db.store()
        inputs = meeting.call_inputs(store, OPERATOR, meeting.load_call(store, OPERATOR, CALL), AggregationSettings())
        result = ahp.weights(criteria, weighting, views.criteria_by_group(inputs))
        assert set(result.details["blocks"]) == {"groupes", "objectif", "dossier", "jury"}
        profile = decision.WeightProfile(method="wsm", weights=result.weights.round(9).to_dict(), enabled=criteria,
                                         weighting=weighting)
        store.save_weight_profile(PRESIDENT, CALL, "profil du jury", profile.to_dict())
        _, content = export_call(store, OPERATOR, CALL, None, 10, None)
    finally:
        db.close()
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    info = {r[0].value: r[1].value for r in workbook["Manifeste"].iter_rows(min_row=2)}
    document = tmp_path / "H.json"
    document.write_text(info["Spécification AHP (fichier --ahp, JSON)"], encoding="utf-8")
    assert "python -m scoring weights --method ahp --ahp H.json" in info["Reproduire les poids"]
    run = subprocess.run([sys.executable, "-m", "scoring", "weights", "--method", "ahp", "--ahp", str(document)],
                         capture_output=True, text=True, cwd=REPO_ROOT, check=False)
    assert run.returncode == 0, run.stderr
    reproduced = json.loads(run.stdout)
    spec = {c["id"]: c["weight"] for c in json.loads(info[SPEC_LABEL])["criteria"]}
    total = sum(spec.values())
    assert list(reproduced["weights"]) == list(criteria)
    for criterion, weight in reproduced["weights"].items():
        assert weight == pytest.approx(spec[criterion] / total, abs=1e-8)
    assert reproduced["blocks"]["jury"]["cr"] == pytest.approx(result.details["blocks"]["jury"].cr)
    # The « Pondérations » sheet shows each block's grid and consistency.
    cells = [r[0] for r in workbook["Pondérations"].iter_rows(values_only=True)]
    assert {"Bloc « Groupes de critères »", "Bloc « Critères objectifs »", "Bloc « Critères du dossier »",
            "Bloc « Notes du jury »"} <= set(cells)
    assert cells.count("Ratio de cohérence CR") == 4


def test_build_workbook_with_an_infeasible_shortlist_and_no_ratings(demo_path: Path, expected: Expected) -> None:
    inputs, result = expected.inputs, expected.result
    infeasible = scoring.shortlist(result.scores, inputs.attributes.loc[inputs.eligible_ids], 5,
                                   {"min_per_group": {"region": 1}})
    assert not infeasible.feasible
    content = build_workbook(call={"id": CALL, "label": "AMI 1", "results_on": None}, inputs=inputs,
                             profile=decision.default_profile(inputs), profile_name="poids égaux", result=result,
                             shortlist=infeasible, constraints={"min_per_group": {"region": 1}}, forcings=None,
                             ratings=None, decisions=None, content_hash="abc", user="test")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    shortlist = workbook["Liste restreinte"]
    assert shortlist.max_row == 3 and "Contraintes incompatibles" in shortlist["A3"].value
    notes = [c.value for row in workbook["Notes du jury"].iter_rows() for c in row if c.value]
    assert any("pas accessibles" in str(v) for v in notes)
    conflict = [c.value for row in workbook["Contraintes"].iter_rows() for c in row if c.value]
    assert "Contraintes incompatibles (ensemble minimal)" in conflict


def test_points_entered_on_the_weighting_page_read_as_words(expected: Expected) -> None:
    inputs = expected.inputs
    profile = decision.default_profile(inputs)
    points = dict.fromkeys(profile.enabled, 5) | {"C01": 8, "J01": 2.5}
    profile = decision.WeightProfile(weights=points, enabled=profile.enabled,
                                     weighting={"mode": "points", "points": points, "note": {"C01": 8}})
    content = build_workbook(call={"id": CALL, "label": "AMI 1"}, inputs=inputs, profile=profile,
                             profile_name="mes points", result=decision.rank_call(inputs, profile), shortlist=None,
                             constraints=None, forcings=None, ratings=None, decisions=None, content_hash="abc",
                             user="test")
    lines = {r[0]: r[1] for r in openpyxl.load_workbook(io.BytesIO(content))["Pondérations"].iter_rows(values_only=True)
             if r[0]}
    assert lines["Mode de pondération"] == "Points (curseurs)"
    assert lines["Points attribués (0 à 10)"].startswith("C01 : 8 ; C02 : 5 ; ")
    assert "J01 : 2,5" in lines["Points attribués (0 à 10)"]
    assert lines["Saisie « note »"] == "C01 : 8"
    assert not any(str(v).startswith(("{", "[")) for v in lines.values() if v is not None)


# --------------------------------------------------------------------------- `jury export`


def test_jury_export_writes_a_balanced_workbook(demo_path: Path, expected: Expected, tmp_path: Path) -> None:
    constraints = tmp_path / "C.json"
    constraints.write_text(json.dumps({"min_per_group": {"region": 1}}), encoding="utf-8")
    out = tmp_path / "export.xlsx"
    run = jury("export", "--db", str(demo_path), "--call", CALL, "--size", "20", "--constraints", str(constraints),
               "--anonymise", "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert out.is_file() and "Classeur écrit" in run.stdout
    sheets = libreoffice_sheets(out, tmp_path / "lo")
    rows = table(sheets["Liste restreinte"])
    assert len(rows) == 20
    assert expected.regions <= {r["Région"] for r in rows}   # binding here: more régions than half the places
    assert expected.forced_in in {r["Identifiant"] for r in rows}   # the stored forcing applies
    swaps = [r for r in rows if r["Entré par échange"]]
    assert swaps, "with 20 places, « every région » must swap dossiers in"


@pytest.mark.parametrize(("args", "message"), [
    (("--call", "AMI9", "--size", "5"), "Appel « AMI9 » inconnu"),
    (("--call", CALL, "--size", "5", "--profile", "absent"), "Profil de pondération « absent » introuvable"),
    (("--call", CALL, "--size", "500"), "supérieure au nombre de dossiers éligibles"),
    (("--call", CALL, "--size", "zéro"), "nombre entier attendu"),
])
def test_jury_export_bad_input_exits_2_in_french(demo_path: Path, tmp_path: Path, args: tuple, message: str) -> None:
    out = tmp_path / "x.xlsx"
    run = jury("export", "--db", str(demo_path), *args, "--out", str(out))
    assert run.returncode == 2
    assert message in run.stderr and "Erreur" in run.stderr
    assert "Traceback" not in run.stderr
    assert not out.exists()


def test_jury_export_bad_constraints_file(demo_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "C.json"
    bad.write_text('{"min_per_group": {"region": 1},}', encoding="utf-8")
    run = jury("export", "--db", str(demo_path), "--call", CALL, "--size", "20", "--constraints", str(bad),
               "--out", str(tmp_path / "x.xlsx"))
    assert run.returncode == 2 and "JSON invalide ligne 1" in run.stderr
    bad.write_text('{"min_count": {"overseas": 50}}', encoding="utf-8")
    run = jury("export", "--db", str(demo_path), "--call", CALL, "--size", "20", "--constraints", str(bad),
               "--out", str(tmp_path / "x.xlsx"))
    assert run.returncode == 2 and "Contraintes incompatibles" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "x.xlsx").exists()


def test_conflict_register_sheet_lists_every_juror_and_recusal(exported: dict, demo_path: Path) -> None:
    db = Database(demo_path)
    try:
        store = db.store()
        jurors = store.jurors()
        declarations = store.conflict_declarations(OPERATOR, CALL).set_index("juror_id")
        recusals = store.recusals(OPERATOR, CALL)
    finally:
        db.close()
    rows = {r["Juré"]: r for r in table(exported["sheets"]["Conflits d'intérêts"])}
    assert set(rows) == set(jurors["juror_id"])
    for juror in jurors.itertuples():
        row = rows[juror.juror_id]
        assert row["Nom du juré"] == juror.name
        expected_status = ("conflits déclarés" if declarations.loc[juror.juror_id, "has_conflicts"]
                           else "aucun conflit déclaré")
        assert row["Déclaration"] == expected_status
        mine = recusals[recusals["juror_id"] == juror.juror_id]
        recused = row["Récusé·e pour (dossier — motif)"]
        assert (recused.count(";") + 1 if recused else 0) == len(mine)
        for reason in mine["reason"]:
            assert reason in recused
