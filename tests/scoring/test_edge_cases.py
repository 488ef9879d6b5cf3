"""Engine edge cases: a tie at the top-N boundary, near-tie groups, the juror bootstrap's checks,
shortlist ties outside the plain top N, juror ids of different types and plain numbers in messages."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scoring import ScoringError, aggregate_ratings, rank, sensitivity, shortlist
from scoring.cli import main
from scoring.methods import rank_scores

sensitivity_module = sys.modules["scoring.sensitivity"]

# Min-max values: A (1, 1), B (5/7, 3/7), C (4/7, 0), D (0, 4/7). At equal weights C and D tie
# for the 3rd place; any other weight of c0 separates them.
TIE_MATRIX = pd.DataFrame(
    {"c0": [10.0, 8.0, 7.0, 3.0], "c1": [10.0, 6.0, 3.0, 7.0]}, index=pd.Index(["A", "B", "C", "D"], name="id")
)
TIE_SPEC: dict[str, Any] = {
    "method": "wsm",
    "criteria": [
        {"id": "c0", "direction": "max", "weight": 0.5},
        {"id": "c1", "direction": "max", "weight": 0.5},
    ],
}


# --------------------------------------------------------------------------- a tie at the boundary


def test_a_tie_at_the_boundary_is_not_reported_fully_stable() -> None:
    result = sensitivity(TIE_MATRIX, TIE_SPEC, samples=200, seed=1, top=3)
    for criterion in ("c0", "c1"):
        low, high = result.stability.loc[criterion, ["low", "high"]]
        assert 0.49 <= low <= 0.5 <= high <= 0.51, (criterion, low, high)
    # Independently: a weight change of 0.01 changes the top 3.
    moved = {**TIE_SPEC, "criteria": [{**TIE_SPEC["criteria"][0], "weight": 0.51},
                                      {**TIE_SPEC["criteria"][1], "weight": 0.49}]}
    ranks = rank(TIE_MATRIX, moved).ranks
    assert sorted(ranks[ranks <= 3].index) == ["A", "B", "C"]


def test_current_top_longer_than_top_says_the_boundary_is_tied() -> None:
    tied = sensitivity(TIE_MATRIX, TIE_SPEC, samples=50, seed=1, top=3)
    assert tied.current_top == ("A", "B", "C", "D")
    assert tied.boundary_tie == ("C", "D")
    assert tied.to_dict()["boundary_tie"] == ["C", "D"]
    plain = sensitivity(TIE_MATRIX, TIE_SPEC, samples=50, seed=1, top=2)
    assert plain.current_top == ("A", "B")
    assert plain.boundary_tie == ()


def test_everyone_in_the_top_is_stable_only_when_top_covers_everyone() -> None:
    result = sensitivity(TIE_MATRIX, TIE_SPEC, samples=50, seed=1, top=4)
    assert result.stability[["low", "high"]].to_numpy().tolist() == [[0.0, 1.0], [0.0, 1.0]]
    assert result.stability_method == "exact"
    assert result.boundary_tie == ()


def test_sensitivity_cli_on_the_tie_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    matrix = tmp_path / "M.csv"
    spec = tmp_path / "spec.json"
    TIE_MATRIX.to_csv(matrix)
    spec.write_text(json.dumps(TIE_SPEC), encoding="utf-8")
    code = main(["sensitivity", "--matrix", str(matrix), "--spec", str(spec), "--top", "3",
                 "--samples", "100", "--seed", "1"])
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    low, high = payload["stability"]["c0"]
    assert 0.49 <= low <= 0.5 <= high <= 0.51
    assert payload["boundary_tie"] == ["C", "D"]


# --------------------------------------------------------------------------- near ties do not chain


# Gaps of 0.6e-12, below the 1e-12 tolerance, over a span of 3e-12: a group holds the scores
# within the tolerance of its first (best) score, so the six values make three groups of two.
NEAR_TIES = 1.0 - np.arange(6) * 0.6e-12
NEAR_TIE_RANKS = [1, 1, 3, 3, 5, 5]


def test_near_tie_groups_do_not_chain_in_rank_scores() -> None:
    assert rank_scores(NEAR_TIES, True, atol=1e-12).tolist() == NEAR_TIE_RANKS
    assert rank_scores(-NEAR_TIES, False, atol=1e-12).tolist() == NEAR_TIE_RANKS
    batch = np.vstack([NEAR_TIES, NEAR_TIES[::-1]])
    assert rank_scores(batch, True, atol=1e-12).tolist() == [NEAR_TIE_RANKS, NEAR_TIE_RANKS[::-1]]


def test_near_tie_groups_do_not_chain_in_the_monte_carlo_ranks() -> None:
    batch = np.vstack([NEAR_TIES, NEAR_TIES[::-1], np.arange(6.0)])
    ranks = sensitivity_module._ranks(batch)
    assert ranks.tolist() == [NEAR_TIE_RANKS, NEAR_TIE_RANKS[::-1], [6, 5, 4, 3, 2, 1]]


def test_near_tie_groups_do_not_chain_in_rank() -> None:
    values = np.concatenate((NEAR_TIES, [0.0]))
    matrix = pd.DataFrame({"c": values}, index=[f"A{i}" for i in range(7)])
    spec = {"method": "wsm", "criteria": [{"id": "c", "direction": "max", "weight": 1}]}
    assert rank(matrix, spec).ranks.tolist() == [*NEAR_TIE_RANKS, 7]


# --------------------------------------------------------------------------- the juror bootstrap


def bootstrap_case(scores: list[Any], jurors: list[Any] | None = None) -> tuple[pd.DataFrame, dict[str, Any],
                                                                                pd.DataFrame]:
    """Two dossiers rated on one criterion by the given jurors, in the order d1, d2 per juror."""
    jurors = jurors or ["j1", "j1", "j2", "j2"]
    ratings = pd.DataFrame({"juror": jurors, "dossier": ["d1", "d2"] * (len(jurors) // 2),
                            "criterion": "c", "score": scores})
    matrix = pd.DataFrame({"c": [3.0, 3.0]}, index=["d1", "d2"])
    spec = {"method": "wsm", "criteria": [{"id": "c", "direction": "max", "weight": 1}]}
    return matrix, spec, ratings


@pytest.mark.parametrize(("scores", "line", "value"), [
    ([50, 2, 3, 4], "ligne 1", "50"),
    ([2, -7, 3, 4], "ligne 2", "-7"),
    ([2, 3, 4, 5.5], "ligne 4", "5.5"),
])
def test_the_bootstrap_refuses_ratings_off_the_scale(scores: list[Any], line: str, value: str) -> None:
    matrix, spec, ratings = bootstrap_case(scores)
    with pytest.raises(ScoringError) as caught:
        sensitivity(matrix, spec, samples=10, top=1, ratings=ratings, bootstrap_jurors=True)
    message = str(caught.value)
    assert line in message and value in message and "entre 1 et 5" in message, message


def test_the_bootstrap_numbers_rows_from_one() -> None:
    matrix, spec, ratings = bootstrap_case(["beaucoup", 2, 3, 4])
    with pytest.raises(ScoringError, match=r"ligne 1\b") as caught:
        sensitivity(matrix, spec, samples=10, top=1, ratings=ratings, bootstrap_jurors=True)
    assert "« 0 »" not in str(caught.value)


def test_the_bootstrap_keeps_jurors_of_different_types_apart() -> None:
    # Juror 1 prefers d1, juror "1" prefers d2. Merged, every draw averages them into a tie
    # (both always first); apart, d1 is first alone in a quarter of the draws.
    matrix, spec, ratings = bootstrap_case([5, 1, 1, 5], jurors=[1, 1, "1", "1"])
    result = sensitivity(matrix, spec, samples=4000, seed=3, top=1, ratings=ratings, bootstrap_jurors=True)
    first_alone = result.rank_acceptability.loc["d2", 2]
    assert first_alone == pytest.approx(0.25, abs=0.03)


def test_aggregate_ratings_flags_jurors_of_different_types_apart() -> None:
    rows = [(1, f"d{k}", "c", 1 + k % 5) for k in range(3)]  # too few ratings
    rows += [("1", f"d{k}", "c", 3) for k in range(6)]  # all identical
    rows += [("j", f"d{k}", "c", 1 + k % 5) for k in range(6)]
    ratings = pd.DataFrame(rows, columns=["juror", "dossier", "criterion", "score"])
    flagged = aggregate_ratings(ratings, zscore=True).flagged_jurors
    assert set(flagged) == {1, "1"}
    assert "moins que le minimum" in flagged[1]
    assert "identiques" in flagged["1"]


# --------------------------------------------------------------------------- shortlist ties


@pytest.mark.parametrize("seed", range(6))
def test_ties_outside_the_top_n_are_broken_by_input_order(seed: int) -> None:
    ids = ["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"]
    scores = pd.Series([0.9, 0.8, 0.7, 0.6, 0.5, 0.5, 0.5, 0.5], index=ids)
    attributes = pd.DataFrame({"region": ["A"] * 4 + ["B"] * 4}, index=ids)
    order = np.random.default_rng(seed).permutation(len(ids))
    scores, attributes = scores.iloc[order], attributes.iloc[order]
    result = shortlist(scores, attributes, 3, {"min_per_group": {"region": 1}})
    first_b = next(i for i in scores.index if i.startswith("b"))
    assert sorted(result.selected) == sorted(["a1", "a2", first_b])


# --------------------------------------------------------------------------- plain numbers in messages


@pytest.mark.parametrize("call", [
    lambda: sensitivity(TIE_MATRIX, TIE_SPEC, samples=10, top=np.int64(-3)),
    lambda: shortlist(pd.Series([1.0, 2.0], index=["a", "b"]), pd.DataFrame({"r": ["x", "y"]}, index=["a", "b"]),
                      1, {"min_per_group": {"r": np.int64(-3)}}),
    lambda: shortlist(pd.Series([1.0, 2.0], index=["a", "b"]), pd.DataFrame({"r": [1, 0]}, index=["a", "b"]),
                      1, {"min_share": {"r": np.float64(-3)}}),
])
def test_messages_print_plain_numbers(call: Any) -> None:
    with pytest.raises(ScoringError) as caught:
        call()
    message = str(caught.value)
    assert "-3" in message and "np." not in message, message
