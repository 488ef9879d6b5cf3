"""Sparse ratings: each dossier read by its k = 2 rapporteurs only, not by the whole panel.

8 jurors, 20 dossiers, 6 criteria; dossier d is read by jurors d mod 8 and
d + 1 mod 8 (a round), scores drawn with a fixed seed. Aggregation, the
disagreement score, the agreement statistics and the juror bootstrap must
give finite, sensible values: each dossier is aggregated from its two
ratings, and the agreement block is the largest one such ratings hold (a
pair of jurors and the dossiers they share).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from scoring import aggregate_ratings, most_contested, sensitivity
from scoring.ratings import AGGREGATION_METHODS, complete_block, icc_2_1, kendall_w

JURORS = [f"J{j}" for j in range(8)]
DOSSIERS = [f"D{d:02d}" for d in range(20)]
CRITERIA = [f"K{c}" for c in range(1, 7)]
PER_DOSSIER = 2


def readers(d: int) -> list[str]:
    """The two rapporteurs of dossier number `d`."""
    return [JURORS[(d + i) % len(JURORS)] for i in range(PER_DOSSIER)]


def sparse_ratings(seed: int = 7, unanimous: bool = False) -> pd.DataFrame:
    """The long table (juror, dossier, criterion, score): two rapporteurs per dossier, scores 1-5."""
    rng = np.random.default_rng(seed)
    rows = []
    for d, dossier in enumerate(DOSSIERS):
        shared = rng.integers(1, 6, len(CRITERIA))
        for juror in readers(d):
            scores = shared if unanimous else rng.integers(1, 6, len(CRITERIA))
            rows += [{"juror": juror, "dossier": dossier, "criterion": c, "score": int(s)}
                     for c, s in zip(CRITERIA, scores, strict=True)]
    return pd.DataFrame(rows)


def pair_scores(ratings: pd.DataFrame, dossier: str, criterion: str) -> list[float]:
    """The scores the dossier's rapporteurs gave on the criterion."""
    cell = ratings[(ratings["dossier"] == dossier) & (ratings["criterion"] == criterion)]
    return [float(s) for s in cell["score"]]


@pytest.fixture(scope="module")
def ratings() -> pd.DataFrame:
    return sparse_ratings()


def test_the_design_is_sparse(ratings: pd.DataFrame) -> None:
    assert ratings.groupby(["dossier", "criterion"])["juror"].nunique().eq(PER_DOSSIER).all()
    assert ratings["juror"].nunique() == len(JURORS) and ratings["dossier"].nunique() == len(DOSSIERS)


@pytest.mark.parametrize("method", AGGREGATION_METHODS)
def test_each_dossier_is_aggregated_from_its_two_ratings(ratings: pd.DataFrame, method: str) -> None:
    result = aggregate_ratings(ratings, method=method)
    assert result.values.shape == (len(DOSSIERS), len(CRITERIA))
    assert not result.values.isna().any().any()
    for dossier in DOSSIERS:
        for criterion in CRITERIA:
            a, b = pair_scores(ratings, dossier, criterion)
            # Of two ratings the mean, the median and the trimmed mean (10 % cut: none) are all the mean.
            assert result.values.loc[dossier, criterion] == (a + b) / 2
            assert result.spread.loc[dossier, criterion] == abs(a - b)


def test_severity_correction_keeps_every_value_on_the_scale(ratings: pd.DataFrame) -> None:
    result = aggregate_ratings(ratings, zscore=True, min_sample=5)
    assert not result.values.isna().any().any()
    assert result.values.to_numpy().min() >= 1.0 and result.values.to_numpy().max() <= 5.0
    per_juror = ratings.groupby("juror")["score"]
    expected = {j for j, n in per_juror.size().items() if n < 5} | {j for j, sd in per_juror.std(ddof=0).items()
                                                                     if not sd > 0}
    assert set(result.flagged_jurors) == expected


def test_the_disagreement_score_is_defined_for_every_dossier(ratings: pd.DataFrame) -> None:
    result = aggregate_ratings(ratings)
    disagreement = result.disagreement
    assert disagreement.index.tolist() == DOSSIERS
    assert disagreement["share"].sum() == pytest.approx(1.0)
    assert sorted(disagreement["contest_rank"]) == list(range(1, len(DOSSIERS) + 1))
    assert (disagreement["max_spread"] == result.spread.max(axis=1)).all()
    contested = most_contested(disagreement, min_spread=2)
    assert (contested["max_spread"] >= 2).all()
    assert len(contested) == int((result.spread.max(axis=1) >= 2).sum())


