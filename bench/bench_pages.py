"""Benchmark of the meeting pages, server side (Streamlit AppTest runs the page script).

Run: ``python bench/bench_pages.py`` (or ``make bench``). Prints medians against the issue's targets:

* ``/classement`` rerun after a weight change: ≤ 150 ms on the demo call (85 dossiers),
  ≤ 500 ms on a generated call of 2 000 dossiers;
* ``/sensibilite`` with 10 000 draws on the demo call: ≤ 1 s.

The generated call is built from real communes of ``data/communes.csv`` (the same
commune may carry several dossiers) and imported through the ordinary import path.
It never fails on a missed target: it says by how much.
"""

from __future__ import annotations

import logging
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("JURY_BCRYPT_ROUNDS", "4")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.services.importer import import_file
from dashboard.services.operations import create_demo_accounts
from dashboard.store import Database
from dashboard.store.access import OPERATOR
from dashboard.ui.session import get_database
from tests.helpers.workbooks import DEMO_WORKBOOK, write_workbook

PAGES = ROOT / "dashboard" / "pages"


def generated_call(size: int, seed: int = 7) -> dict:
    """An import workbook's tables: one call of `size` dossiers on real communes, 9 jurors' ratings."""
    rng = random.Random(seed)
    communes = pd.read_csv(ROOT / "dashboard" / "resources" / "communes.csv", dtype={"insee_code": str})
    communes = communes[(communes["population"] >= 10_000) & (communes["population"] <= 100_000)]
    demo = pd.read_excel(DEMO_WORKBOOK, sheet_name=None)
    criteria = demo["Critères"]
    tables: dict[str, list[dict]] = {
        "calls": [{"call_id": "GEN", "label": f"Appel généré ({size} dossiers)", "opens_on": date(2024, 1, 8)}],
        "criteria": [],
        "candidates": [], "dossiers": [], "criterion_values": [], "jurors": [], "recusals": [], "ratings": [],
    }
    from dashboard.report.workbook_format import CRITERIA
    headers = {c.header: c.key for c in CRITERIA.columns}
    for row in criteria.to_dict("records"):
        record = {headers[h]: (None if pd.isna(v) else v) for h, v in row.items() if h in headers}
        tables["criteria"].append(record)
    numeric = [c for c in tables["criteria"] if c["group"] in ("éligibilité", "objectif", "dossier")]
    jury = [c["criterion_id"] for c in tables["criteria"] if c["group"] == "jury"]
    jurors = [f"JG{i}" for i in range(1, 10)]
    tables["jurors"] = [{"juror_id": j, "name": f"Juré généré {i}", "organisation": f"Organisation {i}",
                         "role": "president" if i == 1 else "jure"} for i, j in enumerate(jurors, start=1)]
    tables["recusals"] = [{"juror_id": j, "call_id": "GEN", "dossier_id": None, "declared_on": date(2024, 1, 9)}
                          for j in jurors]
    picks = communes.sample(n=size, replace=True, random_state=seed)
    for index, commune in enumerate(picks.itertuples(), start=1):
        candidate, dossier = f"GEN-C{index:05d}", f"GEN-{index:05d}"
        tables["candidates"].append({"candidate_id": candidate, "kind": "commune", "name": commune.name,
                                     "insee_code": commune.insee_code, "population": int(commune.population)})
        tables["dossiers"].append({"dossier_id": dossier, "call_id": "GEN", "candidate_id": candidate})
        for criterion in numeric:
            lower = criterion.get("lower") or 0
            upper = criterion.get("upper") or (lower + 100)
            value = commune.population if criterion["criterion_id"] == "E01" else \
                round(rng.uniform(float(lower), float(upper)), 1)
            if criterion["criterion_id"] in ("E02", "E03", "C05", "C06", "C07"):
                value = 1 if rng.random() < 0.85 else 0
            tables["criterion_values"].append({"dossier_id": dossier, "criterion_id": criterion["criterion_id"],
                                               "value": value, "provenance": "généré (banc d'essai)"})
        for juror in jurors:
            for criterion_id in jury:
                tables["ratings"].append({"juror_id": juror, "dossier_id": dossier, "criterion_id": criterion_id,
                                          "score": rng.randint(1, 5)})
    return tables


