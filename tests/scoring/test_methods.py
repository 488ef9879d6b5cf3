"""Aggregation methods: published worked examples, conventions, degenerate input, `rank` facade."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring import ScoringError, rank
from scoring.methods import (
    higher_is_better,
    method_scores,
    promethee2_net_flows,
    promethee2_unicriterion_flows,
    rank_scores,
    topsis_scores,
    vikor_q,
    vikor_srq,
    wpm_scores,
    wsm_scores,
)
from scoring.spec import Preference, parse_spec

METHODS = ["wsm", "wpm", "topsis", "vikor", "promethee2"]


def frame(rows: list[list[float]], ids: list[str] | None = None, columns: list[str] | None = None) -> pd.DataFrame:
    ids = ids or [f"A{i + 1}" for i in range(len(rows))]
    columns = columns or [f"C{j + 1}" for j in range(len(rows[0]))]
    return pd.DataFrame(np.array(rows, dtype=float), index=ids, columns=columns)


# --------------------------------------------------------------------------- worked examples


def test_topsis_tzeng_huang_2011(make_spec) -> None:
    # Tzeng, G.-H. & Huang, J.-J. (2011), Multiple Attribute Decision Making:
    # Methods and Applications, CRC Press, TOPSIS example (three benefit
    # criteria, w = 0.3, 0.4, 0.3): closeness 0.5037, 0.6581, 0.7482, 0.3340.
    matrix = frame([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]])
    result = rank(matrix, make_spec("topsis", matrix, [0.3, 0.4, 0.3]))
    np.testing.assert_allclose(result.scores, [0.5037, 0.6581, 0.7482, 0.3340], atol=5e-5)
    assert result.ranks.tolist() == [3, 2, 1, 4]
    assert result.higher_is_better
    # The ideal takes the best weighted value of each column.
    np.testing.assert_allclose(result.details["ideal"], result.details["weighted"].max(axis=0))
    np.testing.assert_allclose(result.details["anti_ideal"], result.details["weighted"].min(axis=0))


def test_vikor_opricovic_tzeng_2004(make_spec) -> None:
    # Opricovic, S. & Tzeng, G.-H. (2004), Compromise solution by MCDM methods:
    # a comparative analysis of VIKOR and TOPSIS, EJOR 156(2), 445-455:
    # risk (min) and altitude (max), equal weights. S = .5, .375, .5;
    # R = .5, .25, .5; Q = 1, 0, 1; A2 is the compromise (C1 and C2 hold).
    matrix = frame([[1, 3000], [2, 3750], [5, 4500]], columns=["risk", "altitude"])
    result = rank(matrix, make_spec("vikor", matrix, [0.5, 0.5], ["min", "max"]))
    np.testing.assert_allclose(result.details["S"], [0.5, 0.375, 0.5])
    np.testing.assert_allclose(result.details["R"], [0.5, 0.25, 0.5])
    np.testing.assert_allclose(result.scores, [1.0, 0.0, 1.0])
    assert result.ranks.tolist() == [2, 1, 2]
    assert not result.higher_is_better
    assert result.details["c1_acceptable_advantage"] and result.details["c2_acceptable_stability"]
    assert result.details["compromise"] == ["A2"]


OPRICOVIC_2007 = [
    [4184.3, 2914.0, 407.2, 251.0, 195, 244, 15, 2.41],
    [5211.9, 3630.0, 501.7, 308.3, 282, 346, 21, 1.41],
    [5021.3, 3920.5, 504.0, 278.6, 12, 56, 3, 4.42],
    [5566.1, 3957.9, 559.5, 335.3, 167, 268, 16, 3.36],
    [5060.5, 3293.5, 514.1, 284.2, 69, 90, 7, 4.04],
    [4317.9, 2925.9, 432.8, 239.3, 12, 55, 3, 4.36],
]


@pytest.mark.parametrize(
    ("weights", "r", "s", "q", "ranks", "c1", "compromise"),
    [
        (
            [1] * 8,
            [0.125, 0.125, 0.121, 0.125, 0.067, 0.125],
            [0.692, 0.7, 0.29, 0.423, 0.28, 0.346],
            [0.991, 1.0, 0.473, 0.670, 0.0, 0.578],
            [5, 6, 2, 4, 1, 3],
            True,
            ["A5"],
        ),
        (
            [1, 1, 1, 1, 2, 2, 2, 2],
            [0.113, 0.167, 0.08, 0.122, 0.044, 0.083],
            [0.683, 0.8, 0.193, 0.48, 0.243, 0.232],
            [0.684, 1.0, 0.147, 0.554, 0.041, 0.191],
            [5, 6, 2, 4, 1, 3],
            False,
            ["A5", "A3", "A6"],
        ),
        (
            [1, 1, 1, 1, 3.2, 3.2, 3.2, 3.2],
            [0.129, 0.190, 0.057, 0.139, 0.042, 0.060],
            [0.678, 0.857, 0.138, 0.513, 0.222, 0.167],
            [0.668, 1.0, 0.051, 0.588, 0.058, 0.078],
            [5, 6, 1, 4, 2, 3],
            False,
            ["A3", "A5", "A6"],
        ),
    ],
)
def test_vikor_opricovic_tzeng_2007(weights, r, s, q, ranks, c1, compromise, make_spec) -> None:
    # Opricovic, S. & Tzeng, G.-H. (2007), Extended VIKOR method in comparison
    # with outranking methods, EJOR 178(2), 514-529: hydro-power reservoir
    # alternatives, published S, R, Q to three decimals for several weightings.
    matrix = frame(OPRICOVIC_2007, columns=[f"K{j}" for j in range(1, 9)])
    directions = ["max", "min", "max", "max", "min", "min", "min", "max"]
    result = rank(matrix, make_spec("vikor", matrix, weights, directions))
    np.testing.assert_allclose(result.details["R"], r, atol=1e-3)
    np.testing.assert_allclose(result.details["S"], s, atol=1e-3)
    np.testing.assert_allclose(result.scores, q, atol=1e-3)
    assert result.ranks.tolist() == ranks
    assert result.details["c1_acceptable_advantage"] is c1
    assert result.details["c2_acceptable_stability"] is True
    assert result.details["compromise"] == compromise


def test_wsm_by_hand(make_spec) -> None:
    # min-max: C1 max (1..3) -> 0, .5, 1; C2 min (3..1) -> 0, .5, 1; C3 constant -> 1.
    matrix = frame([[1, 3, 7], [2, 2, 7], [3, 1, 7]])
    result = rank(matrix, make_spec("wsm", matrix, [2, 1, 1], ["max", "min", "max"]))
    np.testing.assert_allclose(result.normalised.to_numpy(), [[0, 0, 1], [0.5, 0.5, 1], [1, 1, 1]])
    np.testing.assert_allclose(result.scores, [0.25, 0.625, 1.0])
    np.testing.assert_allclose(result.contributions.sum(axis=1), result.scores)
    np.testing.assert_allclose(result.contributions.loc["A2"], [0.25, 0.125, 0.25])
    assert result.ranks.tolist() == [3, 2, 1]


def test_wpm_by_hand(make_spec) -> None:
    # Sum normalisation: C1 max 1, 3 -> .25, .75; C2 min 2, 4 -> (1/2, 1/4)/(3/4) = 2/3, 1/3.
    # Score = product r^w with w = .5, .5: sqrt(.25 * 2/3), sqrt(.75 / 3).
    matrix = frame([[1, 2], [3, 4]])
    result = rank(matrix, make_spec("wpm", matrix, [1, 1], ["max", "min"]))
    np.testing.assert_allclose(result.scores, [np.sqrt(0.25 * 2 / 3), np.sqrt(0.75 / 3)], rtol=1e-14)
    np.testing.assert_allclose(np.exp(result.contributions.sum(axis=1)), result.scores, rtol=1e-14)
    assert result.ranks.tolist() == [2, 1]


def test_promethee2_by_hand(make_spec) -> None:
    # Three alternatives, C1 max with linear q = 1, p = 3; C2 min with usual; w = .5, .5.
    # C1 values 0, 2, 4: d(b,a) = 2 -> (2-1)/2 = .5; d(c,a) = 4 -> 1; d(c,b) = 2 -> .5.
    #   plus = (0, .5, 1.5)/2, minus = (1.5, .5, 0)/2 -> net C1 = (-.75, 0, .75).
    # C2 values 1, 1, 0 (min): c beats a and b -> net C2 = (-.5, -.5, 1).
    # phi = .5 * net C1 + .5 * net C2 = (-.625, -.25, .875).
    matrix = frame([[0, 1], [2, 1], [4, 0]])
    preferences = [{"function": "linear", "q": 1, "p": 3}, {"function": "usual"}]
    result = rank(matrix, make_spec("promethee2", matrix, [1, 1], ["max", "min"], preferences))
    np.testing.assert_allclose(result.scores, [-0.625, -0.25, 0.875], atol=1e-15)
    np.testing.assert_allclose(result.details["phi_plus"], [0.0, 0.125, 0.875], atol=1e-15)
    np.testing.assert_allclose(result.details["phi_minus"], [0.625, 0.375, 0.0], atol=1e-15)
    np.testing.assert_allclose(result.contributions.sum(axis=1), result.scores, atol=1e-15)
    assert result.ranks.tolist() == [3, 2, 1]


def test_promethee2_pymcdm_docstring_example() -> None:
    # pymcdm 1.4 PROMETHEE_II docstring: usual function, w = .5, .3, .2 -> 0.1, -0.3, 0.2.
    X = np.array([[4, 3, 2], [3, 2, 4], [5, 1, 3]], dtype=float)
    net = promethee2_net_flows(X, np.ones(3, bool), np.array([0.5, 0.3, 0.2]), [Preference()] * 3)
    np.testing.assert_allclose(net[0], [0.1, -0.3, 0.2], atol=1e-15)


def brute_force_promethee(
    X: np.ndarray, maximise: np.ndarray, w: np.ndarray, preferences: list[Preference]
) -> np.ndarray:
    """The n x n pair matrix straight from the definition, as a reference."""
    n = X.shape[0]
    pi = np.zeros((n, n))
    for j, pref in enumerate(preferences):
        column = X[:, j] if maximise[j] else -X[:, j]
        d = column[:, None] - column[None, :]
        if pref.function == "usual":
            P = (d > 0).astype(float)
        elif pref.function == "linear":
            P = np.where(d <= pref.q, 0.0, np.where(d <= pref.p, (d - pref.q) / (pref.p - pref.q), 1.0))
        else:
            P = np.where(d <= 0, 0.0, np.where(d <= pref.p, d / pref.p, 1.0))
        pi += w[j] * P
    return (pi.sum(axis=1) - pi.sum(axis=0)) / (n - 1)


@pytest.mark.parametrize("seed", range(5))
def test_promethee2_matches_pair_matrix(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = 60, 4
    # Integer-valued columns create ties and differences exactly on the thresholds.
    X = rng.integers(0, 6, size=(n, m)).astype(float)
    X[:, 3] = rng.normal(size=n)
    maximise = np.array([True, False, True, False])
    preferences = [
        Preference("usual"),
        Preference("linear", 1.0, 3.0),
        Preference("vshape", 0.0, 2.0),
        Preference("linear", 0.0, 0.5),
    ]
    W = rng.dirichlet(np.ones(m), size=3)
    net = promethee2_net_flows(X, maximise, W, preferences)
    for k in range(3):
        np.testing.assert_allclose(net[k], brute_force_promethee(X, maximise, W[k], preferences), atol=1e-12)


# --------------------------------------------------------------------------- batching and ranks


@pytest.mark.parametrize("method", METHODS)
def test_batched_scores_equal_one_at_a_time(method: str, make_spec) -> None:
    rng = np.random.default_rng(7)
    matrix = pd.DataFrame(rng.uniform(1, 10, size=(30, 5)), columns=list("abcde"))
    matrix.index = [f"d{i}" for i in range(30)]
    spec = parse_spec(make_spec(method, matrix, directions=["max", "min", "max", "min", "max"]))
    W = rng.dirichlet(np.ones(5), size=4)
    batched = method_scores(spec, matrix.to_numpy(), W)
    assert batched.shape == (4, 30)
    for k in range(4):
        single = rank(matrix, spec.with_weights(W[k])).scores.to_numpy()
        np.testing.assert_allclose(batched[k], single, rtol=1e-12, atol=1e-14)


def test_vikor_q_chunks_agree_with_srq() -> None:
    rng = np.random.default_rng(3)
    X = rng.uniform(size=(400, 6))
    maximise = np.array([True, False] * 3)
    W = rng.dirichlet(np.ones(6), size=1500)  # several chunks of the (k, n, m) temporary
    Q = vikor_q(X, maximise, W, 0.3)
    for k in (0, 777, 1499):
        np.testing.assert_allclose(Q[k], vikor_srq(X, maximise, W[k], 0.3)[2], atol=1e-14)


def test_rank_scores_min_ties_and_direction() -> None:
    assert rank_scores(np.array([0.3, 0.1 + 0.2, 0.5, 0.1]), True).tolist() == [2, 2, 1, 4]
    assert rank_scores(np.array([0.3, 0.1 + 0.2, 0.5, 0.1]), False).tolist() == [2, 2, 4, 1]
    batch = rank_scores(np.array([[3.0, 1.0, 2.0, 3.0], [1.0, 1.0, 1.0, 0.0]]), False)
    assert batch.tolist() == [[3, 1, 2, 3], [2, 2, 2, 1]]
    assert rank_scores(np.array([5.0]), True).tolist() == [1]


def test_higher_is_better() -> None:
    assert [higher_is_better(m) for m in METHODS] == [True, True, True, False, True]


# --------------------------------------------------------------------------- degenerate input


@pytest.mark.parametrize("method", METHODS)
def test_constant_column_single_alternative_and_all_equal(method: str, make_spec) -> None:
    constant = frame([[1, 5], [2, 5], [3, 5]])
    single = frame([[4, 5]])
    equal = frame([[2, 2], [2, 2], [2, 2]])
    for matrix in (constant, single, equal):
        result = rank(matrix, make_spec(method, matrix))
        assert np.isfinite(result.scores).all()
        assert np.isfinite(result.normalised.to_numpy()).all()
        if result.contributions is not None:
            assert np.isfinite(result.contributions.to_numpy()).all()
    assert rank(single, make_spec(method, single)).ranks.tolist() == [1]
    assert rank(equal, make_spec(method, equal)).ranks.tolist() == [1, 1, 1]
    # A constant column changes nothing in the order given by the other one.
    assert rank(constant, make_spec(method, constant)).ranks.tolist() == [3, 2, 1]


def test_degenerate_conventions(make_spec) -> None:
    equal = frame([[2, 2], [2, 2]])
    assert rank(equal, make_spec("wsm", equal)).scores.tolist() == [1.0, 1.0]  # constant column = 1
    assert rank(equal, make_spec("topsis", equal)).scores.tolist() == [1.0, 1.0]  # D+ = D- = 0 -> 1
    assert rank(equal, make_spec("vikor", equal)).scores.tolist() == [0.0, 0.0]
    assert rank(equal, make_spec("promethee2", equal)).scores.tolist() == [0.0, 0.0]
    zeros = frame([[0, 1], [0, 2]])
    assert np.isfinite(topsis_scores(zeros.to_numpy(), np.ones(2, bool), np.array([[0.5, 0.5]]))).all()


def test_zero_weight_on_a_criterion_is_allowed(make_spec) -> None:
    matrix = frame([[1, 9], [2, 1]])
    result = rank(matrix, make_spec("wsm", matrix, [1, 0]))
    assert result.ranks.tolist() == [2, 1]
    assert result.weights.tolist() == [1.0, 0.0]


@pytest.mark.parametrize("method", METHODS)
def test_zero_total_weight_is_a_french_error(method: str, make_spec) -> None:
    matrix = frame([[1, 2], [2, 1]])
    with pytest.raises(ScoringError, match="somme des poids est nulle"):
        rank(matrix, make_spec(method, matrix, [0, 0]))


# --------------------------------------------------------------------------- rank facade


def test_missing_error_names_the_cells(make_spec) -> None:
    matrix = frame([[1, 2], [np.nan, 3], [4, np.nan]])
    with pytest.raises(ScoringError) as error:
        rank(matrix, make_spec("wsm", matrix))
    message = str(error.value)
    assert "Valeur manquante" in message
    assert "ligne « A2 », colonne « C1 »" in message and "ligne « A3 », colonne « C2 »" in message


def test_missing_worst_and_mean(make_spec) -> None:
    matrix = frame([[1, 2], [np.nan, 3], [4, np.nan]])
    worst = rank(matrix, make_spec("wsm", matrix, directions=["max", "min"], missing="worst"))
    assert worst.details["imputed"] == [
        {"id": "A2", "criterion": "C1", "value": 1.0},  # worst of a max column: its minimum
        {"id": "A3", "criterion": "C2", "value": 3.0},  # worst of a min column: its maximum
    ]
    mean = rank(matrix, make_spec("wsm", matrix, missing="mean"))
    assert [cell["value"] for cell in mean.details["imputed"]] == [2.5, 2.5]
    empty = frame([[1, np.nan], [2, np.nan]])
    with pytest.raises(ScoringError, match="« C2 » n'a aucune valeur"):
        rank(empty, make_spec("wsm", empty, missing="mean"))


def test_non_numeric_and_infinite_cells_are_named(make_spec) -> None:
    matrix = pd.DataFrame({"C1": ["1", "deux", "3"], "C2": [1.0, 2.0, 3.0]}, index=["a", "b", "c"])
    with pytest.raises(ScoringError, match=r"non numérique.*ligne « b », colonne « C1 » \(valeur 'deux'\)"):
        rank(matrix, make_spec("wsm", matrix))
    text_numbers = pd.DataFrame({"C1": ["1", "2.5", "3"]}, index=["a", "b", "c"])
    assert rank(text_numbers, make_spec("wsm", text_numbers)).ranks.tolist() == [3, 2, 1]
    infinite = frame([[1, np.inf], [2, 1]])
    with pytest.raises(ScoringError, match=r"Valeur infinie.*colonne « C2 »"):
        rank(infinite, make_spec("wsm", infinite))


def test_wpm_requires_positive_values(make_spec) -> None:
    matrix = frame([[1, 0], [2, 1]])
    with pytest.raises(
        ScoringError, match=r"« wpm » exige des valeurs strictement positives.*ligne « A1 », colonne « C2 »"
    ):
        rank(matrix, make_spec("wpm", matrix))


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        (pd.DataFrame({"C1": [1.0, 2.0]}, index=["a", "a"]), "Identifiant d'alternative en double : a"),
        (pd.DataFrame({"C1": []}, dtype=float), "aucune alternative"),
        (pd.DataFrame({"X": [1.0, 2.0]}, index=["a", "b"]), "Critère absent de la matrice : C1"),
        ([[1, 2]], "doit être un tableau"),
    ],
)
def test_bad_matrices(matrix, message: str) -> None:
    spec = {"method": "wsm", "criteria": [{"id": "C1", "direction": "max", "weight": 1}]}
    with pytest.raises(ScoringError, match=message):
        rank(matrix, spec)


def test_extra_columns_are_ignored_and_spec_order_kept() -> None:
    matrix = pd.DataFrame({"note": ["x", "y"], "B": [1.0, 2.0], "A": [3.0, 1.0]}, index=["p", "q"])
    spec = {
        "method": "wsm",
        "criteria": [{"id": "A", "direction": "max", "weight": 3}, {"id": "B", "direction": "max", "weight": 1}],
    }
    result = rank(matrix, spec)
    assert result.normalised.columns.tolist() == ["A", "B"]
    assert result.weights.tolist() == [0.75, 0.25]
    assert result.ranks.tolist() == [1, 2]


def test_to_frame_is_sorted_by_rank_with_method_columns(make_spec) -> None:
    matrix = frame([[1, 2], [3, 1], [2, 2]], ids=["x", "y", "z"])
    table = rank(matrix, make_spec("topsis", matrix)).to_frame()
    assert table.columns.tolist() == ["id", "score", "rank", "d_plus", "d_minus"]
    assert table["rank"].is_monotonic_increasing
    vikor = rank(matrix, make_spec("vikor", matrix)).to_frame()
    assert vikor.columns.tolist() == ["id", "score", "rank", "S", "R", "Q"]
    assert vikor["score"].is_monotonic_increasing  # lower Q is better, best first
    promethee = rank(matrix, make_spec("promethee2", matrix)).to_frame()
    np.testing.assert_allclose(promethee["phi_plus"] - promethee["phi_minus"], promethee["score"])


def test_integer_ids_are_kept(make_spec) -> None:
    matrix = pd.DataFrame({"C1": [3.0, 1.0, 2.0]}, index=[101, 205, 309])
    result = rank(matrix, make_spec("wsm", matrix))
    assert result.scores.index.tolist() == [101, 205, 309]
    assert result.to_frame()["id"].tolist() == [101, 309, 205]


def test_array_functions_accept_one_weight_vector() -> None:
    X = np.array([[1.0, 2.0], [2.0, 1.0]])
    maximise = np.array([True, True])
    w = np.array([0.75, 0.25])
    for function in (wsm_scores, wpm_scores, topsis_scores, vikor_q):
        assert function(X, maximise, w).shape == (1, 2)
    plus, minus = promethee2_unicriterion_flows(X, maximise, [Preference()] * 2)
    np.testing.assert_allclose(plus, [[0, 1], [1, 0]])
    np.testing.assert_allclose(minus, [[1, 0], [0, 1]])


def test_docstring_examples_run() -> None:
    import doctest

    import scoring.ranking
    import scoring.weighting

    for module in (scoring.ranking, scoring.weighting):
        outcome = doctest.testmod(module)
        assert outcome.attempted > 0 and outcome.failed == 0


def test_imputation_leaves_the_callers_frame_untouched(make_spec) -> None:
    matrix = frame([[1, 2], [np.nan, 3]])
    rank(matrix, make_spec("wsm", matrix, missing="mean"))
    assert np.isnan(matrix.loc["A2", "C1"])
