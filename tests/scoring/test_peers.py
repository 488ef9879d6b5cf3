"""Cross-checks against pymcdm 1.4 and scikit-criteria 0.10 on random matrices, to 1e-9.

Peer defaults differ from ours, so each call states the variant:
pymcdm's WSM and WPM default to sum normalisation (we pass min-max to WSM),
its TOPSIS to min-max (we pass vector normalisation; its cost-column vector
normalisation 1 - x/||x|| is an affine flip that leaves TOPSIS distances
unchanged); its VIKOR and PROMETHEE II share our formulas. scikit-criteria
needs the normalisation as a separate transformer and its WPM returns
sum w log10 r (we compare 10 ** score).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import skcriteria
from pymcdm import methods as pm
from pymcdm import normalizations as pm_norm
from scipy.stats import rankdata
from skcriteria.agg.simple import WeightedProductModel, WeightedSumModel
from skcriteria.agg.topsis import TOPSIS as SkTOPSIS
from skcriteria.agg.vikor import VIKOR as SkVIKOR
from skcriteria.preprocessing.invert_objectives import InvertMinimize, NegateMinimize
from skcriteria.preprocessing.scalers import MinMaxScaler, SumScaler, VectorScaler

from scoring import rank
from scoring.spec import Preference

SEEDS = range(6)
TOL = {"rtol": 1e-9, "atol": 1e-12}


def random_problem(seed: int, n: int = 25, m: int = 5) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.uniform(1.0, 100.0, size=(n, m))
    maximise = rng.random(m) < 0.6
    maximise[0] = True
    maximise[-1] = False
    w = rng.dirichlet(np.ones(m))
    matrix = pd.DataFrame(X, index=[f"a{i}" for i in range(n)], columns=[f"c{j}" for j in range(m)])
    return matrix, maximise, w, np.where(maximise, 1, -1)


def spec_for(
    method: str, matrix: pd.DataFrame, maximise: np.ndarray, w: np.ndarray, preferences: list[dict] | None = None
) -> dict:
    criteria = []
    for j, cid in enumerate(matrix.columns):
        criterion = {"id": cid, "direction": "max" if maximise[j] else "min", "weight": float(w[j])}
        if preferences is not None:
            criterion["preference"] = preferences[j]
        criteria.append(criterion)
    return {"method": method, "criteria": criteria}


def skc_dm(matrix: pd.DataFrame, maximise: np.ndarray, w: np.ndarray):
    return skcriteria.mkdm(
        matrix=matrix.to_numpy(), objectives=[max if flag else min for flag in maximise], weights=w
    )


def assert_ranks_match(ours: pd.Series, scores: np.ndarray, higher_is_better: bool) -> None:
    expected = rankdata(-scores if higher_is_better else scores, method="min")
    np.testing.assert_array_equal(ours.to_numpy(), expected)


@pytest.mark.parametrize("seed", SEEDS)
def test_wsm(seed: int) -> None:
    matrix, maximise, w, types = random_problem(seed)
    ours = rank(matrix, spec_for("wsm", matrix, maximise, w))
    peer = pm.WSM(normalization_function=pm_norm.minmax_normalization)(matrix.to_numpy(), w, types)
    np.testing.assert_allclose(ours.scores, peer, **TOL)
    dm = MinMaxScaler(target="matrix").transform(NegateMinimize().transform(skc_dm(matrix, maximise, w)))
    sk = WeightedSumModel().evaluate(dm).e_.score
    np.testing.assert_allclose(ours.scores, sk, **TOL)
    assert_ranks_match(ours.ranks, peer, True)


@pytest.mark.parametrize("seed", SEEDS)
def test_wpm(seed: int) -> None:
    matrix, maximise, w, types = random_problem(seed)
    ours = rank(matrix, spec_for("wpm", matrix, maximise, w))
    peer = pm.WPM(normalization_function=pm_norm.sum_normalization)(matrix.to_numpy(), w, types)
    np.testing.assert_allclose(ours.scores, peer, **TOL)
    dm = SumScaler(target="matrix").transform(InvertMinimize().transform(skc_dm(matrix, maximise, w)))
    sk = WeightedProductModel().evaluate(dm).e_.score
    np.testing.assert_allclose(ours.scores, 10.0**sk, **TOL)
    assert_ranks_match(ours.ranks, peer, True)


@pytest.mark.parametrize("seed", SEEDS)
def test_topsis(seed: int) -> None:
    matrix, maximise, w, types = random_problem(seed)
    ours = rank(matrix, spec_for("topsis", matrix, maximise, w))
    peer = pm.TOPSIS(normalization_function=pm_norm.vector_normalization)(matrix.to_numpy(), w, types)
    np.testing.assert_allclose(ours.scores, peer, **TOL)
    dm = VectorScaler(target="matrix").transform(skc_dm(matrix, maximise, w))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # its advice to invert min criteria first
        sk = SkTOPSIS().evaluate(dm)
    np.testing.assert_allclose(ours.scores, sk.e_.similarity, **TOL)
    np.testing.assert_allclose(ours.details["ideal"], sk.e_.ideal, **TOL)
    np.testing.assert_allclose(ours.details["anti_ideal"], sk.e_.anti_ideal, **TOL)
    assert_ranks_match(ours.ranks, peer, True)


@pytest.mark.parametrize("seed", SEEDS)
def test_pymcdm_default_topsis_differs(seed: int) -> None:
    # The reason for the explicit normalisation above: pymcdm's default TOPSIS
    # (min-max) is another method and gives other scores.
    matrix, maximise, w, types = random_problem(seed)
    ours = rank(matrix, spec_for("topsis", matrix, maximise, w))
    default = pm.TOPSIS()(matrix.to_numpy(), w, types)
    assert not np.allclose(ours.scores, default, rtol=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_vikor(seed: int) -> None:
    matrix, maximise, w, types = random_problem(seed)
    ours = rank(matrix, spec_for("vikor", matrix, maximise, w))
    peer = pm.VIKOR()(matrix.to_numpy(), w, types)
    np.testing.assert_allclose(ours.scores, peer, **TOL)
    sk = SkVIKOR(use_compromise_set=False).evaluate(skc_dm(matrix, maximise, w))
    np.testing.assert_allclose(ours.details["S"], sk.e_.s_k, **TOL)
    np.testing.assert_allclose(ours.details["R"], sk.e_.r_k, **TOL)
    np.testing.assert_allclose(ours.details["Q"], sk.e_.q_k, **TOL)
    assert ours.details["c1_acceptable_advantage"] == bool(sk.e_.acceptable_advantage)
    assert ours.details["c2_acceptable_stability"] == bool(sk.e_.acceptable_stability)
    assert sorted(ours.details["compromise"]) == sorted(matrix.index[sk.e_.compromise_set])
    assert_ranks_match(ours.ranks, peer, False)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("function", ["usual", "vshape", "linear"])
def test_promethee2(seed: int, function: str) -> None:
    matrix, maximise, w, types = random_problem(seed, n=40)
    spread = matrix.max() - matrix.min()
    p = (0.4 * spread).to_numpy()
    q = (0.1 * spread).to_numpy()
    if function == "usual":
        preferences = [{"function": "usual"}] * len(w)
        peer_method = pm.PROMETHEE_II("usual")
    elif function == "vshape":
        preferences = [{"function": "vshape", "p": float(pj)} for pj in p]
        peer_method = pm.PROMETHEE_II("vshape", p=p)
    else:
        preferences = [{"function": "linear", "q": float(qj), "p": float(pj)} for qj, pj in zip(q, p, strict=True)]
        peer_method = pm.PROMETHEE_II("vshape_2", p=p, q=q)
    ours = rank(matrix, spec_for("promethee2", matrix, maximise, w, preferences))
    peer = peer_method(matrix.to_numpy(), w, types)
    np.testing.assert_allclose(ours.scores, peer, **TOL)
    assert_ranks_match(ours.ranks, peer, True)
    assert Preference(**preferences[0]).function == function