def database_with(tables_or_demo, folder: Path, name: str) -> Path:
    path = folder / f"{name}.duckdb"
    db = Database(path)
    store = db.store()
    workbook = DEMO_WORKBOOK if tables_or_demo is None else write_workbook(folder / f"{name}.xlsx", tables_or_demo)
    import_file(workbook, store, actor=OPERATOR)
    if tables_or_demo is None:
        create_demo_accounts(store)
    db.close()
    return path


def _use_database(db: Path) -> None:
    """Point the pages at `db`; the database the pages had open before is closed first (the same file
    cannot be opened twice in one process, and clearing Streamlit's cache does not close it)."""
    if os.environ.get("JURY_DB") == str(db):
        return
    if os.environ.get("JURY_DB"):
        get_database().close()
    os.environ["JURY_DB"] = str(db)
    st.cache_resource.clear()
    st.cache_data.clear()


def page_app(page: str, db: Path, call_id: str) -> AppTest:
    _use_database(db)
    at = AppTest.from_file(str(PAGES / page), default_timeout=120)
    at.session_state["actor"] = _president(db)
    at.session_state["last_seen"] = datetime.now()
    at.session_state["selected_call"] = call_id
    return at


_PRESIDENTS: dict[Path, object] = {}


def _president(db: Path):
    if db not in _PRESIDENTS:
        from dashboard.store.access import Actor
        jurors = get_database().store().jurors()  # the pages' database, `db` (`_use_database`)
        president = jurors[jurors["role"] == "president"].iloc[0]
        _PRESIDENTS[db] = Actor("bench", president["name"], "president", president["juror_id"])
    return _PRESIDENTS[db]


def classement_rerun(db: Path, call_id: str, repeat: int = 9) -> float:
    """Median seconds of a /classement rerun after the current profile's weights changed."""
    at = page_app("classement.py", db, call_id)
    at.run()
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    key = f"profile_{call_id}"
    times = []
    for i in range(repeat):
        profile = at.session_state[key]
        first = profile.enabled[i % len(profile.enabled)]
        weights = {**profile.weights, first: profile.weights.get(first, 1.0) + 1.0}
        at.session_state[key] = replace(profile, weights=weights)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(at.exception[0].value)
    return statistics.median(times)


def sensibilite_run(db: Path, call_id: str, draws: int = 10_000, repeat: int = 3) -> float:
    """Median seconds of /sensibilite with `draws` draws (seed changed each time: no cache hit)."""
    at = page_app("sensibilite.py", db, call_id)
    at.run()
    times = []
    for i in range(repeat):
        at.session_state["sens_draws"] = draws
        at.session_state["sens_seed"] = 100 + i
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(at.exception[0].value)
    return statistics.median(times)


def report(label: str, seconds: float, target: float) -> None:
    verdict = "atteint" if seconds <= target else f"MANQUÉ de {seconds - target:.3f} s"
    print(f"{label:<55} {seconds * 1000:8.1f} ms   cible {target * 1000:6.0f} ms   {verdict}")


def main() -> None:
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest outside a server warns on every run
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        demo = database_with(None, folder, "demo")
        generated = database_with(generated_call(2000), folder, "generated")
        report("/classement après changement de poids (démo, 85)", classement_rerun(demo, "AMI1"), 0.150)
        report("/classement après changement de poids (2 000 dossiers)", classement_rerun(generated, "GEN"), 0.500)
        report("/sensibilite, 10 000 tirages (démo)", sensibilite_run(demo, "AMI1"), 1.0)


if __name__ == "__main__":
    main()
