"""Calibration: how a juror uses the 1–5 scale beside the rest of the panel, per jury criterion.

This module owns the figures of the « Votre usage de l'échelle (calibrage) » strip of /notation and
their French display. Its input is what `Store.calibration_scores` returns: one row per counted jury
score of the call (``criterion_id``, ``score``, ``own``), ``own`` true for the acting juror's scores.

Conventions:

* the juror is compared with **the panel = the other jurors** (every counted score whose ``own`` is
  false), never with a panel that holds the juror's own scores;
* the spread is the **population standard deviation** (``ddof=0``): it describes the scores given,
  and is 0 (not undefined) for a single score;
* the difference is the juror's mean minus the panel's (positive: the juror rates higher);
* the shares of 1s and of 5s are out of the scores given on the criterion;
* a side with no score on a criterion has a count of 0 and no mean, spread or share (NaN, shown « – »).

Pure pandas: no Streamlit, no database.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dashboard.core.formatting import fr_number, fr_percent, is_missing
from dashboard.core.views import signed

NO_SCORES = "Pas encore de notes"
LOWEST, HIGHEST = 1, 5
SIDES = {"own": True, "panel": False}
STATISTICS = ("count", "mean", "spread", "ones", "fives")
# The numeric columns of `calibration_stats`, in their order.
STAT_COLUMNS = [f"{side}_{stat}" for side in SIDES for stat in STATISTICS] + ["difference"]
# The French display: column of `calibration_stats` → label and decimals (None: a share).
DISPLAY: dict[str, tuple[str, int | None]] = {
    "own_count": ("Vos notes", 0),
    "own_mean": ("Votre moyenne", 2),
    "panel_mean": ("Moyenne du jury", 2),
    "difference": ("Écart (vous − jury)", 2),
    "own_spread": ("Votre dispersion", 2),
    "panel_spread": ("Dispersion du jury", 2),
    "own_ones": ("Vos 1", None),
    "panel_ones": ("1 du jury", None),
    "own_fives": ("Vos 5", None),
    "panel_fives": ("5 du jury", None),
    "panel_count": ("Notes du jury", 0),
}
CRITERION = "Critère"


def _side_stats(scores: pd.Series) -> dict[str, float]:
    """Count, mean, population standard deviation and shares of 1s and 5s of one side's scores."""
    values = pd.to_numeric(scores, errors="coerce").dropna().astype(float)
    if values.empty:
        return {"count": 0.0, "mean": float("nan"), "spread": float("nan"), "ones": float("nan"),
                "fives": float("nan")}
    return {"count": float(len(values)), "mean": float(values.mean()), "spread": float(values.std(ddof=0)),
            "ones": float((values == LOWEST).mean()), "fives": float((values == HIGHEST).mean())}


def calibration_stats(scores: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """One row per criterion of `labels` (in its order, indexed by criterion id): the juror's and
    the panel's count, mean, spread, shares of 1s and 5s (`STAT_COLUMNS`), and the difference of
    means. Scores on a criterion outside `labels` are left out."""
    scores = scores.reindex(columns=["criterion_id", "score", "own"])
    criteria, own = scores["criterion_id"].astype(str), scores["own"].eq(True)
    rows = {}
    for criterion in labels:
        row = {}
        for side, is_own in SIDES.items():
            side_scores = scores.loc[(criteria == criterion) & (own == is_own), "score"]
            row.update({f"{side}_{stat}": value for stat, value in _side_stats(side_scores).items()})
        row["difference"] = row["own_mean"] - row["panel_mean"]
        rows[criterion] = row
    stats = pd.DataFrame.from_dict(rows, orient="index", columns=STAT_COLUMNS).astype(float)
    stats.index.name = "criterion_id"
    for side in SIDES:
        stats[f"{side}_count"] = stats[f"{side}_count"].astype(int)
    return stats


def has_own_scores(scores: pd.DataFrame) -> bool:
    """Whether the juror has given at least one counted score."""
    return "own" in scores and bool(scores["own"].eq(True).any())


def _shown(column: str, value: float) -> str:
    """One figure the French way: a count, a mean or spread, a signed difference, or a share."""
    _, decimals = DISPLAY[column]
    if is_missing(value):
        return "–"
    if decimals is None:
        return fr_percent(value)
    if column == "difference":
        return signed(value, decimals)
    return fr_number(value, decimals)


def calibration_table(scores: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """The strip ready to show: « Critère » (« id — label ») then the French columns of `DISPLAY`,
    one row per criterion of `labels`, every figure as French text. Empty (no row) when the juror
    has no score yet: the page says `NO_SCORES` instead."""
    columns = [CRITERION] + [label for label, _ in DISPLAY.values()]
    if not has_own_scores(scores):
        return pd.DataFrame(columns=columns)
    stats = calibration_stats(scores, labels)
    table = pd.DataFrame({CRITERION: [f"{c} — {labels[c]}" for c in stats.index]})
    for column, (label, _) in DISPLAY.items():
        table[label] = [_shown(column, v) for v in stats[column]]
    return table[columns]