def _best_pair(wide: pd.DataFrame) -> tuple[int, list[str]]:
    """Brute force: the most dossiers two jurors share, and the first pair (column order) sharing them."""
    shared = {(a, b): int(wide[[a, b]].notna().all(axis=1).sum()) for a, b in itertools.combinations(wide.columns, 2)}
    most = max(shared.values())
    return most, list(next(pair for pair, n in shared.items() if n == most))


def test_agreement_is_computed_on_the_largest_pair_block(ratings: pd.DataFrame) -> None:
    result = aggregate_ratings(ratings)
    for criterion in CRITERIA:
        wide = ratings[ratings["criterion"] == criterion].pivot(index="dossier", columns="juror", values="score")
        most, pair = _best_pair(wide)
        assert most >= 2
        row = result.agreement.loc[criterion]
        assert (row["jurors"], row["dossiers"]) == (2, most)
        block = wide.loc[wide[pair].notna().all(axis=1), pair].to_numpy(dtype=float)
        assert row["kendall_w"] == pytest.approx(kendall_w(block))
        assert row["icc"] == pytest.approx(icc_2_1(block))
        assert 0.0 <= row["kendall_w"] <= 1.0
        icc = float(result.icc.to_numpy()[CRITERIA.index(criterion)])
        assert math.isfinite(icc) and icc <= 1.0


def test_a_pair_sharing_dossiers_is_found_when_the_greedy_drops_would_miss_it() -> None:
    # a and b share d1 and d2; c and d read one dossier each. Dropping one juror at a time from
    # all four keeps no complete dossier at any step, whichever is dropped.
    scores = {"a": {"d1": 1, "d2": 4}, "b": {"d1": 2, "d2": 5}, "c": {"d3": 3}, "d": {"d4": 3}}
    table = pd.DataFrame(scores).reindex(["d1", "d2", "d3", "d4"])
    block = complete_block(table)
    assert block.columns.tolist() == ["a", "b"] and block.index.tolist() == ["d1", "d2"]
    long = pd.DataFrame([{"juror": j, "dossier": d, "criterion": "K1", "score": v}
                         for j, by_dossier in scores.items() for d, v in by_dossier.items()])
    result = aggregate_ratings(long)
    assert result.agreement.loc["K1", "dossiers"] == 2
    assert result.kendall_w["K1"] == pytest.approx(1.0)        # a and b order d1, d2 alike
    assert math.isfinite(result.icc["K1"])


def test_a_larger_complete_block_still_wins_over_a_pair() -> None:
    table = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 3, 4, 5], "c": [1, 3, 4, np.nan]}, index=["d1", "d2", "d3", "d4"])
    block = complete_block(table)   # 3 jurors x 3 dossiers = 9 cells, the best pair (a, b) 2 x 4 = 8
    assert block.shape == (3, 3)


def _matrix(ratings: pd.DataFrame) -> pd.DataFrame:
    """The decision matrix as the dashboard builds it: the aggregated ratings and one objective criterion."""
    values = aggregate_ratings(ratings).values
    return values.assign(C0=np.linspace(1.0, 10.0, len(values)))


SPEC = {"method": "wsm", "criteria": [{"id": c, "direction": "max", "weight": 1.0} for c in ["C0", *CRITERIA]]}


def test_the_juror_bootstrap_works_on_sparse_ratings(ratings: pd.DataFrame) -> None:
    matrix = _matrix(ratings)
    top = 5
    boot = sensitivity(matrix, SPEC, samples=400, seed=3, top=top, ratings=ratings, bootstrap_jurors=True)
    again = sensitivity(matrix, SPEC, samples=400, seed=3, top=top, ratings=ratings, bootstrap_jurors=True)
    plain = sensitivity(matrix, SPEC, samples=400, seed=3, top=top)
    assert boot.to_dict() == again.to_dict()
    for result in (boot, plain):
        assert np.isfinite(result.rank_acceptability.to_numpy()).all()
        assert np.allclose(result.rank_acceptability.sum(axis=1), 1.0)
        assert result.top_probability.between(0.0, 1.0).all()
        assert result.top_probability.sum() == pytest.approx(top)
    # Two rapporteurs who disagree make the ranking less certain than the weights alone do.
    assert not boot.rank_acceptability.equals(plain.rank_acceptability)


def test_the_bootstrap_of_unanimous_rapporteurs_changes_nothing() -> None:
    """When a dossier's two rapporteurs agree, any resample (either of them, or neither: the matrix value
    is kept) gives the same value: the bootstrap leaves the weights' uncertainty alone."""
    ratings = sparse_ratings(unanimous=True)
    matrix = _matrix(ratings)
    plain = sensitivity(matrix, SPEC, samples=400, seed=5, top=5)
    boot = sensitivity(matrix, SPEC, samples=400, seed=5, top=5, ratings=ratings, bootstrap_jurors=True)
    pd.testing.assert_frame_equal(plain.rank_acceptability, boot.rank_acceptability)
