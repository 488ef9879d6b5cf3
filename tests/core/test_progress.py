"""Tests of `dashboard.core.progress`: complete readings, each juror's progress, the dossiers read too little."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from dashboard.core.progress import (
    PROGRESS_COLUMNS,
    UNDER_READ_COLUMNS,
    complete_readings,
    juror_progress,
    under_read,
)

CRITERIA = ["J01", "J02"]
JURORS = pd.DataFrame({"juror_id": ["A", "B", "C", "D"], "name": ["Ana", "Bruno", "Chloé", "Denis"]})
NAMES = dict(zip(JURORS["juror_id"], JURORS["name"], strict=True))


def ratings(*rows: tuple[str, str, str, int, bool]) -> pd.DataFrame:
    """The store's ratings frame from (juror, dossier, criterion, minute of 1 Dec 2026 at 10:00, counts)."""
    return pd.DataFrame({
        "juror_id": [r[0] for r in rows],
        "dossier_id": [r[1] for r in rows],
        "criterion_id": [r[2] for r in rows],
        "score": 3,
        "rated_at": [datetime(2026, 12, 1, 10, r[3]) for r in rows],
        "counts": [r[4] for r in rows],
    })


def full(juror: str, dossier: str, minute: int = 0, counts: bool = True) -> list[tuple[str, str, str, int, bool]]:
    """A complete reading: every criterion of CRITERIA."""
    return [(juror, dossier, c, minute, counts) for c in CRITERIA]


def row(progress: pd.DataFrame, juror: str, *columns: str) -> list[int]:
    """The juror's counts in `columns`."""
    return [int(v) for v in progress.loc[[juror], list(columns)].to_numpy()[0]]


def rapporteurs(*pairs: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"dossier_id": [d for d, _ in pairs], "juror_id": [j for _, j in pairs],
                         "juror_name": [NAMES[j] for _, j in pairs]})


# A reads D1 and D2 fully; B reads D1 fully, D2 on one criterion only; C's reading of D3 is discounted
# (C recused after rating), C also rates a criterion outside the jury's; D rates nothing.
RATINGS = ratings(
    *full("A", "D1", 1), *full("A", "D2", 7),
    *full("B", "D1", 3), ("B", "D2", "J01", 9, True),
    *full("C", "D3", 5, counts=False), ("C", "D1", "X01", 2, True),
)
PLAN = rapporteurs(("D1", "A"), ("D1", "B"), ("D2", "B"), ("D2", "C"), ("D3", "C"), ("D3", "D"))


def test_a_reading_is_complete_when_every_counted_criterion_is_rated() -> None:
    pairs = complete_readings(RATINGS, CRITERIA)
    assert list(zip(pairs["dossier_id"], pairs["juror_id"], strict=True)) == [("D1", "A"), ("D1", "B"), ("D2", "A")]
    assert complete_readings(RATINGS, []).empty                  # no jury criterion: nothing is complete
    assert complete_readings(RATINGS.iloc[0:0], CRITERIA).empty
    # The criterion outside the jury's does not make C's reading of D1 complete, nor block one.
    assert list(complete_readings(RATINGS, ["X01"])["juror_id"]) == ["C"]


def test_each_juror_has_their_assigned_complete_and_missing_dossiers() -> None:
    progress = juror_progress(RATINGS, PLAN, JURORS, CRITERIA)
    assert list(progress.columns) == list(PROGRESS_COLUMNS)
    assert sorted(progress.index) == sorted(JURORS["juror_id"])
    assert progress["name"].to_dict() == NAMES
    assigned = PLAN.groupby("juror_id").size()
    assert progress["assigned"].to_dict() == {j: int(assigned.get(j, 0)) for j in JURORS["juror_id"]}
    # B is rapporteur of D1 (complete) and D2 (one criterion out of two).
    assert row(progress, "B", "assigned", "complete", "missing") == [2, 1, 1]
    # C's ratings of D3 no longer count: C has completed nothing.
    assert row(progress, "C", "assigned", "complete", "missing", "complete_total") == [2, 0, 2, 0]
    # A completed D2 without being its rapporteur: counted overall, not among the assigned.
    assert row(progress, "A", "assigned", "complete", "missing", "complete_total") == [1, 1, 0, 2]
    assert (progress["missing"] == progress["assigned"] - progress["complete"]).all()


def test_the_last_activity_is_the_latest_rating_of_the_juror() -> None:
    progress = juror_progress(RATINGS, PLAN, JURORS, CRITERIA)
    latest = RATINGS.groupby("juror_id")["rated_at"].max()
    for juror in ("A", "B", "C"):   # C's discounted ratings are still activity
        assert progress.at[juror, "last_activity"] == latest[juror]
    assert progress["last_activity"].isna().to_dict() == {"A": False, "B": False, "C": False, "D": True}


def test_the_most_behind_come_first() -> None:
    progress = juror_progress(RATINGS, PLAN, JURORS, CRITERIA)
    assert progress["missing"].is_monotonic_decreasing
    assert progress.index[0] == "C"                         # 2 missing
    assert progress.index[-1] == "A"                        # nothing missing, the most read overall


def test_without_rapporteurs_every_juror_is_assigned_nothing() -> None:
    progress = juror_progress(RATINGS, PLAN.iloc[0:0], JURORS, CRITERIA)
    assert (progress[["assigned", "complete", "missing"]] == 0).all().all()
    assert progress["complete_total"].to_dict() == {"A": 2, "B": 1, "C": 0, "D": 0}
    assert progress["complete_total"].is_monotonic_increasing   # the least read first
    empty = juror_progress(RATINGS.iloc[0:0], PLAN, JURORS, CRITERIA)
    assert (empty["complete"] == 0).all() and empty["last_activity"].isna().all()
    assert (empty["missing"] == empty["assigned"]).all()


def test_under_read_dossiers_have_fewer_complete_readings_than_k() -> None:
    short = under_read(RATINGS, PLAN, CRITERIA, 2)
    assert list(short.columns) == list(UNDER_READ_COLUMNS)
    # D1 has two complete readings (A, B); D2 one (A, who is not its rapporteur); D3 none (C's discounted).
    assert short.index.tolist() == ["D3", "D2"]
    assert short["complete"].tolist() == [0, 1]
    assert short.loc["D2", "rapporteurs"] == "Bruno, Chloé"
    assert short.loc["D2", "waiting"] == "Bruno, Chloé"
    assert short.loc["D3", "waiting"] == "Chloé, Denis"
    assert under_read(RATINGS, PLAN, CRITERIA, 1).index.tolist() == ["D3"]
    assert under_read(RATINGS, PLAN, CRITERIA, 3).index.tolist() == ["D3", "D2", "D1"]
    assert under_read(RATINGS, PLAN, CRITERIA, 3).loc["D1", "waiting"] == ""   # both rapporteurs have read it


def test_under_read_lists_only_dossiers_with_rapporteurs() -> None:
    assert under_read(RATINGS, PLAN.iloc[0:0], CRITERIA, 2).empty
    only_d1 = under_read(RATINGS.iloc[0:0], PLAN[PLAN["dossier_id"] == "D1"], CRITERIA, 2)
    assert only_d1.index.tolist() == ["D1"] and only_d1.loc["D1", "complete"] == 0
