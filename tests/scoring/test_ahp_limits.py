"""AHP limits: reciprocals typed with two decimals, and the consistency ratio beyond 10 criteria.

Issue 25: (1) reciprocity was checked to 1e-6, so a matrix holding 0,33 for 1/3 or 0,14 for
1/7 was refused; such cells are now read as the exact reciprocal, said in ``notes``, and the
weights are those of the exact matrix. (2) Saaty's random-index table stopped at n = 10; it
now goes to n = 15 (Saaty 1980), with the same clear message beyond.
"""

from __future__ import annotations

import numpy as np
import pytest

from scoring import ScoringError
from scoring.weighting import SAATY_RANDOM_INDEX, ahp, ahp_from_json

# Saaty's 1-9 scale: each judgement with its reciprocal as typed with two (or three) decimals.
TYPED = {3: 0.33, 5: 0.2, 6: 0.17, 7: 0.14, 8: 0.13, 9: 0.11}


def exact_and_typed() -> tuple[np.ndarray, np.ndarray]:
    """A 4 x 4 matrix with judgements 3, 7, 9, 5, 6, 8 above the diagonal: exact, and with the
    reciprocals below the diagonal typed with two decimals."""
    upper = {(0, 1): 3, (0, 2): 7, (0, 3): 9, (1, 2): 5, (1, 3): 6, (2, 3): 8}
    exact, typed = np.ones((4, 4)), np.ones((4, 4))
    for (i, j), value in upper.items():
        exact[i, j] = typed[i, j] = value
        exact[j, i] = 1.0 / value
        typed[j, i] = TYPED[value]
    return exact, typed


def consistent(n: int) -> np.ndarray:
    """A consistent n x n matrix a_ij = w_i / w_j."""
    w = np.arange(1, n + 1, dtype=float)
    return np.outer(w, 1.0 / w)


# --------------------------------------------------------------------------- rounded reciprocals


def test_two_decimal_reciprocals_give_the_weights_of_the_exact_matrix() -> None:
    exact, typed = exact_and_typed()
    expected = ahp(exact)
    result = ahp(typed)
    np.testing.assert_allclose(result.weights, expected.weights, rtol=0, atol=1e-12)
    assert result.lambda_max == pytest.approx(expected.lambda_max, abs=1e-12)
    assert result.cr == pytest.approx(expected.cr, abs=1e-12)
    assert expected.notes == ()


def test_the_result_says_which_cells_were_read_as_exact_reciprocals() -> None:
    _, typed = exact_and_typed()
    notes = ahp(typed, criteria=["a", "b", "c", "d"]).notes
    # one per rounded cell, in the order of the matrix; 0,2 is 1/5 exactly, so (c, b) is not noted
    assert notes == (
        "(b, a) : 0,33 lu comme 1/3.",
        "(c, a) : 0,14 lu comme 1/7.",
        "(d, a) : 0,11 lu comme 1/9.",
        "(d, b) : 0,17 lu comme 1/6.",
        "(d, c) : 0,13 lu comme 1/8.",
    )


def test_a_rounded_reciprocal_above_the_diagonal_and_typed_as_text() -> None:
    # 0,333 (three decimals) in the upper triangle, 3 below; French text « 0,33 » too
    result = ahp([[1, 0.333, "0,14"], [3, 1, 2], [7, "1/2", 1]], criteria=["x", "y", "z"])
    expected = ahp([[1, 1 / 3, 1 / 7], [3, 1, 2], [7, 1 / 2, 1]], criteria=["x", "y", "z"])
    np.testing.assert_allclose(result.weights, expected.weights, rtol=0, atol=1e-12)
    assert result.notes == ("(x, y) : 0,333 lu comme 1/3.", "(x, z) : 0,14 lu comme 1/7.")


