"""Benchmark of the ranking engine against bare numpy and the Python MCDA peers.

Run: ``python bench/bench_engine.py`` (or ``make bench``). Everything runs in
the same process on the same random data; each line prints the median of
several runs and the ratios the issue sets as targets:

* ``wsm`` and ``topsis`` on 100 000 x 20: the engine within 2x a bare numpy
  implementation of the same formula (scores and ranks), and at least 5x
  faster than the fastest peer (pymcdm 1.4, scikit-criteria 0.10);
* ``promethee2`` (linear preference) on 2 000 x 10 in at most 20 ms.

"engine" is the public facade `scoring.rank` (DataFrame in: validation,
scores, ranks, normalised matrix, contributions, details); "engine arrays"
is the batched array function plus `rank_scores` on an already validated
array. Peers are given the same variant (min-max WSM, vector-normalised
TOPSIS, linear PROMETHEE) and their own ranking step. The script checks
that all implementations agree before timing them. It never fails on a
missed target: it says by how much.
"""

from __future__ import annotations

import argparse
import warnings
from typing import Any

import numpy as np
import pandas as pd
from timing import median_seconds

from scoring import rank
from scoring.methods import promethee2_net_flows, rank_scores, topsis_scores, wsm_scores
from scoring.spec import Preference

try:  # the peers are a `bench` extra
    import skcriteria
    from pymcdm import methods as pm
    from pymcdm import normalizations as pm_norm
    from pymcdm.helpers import rrankdata
    from skcriteria.agg.simple import WeightedSumModel
    from skcriteria.agg.topsis import TOPSIS as SkTOPSIS
    from skcriteria.preprocessing.invert_objectives import NegateMinimize
    from skcriteria.preprocessing.scalers import MinMaxScaler, VectorScaler

    PEERS = True
except ImportError:  # pragma: no cover - depends on the environment
    PEERS = False


