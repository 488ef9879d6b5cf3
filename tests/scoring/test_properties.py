"""Properties that must hold for any input (hypothesis).

Matrices are small integers so that distinct scores differ by far more than
rounding noise; equal scores then share a rank whatever the rounding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from scoring import rank
from scoring.methods import method_scores, rank_scores
from scoring.spec import parse_spec

METHODS = ["wsm", "wpm", "topsis", "vikor", "promethee2"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw: st.DrawFn, min_rows: int = 1, positive: bool = True) -> tuple[pd.DataFrame, dict]:
    n = draw(st.integers(min_rows, 8))
    m = draw(st.integers(1, 4))
    low = 1 if positive else -5
    values = draw(st.lists(st.lists(st.integers(low, 9), min_size=m, max_size=m), min_size=n, max_size=n))
    matrix = pd.DataFrame(
        np.array(values, dtype=float), index=[f"a{i}" for i in range(n)], columns=[f"c{j}" for j in range(m)]
    )
    directions = draw(st.lists(st.sampled_from(["max", "min"]), min_size=m, max_size=m))
    weights = draw(st.lists(st.integers(0, 5), min_size=m, max_size=m))
    assume(sum(weights) > 0)
    preferences = draw(
        st.lists(
            st.sampled_from([
                {"function": "usual"},
                {"function": "linear", "q": 1.0, "p": 3.0},
                {"function": "vshape", "p": 2.0},
            ]),
            min_size=m,
            max_size=m,
        )
    )
    criteria = [
        {"id": f"c{j}", "direction": directions[j], "weight": weights[j], "preference": preferences[j]}
        for j in range(m)
    ]
    return matrix, {"criteria": criteria}


def with_method(spec: dict, method: str) -> dict:
    return {"method": method, **spec}


@SETTINGS
@given(problem=problems(), method=st.sampled_from(METHODS))
def test_scores_are_finite_and_ranks_well_formed(problem, method: str) -> None:
    matrix, spec = problem
    result = rank(matrix, with_method(spec, method))
    assert np.isfinite(result.scores).all()
    ranks = result.ranks.to_numpy()
    assert ranks.min() == 1 and ranks.max() <= len(matrix)
    # Rank r means exactly r - 1 alternatives are strictly better.
    order = result.scores.to_numpy() if not result.higher_is_better else -result.scores.to_numpy()
    for i, r in enumerate(ranks):
        better = np.sum(ranks < r)
        assert better == r - 1
        assert np.all(order[ranks < r] <= order[i] + 1e-9)


@SETTINGS
@given(
    problem=problems(min_rows=2, positive=False),
    method=st.sampled_from(["wsm", "topsis", "promethee2"]),
    data=st.data(),
)
def test_dominating_alternative_never_ranks_below(problem, method: str, data: st.DataObject) -> None:
    matrix, spec = problem
    maximise = np.array([c["direction"] == "max" for c in spec["criteria"]])
    a, b = data.draw(st.lists(st.integers(0, len(matrix) - 1), min_size=2, max_size=2, unique=True))
    improvement = np.array(
        data.draw(st.lists(st.integers(0, 4), min_size=matrix.shape[1], max_size=matrix.shape[1])), dtype=float
    )
    matrix = matrix.copy()
    # a = b improved (or equal) on every criterion: a dominates b.
    matrix.iloc[a] = matrix.iloc[b].to_numpy() + np.where(maximise, improvement, -improvement)
    result = rank(matrix, with_method(spec, method))
    assert result.ranks.iloc[a] <= result.ranks.iloc[b]


@SETTINGS
@given(
    problem=problems(positive=False),
    method=st.sampled_from(["wsm", "topsis"]),
    column=st.integers(0, 3),
    factor=st.floats(1e-3, 1e3, allow_nan=False, allow_infinity=False),
)
def test_positive_rescaling_of_a_column_keeps_the_ranking(problem, method: str, column: int, factor: float) -> None:
    matrix, spec = problem
    column = column % matrix.shape[1]
    scaled = matrix.copy()
    scaled.iloc[:, column] *= factor
    before = rank(matrix, with_method(spec, method))
    after = rank(scaled, with_method(spec, method))
    np.testing.assert_array_equal(after.ranks.to_numpy(), before.ranks.to_numpy())
    np.testing.assert_allclose(after.scores, before.scores, rtol=1e-9, atol=1e-12)


@SETTINGS
@given(problem=problems(), method=st.sampled_from(METHODS), seed=st.integers(0, 2**32 - 1))
def test_permuting_rows_permutes_results(problem, method: str, seed: int) -> None:
    matrix, spec = problem
    permutation = np.random.default_rng(seed).permutation(len(matrix))
    shuffled = matrix.iloc[permutation]
    before = rank(matrix, with_method(spec, method))
    after = rank(shuffled, with_method(spec, method))
    assert after.scores.index.tolist() == shuffled.index.tolist()
    np.testing.assert_allclose(after.scores.to_numpy(), before.scores.to_numpy()[permutation], rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(after.ranks.to_numpy(), before.ranks.to_numpy()[permutation])


@SETTINGS
@given(problem=problems(), method=st.sampled_from(METHODS), seed=st.integers(0, 2**32 - 1))
def test_batched_scores_match_the_facade(problem, method: str, seed: int) -> None:
    matrix, spec = problem
    parsed = parse_spec(with_method(spec, method))
    W = np.random.default_rng(seed).dirichlet(np.ones(matrix.shape[1]), size=3)
    batched = method_scores(parsed, matrix.to_numpy(), W)
    for k in range(3):
        single = rank(matrix, parsed.with_weights(W[k])).scores.to_numpy()
        np.testing.assert_allclose(batched[k], single, rtol=1e-9, atol=1e-12)


@SETTINGS
@given(values=st.lists(st.integers(-3, 3), min_size=1, max_size=12), higher=st.booleans())
def test_rank_scores_against_definition(values: list[int], higher: bool) -> None:
    scores = np.array(values, dtype=float)
    ranks = rank_scores(scores, higher)
    for i, s in enumerate(scores):
        strictly_better = np.sum(scores > s) if higher else np.sum(scores < s)
        assert ranks[i] == strictly_better + 1
