"""Juror ratings: aggregation, severity correction and agreement.

This module owns the step from the long table of juror ratings (juror,
dossier, criterion, score 1-5) to one value per dossier x criterion, and the
agreement statistics the jury reads before trusting those values: Kendall's W
(tie-corrected) and ICC(2,1) per criterion, and a per-dossier disagreement
flag for the « à discuter » list. Recused jurors simply have no rows.

The disagreement score of a dossier, which orders the « à discuter » list
(`RatingsResult.disagreement`, `most_contested`), is, in this order:

1. ``max_spread``: the largest per-criterion spread of the jury's raw ratings,
   max over criteria c of (max - min of the jurors' raw scores of the dossier
   on c); then
2. ``share``: the dossier's share of the within-dossier sum of squares of the
   raw scores, i.e. with SS(d, c) = sum over the jurors who rated d on c of
   (score - mean of those scores)^2, share_d = sum_c SS(d, c) / sum_{d, c}
   SS(d, c): the part of the call's lack of agreement that lies in that
   dossier. Shares sum to 1; they are all 0 when every juror agrees on every
   dossier x criterion (the total is 0).

``contest_rank`` numbers the dossiers 1..n, 1 = most contested: max_spread
descending, then share descending, then dossier id ascending (a total order;
shares equal to 12 decimals count as equal, so that floating-point noise
never decides). Raw scores are used even when severity is corrected: the
score measures what the jurors actually wrote.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
from scipy import stats

from scoring.errors import ScoringError, shown

__all__ = [
    "AGGREGATION_METHODS",
    "RatingsResult",
    "aggregate_ratings",
    "complete_block",
    "icc_2_1",
    "kendall_w",
    "most_contested",
    "validate_ratings",
]

AGGREGATION_METHODS: tuple[str, ...] = ("mean", "median", "trimmed_mean")
SCALE_MIN = 1.0
SCALE_MAX = 5.0
_COLUMNS = ("juror", "dossier", "criterion", "score")
_CONTEST_COLUMNS = ("max_spread", "share", "contest_rank")
# Shares equal to this many decimals are tied for the contest rank (floating-point noise never decides).
_SHARE_DECIMALS = 12


@dataclass(frozen=True)
class RatingsResult:
    """Aggregated juror ratings and agreement.

    ``values``: dossier x criterion frame of aggregated scores (NaN where
    nobody rated). ``adjusted``: the long table with the score actually
    aggregated (``adjusted_score``; equal to ``score`` without z-scores).
    ``flagged_jurors``: juror (the id as given, so 1 and "1" are two jurors) -> French reason they
    were left unnormalised.
    ``kendall_w`` and ``icc``: per criterion, NaN when not computable (fewer
    than 2 jurors or 2 dossiers in the complete block, or no variance).
    ``agreement``: per criterion, kendall_w, icc and the size of the block
    used (jurors, dossiers). ``spread``: dossier x criterion max - min of the
    raw scores. ``disagreement``: per dossier (index), ``max_spread`` (the
    largest per-criterion spread of the jury's raw ratings), ``criteria`` (the
    criteria whose spread reaches the threshold, comma-separated), ``flag``
    (à discuter: some criterion reaches the threshold), ``share`` (the
    dossier's share of the within-dossier sum of squares of the raw scores:
    sum_c SS(d, c) / sum_{d, c} SS(d, c), SS(d, c) = sum over jurors of
    (score - mean of d x c)^2; 0 everywhere when that total is 0) and
    ``contest_rank`` (1..n, 1 = most contested: max_spread descending, then
    share descending, then dossier id ascending). The disagreement score is
    that pair: the largest per-criterion spread of the jury's raw ratings,
    then the dossier's share of the within-dossier sum of squares; see the
    module docstring and `most_contested`.
    """

    values: pd.DataFrame
    adjusted: pd.DataFrame
    flagged_jurors: dict[Any, str]
    kendall_w: pd.Series
    icc: pd.Series
    agreement: pd.DataFrame
    spread: pd.DataFrame
    disagreement: pd.DataFrame

    @property
    def to_discuss(self) -> list[Any]:
        """Dossiers whose juror scores differ by at least the threshold on some criterion."""
        return self.disagreement.index[self.disagreement["flag"]].tolist()


def kendall_w(scores: np.ndarray) -> float:
    """Kendall's coefficient of concordance W with tie correction.

    `scores` is a complete block, dossiers (rows, n) x jurors (columns, m).
    Each juror's scores are ranked (average ranks for ties);
    W = 12 S / (m^2 (n^3 - n) - m sum_j T_j), S = sum_i (R_i - mean R)^2,
    T_j = sum over tie groups of juror j of (t^3 - t) (Kendall & Babington
    Smith 1939; Siegel & Castellan 1988, eq. 9.16). NaN when n < 2, m < 2 or
    every juror gives every dossier the same score.
    """
    n, m = scores.shape
    if n < 2 or m < 2:
        return math.nan
    ranks = np.apply_along_axis(stats.rankdata, 0, scores)
    totals = ranks.sum(axis=1)
    s = float(((totals - totals.mean()) ** 2).sum())
    ties = 0.0
    for j in range(m):
        _, counts = np.unique(scores[:, j], return_counts=True)
        ties += float((counts**3 - counts).sum())
    denominator = m**2 * (n**3 - n) - m * ties
    if denominator <= 0:
        return math.nan
    return float(12.0 * s / denominator)


def icc_2_1(scores: np.ndarray) -> float:
    """ICC(2,1): two-way random effects, absolute agreement, single rater (Shrout & Fleiss 1979).

    `scores` is a complete block, targets (rows, n) x raters (columns, k).
    ICC = (BMS - EMS) / (BMS + (k - 1) EMS + k (JMS - EMS) / n). NaN when
    n < 2, k < 2 or the denominator is 0 (no variance at all).
    """
    n, k = scores.shape
    if n < 2 or k < 2:
        return math.nan
    grand = scores.mean()
    bms = k * ((scores.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    jms = n * ((scores.mean(axis=0) - grand) ** 2).sum() / (k - 1)
    total = ((scores - grand) ** 2).sum()
    ems = (total - bms * (n - 1) - jms * (k - 1)) / ((n - 1) * (k - 1))
    denominator = bms + (k - 1) * ems + k * (jms - ems) / n
    if not denominator > 1e-15:
        return math.nan
    return float((bms - ems) / denominator)


def _best_pair(rated: np.ndarray) -> tuple[int, list[int]]:
    """The cells (2 x shared dossiers) and the columns of the two jurors who rated the most dossiers in
    common, in a dossiers x jurors table of rated flags (the first such pair in column order; (0, []) with
    fewer than 2 jurors)."""
    if rated.shape[1] < 2:
        return 0, []
    flags = rated.astype(np.int64)
    shared = np.triu(flags.T @ flags, k=1)  # jurors x jurors: dossiers rated by both, each pair once
    first, second = np.unravel_index(int(np.argmax(shared)), shared.shape)
    return 2 * int(shared[first, second]), [int(first), int(second)]


def complete_block(table: pd.DataFrame) -> pd.DataFrame:
    """The largest complete dossier x juror block of a (possibly incomplete) table, found greedily.

    `table` is dossiers (rows) x jurors (columns) with NaN where a juror did
    not rate (recusal, absence). Starting with all jurors, the block is the
    dossiers rated by every remaining juror; one juror at a time is dropped,
    always the one whose removal leaves the most complete dossiers, and the
    step with the most cells (jurors x dossiers, at least 2 jurors) is kept.
    Every pair of jurors is tried too, and the pair sharing the most dossiers
    (the first in column order on a tie) is kept when it has more cells: with
    sparse ratings (each dossier read by 2 rapporteurs) no dossier is complete
    until 2 jurors remain, the greedy drops are then arbitrary and could end
    on a pair sharing fewer dossiers, or none. Ties keep more jurors. Returns
    an empty frame when no two jurors rated a dossier in common.
    """
    rated = table.notna().to_numpy()
    jurors = list(range(rated.shape[1]))
    best_cells, best_jurors = 0, []
    while len(jurors) >= 2:
        cells = int(rated[:, jurors].all(axis=1).sum()) * len(jurors)
        if cells > best_cells:
            best_cells, best_jurors = cells, list(jurors)
        if len(jurors) == 2:
            break
        kept = [rated[:, [j for j in jurors if j != drop]].all(axis=1).sum() for drop in jurors]
        jurors.pop(int(np.argmax(kept)))
    pair_cells, pair = _best_pair(rated)
    if pair_cells > best_cells:
        best_cells, best_jurors = pair_cells, pair
    if best_cells == 0:
        return table.iloc[0:0, 0:0]
    rows = cast(np.ndarray, rated[:, best_jurors].all(axis=1))  # a 2-d array: one flag per dossier
    return table.iloc[rows, best_jurors]


def _rated_by(table: pd.DataFrame, row: int) -> tuple[str, str, str]:
    """The juror, dossier and criterion of a row of the ratings table, as shown in messages."""
    return str(table.at[row, "juror"]), str(table.at[row, "dossier"]), str(table.at[row, "criterion"])


def _frame_with(value: object, subject: str, table: str, columns: tuple[str, ...], source: str = "") -> pd.DataFrame:
    """`value`, refused in French unless it is a DataFrame holding `columns` (`subject`: « Les notes
    doivent », `table`: « des notes », `source`: where such a table comes from)."""
    if not isinstance(value, pd.DataFrame):
        raise ScoringError(f"{subject} être un tableau (DataFrame), reçu {type(value).__name__}.")
    absent = [c for c in columns if c not in value.columns]
    if absent:
        raise ScoringError(
            f"Colonne absente du tableau {table} : {', '.join(absent)} "
            f"(attendu : {', '.join(columns)}{source})."
        )
    return value


def validate_ratings(ratings: pd.DataFrame) -> pd.DataFrame:
    """The long table of juror ratings, checked: the four columns, no empty id, every score a number
    on the 1-5 scale, one rating per (juror, dossier, criterion). Rows are renumbered 0..n-1 and
    messages name them from 1 (« Notes, ligne 1 … »); juror ids keep their type (1 and "1" differ)."""
    ratings = _frame_with(ratings, "Les notes doivent", "des notes", _COLUMNS)
    if ratings.empty:
        raise ScoringError("Le tableau des notes est vide.")
    table = ratings[list(_COLUMNS)].reset_index(drop=True)
    for column in ("juror", "dossier", "criterion"):
        missing = table[column].isna()
        if missing.any():
            row = int(np.flatnonzero(missing.to_numpy())[0])
            raise ScoringError(f"Notes, ligne {row + 1} : la colonne « {column} » est vide.")
    score = pd.to_numeric(table["score"], errors="coerce")
    bad = score.isna() | ~score.between(SCALE_MIN, SCALE_MAX)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        juror, dossier, criterion = _rated_by(table, row)
        raise ScoringError(
            f"Notes, ligne {row + 1} (juré « {juror} », dossier « {dossier} », critère « {criterion} ») : "
            f"la note doit être un nombre entre 1 et 5, reçu {shown(table.at[row, 'score'])}."
        )
    table = table.assign(score=score.astype(float))
    duplicated = table.duplicated(subset=["juror", "dossier", "criterion"], keep="first")
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        juror, dossier, criterion = _rated_by(table, row)
        raise ScoringError(
            f"Notes, ligne {row + 1} : le juré « {juror} » a déjà noté le dossier "
            f"« {dossier} » sur le critère « {criterion} »."
        )
    return table


def _severity_correction(table: pd.DataFrame, min_sample: int) -> tuple[pd.Series, dict[Any, str]]:
    """Per-juror z-scores mapped back to the 1-5 scale: z * sd_all + mean_all, clipped to [1, 5].

    mean_all and sd_all (ddof = 0) are those of every rating pooled. A juror
    with fewer than `min_sample` ratings, or whose ratings do not vary, keeps
    raw scores and is flagged.
    """
    pooled_mean = table["score"].mean()
    pooled_sd = table["score"].std(ddof=0)
    grouped = table.groupby("juror", sort=False)["score"]
    count = grouped.transform("size")
    mean = grouped.transform("mean")
    sd = grouped.transform(lambda s: s.std(ddof=0))
    flagged: dict[Any, str] = {}  # keyed by the juror id as given: 1 and "1" are two jurors
    for juror, n in table.groupby("juror", sort=False).size().items():
        if n < min_sample:
            flagged[juror] = (
                f"{n} note(s), moins que le minimum de {min_sample} : notes laissées telles quelles."
            )
    for juror, juror_sd in table.groupby("juror", sort=False)["score"].std(ddof=0).items():
        if juror not in flagged and not juror_sd > 0:
            flagged[juror] = "Toutes ses notes sont identiques : notes laissées telles quelles."
    keep_raw = (count < min_sample) | ~(sd > 0) | (pooled_sd == 0)
    z = (table["score"] - mean) / sd.where(sd > 0, 1.0)
    adjusted = (z * pooled_sd + pooled_mean).clip(SCALE_MIN, SCALE_MAX)
    return adjusted.where(~keep_raw, table["score"]), flagged


def _check_settings(method: object, min_sample: object, trim: object) -> None:
    """The aggregation method is known, ``min_sample`` an integer >= 2 and ``trim`` in [0, 0.5)."""
    if method not in AGGREGATION_METHODS:
        raise ScoringError(
            f"Méthode d'agrégation des notes inconnue : {shown(method)} (attendu : {', '.join(AGGREGATION_METHODS)})."
        )
    if isinstance(min_sample, bool) or not isinstance(min_sample, (int, np.integer)) or min_sample < 2:
        raise ScoringError(f"« min_sample » doit être un entier au moins égal à 2, reçu {shown(min_sample)}.")
    if isinstance(trim, bool) or not isinstance(trim, (int, float)) or not 0.0 <= trim < 0.5:
        raise ScoringError(f"« trim » doit être compris entre 0 et 0,5 (exclu), reçu {shown(trim)}.")


def _aggregated_values(table: pd.DataFrame, method: str, trim: float) -> pd.DataFrame:
    """Dossier x criterion frame of the aggregated ``adjusted_score`` (NaN where nobody rated)."""
    grouped = table.groupby(["dossier", "criterion"], sort=True)["adjusted_score"]
    if method == "mean":
        long = grouped.mean()
    elif method == "median":
        long = grouped.median()
    else:
        long = grouped.agg(lambda s: float(stats.trim_mean(s.to_numpy(), trim)))
    values = long.unstack("criterion")
    values.columns.name = "criterion"
    return values


def _spread_and_disagreement(table: pd.DataFrame, spread_threshold: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Dossier x criterion spread (max - min) of the raw scores, and the per-dossier disagreement flags."""
    raw = table.groupby(["dossier", "criterion"], sort=True)["score"]
    spread = (raw.max() - raw.min()).unstack("criterion")
    max_spread = spread.max(axis=1)
    over = spread.ge(spread_threshold)
    disagreement = pd.DataFrame(
        {
            "max_spread": max_spread,
            "criteria": [", ".join(str(c) for c in over.columns[row]) for row in over.to_numpy()],
            "flag": over.any(axis=1),
        },
        index=spread.index,
    )
    disagreement["share"] = _within_share(table).reindex(disagreement.index, fill_value=0.0)
    disagreement["contest_rank"] = _contest_rank(disagreement)
    return spread, disagreement


