"""Tests of `scoring.sensitivity`: rank acceptability, stability intervals, juror bootstrap, bad input."""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from scoring.errors import ScoringError
from scoring.methods import method_scores, rank_scores
from scoring.sensitivity import draw_weights, sensitivity
from scoring.spec import parse_spec

# `scoring/__init__.py` re-exports the function under the module's name.
sensitivity_module = sys.modules["scoring.sensitivity"]

METHODS = ["wsm", "wpm", "topsis", "vikor", "promethee2"]


def make_spec(method: str, weights: list[float], directions: list[str] | None = None) -> dict[str, Any]:
    directions = directions or ["max"] * len(weights)
    return {
        "method": method,
        "criteria": [
            {"id": f"C{j + 1}", "direction": d, "weight": w}
            for j, (w, d) in enumerate(zip(weights, directions, strict=True))
        ],
    }


def random_matrix(seed: int, n: int, m: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        rng.uniform(1.0, 10.0, (n, m)), index=[f"A{i}" for i in range(n)], columns=[f"C{j + 1}" for j in range(m)]
    )


def top_sets(X: np.ndarray, spec: dict[str, Any], W: np.ndarray, top: int) -> np.ndarray:
    """Top-N membership per weight row, through Engine A's scoring and ranking only."""
    parsed = parse_spec(spec)
    scores = method_scores(parsed, X, W)
    return rank_scores(scores, parsed.method != "vikor") <= top


def along(w: np.ndarray, j: int, t: np.ndarray) -> np.ndarray:
    """Weights with w_j = t and the others in their current proportions."""
    others = np.delete(w, j)
    others = others / others.sum()
    W = np.empty((t.size, w.size))
    W[:, j] = t
    W[:, np.arange(w.size) != j] = (1 - t)[:, None] * others[None, :]
    return W


# --------------------------------------------------------------------------- Monte-Carlo


def test_same_seed_same_result_other_seed_other_result() -> None:
    matrix = random_matrix(1, 30, 4)
    spec = make_spec("topsis", [1, 2, 3, 4], ["max", "min", "max", "min"])
    first = sensitivity(matrix, spec, samples=2000, seed=5, top=5)
    again = sensitivity(matrix, spec, samples=2000, seed=5, top=5)
    other = sensitivity(matrix, spec, samples=2000, seed=6, top=5)
    assert first.to_dict() == again.to_dict()
    assert not np.array_equal(first.rank_acceptability.to_numpy(), other.rank_acceptability.to_numpy())


