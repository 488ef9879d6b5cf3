"""Float limits: huge, tiny and subnormal values give the scores of the same matrix at ordinary scale.

Every reference is exact mathematics: vector, min-max, regret and sum
normalisations do not change when a column is multiplied by a positive
constant, so the scores of X * c are the scores of X; PROMETHEE flows are
compared with the n x n pair matrix computed straight from the definition.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring import ScoringError, rank
from scoring.methods import (
    promethee2_unicriterion_flows,
    rank_scores,
    topsis_scores,
    vikor_q,
    vikor_srq,
    wpm_scores,
    wsm_scores,
)
from scoring.spec import Preference, parse_spec
from tests.scoring.conftest import build_spec

# Five alternatives, three criteria (max, min, max), all values distinct and positive.
BASE = np.array([[1.0, 5.0, 3.0], [2.0, 4.0, 9.0], [3.0, 1.0, 6.0], [4.0, 7.0, 2.0], [6.0, 6.0, 4.0]])
MAXIMISE = np.array([True, False, True])
W = np.array([[0.5, 0.3, 0.2], [0.2, 0.2, 0.6], [1 / 3, 1 / 3, 1 / 3]])
DIRECTIONS = ["max", "min", "max"]
# One column from -1.5e308 to 1.5e308: its max - min overflows. Columns 2 and 3 are ordinary.
WIDE = np.array([[1.5, 5.0, 3.0], [1.2, 4.0, 9.0], [-1.5, 1.0, 6.0], [-0.9, 7.0, 2.0], [0.3, 6.0, 4.0]])
WIDE_SCALE = np.array([1e308, 1.0, 1.0])


def frame(X: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(X, index=[f"A{i + 1}" for i in range(X.shape[0])], columns=["C1", "C2", "C3"])


def ranked(X: np.ndarray, method: str, weights: list[float] | None = None) -> pd.Series:
    """`rank` scores of X (columns C1..C3, directions max, min, max); they must all be finite."""
    result = rank(frame(X), build_spec(method, frame(X), weights, DIRECTIONS))
    assert np.isfinite(result.scores.to_numpy()).all()
    return result.scores


# --------------------------------------------------------------------------- TOPSIS


@pytest.mark.parametrize("scale", [1e200, 1e-200])
def test_topsis_unchanged_when_the_matrix_is_scaled(scale: float) -> None:
    np.testing.assert_allclose(
        topsis_scores(BASE * scale, MAXIMISE, W), topsis_scores(BASE, MAXIMISE, W), rtol=0, atol=1e-12
    )
    result = rank(frame(BASE * scale), build_spec("topsis", frame(BASE), None, DIRECTIONS))
    reference = rank(frame(BASE), build_spec("topsis", frame(BASE), None, DIRECTIONS))
    np.testing.assert_allclose(result.scores, reference.scores, rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.details["d_plus"], reference.details["d_plus"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.details["d_minus"], reference.details["d_minus"], rtol=0, atol=1e-12)
    assert result.ranks.tolist() == reference.ranks.tolist()


@pytest.mark.parametrize("method", ["wsm", "wpm", "topsis", "vikor"])
@pytest.mark.parametrize("exponent", [-402, -399, 398, 401])
def test_scores_are_the_same_on_both_sides_of_the_rescaling_threshold(method: str, exponent: int) -> None:
    # Columns within 2**+-400 are used as they are, beyond it rescaled: both give the scores at scale 1.
    scaled = np.ldexp(BASE, exponent)
    for weights in W:
        np.testing.assert_allclose(ranked(scaled, method, list(weights)), ranked(BASE, method, list(weights)),
                                   rtol=0, atol=1e-12)


@pytest.mark.parametrize("scale", [1e160, 1e-170, 5e-324 * 2**40])
def test_topsis_keeps_a_column_of_extreme_magnitude(scale: float) -> None:
    # Only the second column is scaled: vector normalisation does not depend on a column's scale.
    column_scale = np.array([1.0, scale, 1.0])
    np.testing.assert_allclose(
        topsis_scores(BASE * column_scale, MAXIMISE, W), topsis_scores(BASE, MAXIMISE, W), rtol=0, atol=1e-12
    )


def test_topsis_a_tiny_weight_still_decides_when_the_other_columns_are_constant() -> None:
    # Closeness does not change when every weight is multiplied by the same constant,
    # and a constant column contributes nothing: weights (1, 1e-200, 1) are weights (0, 1, 0).
    X = BASE.copy()
    X[:, 0] = 7.0
    X[:, 2] = 2.0
    tiny = topsis_scores(X, MAXIMISE, np.array([1.0, 1e-200, 1.0]) / 2)
    np.testing.assert_allclose(tiny, topsis_scores(X, MAXIMISE, np.array([0.0, 1.0, 0.0])), rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        ranked(X, "topsis", [1.0, 1e-200, 1.0]), ranked(X, "topsis", [0.0, 1.0, 0.0]), rtol=0, atol=1e-12
    )


# --------------------------------------------------------------------------- WSM, VIKOR, WPM


def test_wsm_and_vikor_on_a_span_beyond_the_float_range() -> None:
    X = WIDE * WIDE_SCALE
    np.testing.assert_allclose(wsm_scores(X, MAXIMISE, W), wsm_scores(WIDE, MAXIMISE, W), rtol=0, atol=1e-12)
    np.testing.assert_allclose(vikor_q(X, MAXIMISE, W), vikor_q(WIDE, MAXIMISE, W), rtol=0, atol=1e-12)
    for got, expected in zip(vikor_srq(X, MAXIMISE, W[0]), vikor_srq(WIDE, MAXIMISE, W[0]), strict=True):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "method",
    [
        "wsm",
        "vikor",
        "topsis",
        "promethee2",
    ],
)
def test_rank_on_a_span_beyond_the_float_range(method: str) -> None:
    np.testing.assert_allclose(ranked(WIDE * WIDE_SCALE, method), ranked(WIDE, method), rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "method",
    [
        "wsm",
        "wpm",
        "vikor",
        "topsis",
        "promethee2",  # counts strict inequalities: already exact on subnormal values
    ],
)
def test_rank_on_subnormal_values(method: str) -> None:
    # 5e-324 is 2**-1074: BASE * 5e-324 is exact, the same matrix in units of the smallest float.
    tiny = BASE * 5e-324
    assert (tiny / 5e-324 == BASE).all()
    np.testing.assert_allclose(ranked(tiny, method), ranked(BASE, method), rtol=1e-12, atol=1e-12)


def test_wsm_vikor_wpm_on_subnormal_values() -> None:
    tiny = BASE * 5e-324
    np.testing.assert_allclose(wsm_scores(tiny, MAXIMISE, W), wsm_scores(BASE, MAXIMISE, W), rtol=0, atol=1e-12)
    np.testing.assert_allclose(vikor_q(tiny, MAXIMISE, W), vikor_q(BASE, MAXIMISE, W), rtol=0, atol=1e-12)
    np.testing.assert_allclose(wpm_scores(tiny, MAXIMISE, W), wpm_scores(BASE, MAXIMISE, W), rtol=1e-12)


def test_wpm_on_values_whose_sum_overflows() -> None:
    huge = BASE * 1.5e307  # every value finite (at most 1.35e308), every column sum beyond 1.8e308
    np.testing.assert_allclose(wpm_scores(huge, MAXIMISE, W), wpm_scores(BASE, MAXIMISE, W), rtol=1e-12)
    np.testing.assert_allclose(ranked(huge, "wpm"), ranked(BASE, "wpm"), rtol=1e-12)


def test_wpm_on_a_column_whose_ratio_exceeds_the_float_range() -> None:
    X = BASE.copy()
    X[:, 2] = [1e-300, 1e300, 1.0, 2.0, 3.0]  # x / sum(x) = 1e-600 for the first row
    # A zero weight leaves the column out: the scores of the other two columns.
    zero = wpm_scores(X, MAXIMISE, np.array([0.5, 0.5, 0.0]))
    np.testing.assert_allclose(zero, wpm_scores(BASE[:, :2], MAXIMISE[:2], np.array([0.5, 0.5])), rtol=1e-12)
    np.testing.assert_allclose(
        ranked(X, "wpm", [1.0, 1.0, 0.0]).to_numpy(),
        ranked(BASE, "wpm", [1.0, 1.0, 0.0]).to_numpy(),
        rtol=1e-12,
    )
    # A positive weight: prod r ** w = exp(sum w (ln x - ln sum x)), from the logarithms.
    w = np.array([0.25, 0.25, 0.5])
    expected = []
    for row in range(X.shape[0]):
        log_score = 0.0
        for j in range(3):
            column = X[:, j] if MAXIMISE[j] else 1.0 / X[:, j]
            top = float(column.max())
            log_sum = math.log(top) + math.log(math.fsum(float(v) / top for v in column))
            log_score += w[j] * (math.log(float(column[row])) - log_sum)
        expected.append(math.exp(log_score))
    np.testing.assert_allclose(wpm_scores(X, MAXIMISE, w)[0], expected, rtol=1e-12)
    assert wpm_scores(X, MAXIMISE, w)[0, 0] > 0  # about 1e-150, not 0


# --------------------------------------------------------------------------- weights


@pytest.mark.parametrize("method", ["wsm", "topsis", "vikor"])
def test_huge_raw_weights_are_normalised(method: str) -> None:
    spec = parse_spec(build_spec(method, frame(BASE), [1e308, 1e308, 1e308], DIRECTIONS))
    np.testing.assert_allclose(spec.weights, [1 / 3, 1 / 3, 1 / 3], rtol=1e-15)
    np.testing.assert_allclose(ranked(BASE, method, [1e308, 1e308, 1e308]), ranked(BASE, method), rtol=0, atol=1e-12)


# --------------------------------------------------------------------------- PROMETHEE


def pairwise_flows(column: np.ndarray, preference: Preference) -> tuple[np.ndarray, np.ndarray]:
    """Positive and negative flows of one column (maximised) from the n x n matrix of P(x_a - x_b)."""
    with np.errstate(over="ignore"):
        d = column[:, None] - column[None, :]  # may overflow to +-inf: P(inf) = 1, P(-inf) = 0
        if preference.function == "usual":
            P = (d > 0).astype(float)
        else:
            q = preference.q if preference.function == "linear" else 0.0
            P = np.clip((d - q) / (preference.p - q), 0.0, 1.0)
    n = column.shape[0]
    return P.sum(axis=1) / (n - 1), P.sum(axis=0) / (n - 1)


def check_flows(column: np.ndarray, preference: Preference, maximise: bool = True) -> None:
    plus, minus = promethee2_unicriterion_flows(column[:, None], np.array([maximise]), [preference])
    expected_plus, expected_minus = pairwise_flows(column if maximise else -column, preference)
    np.testing.assert_allclose(plus[:, 0], expected_plus, rtol=0, atol=1e-9)
    np.testing.assert_allclose(minus[:, 0], expected_minus, rtol=0, atol=1e-9)
    net, expected_net = plus[:, 0] - minus[:, 0], expected_plus - expected_minus
    assert (rank_scores(net, True, rtol=0, atol=1e-12) == rank_scores(expected_net, True, atol=1e-12)).all()


def spread_column(n: int, spread: float, seed: int) -> np.ndarray:
    """Half the values within 50 of each other, half spread over `spread`: p = 1 is tiny next to the spread."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.uniform(0.0, 50.0, n // 2), rng.uniform(0.0, spread, n - n // 2)])


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(
    "preference", [Preference("linear", 0.2, 1.0), Preference("vshape", 0.0, 1.0)], ids=["linear", "vshape"]
)
def test_promethee_flows_when_the_spread_dwarfs_p(preference: Preference, seed: int) -> None:
    check_flows(spread_column(400, 3e14, seed), preference)
    check_flows(spread_column(400, 3e14, seed) + 1e9, preference, maximise=False)


