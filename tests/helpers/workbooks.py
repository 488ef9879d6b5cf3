"""Paths of the checkout and the small import workbooks the tests build."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

from dashboard.report.workbook_format import SHEETS

REPO_ROOT = Path(__file__).resolve().parents[2]
RESOURCES = REPO_ROOT / "dashboard" / "resources"
DEMO_WORKBOOK = RESOURCES / "demo_ami.xlsx"


def tiny_tables() -> dict[str, list[dict[str, Any]]]:
    """A small but complete call: 3 real towns, 2 jurors, ratings, a recusal."""
    return {
        "calls": [{"call_id": "AMI1", "label": "AMI 1 — 2019", "opens_on": date(2019, 5, 13),
                   "deadline": None, "results_on": date(2019, 9, 26)}],
        "criteria": [
            {"criterion_id": "E01", "group": "éligibilité", "label": "Population", "unit": "habitants",
             "direction": None, "lower": 10000, "upper": 100000, "derogation_lower": 5000},
            {"criterion_id": "C02", "group": "objectif", "label": "Distance au pôle universitaire",
             "unit": "km", "direction": "max"},
            {"criterion_id": "C06", "group": "objectif", "label": "Territoire d'industrie",
             "unit": "0/1", "direction": "max"},
            {"criterion_id": "J01", "group": "jury", "label": "Qualité du partenariat local",
             "unit": "1-5", "direction": "max", "lower": 1, "upper": 5},
        ],
        "candidates": [
            {"candidate_id": "COM-15014", "kind": "commune", "name": "Aurillac", "insee_code": "15014",
             "population": 25499},
            {"candidate_id": "COM-97412", "kind": "commune", "name": "Saint-Joseph", "insee_code": "97412",
             "population": 37644},
            {"candidate_id": "COM-68297", "kind": "commune", "name": "Saint-Louis", "insee_code": "68297",
             "population": 21177},
        ],
        "dossiers": [
            {"dossier_id": "AMI1-001", "call_id": "AMI1", "candidate_id": "COM-15014",
             "antenna_concept": "tiers-lieu pluri-partenaires", "sectors": "Numérique ; BTP",
             "historical_decision": "lauréat"},
            {"dossier_id": "AMI1-002", "call_id": "AMI1", "candidate_id": "COM-97412",
             "historical_decision": "lauréat"},
            {"dossier_id": "AMI1-003", "call_id": "AMI1", "candidate_id": "COM-68297",
             "historical_decision": "non retenu"},
        ],
        "criterion_values": [
            {"dossier_id": d, "criterion_id": c, "value": v, "provenance": "test"}
            for d, c, v in [("AMI1-001", "E01", 25499), ("AMI1-001", "C02", 106.9), ("AMI1-001", "C06", 1),
                            ("AMI1-002", "E01", 37644), ("AMI1-002", "C02", 58.3), ("AMI1-002", "C06", 0),
                            ("AMI1-003", "E01", 21177), ("AMI1-003", "C02", 24.8), ("AMI1-003", "C06", 1)]
        ],
        "jurors": [
            {"juror_id": "J-CNAM", "name": "Claire Martin", "organisation": "Cnam", "role": "president"},
            {"juror_id": "J-BDT", "name": "Paul Leroy", "organisation": "Banque des Territoires",
             "role": "jure", "region": "Grand Est"},
        ],
        "recusals": [
            {"juror_id": "J-CNAM", "call_id": "AMI1", "dossier_id": None, "declared_on": date(2019, 6, 1)},
            {"juror_id": "J-BDT", "call_id": "AMI1", "dossier_id": "AMI1-003",
             "reason": "travaille dans la région du dossier", "declared_on": date(2019, 6, 2)},
        ],
        "ratings": [
            {"juror_id": "J-CNAM", "dossier_id": "AMI1-001", "criterion_id": "J01", "score": 4,
             "comment": "Partenariat solide"},
            {"juror_id": "J-CNAM", "dossier_id": "AMI1-002", "criterion_id": "J01", "score": 3},
            {"juror_id": "J-CNAM", "dossier_id": "AMI1-003", "criterion_id": "J01", "score": 2},
            {"juror_id": "J-BDT", "dossier_id": "AMI1-001", "criterion_id": "J01", "score": 5},
            {"juror_id": "J-BDT", "dossier_id": "AMI1-002", "criterion_id": "J01", "score": 3},
        ],
    }


def write_workbook(path: Path, tables: dict[str, list[dict[str, Any]]]) -> Path:
    """Write tables keyed by column key into an .xlsx with the French headers."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet in SHEETS:
        if sheet.key not in tables:
            continue
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append([c.header for c in sheet.columns])
        for row in tables[sheet.key]:
            worksheet.append([row.get(c.key) for c in sheet.columns])
    workbook.save(path)
    return path