def _within_share(table: pd.DataFrame) -> pd.Series:
    """Per dossier, its share of the within-dossier sum of squares of the raw scores (0 when the total is 0).

    SS(d, c) = sum over the jurors who rated d on c of (score - their mean)^2;
    share_d = sum_c SS(d, c) / sum_{d, c} SS(d, c).
    """
    cell_mean = table.groupby(["dossier", "criterion"], sort=True)["score"].transform("mean")
    squares = (table["score"] - cell_mean) ** 2
    per_dossier = squares.groupby(table["dossier"], sort=True).sum().astype(float)
    total = float(per_dossier.sum())
    if not total > 0:
        return pd.Series(0.0, index=per_dossier.index, name="share")
    return (per_dossier / total).rename("share")


def _contest_rank(disagreement: pd.DataFrame) -> pd.Series:
    """1..n, 1 = most contested: max_spread descending, then share descending, then dossier id ascending."""
    keys = pd.DataFrame({
        "max_spread": disagreement["max_spread"].to_numpy(dtype=float),
        "share": disagreement["share"].round(_SHARE_DECIMALS).to_numpy(dtype=float),
        "dossier": disagreement.index.to_numpy(),
    })
    order = keys.sort_values(["max_spread", "share", "dossier"], ascending=[False, False, True],
                             kind="mergesort").index.to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(1, len(order) + 1, dtype=np.int64)
    return pd.Series(rank, index=disagreement.index, name="contest_rank")