def test_notes_reach_the_json_and_name_their_block() -> None:
    flat = ahp([[1, 3], [0.33, 1]])
    assert flat.to_dict()["notes"] == ["(C2, C1) : 0,33 lu comme 1/3."]
    assert "notes" not in ahp([[1, 3], ["1/3", 1]]).to_dict()
    nested = ahp_from_json({"pairwise": [[1, 2], [0.5, 1]], "groups": {
        "g": {"criteria": ["a", "b"], "pairwise": [[1, 7], [0.14, 1]]}, "h": {"criteria": ["c"]}}})
    assert nested.notes == ("Bloc « g » : (b, a) : 0,14 lu comme 1/7.",)
    assert nested.to_dict()["notes"] == list(nested.notes)
    assert nested.weights.to_dict() == pytest.approx({"a": 7 / 12, "b": 1 / 12, "c": 1 / 3}, abs=1e-12)


# These pass before and after the fix: the tolerance must stay tight enough to refuse them.
@pytest.mark.parametrize(
    ("pairwise", "message"),
    [
        ([[1, 3], [0.5, 1]], r"n'est pas réciproque : \(C1, C2\) vaut 3.0 mais \(C2, C1\) vaut 0.5 au lieu de 0.333"),
        ([[1, 9], [0.12, 1]], r"\(C1, C2\) vaut 9.0 mais \(C2, C1\) vaut 0.12"),  # 0,12 is 1/8, not 1/9
        ([[1, 8], [0.11, 1]], r"\(C1, C2\) vaut 8.0 mais \(C2, C1\) vaut 0.11"),  # 0,11 is 1/9, not 1/8
        ([[1, 3], [0.3, 1]], r"\(C1, C2\) vaut 3.0 mais \(C2, C1\) vaut 0.3"),  # one decimal: 10 % off
        ([[1, 2, 1], [0.5, 1, 4], [1, 0.2, 1]], r"\(C2, C3\) vaut 4.0 mais \(C3, C2\) vaut 0.2"),
    ],
)
def test_genuinely_non_reciprocal_entries_are_still_refused(pairwise: list[list[float]], message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        ahp(pairwise)


# --------------------------------------------------------------------------- random index beyond 10


def test_random_index_table_goes_to_fifteen_criteria() -> None:
    # Saaty (1980), The Analytic Hierarchy Process, random index for n = 1..15
    assert SAATY_RANDOM_INDEX == {
        1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
        11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
    }


@pytest.mark.parametrize(("n", "random_index"), [(11, 1.51), (12, 1.48), (15, 1.59)])
def test_consistent_matrices_up_to_fifteen_criteria_have_a_zero_ratio(n: int, random_index: float) -> None:
    result = ahp(consistent(n))
    assert result.random_index == random_index
    assert result.cr == pytest.approx(0.0, abs=1e-9)
    assert result.warnings == ()
    w = np.arange(1, n + 1, dtype=float)
    np.testing.assert_allclose(result.weights, w / w.sum(), rtol=1e-10)


def test_inconsistent_fifteen_by_fifteen_uses_saatys_random_index() -> None:
    A = consistent(15)
    A[0, 14], A[14, 0] = 9.0, 1 / 9  # C1 against C15: 9 instead of 1/15
    A[3, 10], A[10, 3] = 1 / 9, 9.0  # C4 against C11: 1/9 instead of 4/11
    result = ahp(A)
    lambda_max = float(np.max(np.linalg.eigvals(A).real))
    expected_cr = (lambda_max - 15) / 14 / 1.59
    assert result.random_index == 1.59
    assert result.cr == pytest.approx(expected_cr, rel=1e-9)
    assert result.cr > 0.10
    assert "supérieur à 0,10" in result.warning
    assert result.to_dict()["cr"] == pytest.approx(expected_cr, rel=1e-9)


def test_beyond_fifteen_criteria_the_ratio_is_undefined_and_said_so() -> None:
    result = ahp(consistent(16))
    assert result.cr is None and result.random_index is None
    assert "s'arrête à n = 15" in result.warning and "16 critères" in result.warning
    assert "CI = 0,0000 est donné" in result.warning
