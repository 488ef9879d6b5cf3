"""Juror ratings: aggregation, severity correction, Kendall's W, ICC(2,1), disagreement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import scoring
from scoring import ScoringError, aggregate_ratings, most_contested
from scoring.ratings import complete_block, icc_2_1, kendall_w


def long_table(scores: dict[str, dict[str, float]], criterion: str = "K1") -> pd.DataFrame:
    """{juror: {dossier: score}} -> the long table."""
    rows = [
        {"juror": juror, "dossier": dossier, "criterion": criterion, "score": score}
        for juror, by_dossier in scores.items()
        for dossier, score in by_dossier.items()
    ]
    return pd.DataFrame(rows)


def test_icc_shrout_fleiss_1979() -> None:
    # Shrout, P. E. & Fleiss, J. L. (1979), Intraclass correlations: uses in
    # assessing rater reliability, Psychological Bulletin 86(2), Table 2
    # (6 targets x 4 judges); Table 4 gives ICC(2,1) = .29.
    data = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]], dtype=float)
    assert icc_2_1(data) == pytest.approx(0.29, abs=5e-3)
    # Mean squares of their Table 3: BMS 11.24, JMS 32.49, EMS 1.02 ->
    # (11.24 - 1.02) / (11.24 + 3 * 1.02 + 4 * (32.49 - 1.02) / 6).
    assert icc_2_1(data) == pytest.approx(
        (11.2417 - 1.0194) / (11.2417 + 3 * 1.0194 + 4 * (32.4861 - 1.0194) / 6), abs=1e-3
    )


def test_icc_degenerate() -> None:
    assert icc_2_1(np.array([[1.0, 1.0], [3.0, 3.0], [5.0, 5.0]])) == pytest.approx(1.0)
    assert np.isnan(icc_2_1(np.full((3, 2), 4.0)))
    assert np.isnan(icc_2_1(np.array([[1.0, 2.0]])))


@pytest.mark.parametrize("seed", range(4))
def test_kendall_w_equals_friedman_statistic(seed: int) -> None:
    # W = chi2_F / (m (n - 1)) with Friedman's tie-corrected statistic
    # (Siegel & Castellan 1988, section 9.4); scipy computes chi2_F independently.
    rng = np.random.default_rng(seed)
    n, m = 8, 5
    scores = rng.integers(1, 6, size=(n, m)).astype(float)  # 1-5 scale: many ties
    chi2 = stats.friedmanchisquare(*scores).statistic
    assert kendall_w(scores) == pytest.approx(chi2 / (m * (n - 1)), rel=1e-12)


def test_kendall_w_limits() -> None:
    agree = np.array([[1.0, 1.0, 2.0], [2.0, 2.0, 3.0], [3.0, 3.0, 5.0]])
    assert kendall_w(agree) == pytest.approx(1.0)
    tied_agree = np.array([[1.0, 2.0], [1.0, 2.0], [4.0, 5.0]])  # ties but identical orders
    assert kendall_w(tied_agree) == pytest.approx(1.0)
    opposite = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]])
    assert kendall_w(opposite) == pytest.approx(0.0)
    assert np.isnan(kendall_w(np.full((3, 2), 2.0)))


def test_aggregation_methods() -> None:
    ratings = long_table({
        "j1": {"d1": 1, "d2": 4}, "j2": {"d1": 2, "d2": 4}, "j3": {"d1": 5, "d2": 4},
        "j4": {"d1": 2, "d2": 4}, "j5": {"d1": 3, "d2": 4},
    })
    assert aggregate_ratings(ratings).values.loc["d1", "K1"] == pytest.approx(2.6)
    assert aggregate_ratings(ratings, method="median").values.loc["d1", "K1"] == 2.0
    # trim 0.2 of 5 ratings cuts one at each end: mean of 2, 2, 3.
    trimmed = aggregate_ratings(ratings, method="trimmed_mean", trim=0.2)
    assert trimmed.values.loc["d1", "K1"] == pytest.approx(7 / 3)
    assert trimmed.values.loc["d2", "K1"] == 4.0


def test_zscore_corrects_a_strict_juror() -> None:
    lenient = {f"d{i}": s for i, s in enumerate([5, 4, 4, 3, 5, 2], start=1)}
    strict = {dossier: score - 1 for dossier, score in lenient.items()}
    ratings = long_table({"lenient": lenient, "strict": strict})
    raw = aggregate_ratings(ratings)
    corrected = aggregate_ratings(ratings, zscore=True)
    assert corrected.flagged_jurors == {}
    adjusted = corrected.adjusted.pivot(index="dossier", columns="juror", values="adjusted_score")
    np.testing.assert_allclose(adjusted["lenient"], adjusted["strict"])  # same standing once severity removed
    # Mapped back onto the pooled scale and kept within 1-5; the order of dossiers is unchanged.
    assert corrected.values["K1"].between(1, 5).all()
    assert corrected.values["K1"].rank().tolist() == raw.values["K1"].rank().tolist()


def test_zscore_leaves_small_samples_and_flat_jurors_raw() -> None:
    regular = {f"d{i}": s for i, s in enumerate([5, 4, 4, 3, 5, 2], start=1)}
    ratings = long_table(
        {"regular": regular, "newcomer": {"d1": 1, "d2": 5}, "flat": {f"d{i}": 3 for i in range(1, 7)}}
    )
    result = aggregate_ratings(ratings, zscore=True, min_sample=5)
    assert set(result.flagged_jurors) == {"newcomer", "flat"}
    assert "moins que le minimum de 5" in result.flagged_jurors["newcomer"]
    assert "identiques" in result.flagged_jurors["flat"]
    kept = result.adjusted.set_index("juror").loc[["newcomer", "flat"]]
    np.testing.assert_array_equal(kept["adjusted_score"], kept["score"])
    assert aggregate_ratings(ratings).flagged_jurors == {}


def test_disagreement_flag() -> None:
    ratings = pd.concat([
        long_table({"j1": {"d1": 1, "d2": 3}, "j2": {"d1": 3, "d2": 4}}, "K1"),
        long_table({"j1": {"d1": 2, "d2": 5}, "j2": {"d1": 2, "d2": 5}}, "K2"),
    ])
    result = aggregate_ratings(ratings)
    assert result.spread.loc["d1"].tolist() == [2.0, 0.0]
    assert result.disagreement.loc["d1", "flag"] and not result.disagreement.loc["d2", "flag"]
    assert result.disagreement.loc["d1", "criteria"] == "K1"
    assert result.to_discuss == ["d1"]


def test_agreement_on_the_complete_block_with_a_recusal() -> None:
    # j3 is recused from d4: the complete block keeps all three jurors on d1-d3
    # (9 cells) rather than j1, j2 on d1-d4 (8 cells).
    ratings = long_table({
        "j1": {"d1": 1, "d2": 2, "d3": 4, "d4": 5},
        "j2": {"d1": 2, "d2": 3, "d3": 5, "d4": 5},
        "j3": {"d1": 1, "d2": 3, "d3": 4},
    })
    result = aggregate_ratings(ratings)
    assert result.agreement.loc["K1", "jurors"] == 3 and result.agreement.loc["K1", "dossiers"] == 3
    block = np.array([[1, 2, 1], [2, 3, 3], [4, 5, 4]], dtype=float)
    assert result.kendall_w["K1"] == pytest.approx(kendall_w(block))
    assert result.icc["K1"] == pytest.approx(icc_2_1(block))
    assert result.values.loc["d4", "K1"] == 5.0  # aggregation still uses every rating


def test_complete_block_drops_the_juror_who_blocks_most() -> None:
    table = pd.DataFrame(
        {"a": [1, 2, 3, 4, 5], "b": [1, 2, 3, 4, 5], "c": [1, np.nan, np.nan, np.nan, 5]},
        index=[f"d{i}" for i in range(5)],
    )
    block = complete_block(table)
    assert block.columns.tolist() == ["a", "b"] and len(block) == 5
    assert complete_block(pd.DataFrame({"a": [1.0, np.nan], "b": [np.nan, 2.0]})).empty


def test_values_frame_has_nan_where_nobody_rated() -> None:
    ratings = pd.concat([long_table({"j1": {"d1": 3}}, "K1"), long_table({"j1": {"d2": 4}}, "K2")])
    result = aggregate_ratings(ratings)
    assert result.values.shape == (2, 2)
    assert np.isnan(result.values.loc["d1", "K2"])
    assert np.isnan(result.kendall_w["K1"])  # one juror: W undefined


@pytest.mark.parametrize(
    ("ratings", "kwargs", "message"),
    [
        ([1, 2], {}, "doivent être un tableau"),
        (
            pd.DataFrame({"juror": ["a"], "dossier": ["d"], "score": [3]}),
            {},
            "Colonne absente du tableau des notes : criterion",
        ),
        (pd.DataFrame({"juror": [], "dossier": [], "criterion": [], "score": []}), {}, "est vide"),
        (
            pd.DataFrame({"juror": ["a"], "dossier": ["d"], "criterion": ["K"], "score": [6]}),
            {},
            "ligne 1 .*juré « a ».*entre 1 et 5, reçu 6",
        ),
        (
            pd.DataFrame({"juror": ["a"], "dossier": ["d"], "criterion": ["K"], "score": ["bien"]}),
            {},
            "entre 1 et 5, reçu 'bien'",
        ),
        (
            pd.DataFrame({"juror": ["a", None], "dossier": ["d", "d"], "criterion": ["K", "K"], "score": [3, 3]}),
            {},
            "ligne 2 : la colonne « juror » est vide",
        ),
        (
            pd.DataFrame({"juror": ["a", "a"], "dossier": ["d", "d"], "criterion": ["K", "K"], "score": [3, 4]}),
            {},
            "ligne 2 : le juré « a » a déjà noté le dossier « d »",
        ),
        (
            pd.DataFrame({"juror": ["a"], "dossier": ["d"], "criterion": ["K"], "score": [3]}),
            {"method": "mode"},
            "Méthode d'agrégation des notes inconnue : 'mode'",
        ),
        (
            pd.DataFrame({"juror": ["a"], "dossier": ["d"], "criterion": ["K"], "score": [3]}),
            {"min_sample": 1},
            "« min_sample » doit être un entier au moins égal à 2",
        ),
        (
            pd.DataFrame({"juror": ["a"], "dossier": ["d"], "criterion": ["K"], "score": [3]}),
            {"trim": 0.5},
            "« trim » doit être compris entre 0 et 0,5",
        ),
    ],
)
def test_bad_ratings(ratings, kwargs, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        aggregate_ratings(ratings, **kwargs)


# --------------------------------------------------------------------------- disagreement score


def criteria_table(scores: dict[str, dict[str, list[float]]], jurors: str = "abc") -> pd.DataFrame:
    """{dossier: {criterion: [score of juror a, b, c…]}} -> the long table (None: the juror did not rate)."""
    rows = [
        {"juror": juror, "dossier": dossier, "criterion": criterion, "score": score}
        for dossier, by_criterion in scores.items()
        for criterion, column in by_criterion.items()
        for juror, score in zip(jurors, column, strict=True)
        if score is not None
    ]
    return pd.DataFrame(rows)


def test_disagreement_share_by_hand() -> None:
    # 3 jurors (a, b, c) x 3 dossiers x 2 criteria; SS(d, c) = sum of (score - cell mean)^2.
    ratings = criteria_table({
        "d1": {"K1": [1, 3, 5], "K2": [2, 2, 2]},  # K1: mean 3, 4 + 0 + 4 = 8; K2: 0.        SS 8, spread 4
        "d2": {"K1": [2, 3, 4], "K2": [1, 1, 4]},  # K1: mean 3, 1 + 0 + 1 = 2; K2: mean 2,
        #                                            1 + 1 + 4 = 6.                          SS 8, spread 3
        "d3": {"K1": [3, 3, 4], "K2": [4, 5, 4]},  # K1: mean 10/3, 1/9 + 1/9 + 4/9 = 2/3; K2: mean 13/3,
        #                                            same 2/3.                               SS 4/3, spread 1
    })
    # Total 8 + 8 + 4/3 = 52/3: shares 8 / (52/3) = 6/13, 6/13 and (4/3) / (52/3) = 1/13.
    disagreement = aggregate_ratings(ratings).disagreement
    assert disagreement["share"].to_dict() == pytest.approx({"d1": 6 / 13, "d2": 6 / 13, "d3": 1 / 13})
    assert disagreement["share"].to_dict() == pytest.approx({"d1": 0.461538, "d2": 0.461538, "d3": 0.076923},
                                                            abs=1e-6)
    assert disagreement["share"].sum() == pytest.approx(1.0)
    assert disagreement["max_spread"].tolist() == [4.0, 3.0, 1.0]
    assert disagreement["contest_rank"].to_dict() == {"d1": 1, "d2": 2, "d3": 3}
    # The existing columns are unchanged by the new ones.
    assert disagreement.columns.tolist() == ["max_spread", "criteria", "flag", "share", "contest_rank"]
    assert disagreement["criteria"].tolist() == ["K1", "K1, K2", ""]
    assert disagreement["flag"].tolist() == [True, True, False]


def test_share_uses_raw_scores_and_only_the_jurors_who_rated() -> None:
    # c is recused from d2: its cell mean is over a and b only.
    ratings = criteria_table({
        "d1": {"K1": [1, 2, 3]},        # mean 2: 1 + 0 + 1 = 2
        "d2": {"K1": [2, 4, None]},     # mean 3: 1 + 1 = 2
    })
    raw = aggregate_ratings(ratings).disagreement
    assert raw["share"].tolist() == pytest.approx([0.5, 0.5])
    corrected = aggregate_ratings(ratings, zscore=True, min_sample=2).disagreement
    pd.testing.assert_series_equal(corrected["share"], raw["share"])


def test_contest_rank_orders_by_spread_then_share_then_dossier_id() -> None:
    # 2 jurors (a, b); SS of a pair of scores x, y is (x - y)^2 / 2.
    ratings = criteria_table({
        "d1": {"K1": [2, 4], "K2": [3, 3]},  # spread 2, SS 2 + 0   = 2
        "d2": {"K1": [1, 3], "K2": [2, 3]},  # spread 2, SS 2 + 0.5 = 2.5: before d1 despite its id
        "d3": {"K1": [3, 3], "K2": [3, 4]},  # spread 1, SS 0.5
        "d4": {"K1": [5, 1], "K2": [1, 1]},  # spread 4, SS 8: first
        "d5": {"K1": [4, 2], "K2": [3, 3]},  # as d1: spread 2, SS 2, after d1 by id
    }, jurors="ab")
    disagreement = aggregate_ratings(ratings).disagreement
    # Total 15: shares 2/15, 2.5/15, 0.5/15, 8/15, 2/15.
    assert disagreement["share"].tolist() == pytest.approx([2 / 15, 2.5 / 15, 0.5 / 15, 8 / 15, 2 / 15])
    assert disagreement["contest_rank"].to_dict() == {"d4": 1, "d2": 2, "d1": 3, "d5": 4, "d3": 5}
    assert disagreement["contest_rank"].dtype == np.int64
    assert sorted(disagreement["contest_rank"]) == list(range(1, 6))


def test_contest_rank_ties_on_both_keys_go_by_dossier_id_whatever_the_rating_order() -> None:
    # The same scores in other juror orders (cell means of thirds): equal spread and share, ranked by id.
    ratings = criteria_table({
        "z": {"K1": [1, 2, 2], "K2": [3, 5, 4]},
        "m": {"K1": [2, 2, 1], "K2": [4, 3, 5]},
        "a": {"K1": [2, 1, 2], "K2": [5, 4, 3]},
        "q": {"K1": [1, 1, 1], "K2": [3, 3, 3]},
    })
    disagreement = aggregate_ratings(ratings).disagreement
    assert disagreement.loc[["a", "m", "z"], "share"].tolist() == pytest.approx([1 / 3] * 3)
    assert disagreement["contest_rank"].to_dict() == {"a": 1, "m": 2, "z": 3, "q": 4}


def test_all_equal_scores_give_a_zero_share_everywhere() -> None:
    ratings = criteria_table({"d2": {"K1": [3, 3, 3], "K2": [4, 4, 4]}, "d1": {"K1": [2, 2, 2], "K2": [2, 2, 2]}})
    disagreement = aggregate_ratings(ratings).disagreement
    assert disagreement["share"].tolist() == [0.0, 0.0]
    assert disagreement["max_spread"].tolist() == [0.0, 0.0]
    assert disagreement["contest_rank"].to_dict() == {"d1": 1, "d2": 2}
    single = aggregate_ratings(long_table({"j1": {"d1": 3, "d2": 5}})).disagreement  # one rating per cell
    assert single["share"].tolist() == [0.0, 0.0]


def _contest_example() -> pd.DataFrame:
    """Spreads 4, 2, 2, 1, 0 ranked d4, d2, d1, d3, d6 (see the ordering test above)."""
    return aggregate_ratings(criteria_table({
        "d1": {"K1": [2, 4], "K2": [3, 3]},
        "d2": {"K1": [1, 3], "K2": [2, 3]},
        "d3": {"K1": [3, 3], "K2": [3, 4]},
        "d4": {"K1": [5, 1], "K2": [1, 1]},
        "d6": {"K1": [2, 2], "K2": [5, 5]},
    }, jurors="ab")).disagreement


def test_most_contested_by_count_and_min_spread() -> None:
    disagreement = _contest_example()
    assert most_contested(disagreement).index.tolist() == ["d4", "d2", "d1", "d3", "d6"]
    assert most_contested(disagreement, count=2).index.tolist() == ["d4", "d2"]
    assert most_contested(disagreement, min_spread=2).index.tolist() == ["d4", "d2", "d1"]
    assert most_contested(disagreement, count=2, min_spread=2).index.tolist() == ["d4", "d2"]
    assert most_contested(disagreement, count=10, min_spread=1.5).index.tolist() == ["d4", "d2", "d1"]
    assert most_contested(disagreement, min_spread=5).empty
    assert most_contested(disagreement, count=0).empty
    assert most_contested(disagreement, count=np.int64(1)).index.tolist() == ["d4"]
    # Every column is kept, and the input is left as it was.
    shown = most_contested(disagreement, count=1)
    assert shown.columns.tolist() == disagreement.columns.tolist()
    assert shown.loc["d4", "contest_rank"] == 1
    assert disagreement.index.tolist() == ["d1", "d2", "d3", "d4", "d6"]
    assert scoring.most_contested is most_contested and "most_contested" in scoring.__all__


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": -1}, "« count » .* entier positif ou nul, ou None, reçu -1"),
        ({"count": 1.5}, "« count » .*reçu 1.5"),
        ({"count": True}, "« count » .*reçu True"),
        ({"min_spread": -0.5}, "« min_spread » .* nombre fini positif ou nul, reçu -0.5"),
        ({"min_spread": float("nan")}, "« min_spread » .*reçu nan"),
        ({"min_spread": float("inf")}, "« min_spread » .*reçu inf"),
        ({"min_spread": "2"}, "« min_spread » .*reçu '2'"),
        ({"min_spread": None}, "« min_spread » .*reçu None"),
    ],
)
def test_most_contested_refuses_bad_settings(kwargs, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        most_contested(_contest_example(), **kwargs)


def test_most_contested_refuses_a_table_without_the_score() -> None:
    with pytest.raises(ScoringError, match="doit être un tableau"):
        most_contested([1, 2])  # type: ignore[arg-type]
    with pytest.raises(ScoringError, match="Colonne absente du tableau des désaccords : share, contest_rank"):
        most_contested(pd.DataFrame({"max_spread": [1.0]}))
