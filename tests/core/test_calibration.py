"""The calibration strip's figures, on a frame small enough to check by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard.core.calibration import NO_SCORES, calibration_stats, calibration_table, has_own_scores

LABELS = {"J02": "Partenariats", "J01": "Concept", "J03": "Budget"}   # not in id order: the order is kept


def _scores() -> pd.DataFrame:
    """J01: the juror gives 1, 5, 3 and the others 2, 4, 4; J02: the juror 5, the others 5, 1; J03:
    the others only; J09 (not a criterion of the strip): the juror 1."""
    rows = [("J01", 1, True), ("J01", 5, True), ("J01", 3, True), ("J01", 2, False), ("J01", 4, False),
            ("J01", 4, False), ("J02", 5, True), ("J02", 5, False), ("J02", 1, False), ("J03", 3, False),
            ("J09", 1, True)]
    return pd.DataFrame(rows, columns=["criterion_id", "score", "own"])


def test_the_juror_is_set_beside_the_other_jurors_criterion_by_criterion() -> None:
    stats = calibration_stats(_scores(), LABELS)
    assert list(stats.index) == ["J02", "J01", "J03"]
    j01 = stats.loc["J01"]
    assert j01["own_count"] == 3 and j01["panel_count"] == 3
    assert j01["own_mean"] == pytest.approx(3.0)
    assert j01["panel_mean"] == pytest.approx(10 / 3)   # the juror's scores are not in the panel's
    assert j01["difference"] == pytest.approx(3.0 - 10 / 3)
    assert j01["own_spread"] == pytest.approx(math.sqrt(8 / 3))   # population sd of 1, 5, 3
    assert j01["panel_spread"] == pytest.approx(math.sqrt(8 / 9))  # population sd of 2, 4, 4
    assert j01["own_ones"] == pytest.approx(1 / 3) and j01["own_fives"] == pytest.approx(1 / 3)
    assert j01["panel_ones"] == 0 and j01["panel_fives"] == 0
    j02 = stats.loc["J02"]
    assert (j02["own_count"], j02["own_mean"], j02["own_spread"]) == (1, 5.0, 0.0)   # one score: spread 0
    assert (j02["panel_mean"], j02["panel_spread"]) == (3.0, 2.0)
    assert (j02["own_ones"], j02["own_fives"], j02["panel_ones"], j02["panel_fives"]) == (0.0, 1.0, 0.5, 0.5)
    assert j02["difference"] == 2.0


def test_a_criterion_the_juror_has_not_rated_has_no_figures_of_theirs() -> None:
    j03 = calibration_stats(_scores(), LABELS).loc["J03"]
    assert j03["own_count"] == 0 and j03["panel_count"] == 1 and j03["panel_mean"] == 3.0
    assert all(pd.isna(j03[c]) for c in ("own_mean", "own_spread", "own_ones", "own_fives", "difference"))


def test_the_table_speaks_french() -> None:
    table = calibration_table(_scores(), LABELS).set_index("Critère")
    assert list(table.index) == ["J02 — Partenariats", "J01 — Concept", "J03 — Budget"]
    assert list(table.columns) == ["Vos notes", "Votre moyenne", "Moyenne du jury", "Écart (vous − jury)",
                                   "Votre dispersion", "Dispersion du jury", "Vos 1", "1 du jury", "Vos 5",
                                   "5 du jury", "Notes du jury"]
    j01 = table.loc["J01 — Concept"]
    assert (j01["Vos notes"], j01["Votre moyenne"], j01["Moyenne du jury"]) == ("3", "3,00", "3,33")
    assert j01["Écart (vous − jury)"] == "\u22120,33"   # typographic minus
    assert (j01["Votre dispersion"], j01["Dispersion du jury"]) == ("1,63", "0,94")
    assert (j01["Vos 1"], j01["1 du jury"], j01["Vos 5"], j01["5 du jury"]) == (
        "33\u00a0%", "0\u00a0%", "33\u00a0%", "0\u00a0%")
    j02 = table.loc["J02 — Partenariats"]
    assert (j02["Écart (vous − jury)"], j02["Vos 5"], j02["5 du jury"]) == ("+2,00", "100\u00a0%", "50\u00a0%")
    j03 = table.loc["J03 — Budget"]
    assert (j03["Vos notes"], j03["Votre moyenne"], j03["Écart (vous − jury)"], j03["Vos 1"]) == ("0", "–", "–", "–")
    assert j03["Moyenne du jury"] == "3,00"


@pytest.mark.parametrize("scores", [
    pd.DataFrame(columns=["criterion_id", "score", "own"]),
    pd.DataFrame({"criterion_id": ["J01", "J02"], "score": [3, 4], "own": [False, False]}),   # others only
    pd.DataFrame(),
])
def test_no_score_of_the_juror_gives_no_table(scores: pd.DataFrame) -> None:
    assert not has_own_scores(scores)
    table = calibration_table(scores, LABELS)
    assert table.empty and list(table.columns)[:2] == ["Critère", "Vos notes"]
    assert NO_SCORES == "Pas encore de notes"
    stats = calibration_stats(scores, LABELS)
    assert list(stats.index) == list(LABELS) and (stats["own_count"] == 0).all()
    assert stats["own_mean"].isna().all()