@pytest.mark.parametrize("method", METHODS)
def test_rank_acceptability_is_a_distribution(method: str) -> None:
    matrix = random_matrix(2, 25, 3)
    result = sensitivity(matrix, make_spec(method, [0.5, 0.3, 0.2]), samples=3000, seed=1, top=4)
    acceptability = result.rank_acceptability
    assert list(acceptability.columns) == list(range(1, 26))
    assert list(acceptability.index) == list(matrix.index)
    np.testing.assert_allclose(acceptability.sum(axis=1), 1.0, atol=1e-12)
    # continuous random data: no ties, so every rank is held by exactly one alternative
    np.testing.assert_allclose(acceptability.sum(axis=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(result.top_probability, acceptability.iloc[:, :4].sum(axis=1))
    assert result.top_probability.sum() == pytest.approx(4.0)
    np.testing.assert_allclose(result.expected_rank, acceptability.to_numpy() @ np.arange(1, 26))
    # SMAA central weights: the mean weight vector of the draws won by each alternative
    winners = result.central_weights.dropna()
    assert set(winners.index) == set(acceptability.index[acceptability[1] > 0])
    np.testing.assert_allclose(winners.sum(axis=1), 1.0)


def test_acceptability_matches_engine_a_ranking_draw_by_draw() -> None:
    matrix = random_matrix(3, 12, 3)
    matrix.iloc[4] = matrix.iloc[7]  # a tie in every draw
    spec = make_spec("vikor", [1, 1, 1])
    samples, seed = 500, 11
    result = sensitivity(matrix, spec, samples=samples, seed=seed, top=3)
    # Documented protocol: the first stream spawned from SeedSequence(seed) draws the weights.
    W = draw_weights(
        np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[0]), samples, parse_spec(spec).weights, None
    )
    ranks = rank_scores(method_scores(parse_spec(spec), matrix.to_numpy(), W), higher_is_better=False)
    expected = np.zeros((12, 12))
    for r in ranks:
        expected[np.arange(12), r - 1] += 1
    np.testing.assert_array_equal(result.rank_acceptability.to_numpy(), expected / samples)
    np.testing.assert_array_equal(result.rank_acceptability.iloc[4], result.rank_acceptability.iloc[7])


def test_chunking_does_not_change_the_result(monkeypatch: pytest.MonkeyPatch) -> None:
    matrix = random_matrix(4, 40, 3)
    spec = make_spec("promethee2", [1, 2, 3])
    whole = sensitivity(matrix, spec, samples=777, seed=2, top=5)
    monkeypatch.setattr(sensitivity_module, "_CHUNK_ELEMENTS", 40 * 7)
    chunked = sensitivity(matrix, spec, samples=777, seed=2, top=5)
    assert whole.to_dict() == chunked.to_dict()


@st.composite
def dominated_cases(draw: st.DrawFn) -> tuple[pd.DataFrame, list[str], list[float], str]:
    n = draw(st.integers(1, 7))
    m = draw(st.integers(1, 4))
    values = draw(hnp.arrays(float, (n, m), elements=st.floats(1.0, 10.0, allow_nan=False)))
    directions = draw(st.lists(st.sampled_from(["max", "min"]), min_size=m, max_size=m))
    weights = draw(st.lists(st.floats(0.05, 5.0), min_size=m, max_size=m))
    best = np.where(np.array(directions) == "max", values.max(axis=0) + 1.0, values.min(axis=0) / 2)
    position = draw(st.integers(0, n))
    rows = np.insert(values, position, best, axis=0)
    matrix = pd.DataFrame(rows, index=[f"A{i}" for i in range(n + 1)], columns=[f"C{j + 1}" for j in range(m)])
    return matrix, directions, weights, draw(st.sampled_from(METHODS)), position  # type: ignore[return-value]


@settings(max_examples=60, deadline=None)
@given(dominated_cases(), st.sampled_from([None, 0.5, 20.0]))
def test_an_alternative_dominating_all_others_is_always_first(case: Any, concentration: float | None) -> None:
    matrix, directions, weights, method, position = case
    result = sensitivity(
        matrix, make_spec(method, weights, directions), samples=300, seed=0, top=1, concentration=concentration
    )
    winner = matrix.index[position]
    assert result.rank_acceptability.loc[winner, 1] == 1.0
    assert result.top_probability[winner] == 1.0
    assert result.top_probability.drop(winner).sum() == 0.0
    assert result.current_top == (winner,)
    # the top-1 set never changes, whatever the weights
    assert (result.stability["low"] == 0.0).all() or len(weights) == 1
    assert (result.stability["high"] == 1.0).all()


def test_identical_leaders_share_the_first_rank() -> None:
    matrix = pd.DataFrame({"C1": [9.0, 9.0, 1.0, 2.0], "C2": [9.0, 9.0, 3.0, 1.0]}, index=list("ABCD"))
    result = sensitivity(matrix, make_spec("wsm", [1, 1]), samples=1000, seed=0, top=1)
    assert result.rank_acceptability.loc["A", 1] == result.rank_acceptability.loc["B", 1] == 1.0
    np.testing.assert_allclose(result.rank_acceptability.sum(axis=1), 1.0)
    assert result.rank_acceptability[2].sum() == 0.0  # nobody is second: the tie takes rank 1
    assert set(result.current_top) == {"A", "B"}


def test_draws_are_uniform_on_the_simplex_or_centred_on_the_weights() -> None:
    rng = np.random.default_rng(0)
    W = draw_weights(rng, 200_000, np.array([0.5, 0.3, 0.2, 0.0]), None)
    np.testing.assert_allclose(W.sum(axis=1), 1.0)
    assert (W >= 0).all()
    np.testing.assert_allclose(W.mean(axis=0), 0.25, atol=0.003)
    # Dirichlet(1,1,1,1): each coordinate is Beta(1, 3), variance 3/80
    np.testing.assert_allclose(W.var(axis=0), 3 / 80, atol=0.002)
    W = draw_weights(rng, 200_000, np.array([0.5, 0.3, 0.2, 0.0]), 50.0)
    np.testing.assert_allclose(W.mean(axis=0), [0.5, 0.3, 0.2, 0.0], atol=0.003)
    assert (W[:, 3] == 0).all()
    # Dirichlet(alpha w): Var(w_j) = w_j (1 - w_j) / (alpha + 1)
    np.testing.assert_allclose(W[:, :3].var(axis=0), np.array([0.25, 0.21, 0.16]) / 51, rtol=0.05)


def test_a_high_concentration_keeps_the_current_ranking() -> None:
    matrix = random_matrix(5, 20, 3)
    spec = make_spec("wsm", [0.6, 0.4, 0.0])
    result = sensitivity(matrix, spec, samples=2000, seed=3, top=3, concentration=1e7)
    assert result.top_probability[list(result.current_top)].min() > 0.99
    central = result.central_weights.dropna()
    assert not central.empty and (central["C3"] == 0).all()
    loose = sensitivity(matrix, spec, samples=2000, seed=3, top=3, concentration=1.0)
    assert loose.top_probability[list(result.current_top)].min() < 0.99


def test_top_above_the_number_of_alternatives_counts_everyone() -> None:
    matrix = random_matrix(6, 4, 2)
    result = sensitivity(matrix, make_spec("wsm", [1, 1]), samples=100, top=10)
    assert result.top == 4
    assert (result.top_probability == 1.0).all()
    assert result.stability[["low", "high"]].to_numpy().tolist() == [[0.0, 1.0], [0.0, 1.0]]


def test_a_single_alternative_is_always_first() -> None:
    matrix = pd.DataFrame({"C1": [3.0], "C2": [4.0]}, index=["seul"])
    result = sensitivity(matrix, make_spec("vikor", [1, 3]), samples=50, top=1)
    assert result.rank_acceptability.to_numpy().tolist() == [[1.0]]
    assert result.to_dict()["top_probability"] == {"seul": 1.0}


def test_to_dict_is_json_ready() -> None:
    matrix = random_matrix(7, 6, 3)
    data = json.loads(
        json.dumps(sensitivity(matrix, make_spec("topsis", [1, 2, 3]), samples=200, seed=1, top=2).to_dict())
    )
    assert set(data["rank_acceptability"]) == set(matrix.index)
    assert all(len(v) == 6 for v in data["rank_acceptability"].values())
    assert set(data["top_probability"]) == set(matrix.index)
    assert set(data["stability"]) == {"C1", "C2", "C3"}
    for criterion, (low, high) in data["stability"].items():
        assert 0.0 <= low <= data["weights"][criterion] <= high <= 1.0
    assert (data["samples"], data["seed"], data["method"], data["top"]) == (200, 1, "topsis", 2)


# --------------------------------------------------------------------------- stability intervals


def test_wsm_stability_on_a_worked_example() -> None:
    # Normalised columns equal the raw ones (min 0, max 1). Weights (0.6, 0.4):
    # A = 0.6, B = 0.4, C = 0.8 -> C is first. With w1 = t, w2 = 1 - t:
    # A = t, B = 1 - t, C = 0.8: C stays first while 0.2 < t < 0.8.
    matrix = pd.DataFrame({"C1": [1.0, 0.0, 0.8], "C2": [0.0, 1.0, 0.8]}, index=list("ABC"))
    result = sensitivity(matrix, make_spec("wsm", [0.6, 0.4]), samples=10, top=1)
    assert result.current_top == ("C",)
    assert result.stability_method == "exact"
    np.testing.assert_allclose(result.stability.loc["C1", ["low", "high"]], [0.2, 0.8], atol=1e-12)
    np.testing.assert_allclose(result.stability.loc["C2", ["low", "high"]], [0.2, 0.8], atol=1e-12)
    # Top 2 = {C, A}: A beats B while t > 1/2 and C stays in it while ... always (0.8 >= min(t, 1-t)).
    result = sensitivity(matrix, make_spec("wsm", [0.6, 0.4]), samples=10, top=2)
    np.testing.assert_allclose(result.stability.loc["C1", ["low", "high"]], [0.5, 1.0], atol=1e-12)
    np.testing.assert_allclose(result.stability.loc["C2", ["low", "high"]], [0.0, 0.5], atol=1e-12)


def test_wsm_stability_with_a_third_criterion_rescaled_proportionally() -> None:
    # C3 constant: min-max gives 1 to everyone, so it shifts all scores alike
    # and A - B = w1 - w2. Weights (0.3, 0.2, 0.5): A is first.
    matrix = pd.DataFrame({"C1": [1.0, 0.0], "C2": [0.0, 1.0], "C3": [5.0, 5.0]}, index=list("AB"))
    result = sensitivity(matrix, make_spec("wsm", [0.3, 0.2, 0.5]), samples=10, top=1)
    # A - B = w1 - w2 with w2 = 0.2 (1 - t)/0.7 = 2(1 - t)/7 when w1 = t: zero at t = 2/9.
    assert result.current_top == ("A",)
    np.testing.assert_allclose(result.stability.loc["C1", ["low", "high"]], [2 / 9, 1.0], atol=1e-12)
    # w2 = u, w1 = 0.3 (1 - u)/0.8 = 3(1 - u)/8: A stays first while u < 3/11.
    np.testing.assert_allclose(result.stability.loc["C2", ["low", "high"]], [0.0, 3 / 11], atol=1e-12)
    # w3 = s: w1 - w2 = (1 - s)(0.3 - 0.2)/0.5 > 0 for every s < 1.
    np.testing.assert_allclose(result.stability.loc["C3", ["low", "high"]], [0.0, 1.0], atol=1e-12)


@pytest.mark.parametrize("seed", range(12))
def test_wsm_stability_matches_a_brute_force_scan(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m, top = int(rng.integers(5, 15)), int(rng.integers(2, 5)), int(rng.integers(1, 4))
    matrix = random_matrix(seed, n, m)
    weights = list(rng.uniform(0.1, 1.0, m))
    spec = make_spec("wsm", weights, list(rng.choice(["max", "min"], m)))
    result = sensitivity(matrix, spec, samples=10, top=top)
    assert result.stability_method == "exact"
    X = matrix.to_numpy()
    w = parse_spec(spec).weights
    current = top_sets(X, spec, w[None, :], top)[0]
    grid = np.linspace(0.0, 1.0, 4001)
    for j, criterion in enumerate(matrix.columns):
        low, high = result.stability.loc[criterion, ["low", "high"]]
        assert low <= w[j] <= high
        same = (top_sets(X, spec, along(w, j, grid), top) == current).all(axis=1)
        inside = (grid > low + 1e-6) & (grid < high - 1e-6)
        outside = (grid < low - 1e-6) | (grid > high + 1e-6)
        assert same[inside].all()
        assert not same[outside].any()


@pytest.mark.parametrize("method", ["topsis", "vikor", "promethee2", "wpm"])
@pytest.mark.parametrize("seed", range(4))
def test_bisection_intervals_bracket_the_change_points(method: str, seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n, m, top = 10, 3, 3
    matrix = random_matrix(100 + seed, n, m)
    spec = make_spec(method, list(rng.uniform(0.2, 1.0, m)))
    result = sensitivity(matrix, spec, samples=10, top=top)
    assert result.stability_method == "bisection"
    X = matrix.to_numpy()
    w = parse_spec(spec).weights
    current = top_sets(X, spec, w[None, :], top)[0]
    for j, criterion in enumerate(matrix.columns):
        low, high = result.stability.loc[criterion, ["low", "high"]]
        assert low <= w[j] <= high
        grid = np.linspace(low, high, 501)[1:-1]
        assert (top_sets(X, spec, along(w, j, grid), top) == current).all()
        beyond = [t for t in (low - 1e-6, high + 1e-6) if 0.0 <= t <= 1.0]
        if beyond:
            assert not (top_sets(X, spec, along(w, j, np.array(beyond)), top) == current).all(axis=1).any()


def test_a_zero_weight_criterion_interval_starts_at_zero() -> None:
    matrix = random_matrix(8, 8, 3)
    result = sensitivity(matrix, make_spec("wsm", [0.5, 0.5, 0.0]), samples=10, top=2)
    assert result.stability.loc["C3", "low"] == 0.0
    assert result.stability.loc["C3", "weight"] == 0.0


# --------------------------------------------------------------------------- juror bootstrap


def jury(scores: dict[str, dict[str, list[int]]]) -> pd.DataFrame:
    """Long ratings table from {dossier: {criterion: [score of juror 1, juror 2, ...]}}."""
    rows = [
        {"juror": f"J{k + 1}", "dossier": dossier, "criterion": criterion, "score": value}
        for dossier, by_criterion in scores.items()
        for criterion, values in by_criterion.items()
        for k, value in enumerate(values)
    ]
    return pd.DataFrame(rows)


def matrix_from(ratings: pd.DataFrame, objective: pd.Series) -> pd.DataFrame:
    means = ratings.groupby(["dossier", "criterion"])["score"].mean().unstack()
    return means.assign(C3=objective).loc[objective.index]


OBJECTIVE = pd.Series([3.0, 1.0, 4.0, 1.5, 5.0, 9.0], index=[f"D{i}" for i in range(6)])


def test_unanimous_jurors_change_nothing() -> None:
    levels = zip(OBJECTIVE.index, [1, 2, 3, 4, 5, 3], strict=True)
    ratings = jury({d: {"C1": [v] * 4, "C2": [6 - v] * 4} for d, v in levels})
    matrix = matrix_from(ratings, OBJECTIVE)
    spec = make_spec("wsm", [1, 1, 1])
    plain = sensitivity(matrix, spec, samples=3000, seed=4, top=2)
    boot = sensitivity(matrix, spec, samples=3000, seed=4, top=2, ratings=ratings, bootstrap_jurors=True)
    pd.testing.assert_frame_equal(plain.rank_acceptability, boot.rank_acceptability)
    assert boot.bootstrap_jurors and not plain.bootstrap_jurors


def test_disagreeing_jurors_widen_the_uncertainty() -> None:
    ratings = jury(
        {
            "D0": {"C1": [5, 5, 1, 1], "C2": [3, 3, 3, 3]},
            "D1": {"C1": [1, 1, 5, 5], "C2": [3, 3, 3, 3]},
            "D2": {"C1": [3, 3, 3, 3], "C2": [1, 5, 1, 5]},
            "D3": {"C1": [2, 2, 2, 2], "C2": [2, 2, 2, 2]},
            "D4": {"C1": [4, 4, 4, 4], "C2": [2, 2, 2, 2]},
            "D5": {"C1": [1, 1, 1, 1], "C2": [1, 1, 1, 1]},
        }
    )
    matrix = matrix_from(ratings, OBJECTIVE)
    spec = make_spec("topsis", [1, 1, 1])
    plain = sensitivity(matrix, spec, samples=3000, seed=4, top=2, concentration=1e6)
    boot = sensitivity(
        matrix, spec, samples=3000, seed=4, top=2, concentration=1e6, ratings=ratings, bootstrap_jurors=True
    )
    again = sensitivity(
        matrix, spec, samples=3000, seed=4, top=2, concentration=1e6, ratings=ratings, bootstrap_jurors=True
    )
    assert boot.to_dict() == again.to_dict()
    # weights nearly fixed: without the bootstrap the top 2 is certain
    assert set(plain.top_probability[plain.top_probability > 0.999].index) == set(plain.current_top)
    # the jurors' split on D0, D1 and D2 makes it uncertain
    assert boot.top_probability[list(plain.current_top)].min() < 0.9
    assert boot.top_probability.sum() == pytest.approx(2.0)


def test_ratings_are_ignored_without_the_bootstrap_flag() -> None:
    ratings = jury({d: {"C1": [1, 5], "C2": [2, 4]} for d in OBJECTIVE.index})
    matrix = matrix_from(ratings, OBJECTIVE)
    spec = make_spec("wsm", [1, 1, 1])
    plain = sensitivity(matrix, spec, samples=500, seed=1, top=2)
    with_ratings = sensitivity(matrix, spec, samples=500, seed=1, top=2, ratings=ratings)
    assert plain.to_dict() == with_ratings.to_dict()


def test_rating_criteria_restricts_the_resampled_columns() -> None:
    ratings = jury({d: {"C1": [1, 5, 3], "C2": [2, 4, 3]} for d in OBJECTIVE.index})
    matrix = matrix_from(ratings, OBJECTIVE)
    matrix["C2"] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]  # C2 not from the jurors here
    spec = make_spec("wsm", [0.0, 1.0, 1.0])  # C1 has no weight: resampling it changes nothing
    plain = sensitivity(matrix, spec, samples=800, seed=2, top=2, concentration=10.0)
    boot = sensitivity(
        matrix, spec, samples=800, seed=2, top=2, concentration=10.0,
        ratings=ratings, rating_criteria=["C1"], bootstrap_jurors=True,
    )
    pd.testing.assert_frame_equal(plain.rank_acceptability, boot.rank_acceptability)
    boot_all = sensitivity(
        matrix, spec, samples=800, seed=2, top=2, concentration=10.0, ratings=ratings, bootstrap_jurors=True
    )
    assert not boot_all.rank_acceptability.equals(plain.rank_acceptability)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"samples": 0}, "« samples » doit valoir au moins 1, reçu 0"),
        ({"samples": 2.5}, "« samples » doit être un nombre entier, reçu 2.5"),
        ({"seed": -1}, "« seed » doit valoir au moins 0, reçu -1"),
        ({"top": 0}, "« top » doit valoir au moins 1, reçu 0"),
        ({"concentration": 0.0}, "strictement positif et fini, reçu 0.0"),
        ({"concentration": float("nan")}, "reçu nan"),
        ({"concentration": "large"}, "« concentration » doit être un nombre positif, reçu 'large'"),
        ({"bootstrap_jurors": True}, "« bootstrap_jurors » demande les notes des jurés"),
        ({"bootstrap_jurors": "oui"}, "vrai ou faux, reçu 'oui'"),
    ],
)
def test_bad_settings_get_french_messages(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ScoringError) as info:
        sensitivity(random_matrix(0, 5, 2), make_spec("wsm", [1, 1]), **kwargs)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("ratings", "options", "fragment"),
    [
        (pd.DataFrame({"dossier": ["A0"], "criterion": ["C1"], "score": [3]}), {},
         "Colonne absente du tableau des notes : juror"),
        (
            pd.DataFrame({"juror": ["J"], "dossier": ["Z9"], "criterion": ["C1"], "score": [3]}),
            {},
            "dossier « Z9 » absent de la matrice",
        ),
        (
            pd.DataFrame({"juror": ["J"], "dossier": ["A0"], "criterion": ["C7"], "score": [3]}),
            {},
            "critère « C7 » absent de la spécification",
        ),
        (
            pd.DataFrame({"juror": ["J"], "dossier": ["A0"], "criterion": ["C1"], "score": ["trois"]}),
            {},
            "ligne 1 (juré « J », dossier « A0 », critère « C1 ») : la note doit être un nombre entre 1 et 5, "
            "reçu 'trois'",
        ),
        (
            pd.DataFrame({"juror": ["J", "J"], "dossier": ["A0", "A0"], "criterion": ["C1", "C1"], "score": [3, 4]}),
            {},
            "ligne 2 : le juré « J » a déjà noté le dossier « A0 » sur le critère « C1 »",
        ),
        (
            pd.DataFrame({"juror": ["J"], "dossier": ["A0"], "criterion": ["C1"], "score": [3]}),
            {"rating_criteria": "C1"},
            "doit être une liste",
        ),
        (pd.DataFrame(columns=["juror", "dossier", "criterion", "score"]), {}, "Le tableau des notes est vide"),
        ([("J", "A0", "C1", 3)], {}, "doivent être un tableau"),
    ],
)
def test_bad_ratings_get_french_messages(ratings: Any, options: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ScoringError) as info:
        sensitivity(random_matrix(0, 5, 2), make_spec("wsm", [1, 1]), ratings=ratings, bootstrap_jurors=True, **options)
    assert fragment in str(info.value)