def problem(n: int, m: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
    rng = np.random.default_rng(seed)
    X = rng.uniform(1.0, 100.0, size=(n, m))
    maximise = np.arange(m) % 3 != 2
    w = rng.dirichlet(np.ones(m))
    matrix = pd.DataFrame(X, index=[f"d{i:06d}" for i in range(n)], columns=[f"c{j}" for j in range(m)])
    spec = {
        "method": "wsm",
        "criteria": [
            {"id": f"c{j}", "direction": "max" if maximise[j] else "min", "weight": float(w[j])} for j in range(m)
        ],
    }
    return matrix, X, maximise, w, spec


def simple_ranks(scores: np.ndarray) -> np.ndarray:
    """Ranks 1 = highest score, the way a bare script would do it."""
    order = np.argsort(-scores)
    ranks = np.empty(len(scores), dtype=np.int64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def bare_wsm(X: np.ndarray, maximise: np.ndarray, w: np.ndarray) -> np.ndarray:
    lo, hi = X.min(axis=0), X.max(axis=0)
    R = np.where(maximise, (X - lo) / (hi - lo), (hi - X) / (hi - lo))
    return R @ w


def bare_topsis(X: np.ndarray, maximise: np.ndarray, w: np.ndarray) -> np.ndarray:
    V = X / np.sqrt((X**2).sum(axis=0)) * w
    ideal = np.where(maximise, V.max(axis=0), V.min(axis=0))
    anti = np.where(maximise, V.min(axis=0), V.max(axis=0))
    d_plus = np.sqrt(((V - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((V - anti) ** 2).sum(axis=1))
    return d_minus / (d_plus + d_minus)


def bare_promethee_linear(
    X: np.ndarray, maximise: np.ndarray, w: np.ndarray, q: np.ndarray, p: np.ndarray
) -> np.ndarray:
    """The textbook n x n pair matrix."""
    n = X.shape[0]
    pi = np.zeros((n, n))
    for j in range(X.shape[1]):
        column = X[:, j] if maximise[j] else -X[:, j]
        d = column[:, None] - column[None, :]
        pi += w[j] * np.clip((d - q[j]) / (p[j] - q[j]), 0.0, 1.0)
    return (pi.sum(axis=1) - pi.sum(axis=0)) / (n - 1)


def skc_dm(X: np.ndarray, maximise: np.ndarray, w: np.ndarray) -> Any:
    return skcriteria.mkdm(matrix=X, objectives=[max if flag else min for flag in maximise], weights=w)


def report(title: str, rows: list[tuple[str, float]]) -> dict[str, float]:
    print(f"\n{title}")
    print(f"  {'implémentation':<38} {'médiane (ms)':>13}")
    for name, ms in rows:
        print(f"  {name:<38} {ms:>13.2f}")
    return dict(rows)


def verdict(label: str, ok: bool, detail: str) -> None:
    print(f"  -> {label} : {'atteint' if ok else 'MANQUÉ'} ({detail})")


def bench_wsm_topsis(method: str, n: int, m: int, repeat: int, peer_repeat: int) -> None:
    matrix, X, maximise, w, spec = problem(n, m)
    spec = dict(spec, method=method)
    types = np.where(maximise, 1, -1)
    if method == "wsm":
        array_scores, bare = wsm_scores, bare_wsm
    else:
        array_scores, bare = topsis_scores, bare_topsis

    engine = rank(matrix, spec)
    np.testing.assert_allclose(engine.scores, bare(X, maximise, w), rtol=1e-9)
    rows = [
        ("moteur : scoring.rank (DataFrame)", 1e3 * median_seconds(lambda: rank(matrix, spec), repeat)),
        (
            "moteur : tableaux (scores + rangs)",
            1e3 * median_seconds(lambda: rank_scores(array_scores(X, maximise, w)[0], True), repeat),
        ),
        ("numpy nu : scores + rangs", 1e3 * median_seconds(lambda: simple_ranks(bare(X, maximise, w)), repeat)),
        ("numpy nu : scores seuls", 1e3 * median_seconds(lambda: bare(X, maximise, w), repeat)),
    ]
    peers: list[tuple[str, float]] = []
    if PEERS:
        if method == "wsm":
            pm_method = pm.WSM(normalization_function=pm_norm.minmax_normalization)

            def sk_run() -> Any:
                dm = MinMaxScaler(target="matrix").transform(NegateMinimize().transform(skc_dm(X, maximise, w)))
                return WeightedSumModel().evaluate(dm)
        else:
            pm_method = pm.TOPSIS(normalization_function=pm_norm.vector_normalization)

            def sk_run() -> Any:
                dm = VectorScaler(target="matrix").transform(skc_dm(X, maximise, w))
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return SkTOPSIS().evaluate(dm)

        np.testing.assert_allclose(engine.scores, pm_method(X, w, types), rtol=1e-9)
        peers = [
            ("pymcdm 1.4 (+ rrankdata)", 1e3 * median_seconds(lambda: rrankdata(pm_method(X, w, types)), peer_repeat)),
            ("scikit-criteria 0.10 (pipeline)", 1e3 * median_seconds(sk_run, peer_repeat)),
        ]
    times = report(f"{method} sur {n} x {m}", rows + peers)
    facade = times["moteur : scoring.rank (DataFrame)"]
    arrays = times["moteur : tableaux (scores + rangs)"]
    bare_ms = times["numpy nu : scores + rangs"]
    verdict(
        "≤ 2 × numpy nu",
        facade <= 2 * bare_ms,
        f"façade {facade / bare_ms:.2f} ×, tableaux {arrays / bare_ms:.2f} × le numpy nu",
    )
    if peers:
        fastest = min(ms for _, ms in peers)
        verdict("≥ 5 × plus rapide que le meilleur pair", fastest >= 5 * facade, f"{fastest / facade:.1f} × (façade)")


def bench_promethee(n: int, m: int, repeat: int, peer_repeat: int) -> None:
    matrix, X, maximise, w, spec = problem(n, m, seed=1)
    spread = X.max(axis=0) - X.min(axis=0)
    q, p = 0.1 * spread, 0.4 * spread
    for j, criterion in enumerate(spec["criteria"]):
        criterion["preference"] = {"function": "linear", "q": float(q[j]), "p": float(p[j])}
    spec["method"] = "promethee2"
    preferences = [Preference("linear", float(q[j]), float(p[j])) for j in range(m)]
    types = np.where(maximise, 1, -1)

    engine = rank(matrix, spec)
    np.testing.assert_allclose(engine.scores, bare_promethee_linear(X, maximise, w, q, p), atol=1e-12)
    rows = [
        ("moteur : scoring.rank (DataFrame)", 1e3 * median_seconds(lambda: rank(matrix, spec), repeat)),
        (
            "moteur : tableaux (flux nets)",
            1e3 * median_seconds(lambda: promethee2_net_flows(X, maximise, w, preferences), repeat),
        ),
        (
            "numpy nu : matrice n × n",
            1e3 * median_seconds(lambda: bare_promethee_linear(X, maximise, w, q, p), peer_repeat),
        ),
    ]
    if PEERS:
        # A fresh pymcdm object per call: PROMETHEE_II keeps state between calls.
        def pm_run() -> np.ndarray:
            return pm.PROMETHEE_II("vshape_2", p=p.copy(), q=q.copy())(X, w, types)

        np.testing.assert_allclose(engine.scores, pm_run(), atol=1e-12)
        rows.append(("pymcdm 1.4", 1e3 * median_seconds(pm_run, peer_repeat)))
    times = report(f"promethee2 (linéaire) sur {n} x {m}", rows)
    facade = times["moteur : scoring.rank (DataFrame)"]
    verdict("≤ 20 ms", facade <= 20.0, f"façade {facade:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description="Banc d'essai du moteur de classement.")
    parser.add_argument("--repeat", type=int, default=15, help="mesures par implémentation rapide")
    parser.add_argument("--peer-repeat", type=int, default=3, help="mesures par implémentation lente (pairs)")
    args = parser.parse_args()
    if not PEERS:
        print("pymcdm / scikit-criteria absents : installez l'extra « bench » pour comparer aux pairs.")
    bench_wsm_topsis("wsm", 100_000, 20, args.repeat, args.peer_repeat)
    bench_wsm_topsis("topsis", 100_000, 20, args.repeat, args.peer_repeat)
    bench_promethee(2_000, 10, args.repeat, args.peer_repeat)


if __name__ == "__main__":
    main()
