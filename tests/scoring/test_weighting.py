"""Weighting methods: Saaty's AHP examples, ROC tables, entropy and CRITIC, bad input."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from pymcdm.weights import critic_weights as pymcdm_critic
from pymcdm.weights import entropy_weights as pymcdm_entropy
from skcriteria.preprocessing.weighters import critic_weights as skc_critic
from skcriteria.preprocessing.weighters import entropy_weights as skc_entropy

from scoring import ScoringError, weights
from scoring.weighting import SAATY_RANDOM_INDEX, ahp, ahp_from_json, critic, entropy, equal, points, roc


def pairwise_from(judgements: dict[tuple[str, str], float], order: list[str]) -> pd.DataFrame:
    """A full reciprocal matrix from the upper judgements a_ij."""
    A = pd.DataFrame(1.0, index=order, columns=order)
    for (i, j), value in judgements.items():
        A.loc[i, j] = value
        A.loc[j, i] = 1.0 / value
    return A


# Saaty, T. L. (2008), Decision making with the analytic hierarchy process,
# Int. J. Services Sciences 1(1), 83-98, section 4: relative consumption of
# drinks in the United States. Published priorities (eigenvector) and CR = 0.022.
DRINKS = {
    ("coffee", "wine"): 9, ("coffee", "tea"): 5, ("coffee", "beer"): 2, ("coffee", "soda"): 1, ("coffee", "milk"): 1,
    ("water", "coffee"): 2, ("water", "wine"): 9, ("water", "tea"): 9, ("water", "beer"): 3, ("water", "soda"): 2,
    ("water", "milk"): 3, ("tea", "wine"): 3, ("beer", "wine"): 9, ("beer", "tea"): 3, ("beer", "milk"): 1,
    ("soda", "wine"): 9, ("soda", "tea"): 4, ("soda", "beer"): 2, ("soda", "milk"): 2, ("milk", "wine"): 9,
    ("milk", "tea"): 3,
}
DRINKS_ORDER = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
DRINKS_PRIORITIES = {
    "coffee": 0.177,
    "wine": 0.019,
    "tea": 0.042,
    "beer": 0.116,
    "soda": 0.190,
    "milk": 0.129,
    "water": 0.327,
}


def test_ahp_saaty_2008_drinks() -> None:
    result = weights("ahp", pairwise=pairwise_from(DRINKS, DRINKS_ORDER))
    for drink, published in DRINKS_PRIORITIES.items():
        assert result.weights[drink] == pytest.approx(published, abs=5e-4)
    assert result.cr == pytest.approx(0.022, abs=5e-4)
    assert result.random_index == 1.32
    assert result.ci == pytest.approx((result.lambda_max - 7) / 6)
    assert result.warnings == ()
    assert result.to_dict()["cr"] == result.cr


def test_ahp_consistent_matrix() -> None:
    w = np.array([0.4, 0.3, 0.2, 0.1])
    result = ahp(np.outer(w, 1 / w), criteria=["a", "b", "c", "d"])
    np.testing.assert_allclose(result.weights, w, rtol=1e-12)
    assert result.lambda_max == pytest.approx(4.0, abs=1e-12)
    assert result.ci == 0.0 and result.cr == 0.0
    assert result.inconsistent_pair is None
    assert ahp([[1.0]]).weights.tolist() == [1.0]


def test_ahp_inconsistency_warning_names_the_pair() -> None:
    w = np.array([0.4, 0.3, 0.2, 0.1])
    A = np.outer(w, 1 / w)
    A[0, 2], A[2, 0] = 1 / 4, 4  # C1 vs C3 reversed: 1/4 instead of 2
    result = ahp(A)
    assert result.cr is not None and result.cr > 0.10
    assert result.inconsistent_pair == ("C1", "C3")
    assert result.suggested_value == pytest.approx(result.weights["C1"] / result.weights["C3"])
    assert "CR = " in result.warning and "supérieur à 0,10" in result.warning
    assert "(C1, C3)" in result.warning
    # numbers with a decimal comma, as every message of the product
    assert re.search(r"CR = \d,\d{3} supérieur", result.warning) and "0,25 donné" in result.warning


def test_ahp_more_than_fifteen_criteria_says_the_table_stops() -> None:
    w = np.arange(1, 17, dtype=float)
    result = ahp(np.outer(w, 1 / w))
    assert result.cr is None and result.random_index is None
    assert "s'arrête à n = 15" in result.warning and "16 critères" in result.warning
    assert "CI = 0,0000 est donné" in result.warning
    np.testing.assert_allclose(result.weights, w / w.sum(), rtol=1e-10)
    assert result.to_dict()["cr"] is None


def test_saaty_random_index_table() -> None:
    assert list(SAATY_RANDOM_INDEX.values()) == [
        0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
    ]


@pytest.mark.parametrize(
    ("pairwise", "message"),
    [
        ([[1, 2, 3], [0.5, 1, 1]], "doit être carrée"),
        (
            [[1, 2], [0.5, 1]] * 0 or [[1, -2], [-0.5, 1]],
            r"\(C1, C2\) doit être un nombre strictement positif, reçu -2",
        ),
        ([[1, 2], [2, 1]], r"n'est pas réciproque : \(C1, C2\) vaut 2.0 mais \(C2, C1\) vaut 2.0"),
        ([[2, 1], [1, 1]], r"la diagonale doit valoir 1, or \(C1, C1\) vaut 2.0"),
        ([[1, "x"], [1, 1]], r"\(C1, C2\) doit être un nombre strictement positif, reçu 'x'"),
        ([1, 2], "matrice carrée est attendue"),
        (pd.DataFrame([[1, 2], [0.5, 1]], index=["a", "b"], columns=["a", "c"]), "mêmes critères"),
    ],
)
def test_ahp_bad_matrices(pairwise, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        ahp(pairwise)


def test_roc_barron_barrett_1996_table() -> None:
    # Barron, F. H. & Barrett, B. E. (1996), Decision quality using ranked
    # attribute weights, Management Science 42(11), Table 1 (ROC weights).
    table = {
        2: [0.7500, 0.2500],
        3: [0.6111, 0.2778, 0.1111],
        4: [0.5208, 0.2708, 0.1458, 0.0625],
        5: [0.4567, 0.2567, 0.1567, 0.0900, 0.0400],
    }
    for n, published in table.items():
        order = [f"K{i}" for i in range(n, 0, -1)]  # most important first
        result = weights("roc", order=order)
        assert result.weights.index.tolist() == order
        np.testing.assert_allclose(result.weights, published, atol=5e-5)
        assert result.weights.sum() == pytest.approx(1.0)


def test_entropy_by_hand() -> None:
    # Two alternatives. A constant -> p = (.5, .5), E = 1, no weight.
    # B = (1, 3) -> p = (.25, .75), E = -(.25 ln .25 + .75 ln .75)/ln 2.
    # C = (0, 2) -> p = (0, 1), E = 0 (0 ln 0 = 0).
    matrix = pd.DataFrame({"A": [1.0, 1.0], "B": [1.0, 3.0], "C": [0.0, 2.0]})
    e_b = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75)) / math.log(2)
    expected = np.array([0.0, 1 - e_b, 1.0]) / (2 - e_b)
    np.testing.assert_allclose(entropy(matrix).weights, expected, rtol=1e-14)


def test_entropy_and_critic_match_peers() -> None:
    rng = np.random.default_rng(11)
    for _ in range(5):
        X = rng.uniform(0.5, 20, size=(12, 5))
        matrix = pd.DataFrame(X, columns=list("abcde"))
        np.testing.assert_allclose(entropy(matrix).weights, pymcdm_entropy(X), rtol=1e-12)
        np.testing.assert_allclose(entropy(matrix).weights, skc_entropy(X), rtol=1e-12)
        # pymcdm's CRITIC takes every criterion as max (and sigma with ddof = 1,
        # a common factor that cancels); scikit-criteria takes the directions.
        np.testing.assert_allclose(critic(matrix).weights, pymcdm_critic(X), rtol=1e-12)
        directions = ["max", "min", "max", "min", "min"]
        spec = {
            "method": "wsm",
            "criteria": [{"id": c, "direction": d, "weight": 1} for c, d in zip("abcde", directions, strict=True)],
        }
        objectives = np.array([1 if d == "max" else -1 for d in directions])
        np.testing.assert_allclose(critic(matrix, spec).weights, skc_critic(X, objectives), rtol=1e-12)


def test_critic_by_hand() -> None:
    # B is A reversed and a min criterion: after min-max with directions they
    # are identical (rho = 1), C is uncorrelated with both (rho = 0).
    # sigma_A = sigma_B = sigma_C = 0.5 (values 0, 1, 0, 1 after min-max), so
    # C_A = C_B = .5 * (0 + 0 + 1) = .5 and C_C = .5 * (1 + 1 + 0) = 1.
    matrix = pd.DataFrame({"A": [0.0, 1, 0, 1], "B": [1.0, 0, 1, 0], "C": [0.0, 0, 1, 1]})
    spec = {
        "method": "wsm",
        "criteria": [
            {"id": "A", "direction": "max", "weight": 1},
            {"id": "B", "direction": "min", "weight": 1},
            {"id": "C", "direction": "max", "weight": 1},
        ],
    }
    np.testing.assert_allclose(critic(matrix, spec).weights, [0.25, 0.25, 0.5], atol=1e-15)
    # Without directions B is anti-correlated with A: 1 - rho = 2.
    np.testing.assert_allclose(critic(matrix).weights, [1.5, 1.5, 1.0] / np.float64(4.0), atol=1e-15)


def test_objective_weights_degenerate_input() -> None:
    constant = pd.DataFrame({"A": [2.0, 2.0, 2.0], "B": [1.0, 2.0, 4.0], "C": [3.0, 1.0, 0.0]})
    result = critic(constant)
    assert result.weights["A"] == 0.0 and np.isfinite(result.weights).all()
    all_constant = pd.DataFrame({"A": [2.0, 2.0], "B": [1.0, 1.0]})
    for method in ("entropy", "critic"):
        fallback = weights(method, matrix=all_constant)
        assert fallback.weights.tolist() == [0.5, 0.5]
        assert "poids égaux" in fallback.warning
        single = weights(method, matrix=pd.DataFrame({"A": [1.0], "B": [3.0]}))
        assert single.weights.tolist() == [0.5, 0.5]
    with pytest.raises(ScoringError, match=r"positives ou nulles.*ligne « 1 », colonne « B » vaut -1.0"):
        entropy(pd.DataFrame({"A": [1.0, 2.0], "B": [1.0, -1.0]}))
    with pytest.raises(ScoringError, match="Valeur manquante"):
        critic(pd.DataFrame({"A": [1.0, np.nan], "B": [1.0, 2.0]}))


def test_equal_and_points() -> None:
    assert equal(["a", "b", "c", "d"]).weights.tolist() == [0.25] * 4
    np.testing.assert_allclose(points({"a": 30, "b": 10, "c": 0}).weights, [0.75, 0.25, 0.0])
    with pytest.raises(ScoringError, match="somme des points est nulle"):
        points({"a": 0, "b": 0})
    with pytest.raises(ScoringError, match="critère « b » doit être positive ou nulle, reçu -1"):
        points({"a": 1, "b": -1})
    with pytest.raises(ScoringError, match="critère « a » doit être un nombre fini"):
        points({"a": "beaucoup"})
    with pytest.raises(ScoringError, match="critère en double : a"):
        roc(["a", "b", "a"])
    with pytest.raises(ScoringError, match="liste des critères est vide"):
        equal([])
    with pytest.raises(ScoringError, match="une liste d'identifiants"):
        roc("abc")


def test_facade_errors() -> None:
    with pytest.raises(ScoringError, match="Méthode de pondération inconnue : 'swing'"):
        weights("swing")
    with pytest.raises(ScoringError, match="Pondération « roc » : arguments \\['orders'\\] invalides"):
        weights("roc", orders=["a"])
    result = weights("points", points={"a": 1, "b": 3})
    assert result.to_dict() == {"weights": {"a": 0.25, "b": 0.75}}


# --------------------------------------------------------------------------- hierarchical AHP

# Two groups compared 2 : 1; within « a » 3 : 1 (consistent), within « b » an inconsistent 3 × 3
# block. For n = 3 the principal eigenvector of a reciprocal matrix is the normalised row
# geometric means (Crawford & Williams 1985), so the block's local weights are written by hand.
B_BLOCK = [[1, 2, 5], ["1/2", 1, 4], ["1/5", "1/4", 1]]


def test_hierarchical_ahp_composes_group_and_local_weights_by_hand() -> None:
    result = weights("ahp", pairwise=[[1, 2], ["1/2", 1]], groups={
        "a": {"criteria": ["a1", "a2"], "pairwise": [[1, 3], ["1/3", 1]]},
        "b": {"criteria": ["b1", "b2", "b3"], "pairwise": B_BLOCK},
    })
    geometric = np.array([(2 * 5) ** (1 / 3), (0.5 * 4) ** (1 / 3), (0.2 * 0.25) ** (1 / 3)])
    local_b = geometric / geometric.sum()
    expected = {"a1": 2 / 3 * 3 / 4, "a2": 2 / 3 * 1 / 4,
                "b1": 1 / 3 * local_b[0], "b2": 1 / 3 * local_b[1], "b3": 1 / 3 * local_b[2]}
    assert list(result.weights.index) == list(expected)
    for criterion, weight in expected.items():
        assert abs(result.weights[criterion] - weight) <= 1e-12
    blocks = result.details["blocks"]
    assert list(blocks) == ["groupes", "a", "b"]
    assert result.details["group_weights"].to_dict() == pytest.approx({"a": 2 / 3, "b": 1 / 3}, abs=1e-12)
    # λmax of the 3 × 3 block from its eigenvector: mean of (A w)_i / w_i.
    A = np.array([[1, 2, 5], [1 / 2, 1, 4], [1 / 5, 1 / 4, 1]])
    lambda_max = float(np.mean(A @ local_b / local_b))
    assert abs(blocks["b"].lambda_max - lambda_max) <= 1e-12
    assert abs(blocks["b"].cr - (lambda_max - 3) / 2 / 0.58) <= 1e-12
    assert result.cr == blocks["b"].cr and blocks["a"].cr == 0.0 and blocks["groupes"].cr == 0.0
    payload = result.to_dict()
    assert set(payload["blocks"]) == {"groupes", "a", "b"} and payload["cr"] == result.cr


def test_hierarchical_ahp_names_the_inconsistent_block_and_pair() -> None:
    inconsistent = [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]
    result = ahp([[1]], groups={"jury": {"criteria": ["J1", "J2", "J3"], "pairwise": inconsistent}})
    assert result.cr is not None and result.cr > 0.10
    assert result.inconsistent_pair is not None and set(result.inconsistent_pair) <= {"J1", "J2", "J3"}
    assert result.warnings and result.warnings[0].startswith("Bloc « jury » : Ratio de cohérence CR = ")
    # A lone criterion weighs its group's weight; a criterion in two groups is refused.
    lone = ahp([[1, 4], ["1/4", 1]], groups={"g": {"criteria": ["x"]}, "h": {"criteria": ["y"]}})
    assert lone.weights.to_dict() == pytest.approx({"x": 0.8, "y": 0.2}, abs=1e-12)
    with pytest.raises(ScoringError, match="critère en double : x"):
        ahp([[1, 1], [1, 1]], groups={"g": {"criteria": ["x"]}, "h": {"criteria": ["x"]}})
    with pytest.raises(ScoringError, match="aucune matrice de comparaisons"):
        ahp([[1]], groups={"g": {"criteria": ["x", "y"]}})
    with pytest.raises(ScoringError, match="AHP : 1 critères nommés pour une matrice 2 × 2"):
        ahp([[1, 2], ["1/2", 1]], groups={"g": {"criteria": ["x"]}})


def test_ahp_json_flat_and_hierarchical_agree_with_the_functions() -> None:
    flat = ahp_from_json({"criteria": ["p", "q", "r"], "pairwise": B_BLOCK})
    assert flat.weights.equals(ahp(B_BLOCK, criteria=["p", "q", "r"]).weights)
    spec = {"pairwise": [[1, 2], ["1/2", 1]],
            "groups": {"a": {"criteria": ["a1", "a2"], "pairwise": [[1, 3], ["1/3", 1]]},
                       "b": {"criteria": ["b1"]}}}
    assert ahp_from_json(spec).weights.to_dict() == pytest.approx({"a1": 0.5, "a2": 1 / 6, "b1": 1 / 3}, abs=1e-12)
    with pytest.raises(ScoringError, match="« pairwise »"):
        ahp_from_json({"groups": {}})
