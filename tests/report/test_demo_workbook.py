"""The demo workbook `data/demo_ami.xlsx`: format, the public record, the jury, reproducibility."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from dashboard.report.workbook_format import (
    ANTENNA_CONCEPTS,
    CANDIDATE_KINDS,
    CRITERION_GROUPS,
    HISTORICAL_DECISIONS,
    JUROR_ROLES,
    RATING_MAX,
    RATING_MIN,
    SHEETS,
)
from tests.helpers.workbooks import REPO_ROOT, RESOURCES

WORKBOOK = RESOURCES / "demo_ami.xlsx"
BUILDER = REPO_ROOT / "data" / "build_demo.py"
COMMUNES = RESOURCES / "communes.csv"

ORGANISATIONS = {
    "Cnam", "Action cœur de ville", "Territoires d'industrie", "Banque des Territoires",
    "Villes de France", "AdCF", "UIMM", "CMA France", "The Adecco Group",
}
# The 9 territories labelled in AMI 2, by INSEE code of the carrying commune and phase.
AMI2_TERRITORIES = {
    "62041": "AMI2-P1",  # Arras
    "28134": "AMI2-P1",  # Dreux
    "77288": "AMI2-P1",  # Melun
    "02408": "AMI2-P1",  # Laon – Saint-Quentin consortium
    "40088": "AMI2-P2",  # Dax
    "45252": "AMI2-P2",  # Pithiviers entente
    "54323": "AMI2-P2",  # Longwy
    "42147": "AMI2-P2",  # Montbrison
    "62765": "AMI2-P2",  # Saint-Omer
}
AMI1_LAUREATE_CODES = {
    "15014", "26198", "42187", "71076", "58194", "70550", "35115", "29151", "29232", "22278",
    "18033", "18279", "2B033", "51108", "08105", "52121", "68066", "88160", "54329", "57606",
    "88413", "52448", "68297", "67437", "57672", "10387", "55545", "88516", "97105", "97311",
    "60057", "02168", "59392", "77131", "77305", "78440", "97611", "50129", "76217", "50502",
    "16102", "47157", "79191", "30007", "82121", "34301", "44036", "85191", "49328", "83023",
    "06069", "04112", "97407", "97412", "97801",
}


def read_sheets(path: Path) -> dict[str, list[dict[str, object]]]:
    """Every sheet as a list of {header: value} rows."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        out = {}
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            out[ws.title] = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
        return out
    finally:
        wb.close()


@pytest.fixture(scope="module")
def book() -> dict[str, list[dict[str, object]]]:
    return read_sheets(WORKBOOK)


def h(sheet_key: str, column_key: str) -> str:
    """French header of a column, from the format module."""
    sheet = next(s for s in SHEETS if s.key == sheet_key)
    return sheet.column(column_key).header


def name(sheet_key: str) -> str:
    return next(s for s in SHEETS if s.key == sheet_key).name


@pytest.fixture(scope="module")
def dossiers(book):
    return {r[h("dossiers", "dossier_id")]: r for r in book[name("dossiers")]}


@pytest.fixture(scope="module")
def candidates(book):
    return {r[h("candidates", "candidate_id")]: r for r in book[name("candidates")]}


def test_sheets_and_headers_follow_the_format():
    wb = openpyxl.load_workbook(WORKBOOK, read_only=True)
    try:
        assert wb.sheetnames == [s.name for s in SHEETS]
        for sheet in SHEETS:
            header = next(wb[sheet.name].iter_rows(max_row=1, values_only=True))
            assert list(header) == [c.header for c in sheet.columns], sheet.name
    finally:
        wb.close()


def test_required_cells_types_and_choices(book):
    for sheet in SHEETS:
        rows = book[sheet.name]
        keys = [tuple(r[sheet.column(k).header] for k in sheet.key_columns) for r in rows]
        assert len(keys) == len(set(keys)), f"duplicate keys in {sheet.name}"
        for i, row in enumerate(rows, start=2):
            for col in sheet.columns:
                value = row[col.header]
                if value is None:
                    assert not col.required, f"{sheet.name} row {i}: {col.header} empty"
                    continue
                if col.type == "date":
                    assert isinstance(value, dt.datetime), (sheet.name, i, col.header, value)
                elif col.type == "int":
                    assert isinstance(value, int) and not isinstance(value, bool)
                elif col.type == "float":
                    assert isinstance(value, (int, float)) and not isinstance(value, bool)
                elif col.type == "choice":
                    assert value in col.choices, (sheet.name, i, col.header, value)
                if col.minimum is not None:
                    assert value >= col.minimum
                if col.maximum is not None:
                    assert value <= col.maximum