def _check_contest_settings(disagreement: object, count: object, min_spread: object) -> pd.DataFrame:
    """`disagreement` holds the contest columns, `count` is None or an integer >= 0, `min_spread` finite >= 0."""
    frame = _frame_with(disagreement, "Le tableau des désaccords doit", "des désaccords", _CONTEST_COLUMNS,
                        ", tel que le donne aggregate_ratings")
    if count is not None and (
        isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 0
    ):
        raise ScoringError(
            f"« count » (nombre de dossiers) doit être un entier positif ou nul, ou None, reçu {shown(count)}."
        )
    if (
        isinstance(min_spread, bool)
        or not isinstance(min_spread, (int, float, np.integer, np.floating))
        or not math.isfinite(float(min_spread))
        or float(min_spread) < 0
    ):
        raise ScoringError(
            f"« min_spread » (écart minimal) doit être un nombre fini positif ou nul, reçu {shown(min_spread)}."
        )
    return frame


def most_contested(disagreement: pd.DataFrame, count: int | None = None, min_spread: float = 0.0) -> pd.DataFrame:
    """The most contested dossiers: rows of `disagreement` with ``max_spread >= min_spread``, by contest rank.

    `disagreement` is `RatingsResult.disagreement` (columns max_spread, share,
    contest_rank at least). Returns those rows sorted by ``contest_rank``
    (1 = most contested), the first `count` of them (all when None; none
    when 0), every column kept. Since the rank orders by max_spread first,
    the rows kept are the dossiers ranked 1..k. Raises `ScoringError` for a
    negative or non-integer `count` or a negative or non-finite `min_spread`.
    """
    frame = _check_contest_settings(disagreement, count, min_spread)
    reaching = frame[frame["max_spread"] >= float(min_spread)].sort_values("contest_rank", kind="mergesort")
    if count is None:
        return reaching
    return reaching.head(int(count))