def test_matrix_errors_come_from_the_shared_validation() -> None:
    matrix = random_matrix(0, 5, 2)
    with pytest.raises(ScoringError, match="Critère absent de la matrice : C3"):
        sensitivity(matrix, make_spec("wsm", [1, 1, 1]), samples=10)
    matrix.iloc[2, 1] = np.nan
    with pytest.raises(ScoringError, match="Valeur manquante"):
        sensitivity(matrix, make_spec("wsm", [1, 1]), samples=10)


@pytest.mark.parametrize("key_bits", [12, 0])  # packed integer keys, and the argsort fallback
def test_fast_ranking_kernel_agrees_with_engine_a(monkeypatch: pytest.MonkeyPatch, key_bits: int) -> None:
    monkeypatch.setattr(sensitivity_module, "_KEY_BITS_MAX", key_bits)
    rng = np.random.default_rng(0)
    blocks = [
        rng.normal(size=(50, 40)),  # mixed signs
        rng.integers(-3, 4, size=(50, 40)).astype(float),  # many exact ties
        np.round(rng.normal(size=(50, 40)), 2) + rng.choice([0.0, 1e-15], size=(50, 40)),  # near ties
        np.where(rng.random((50, 40)) < 0.5, 0.0, -0.0),  # signed zeros only
        np.full((3, 40), 7.5),
        rng.normal(scale=1e300, size=(5, 40)),
    ]
    for S in blocks:
        np.testing.assert_array_equal(sensitivity_module._ranks(S), rank_scores(S, higher_is_better=True))
    wide = rng.normal(size=(3, 5000))  # more alternatives than 12 bits can index
    np.testing.assert_array_equal(sensitivity_module._ranks(wide), rank_scores(wide, higher_is_better=True))