def test_calls(book):
    calls = {r[h("calls", "call_id")]: r for r in book[name("calls")]}
    assert list(calls) == ["AMI1", "AMI2-P1", "AMI2-P2", "AMI2-P3"]
    assert calls["AMI1"][h("calls", "label")] == "AMI 1 — 2019"
    assert calls["AMI1"][h("calls", "opens_on")] == dt.datetime(2019, 5, 13)
    assert calls["AMI1"][h("calls", "results_on")] == dt.datetime(2019, 9, 26)
    deadlines = {c: r[h("calls", "deadline")] for c, r in calls.items()}
    assert deadlines["AMI2-P1"] == dt.datetime(2020, 11, 6)
    assert deadlines["AMI2-P2"] == dt.datetime(2021, 2, 12)
    assert deadlines["AMI2-P3"] == dt.datetime(2021, 6, 25)


def test_criteria_catalogue(book):
    rows = {r[h("criteria", "criterion_id")]: r for r in book[name("criteria")]}
    assert len(rows) == 25
    groups = Counter(r[h("criteria", "group")] for r in rows.values())
    assert groups == {"éligibilité": 3, "objectif": 8, "dossier": 4, "jury": 6,
                      "descripteur": 4}
    assert set(groups) <= set(CRITERION_GROUPS)
    e01 = rows["E01"]
    assert (e01[h("criteria", "lower")], e01[h("criteria", "upper")],
            e01[h("criteria", "derogation_lower")]) == (10_000, 100_000, 5_000)
    assert rows["C08"][h("criteria", "direction")] == "min"
    assert rows["X04"][h("criteria", "direction")] == "min"
    for cid, row in rows.items():
        if row[h("criteria", "group")] in ("objectif", "dossier", "jury"):
            assert row[h("criteria", "direction")] in ("max", "min"), cid
        if cid.startswith("J"):
            assert (row[h("criteria", "lower")], row[h("criteria", "upper")]) == (1, 5)


def test_ami1_has_85_dossiers_and_the_55_laureates(dossiers, candidates):
    ami1 = [d for d in dossiers.values() if d[h("dossiers", "call_id")] == "AMI1"]
    assert len(ami1) == 85
    decision = h("dossiers", "historical_decision")
    laureates = [d for d in ami1 if d[decision] == "lauréat"]
    assert len(laureates) == 55
    assert all(d[decision] == "non retenu" for d in ami1 if d not in laureates)
    codes = {candidates[d[h("dossiers", "candidate_id")]][h("candidates", "insee_code")]
             for d in laureates}
    assert codes == AMI1_LAUREATE_CODES
    for d in ami1:
        assert d[h("dossiers", "dossier_id")].startswith("AMI1-")


def test_ami1_carriers_match_the_press_kit(dossiers, candidates):
    kinds = Counter(candidates[d[h("dossiers", "candidate_id")]][h("candidates", "kind")]
                    for d in dossiers.values() if d[h("dossiers", "call_id")] == "AMI1")
    # 48 % EPCI, 33 % communes, 19 % both (encoded as « consortium »)
    assert kinds == {"EPCI": 41, "commune": 28, "consortium": 16}
    assert set(kinds) <= set(CANDIDATE_KINDS)


def test_ami1_non_retained_are_real_medium_towns(dossiers, candidates):
    communes = {r["insee_code"]: r for r in csv.DictReader(COMMUNES.open(encoding="utf-8"))}
    others = [d for d in dossiers.values() if d[h("dossiers", "call_id")] == "AMI1"
              and d[h("dossiers", "historical_decision")] == "non retenu"]
    assert len(others) == 30
    regions, overseas = set(), 0
    for d in others:
        code = candidates[d[h("dossiers", "candidate_id")]][h("candidates", "insee_code")]
        row = communes[code]
        assert 10_000 <= int(row["population"]) <= 100_000
        regions.add(row["region_name"])
        overseas += row["overseas"] == "1"
    assert len(regions) >= 12
    assert 2 <= overseas <= 5


def test_the_nine_ami2_territories(dossiers, candidates):
    decision = h("dossiers", "historical_decision")
    labelled = {}
    for d in dossiers.values():
        call = d[h("dossiers", "call_id")]
        if call.startswith("AMI2") and d[decision] == "lauréat":
            cand = candidates[d[h("dossiers", "candidate_id")]]
            labelled[cand[h("candidates", "insee_code")]] = (call, cand)
    assert {code: call for code, (call, _c) in labelled.items()} == AMI2_TERRITORIES
    assert labelled["02408"][1][h("candidates", "kind")] == "consortium"
    assert labelled["02408"][1][h("candidates", "member_communes")] == "02691"
    assert labelled["45252"][1][h("candidates", "kind")] == "entente"
    for phase in ("AMI2-P1", "AMI2-P2"):
        others = [d for d in dossiers.values() if d[h("dossiers", "call_id")] == phase
                  and d[decision] == "non retenu"]
        assert 1 <= len(others) <= 5
    p3 = [d for d in dossiers.values() if d[h("dossiers", "call_id")] == "AMI2-P3"]
    assert p3 and all(d[decision] is None for d in p3)


def test_dossier_fields(dossiers):
    for d in dossiers.values():
        concept = d[h("dossiers", "antenna_concept")]
        assert concept in ANTENNA_CONCEPTS
        sectors = d[h("dossiers", "sectors")].split("; ")
        assert 1 <= len(sectors) <= 3 and len(set(sectors)) == len(sectors)
        assert d[h("dossiers", "historical_decision")] in (*HISTORICAL_DECISIONS, None)


