"""Benchmark of the robustness engine: Monte-Carlo sensitivity and constrained shortlist.

Run: ``python bench/bench_robustness.py`` (or ``make bench``). Each line
prints the median of several runs against the issue's targets:

* ``sensitivity``: 10 000 weight draws x 1 000 alternatives x 10 criteria
  with ``wsm`` (rank acceptability, top-N probability and the exact
  stability intervals) in at most 1 s; the other methods are shown for
  information, with a bare numpy baseline (one matrix product, one argsort,
  one bincount: the floor of any such study);
* ``shortlist``: 55 dossiers among 1 000 with a minimum of one per région
  (18 régions, five of them small) in at most 1 s, explanations included
  (one re-solve per constraint group); a heavier set of constraints is shown
  for information.

It never fails on a missed target: it says by how much.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np
import pandas as pd
from timing import median_seconds

from scoring.methods import wsm_scores
from scoring.sensitivity import sensitivity
from scoring.shortlist import shortlist

TARGET_SECONDS = 1.0


def verdict(seconds: float, target: float = TARGET_SECONDS) -> str:
    if seconds <= target:
        return f"objectif ≤ {target:.1f} s atteint"
    return f"objectif ≤ {target:.1f} s MANQUÉ de {seconds - target:.3f} s (×{seconds / target:.2f})"


def decision_problem(n: int, m: int, seed: int = 0) -> tuple[pd.DataFrame, dict[str, Any]]:
    rng = np.random.default_rng(seed)
    matrix = pd.DataFrame(
        rng.uniform(1.0, 100.0, (n, m)), index=[f"d{i:05d}" for i in range(n)], columns=[f"c{j}" for j in range(m)]
    )
    w = rng.dirichlet(np.ones(m))
    spec = {
        "method": "wsm",
        "criteria": [
            {"id": f"c{j}", "direction": "max" if j % 3 != 2 else "min", "weight": float(w[j])} for j in range(m)
        ],
    }
    return matrix, spec


def bare_numpy_acceptability(X: np.ndarray, maximise: np.ndarray, samples: int, seed: int) -> np.ndarray:
    """The floor: uniform weights, one product, one argsort, one bincount (no ties, no chunks)."""
    rng = np.random.default_rng(seed)
    W = rng.dirichlet(np.ones(X.shape[1]), size=samples)
    scores = wsm_scores(X, maximise, W)
    order = np.argsort(-scores, axis=1)
    n = X.shape[0]
    flat = (order * n + np.arange(n)[None, :]).ravel()
    return np.bincount(flat, minlength=n * n).reshape(n, n) / samples


def shortlist_problem(n: int, seed: int = 0) -> tuple[pd.Series, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    regions = [f"Région {k:02d}" for k in range(18)]
    weights = np.r_[np.full(13, 0.07), np.full(5, 0.018)]  # 13 metropolitan, 5 small overseas
    region = rng.choice(regions, size=n, p=weights / weights.sum())
    ids = [f"d{i:05d}" for i in range(n)]
    attributes = pd.DataFrame(
        {
            "region": region,
            "overseas": np.isin(region, regions[13:]).astype(int),
            "ti": rng.integers(0, 2, n),
            "eligible": (rng.random(n) > 0.05).astype(int),
        },
        index=ids,
    )
    return pd.Series(rng.random(n), index=ids), attributes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument("--quick", action="store_true", help="smaller problems, for a smoke test")
    args = parser.parse_args()
    samples, n, m = (1_000, 200, 10) if args.quick else (10_000, 1_000, 10)

    print(f"sensitivity : {samples} tirages × {n} alternatives × {m} critères (top 10), médiane de {args.repeat}")
    matrix, spec = decision_problem(n, m)
    X = matrix.to_numpy()
    maximise = np.array([c["direction"] == "max" for c in spec["criteria"]])
    bare = median_seconds(lambda: bare_numpy_acceptability(X, maximise, samples, 0), args.repeat)
    print(f"  numpy nu (wsm, sans ex æquo ni intervalles) : {bare:8.3f} s")
    for method in ("wsm", "topsis", "promethee2", "vikor"):
        method_spec = dict(spec, method=method)
        seconds = median_seconds(
            lambda s=method_spec: sensitivity(matrix, s, samples=samples, seed=1, top=10), args.repeat
        )
        note = verdict(seconds) if method == "wsm" else "pour information"
        print(f"  {method:<10} : {seconds:8.3f} s  (×{seconds / bare:.2f} numpy nu) — {note}")

    print(f"shortlist : 55 dossiers parmi {n}, au moins 1 par région (18 régions), médiane de {args.repeat}")
    size = 55 if n >= 200 else 10
    scores, attributes = shortlist_problem(n)
    regional = {"min_per_group": {"region": 1}}
    result = shortlist(scores, attributes, size, regional)
    seconds = median_seconds(lambda: shortlist(scores, attributes, size, regional), args.repeat)
    print(
        f"  min par région           : {seconds:8.3f} s — {verdict(seconds)} "
        f"({len(result.swaps)} échange(s), coût {result.objective_lost:.4f})"
    )
    heavy = {
        "min_per_group": {"region": 1},
        "max_per_group": {"region": 6},
        "min_count": {"overseas": 6},
        "min_share": {"ti": 0.67},
    }
    result = shortlist(scores, attributes, size, heavy)
    seconds = median_seconds(lambda: shortlist(scores, attributes, size, heavy), args.repeat)
    print(
        f"  + max 6/région, 6 outre-mer, 67 % TI : {seconds:8.3f} s — pour information "
        f"({len(result.swaps)} échange(s), coût {result.objective_lost:.4f})"
    )


if __name__ == "__main__":
    main()
