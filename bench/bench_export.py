"""Benchmark of the shortlist workbook export (`dashboard.services.meeting.build_export`).

Run: ``python bench/bench_export.py`` (or ``make bench``). A synthetic call of
2 000 dossiers (18 criteria, 13 régions, overseas and TI flags, 6 jury
criteria) is ranked with equal weights and a shortlist of 200 is solved with
« every région » and a Territoires d'industrie share, once, outside the
timing. What is timed is `build_export` alone, the writer the page and
`jury export` share (the bytes of the .xlsx from an `ExportRequest`),
the median of several runs, with three sizes of « Notes du jury »:

* no individual ratings (the sheet holds a note only);
* 3 jurors per dossier (36 000 rating rows, the realistic case: a jury
  shares out the dossiers);
* every one of 9 jurors on every dossier (108 000 rating rows, worst case).

Target (issue 5, item 7): export of 2 000 dossiers in at most 2 s. Then the
ranking report (PDF) of the same request (`services.reports.build_report`),
target 10 s. The script never fails on a missed target: it says by how much.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import median_seconds

from dashboard.core import decision
from dashboard.core.decision import AggregationSettings, DecisionInputs
from dashboard.core.labels import EQUAL_WEIGHTS
from dashboard.core.shortlist import solve_shortlist
from dashboard.services.meeting import ExportRequest, build_export
from dashboard.services.reports import build_report

TARGET_S = 2.0
# The ranking report in PDF, every ranked dossier listed (about 45 pages for 2 000 dossiers).
REPORT_TARGET_S = 10.0
REGIONS = ["Grand Est", "Bretagne", "Normandie", "Occitanie", "Île-de-France", "Hauts-de-France",
           "Provence-Alpes-Côte d'Azur", "Auvergne-Rhône-Alpes", "Pays de la Loire", "Nouvelle-Aquitaine",
           "Bourgogne-Franche-Comté", "Centre-Val de Loire", "La Réunion"]
JURY = [f"J{k:02d}" for k in range(1, 7)]


def synthetic_inputs(n: int, seed: int = 0) -> DecisionInputs:
    rng = np.random.default_rng(seed)
    ids = pd.Index([f"GEN-{i:05d}" for i in range(1, n + 1)], name="dossier_id")
    objective = [f"C{k:02d}" for k in range(1, 9)] + [f"D{k:02d}" for k in range(1, 5)]
    rows = []
    for position, criterion in enumerate(objective + JURY, start=1):
        group = "jury" if criterion in JURY else ("objectif" if criterion.startswith("C") else "dossier")
        rows.append({"criterion_id": criterion, "criterion_group": group, "label": f"Critère {criterion}",
                     "unit": "note de 1 à 5" if group == "jury" else "unité",
                     "direction": "min" if criterion == "C08" else "max", "position": position})
    criteria = pd.DataFrame(rows).set_index("criterion_id")
    matrix = pd.DataFrame(index=ids, columns=criteria.index, dtype=float)
    for criterion in objective:
        values = rng.uniform(0, 100_000, n) if criterion == "C01" else rng.uniform(0, 100, n).round(1)
        matrix[criterion] = values
    for criterion in JURY:
        matrix[criterion] = rng.uniform(1, 5, n)
    matrix.iloc[rng.choice(n, 40, replace=False), 3] = np.nan   # a few unknown values
    status = np.where(rng.random(n) < 0.05, decision.INELIGIBLE, decision.ELIGIBLE)
    eligibility = pd.DataFrame({"status": status,
                                "reason": np.where(status == decision.INELIGIBLE, "E01 — Population (valeur 4200)",
                                                   "")}, index=ids)
    region = rng.choice(REGIONS, n)
    attributes = pd.DataFrame({
        "region": region,
        "overseas": (region == "La Réunion").astype(int),
        "acv": (rng.random(n) < 0.4).astype(int),
        "ti": (rng.random(n) < 0.7).astype(int),
        "display_name": [f"Commune générée n° {i} ({10 + i % 90})" for i in range(1, n + 1)],
        "antenna_concept": "tiers-lieu pluri-partenaires",
        "sectors": "Numérique ; Industrie",
        "historical_decision": np.where(rng.random(n) < 0.6, "lauréat", "non retenu"),
    }, index=ids)
    return DecisionInputs("GEN", matrix, criteria, eligibility, attributes, None)


def synthetic_ratings(inputs: DecisionInputs, jurors_per_dossier: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    jurors = [f"JUR-{k:02d}" for k in range(1, 10)]
    ids = inputs.matrix.index
    chosen = np.array([rng.choice(9, jurors_per_dossier, replace=False) for _ in ids])
    dossier = np.repeat(np.asarray(ids), jurors_per_dossier * len(JURY))
    juror = np.repeat(chosen.reshape(-1), len(JURY))
    criterion = np.tile(JURY, len(ids) * jurors_per_dossier)
    count = len(dossier)
    start = datetime(2019, 9, 1, 9, 0)
    return pd.DataFrame({
        "juror_id": np.asarray(jurors)[juror],
        "dossier_id": dossier,
        "criterion_id": criterion,
        "score": rng.integers(1, 6, count),
        "comment": np.where(rng.random(count) < 0.3, "Projet solide, partenariat à consolider.", None),
        "rated_at": [start + timedelta(minutes=int(m)) for m in rng.integers(0, 20_000, count)],
        "version": 1,
        "juror_name": np.asarray([f"Juré·e {k}" for k in range(1, 10)])[juror],
        "organisation": np.asarray(["Cnam", "ACV", "TI", "BdT", "VdF", "AdCF", "UIMM", "CMA", "Adecco"])[juror],
        "counts": rng.random(count) > 0.01,
    })


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=2000)
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    inputs = synthetic_inputs(args.dossiers)
    profile = decision.default_profile(inputs)
    result = decision.rank_call(inputs, profile)
    constraints = {"min_per_group": {"region": 1}, "min_share": {"ti": 0.67}}
    start = time.perf_counter()
    shortlist = solve_shortlist(inputs, result, args.size, constraints)
    solve = time.perf_counter() - start
    assert shortlist.feasible, shortlist.message
    forcings = pd.DataFrame(columns=["call_id", "dossier_id", "kind", "justification", "decided_by", "decided_at"])
    decisions = pd.DataFrame({
        "call_id": "GEN", "dossier_id": list(shortlist.selected),
        "decision": "retenu", "rationale": "Dossier complet et partenariat solide.",
        "decided_by": "president", "decided_at": datetime(2019, 9, 26, 17, 0)})
    print(f"Appel synthétique : {args.dossiers} dossiers, {len(result.scores)} classés, "
          f"liste restreinte de {args.size} (résolution hors chronométrage : {solve:.2f} s)")
    for label, per_dossier in (("sans notes individuelles", 0), ("3 jurés par dossier", 3),
                               ("9 jurés par dossier", 9)):
        ratings = synthetic_ratings(inputs, per_dossier) if per_dossier else None

        request = ExportRequest(
            call={"id": "GEN", "label": "Appel synthétique", "results_on": None}, inputs=inputs,
            profile=profile, profile_name=EQUAL_WEIGHTS, ranking=result, shortlist=shortlist,
            constraints=constraints, forcings=forcings, ratings=ratings, decisions=decisions, register=None,
            content_hash="0" * 64, journal_head="1" * 64, user="bench", scope="cli", nature="Banc d'essai",
            aggregation=AggregationSettings(), anonymise=False)

        def build(request: ExportRequest = request) -> bytes:
            return build_export(request, datetime(2026, 12, 1, 9, 0))

        size = len(build())
        seconds = median_seconds(build, args.repeat)
        rows = 0 if ratings is None else len(ratings)
        verdict = "OK" if seconds <= TARGET_S else f"objectif manqué de {seconds - TARGET_S:.2f} s"
        print(f"build_export, {label} ({rows} notes) : médiane {seconds:.2f} s sur {args.repeat} "
              f"(fichier {size / 1e6:.1f} Mo) — objectif ≤ {TARGET_S:.0f} s : {verdict}")
    report_seconds = median_seconds(lambda: build_report(request, datetime(2026, 12, 1, 9, 0)), args.repeat)
    pages = build_report(request, datetime(2026, 12, 1, 9, 0)).count(b"/Type /Page\n")
    missed = report_seconds - REPORT_TARGET_S
    verdict = "OK" if missed <= 0 else f"objectif manqué de {missed:.2f} s"
    print(f"build_report (PDF, {pages} pages) : médiane {report_seconds:.2f} s sur {args.repeat} — "
          f"objectif ≤ {REPORT_TARGET_S:.0f} s : {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