def test_every_insee_code_is_in_the_reference(candidates):
    communes = {r["insee_code"] for r in csv.DictReader(COMMUNES.open(encoding="utf-8"))}
    for cand in candidates.values():
        assert cand[h("candidates", "insee_code")] in communes
        members = cand[h("candidates", "member_communes")]
        for code in (members.split(";") if members else []):
            assert code in communes, (cand[h("candidates", "candidate_id")], code)


def test_real_values_come_from_the_reference(book, dossiers, candidates):
    communes = {r["insee_code"]: r for r in csv.DictReader(COMMUNES.open(encoding="utf-8"))}
    values = {(r[h("criterion_values", "dossier_id")], r[h("criterion_values", "criterion_id")]):
              r for r in book[name("criterion_values")]}
    for did, d in dossiers.items():
        code = candidates[d[h("dossiers", "candidate_id")]][h("candidates", "insee_code")]
        row = communes[code]
        value = h("criterion_values", "value")
        assert values[(did, "E01")][value] == int(row["population"])
        assert values[(did, "C02")][value] == pytest.approx(float(row["dist_hub_km"]))
        assert values[(did, "C07")][value] == int(row["overseas"])
        for cid in ("C03", "D01", "J01"):
            if cid == "J01":
                assert (did, cid) not in values  # ratings live in « Notes »
            else:
                assert values[(did, cid)][h("criterion_values", "provenance")] == "synthétique"


def test_jury_of_nine_from_nine_organisations(book):
    jurors = book[name("jurors")]
    assert len(jurors) == 9
    assert {j[h("jurors", "organisation")] for j in jurors} == ORGANISATIONS
    roles = Counter(j[h("jurors", "role")] for j in jurors)
    assert roles == {"president": 1, "jure": 8}
    assert set(roles) <= set(JUROR_ROLES)
    president = next(j for j in jurors if j[h("jurors", "role")] == "president")
    assert president[h("jurors", "organisation")] == "Cnam"


def test_recusals_declared_for_every_juror_and_call(book):
    jurors = {j[h("jurors", "juror_id")] for j in book[name("jurors")]}
    calls = {c[h("calls", "call_id")] for c in book[name("calls")]}
    declared = {(r[h("recusals", "juror_id")], r[h("recusals", "call_id")])
                for r in book[name("recusals")]}
    assert declared == {(j, c) for j in jurors for c in calls}
    conflicts = [r for r in book[name("recusals")] if r[h("recusals", "dossier_id")]]
    assert len(conflicts) >= 10
    assert all(r[h("recusals", "reason")] for r in conflicts)


def test_no_rating_by_a_recused_juror(book):
    recused = {(r[h("recusals", "juror_id")], r[h("recusals", "dossier_id")])
               for r in book[name("recusals")] if r[h("recusals", "dossier_id")]}
    ratings = book[name("ratings")]
    assert ratings
    for r in ratings:
        assert (r[h("ratings", "juror_id")], r[h("ratings", "dossier_id")]) not in recused


def test_ratings_cover_the_judged_calls(book, dossiers):
    ratings = book[name("ratings")]
    recused = {(r[h("recusals", "juror_id")], r[h("recusals", "dossier_id")])
               for r in book[name("recusals")] if r[h("recusals", "dossier_id")]}
    jurors = [j[h("jurors", "juror_id")] for j in book[name("jurors")]]
    rated = Counter((r[h("ratings", "juror_id")], r[h("ratings", "dossier_id")])
                    for r in ratings)
    for did, d in dossiers.items():
        call = d[h("dossiers", "call_id")]
        for juror in jurors:
            expected = 6 if call != "AMI2-P3" and (juror, did) not in recused else 0
            assert rated[(juror, did)] == expected, (juror, did)
    for r in ratings:
        score = r[h("ratings", "score")]
        assert isinstance(score, int) and RATING_MIN <= score <= RATING_MAX
        assert r[h("ratings", "criterion_id")] in {"J01", "J02", "J03", "J04", "J05", "J06"}
    assert any(r[h("ratings", "comment")] for r in ratings)


def test_laureates_rated_higher_on_average(book, dossiers):
    decision = h("dossiers", "historical_decision")
    scores = {"lauréat": [], "non retenu": []}
    for r in book[name("ratings")]:
        d = dossiers[r[h("ratings", "dossier_id")]]
        if d[h("dossiers", "call_id")] == "AMI1":
            scores[d[decision]].append(r[h("ratings", "score")])
    mean = {k: sum(v) / len(v) for k, v in scores.items()}
    assert 3.5 <= mean["lauréat"] <= 4.3
    assert 2.3 <= mean["non retenu"] <= 3.2


def test_rebuild_gives_identical_sheets(tmp_path):
    out = tmp_path / "demo.xlsx"
    subprocess.run([sys.executable, str(BUILDER), "--output", str(out)], check=True,
                   capture_output=True, cwd=tmp_path, timeout=120)
    assert read_sheets(out) == read_sheets(WORKBOOK)