def _agreement(table: pd.DataFrame) -> pd.DataFrame:
    """Per criterion: Kendall's W and ICC(2,1) of the raw scores on the largest complete block, and its size."""
    rows = []
    for criterion, part in table.groupby("criterion", sort=True):
        wide = part.pivot(index="dossier", columns="juror", values="score")
        block = complete_block(wide)
        scores = block.to_numpy(dtype=float)
        rows.append(
            {
                "criterion": criterion,
                "kendall_w": kendall_w(scores) if scores.size else math.nan,
                "icc": icc_2_1(scores) if scores.size else math.nan,
                "jurors": int(block.shape[1]),
                "dossiers": int(block.shape[0]),
            }
        )
    return pd.DataFrame(rows).set_index("criterion")


def aggregate_ratings(
    ratings: pd.DataFrame,
    method: str = "mean",
    zscore: bool = False,
    min_sample: int = 5,
    trim: float = 0.1,
    spread_threshold: float = 2.0,
) -> RatingsResult:
    """Aggregate juror ratings into one value per dossier x criterion, with agreement statistics.

    `ratings`: long table with columns juror, dossier, criterion, score (1-5),
    one row per (juror, dossier, criterion). `method`: ``mean``, ``median``
    or ``trimmed_mean`` (scipy's trim_mean cutting `trim` of each tail, i.e.
    int(trim * count) ratings; with fewer than 1/trim ratings it is the mean).
    `zscore`: correct severity per juror first (see `_severity_correction`;
    jurors with fewer than `min_sample` ratings are flagged and left raw).
    Agreement per criterion is computed on the raw scores of the largest
    complete dossier x juror block (`complete_block`). A dossier is flagged
    for discussion when, on some criterion, max - min of the raw scores is at
    least `spread_threshold`.
    """
    _check_settings(method, min_sample, trim)
    table = validate_ratings(ratings)
    flagged: dict[str, str] = {}
    if zscore:
        adjusted_score, flagged = _severity_correction(table, int(min_sample))
    else:
        adjusted_score = table["score"]
    table = table.assign(adjusted_score=adjusted_score)
    values = _aggregated_values(table, method, trim)
    spread, disagreement = _spread_and_disagreement(table, spread_threshold)
    agreement = _agreement(table)
    return RatingsResult(
        values=values,
        adjusted=table,
        flagged_jurors=flagged,
        kendall_w=agreement["kendall_w"].rename("kendall_w"),
        icc=agreement["icc"].rename("icc"),
        agreement=agreement,
        spread=spread,
        disagreement=disagreement,
    )