@pytest.mark.parametrize(
    "preference",
    [Preference("usual"), Preference("linear", 1e307, 1e308), Preference("vshape", 0.0, 5e307)],
    ids=["usual", "linear", "vshape"],
)
def test_promethee_flows_on_a_span_beyond_the_float_range(preference: Preference) -> None:
    check_flows(WIDE[:, 0] * 1e308, preference)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(
    "preference",
    [Preference("linear", 1.0, 3.0), Preference("linear", 0.0, 0.5), Preference("vshape", 0.0, 2.0)],
    ids=["linear-1-3", "linear-0-0.5", "vshape-2"],
)
def test_promethee_pair_by_pair_sums_match_the_pair_matrix(
    preference: Preference, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pair-by-pair path, forced on ordinary data: integer values put differences exactly on q and p.
    import scoring.methods

    monkeypatch.setattr(scoring.methods, "_PREFIX_MAX_ERROR", -1.0)
    rng = np.random.default_rng(seed)
    check_flows(rng.integers(0, 6, size=80).astype(float), preference)
    check_flows(rng.normal(size=80), preference, maximise=False)


def test_promethee_usual_tells_apart_values_far_below_the_others() -> None:
    column = np.array([1e-20, 2e-20, 1e20])
    check_flows(column, Preference("usual"))
    plus, minus = promethee2_unicriterion_flows(column[:, None], np.array([True]), [Preference("usual")])
    assert plus[:, 0].tolist() == [0.0, 0.5, 1.0]
    assert minus[:, 0].tolist() == [1.0, 0.5, 0.0]


# --------------------------------------------------------------------------- never NaN


def test_rank_refuses_to_return_a_score_that_is_not_finite(monkeypatch: pytest.MonkeyPatch) -> None:
    # A safety net behind the fixes above: should a method ever produce NaN, `rank`
    # raises a French error naming the method instead of returning it.
    import scoring.methods

    original = scoring.methods.topsis_details

    def broken(*args: object, **kwargs: object) -> dict[str, np.ndarray]:
        details = dict(original(*args, **kwargs))  # type: ignore[arg-type]
        details["closeness"] = np.full_like(details["closeness"], np.nan)
        return details  # type: ignore[return-value]

    monkeypatch.setattr(scoring.methods, "topsis_details", broken)
    with pytest.raises(ScoringError, match=r"« topsis ».*valeur finie"):
        rank(frame(BASE), build_spec("topsis", frame(BASE), None, DIRECTIONS))
