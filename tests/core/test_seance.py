"""The séance's pure rules (`dashboard.core.seance`): quorums of the séance and of a dossier,
their French sentences, and the opening agenda built from the real `scoring` contest order.

Every expected value below is computed by hand in the comments."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pandas as pd
import pytest

import scoring
from dashboard.core import seance
from dashboard.core.seance import (
    AGENDA_REASONS,
    BOUNDARY_WIDTH,
    CONTESTED_COUNT,
    AgendaLine,
    Quorum,
    build_agenda,
    dossier_quorum,
    seance_quorum,
)

NBSP = "\u00a0"  # before « % » (fr_percent)
JURORS = ("J1", "J2", "J3")


# --------------------------------------------------------------------------- quorum


@pytest.mark.parametrize(
    ("present", "expected", "needed", "reached"),
    [
        (6, 9, 5, True),   # 9 // 2 + 1 = 5
        (5, 9, 5, True),   # 5 of 9 is more than half
        (4, 9, 5, False),
        (4, 8, 5, False),  # exactly half is not more than half
        (5, 8, 5, True),
        (1, 2, 2, False),  # half of 2
        (2, 2, 2, True),
        (1, 1, 1, True),
        (0, 1, 1, False),
        (7, 7, 4, True),
        (3, 7, 4, False),
        (0, 0, 1, False),  # nobody expected: never reached
    ],
)
def test_quorum_needed_and_reached(present: int, expected: int, needed: int, reached: bool) -> None:
    quorum = Quorum(present, expected)
    assert quorum.needed == needed
    assert quorum.reached is reached


def test_quorum_with_nobody_expected_is_never_reached_even_with_people_present() -> None:
    assert Quorum(0, 0).reached is False
    assert Quorum(3, 0).reached is False


def test_quorum_is_frozen() -> None:
    quorum = Quorum(6, 9)
    with pytest.raises(dataclasses.FrozenInstanceError):
        quorum.present = 7  # type: ignore[misc]


def test_quorum_sentence_plural_reached() -> None:
    assert Quorum(6, 9).sentence("de la séance") == "Quorum de la séance atteint : 6 présents sur 9 (5 requis)."


def test_quorum_sentence_not_reached() -> None:
    assert Quorum(4, 8).sentence("de la séance") == "Quorum de la séance non atteint : 4 présents sur 8 (5 requis)."


def test_quorum_sentence_singular_for_one_and_zero() -> None:
    assert Quorum(1, 1).sentence("du dossier") == "Quorum du dossier atteint : 1 présent sur 1 (1 requis)."
    assert Quorum(1, 3).sentence("du dossier") == "Quorum du dossier non atteint : 1 présent sur 3 (2 requis)."
    assert Quorum(0, 0).sentence("de la séance") == "Quorum de la séance non atteint : 0 présent sur 0 (1 requis)."


def test_quorum_sentence_two_present_is_plural() -> None:
    assert Quorum(2, 3).sentence("de la séance") == "Quorum de la séance atteint : 2 présents sur 3 (2 requis)."


def test_seance_quorum_counts_present_jurors_of_the_call() -> None:
    call = [f"j{i}" for i in range(1, 10)]  # 9 jurors
    quorum = seance_quorum(["j1", "j2", "j3", "j4", "j5", "j6"], call)
    assert quorum == Quorum(6, 9)
    assert quorum.reached
    assert quorum.sentence("de la séance") == "Quorum de la séance atteint : 6 présents sur 9 (5 requis)."


def test_seance_quorum_ignores_present_people_outside_the_call() -> None:
    call = [f"j{i}" for i in range(1, 9)]  # 8 jurors
    # 4 of the call present, plus 2 people who are not jurors of the call: 4 of 8, not reached.
    quorum = seance_quorum(["j1", "j2", "j3", "j4", "guest", "observer"], call)
    assert (quorum.present, quorum.expected) == (4, 8)
    assert quorum.needed == 5
    assert not quorum.reached


def test_seance_quorum_counts_each_juror_once() -> None:
    # Duplicates on either side are one person: 2 present of 3 jurors.
    quorum = seance_quorum(iter(["a", "a", "b"]), iter(["a", "b", "c", "c"]))
    assert quorum == Quorum(2, 3)
    assert quorum.reached


def test_seance_quorum_of_an_empty_call() -> None:
    quorum = seance_quorum(["a"], [])
    assert quorum == Quorum(0, 0)
    assert not quorum.reached


def test_dossier_quorum_removes_recused_jurors_from_both_sides() -> None:
    call = [f"j{i}" for i in range(1, 10)]  # 9 jurors
    # j1, j2 recused → 7 sitting; present j1 (recused), j3, j4, j5 → 3 of 7, needed 7 // 2 + 1 = 4.
    quorum = dossier_quorum(["j1", "j3", "j4", "j5"], call, ["j1", "j2"])
    assert (quorum.present, quorum.expected, quorum.needed) == (3, 7, 4)
    assert not quorum.reached
    assert quorum.sentence("du dossier") == "Quorum du dossier non atteint : 3 présents sur 7 (4 requis)."
    # The séance itself has 4 of 9: not reached either, but with a different count.
    assert seance_quorum(["j1", "j3", "j4", "j5"], call) == Quorum(4, 9)


def test_dossier_quorum_reached_once_enough_non_recused_jurors_are_present() -> None:
    call = [f"j{i}" for i in range(1, 10)]
    quorum = dossier_quorum(["j1", "j3", "j4", "j5", "j6"], call, ["j1", "j2"])
    assert quorum == Quorum(4, 7)
    assert quorum.reached


def test_dossier_quorum_recusal_can_reach_a_quorum_the_seance_misses() -> None:
    call = [f"j{i}" for i in range(1, 9)]  # 8 jurors; 4 present: séance not reached
    present = ["j1", "j2", "j3", "j4"]
    assert not seance_quorum(present, call).reached
    # j7, j8 (absent) recused → 6 sitting, 4 present of them, needed 4: reached.
    quorum = dossier_quorum(present, call, ["j7", "j8"])
    assert quorum == Quorum(4, 6)
    assert quorum.reached


def test_dossier_quorum_ignores_recused_people_outside_the_call_and_present_guests() -> None:
    call = [f"j{i}" for i in range(1, 10)]
    quorum = dossier_quorum(["j1", "j2", "guest"], call, ["stranger"])
    assert quorum == Quorum(2, 9)


def test_dossier_quorum_when_every_juror_is_recused() -> None:
    quorum = dossier_quorum(["a", "b"], ["a", "b"], ["a", "b"])
    assert quorum == Quorum(0, 0)
    assert not quorum.reached


# --------------------------------------------------------------------------- agenda: a small case

# Three jurors, two criteria. Per dossier and criterion, the raw scores of J1, J2, J3, their
# spread (max − min) and within sum of squares SS = Σ (score − mean)²:
#   d03  C1 1 5 3 (spread 4, SS 8)        C2 3 3 3 (0, 0)          max 4, criteria "C1",     SS 8
#   d07  C1 2 4 3 (spread 2, SS 2)        C2 1 4 4 (3, 6)          max 3, criteria "C1, C2", SS 8
#   d02  C1 2 5 5 (spread 3, SS 6)        C2 3 3 3 (0, 0)          max 3, criteria "C1",     SS 6
#   d01  C1 3 4 3 (spread 1, SS 2/3)      C2 2 3 2 (1, 2/3)        max 1, criteria "",       SS 4/3
#   d05  C1 4 4 4 (0, 0)                  C2 5 5 5 (0, 0)          max 0, criteria "",       SS 0
# Total SS = 8 + 8 + 6 + 4/3 = 70/3, so the shares are d03 = d07 = 24/70 ≈ 34,3 %,
# d02 = 18/70 ≈ 25,7 %, d01 = 4/70 ≈ 5,7 %, d05 = 0 %.
# Contest order (max_spread, then share, then id): d03, d07, d02, d01, d05 — d07 before d02 by
# share although "d02" < "d07".
SMALL_SCORES: dict[str, dict[str, tuple[int, ...]]] = {
    "d03": {"C1": (1, 5, 3), "C2": (3, 3, 3)},
    "d07": {"C1": (2, 4, 3), "C2": (1, 4, 4)},
    "d02": {"C1": (2, 5, 5), "C2": (3, 3, 3)},
    "d01": {"C1": (3, 4, 3), "C2": (2, 3, 2)},
    "d05": {"C1": (4, 4, 4), "C2": (5, 5, 5)},
}

# 16 dossiers, 14 eligible with ranks 1..14, d11 and d15 ineligible (no rank).
SMALL_RANKS: dict[str, int] = {
    "d01": 9, "d02": 1, "d03": 8, "d04": 14, "d05": 7, "d06": 2, "d07": 3,
    "d08": 13, "d09": 12, "d10": 4, "d12": 10, "d13": 6, "d14": 11, "d16": 5,
}
SMALL_IDS = [f"d{i:02d}" for i in range(16, 0, -1)]  # given in reverse order on purpose


def _ratings(scores: dict[str, dict[str, tuple[int, ...]]]) -> pd.DataFrame:
    rows = [
        {"juror": JURORS[j], "dossier": dossier, "criterion": criterion, "score": score}
        for dossier, by_criterion in scores.items()
        for criterion, triple in by_criterion.items()
        for j, score in enumerate(triple)
    ]
    return pd.DataFrame(rows, columns=["juror", "dossier", "criterion", "score"])


def _contested(scores: dict[str, dict[str, tuple[int, ...]]], count: int | None = None) -> pd.DataFrame:
    result = scoring.aggregate_ratings(_ratings(scores))
    return scoring.most_contested(result.disagreement, count)


def _ids(lines: list[AgendaLine], reason: str | None = None) -> list[str]:
    return [line.dossier_id for line in lines if reason is None or line.reason == reason]


def _by_id(lines: list[AgendaLine]) -> dict[str, AgendaLine]:
    return {line.dossier_id: line for line in lines}


@pytest.fixture(scope="module")
def small_contested() -> pd.DataFrame:
    return _contested(SMALL_SCORES)


def test_the_hand_made_ratings_give_the_hand_computed_contest_order(small_contested: pd.DataFrame) -> None:
    # A guard on the fixture itself: the agenda tests below rely on this order and these values.
    assert list(small_contested.index) == ["d03", "d07", "d02", "d01", "d05"]
    assert list(small_contested["contest_rank"]) == [1, 2, 3, 4, 5]
    assert list(small_contested["max_spread"]) == [4.0, 3.0, 3.0, 1.0, 0.0]
    assert list(small_contested["criteria"]) == ["C1", "C1, C2", "C1", "", ""]
    assert list(small_contested["share"]) == pytest.approx([24 / 70, 24 / 70, 18 / 70, 4 / 70, 0.0])


def test_small_agenda_whole(small_contested: pd.DataFrame) -> None:
    # size 8 → boundary ranks 3..13; contested_count 2 → d03 (rank 8) and d07 (rank 3) first.
    lines = build_agenda(SMALL_IDS, small_contested, SMALL_RANKS, 8, contested_count=2)
    assert lines == [
        AgendaLine("d03", "conteste",
                   f"1er plus contesté : écart maximal de 4 points (critères C1), 34,3{NBSP}% du désaccord du jury",
                   8),
        AgendaLine("d07", "conteste",
                   f"2e plus contesté : écart maximal de 3 points (critères C1, C2), 34,3{NBSP}% du désaccord du jury",
                   3),
        # Near the boundary, not already listed, by |rank − 8| then rank:
        # 7 (1), 9 (1), 6 (2), 10 (2), 5 (3), 11 (3), 4 (4), 12 (4), 13 (5).
        AgendaLine("d05", "limite", "Rang 7 pour une liste de 8 : dans la liste, à 1 place de la limite", 7),
        AgendaLine("d01", "limite", "Rang 9 pour une liste de 8 : hors de la liste, à 1 place de la limite", 9),
        AgendaLine("d13", "limite", "Rang 6 pour une liste de 8 : dans la liste, à 2 places de la limite", 6),
        AgendaLine("d12", "limite", "Rang 10 pour une liste de 8 : hors de la liste, à 2 places de la limite", 10),
        AgendaLine("d16", "limite", "Rang 5 pour une liste de 8 : dans la liste, à 3 places de la limite", 5),
        AgendaLine("d14", "limite", "Rang 11 pour une liste de 8 : hors de la liste, à 3 places de la limite", 11),
        AgendaLine("d10", "limite", "Rang 4 pour une liste de 8 : dans la liste, à 4 places de la limite", 4),
        AgendaLine("d09", "limite", "Rang 12 pour une liste de 8 : hors de la liste, à 4 places de la limite", 12),
        AgendaLine("d08", "limite", "Rang 13 pour une liste de 8 : hors de la liste, à 5 places de la limite", 13),
        # Every other dossier by rank, the unranked last (by id).
        AgendaLine("d02", "autre", "Rang 1", 1),
        AgendaLine("d06", "autre", "Rang 2", 2),
        AgendaLine("d04", "autre", "Rang 14", 14),
        AgendaLine("d11", "autre", "Non classé (inéligible)", None),
        AgendaLine("d15", "autre", "Non classé (inéligible)", None),
    ]


def test_small_agenda_lists_every_dossier_once_with_its_rank(small_contested: pd.DataFrame) -> None:
    lines = build_agenda(SMALL_IDS, small_contested, SMALL_RANKS, 8, contested_count=2)
    assert sorted(_ids(lines)) == sorted(SMALL_IDS)
    assert len(lines) == 16
    for line in lines:
        assert line.rank == SMALL_RANKS.get(line.dossier_id)
        assert line.reason in AGENDA_REASONS


def test_contested_lines_follow_the_contest_order_with_french_details(small_contested: pd.DataFrame) -> None:
    lines = build_agenda(SMALL_IDS, small_contested, SMALL_RANKS, 8, contested_count=5)
    conteste = [line for line in lines if line.reason == "conteste"]
    assert [line.dossier_id for line in conteste] == ["d03", "d07", "d02", "d01", "d05"]
    assert [line.detail for line in conteste] == [
        f"1er plus contesté : écart maximal de 4 points (critères C1), 34,3{NBSP}% du désaccord du jury",
        f"2e plus contesté : écart maximal de 3 points (critères C1, C2), 34,3{NBSP}% du désaccord du jury",
        f"3e plus contesté : écart maximal de 3 points (critères C1), 25,7{NBSP}% du désaccord du jury",
        # one point, singular; no criterion reaching the threshold → no « (critères …) »
        f"4e plus contesté : écart maximal de 1 point, 5,7{NBSP}% du désaccord du jury",
        f"5e plus contesté : écart maximal de 0 point, 0,0{NBSP}% du désaccord du jury",
    ]
    # The contested come first, before any other reason.
    assert _ids(lines)[:5] == ["d03", "d07", "d02", "d01", "d05"]
    assert all(line.reason != "conteste" for line in lines[5:])


def test_contested_count_larger_than_the_frame_lists_every_contested_row(small_contested: pd.DataFrame) -> None:
    lines = build_agenda(SMALL_IDS, small_contested, SMALL_RANKS, 8, contested_count=50)
    assert _ids(lines, "conteste") == ["d03", "d07", "d02", "d01", "d05"]
    assert len(lines) == 16


def test_contested_count_zero_gives_no_contested_line(small_contested: pd.DataFrame) -> None:
    lines = build_agenda(SMALL_IDS, small_contested, SMALL_RANKS, 8, contested_count=0)
    assert _ids(lines, "conteste") == []
    # d03 (rank 8 = size) is now the boundary's first line, d07 (rank 3) the last one (|3 − 8| = 5).
    assert lines[0] == AgendaLine("d03", "limite", "Rang 8 pour une liste de 8 : dernier dossier de la liste", 8)
    assert _ids(lines, "limite") == ["d03", "d05", "d01", "d13", "d12", "d16", "d14", "d10", "d09", "d07", "d08"]
    assert _ids(lines, "autre") == ["d02", "d06", "d04", "d11", "d15"]


def test_a_contested_dossier_near_the_boundary_is_listed_only_as_contested(small_contested: pd.DataFrame) -> None:
    lines = build_agenda(SMALL_IDS, small_contested, SMALL_RANKS, 8, contested_count=1)
    assert _ids(lines).count("d03") == 1
    assert _by_id(lines)["d03"].reason == "conteste"
    assert _by_id(lines)["d03"].rank == 8
    # d07 (rank 3, 5 places inside) is no longer contested: it joins the boundary lines.
    assert _by_id(lines)["d07"] == AgendaLine(
        "d07", "limite", "Rang 3 pour une liste de 8 : dans la liste, à 5 places de la limite", 3)


def test_a_contested_ineligible_dossier_has_no_rank(small_contested: pd.DataFrame) -> None:
    # d03 is rated and contested but ineligible (not in ranks).
    ranks = {d: r for d, r in SMALL_RANKS.items() if d != "d03"}
    lines = build_agenda(SMALL_IDS, small_contested, ranks, 8, contested_count=2)
    assert lines[0].dossier_id == "d03"
    assert lines[0].reason == "conteste"
    assert lines[0].rank is None
    assert _ids(lines).count("d03") == 1


def test_a_contested_dossier_unknown_to_the_call_is_skipped() -> None:
    # d99 (not a dossier of the call) is rated with spread 4 and SS 32/3 > 8: it is the most contested.
    scores: dict[str, dict[str, tuple[int, ...]]] = {"d99": {"C1": (1, 5, 5), "C2": (3, 3, 3)}, **SMALL_SCORES}
    contested = _contested(scores)
    assert list(contested.index)[:3] == ["d99", "d03", "d07"]
    lines = build_agenda(SMALL_IDS, contested, SMALL_RANKS, 8, contested_count=3)
    assert "d99" not in _ids(lines)
    assert len(lines) == 16
    assert sorted(_ids(lines)) == sorted(SMALL_IDS)
    # The known ones keep their place in the contest order (and its ordinal); nothing fills the gap.
    assert _ids(lines, "conteste") == ["d03", "d07"]
    assert lines[0].detail.startswith("2e plus contesté : écart maximal de 4 points (critères C1)")
    assert lines[1].detail.startswith("3e plus contesté : écart maximal de 3 points (critères C1, C2)")
    assert lines[2].reason == "limite"


def test_contested_index_is_matched_as_text() -> None:
    # Ids that look like numbers: the contested index and dossier_ids are compared as strings.
    contested = pd.DataFrame({"max_spread": [3.0], "share": [0.5], "criteria": ["C1"]},
                             index=pd.Index([7], name="dossier"))
    lines = build_agenda(["7", "8"], contested, {"7": 1, "8": 2}, 1, contested_count=1)
    assert lines[0] == AgendaLine(
        "7", "conteste",
        f"1er plus contesté : écart maximal de 3 points (critères C1), 50,0{NBSP}% du désaccord du jury", 1)
    assert lines[1] == AgendaLine(
        "8", "limite", "Rang 2 pour une liste de 1 : hors de la liste, à 1 place de la limite", 2)


def test_empty_contested_frame_gives_only_boundary_and_other_lines() -> None:
    empty = pd.DataFrame(columns=["max_spread", "share", "criteria"])
    lines = build_agenda(SMALL_IDS, empty, SMALL_RANKS, 8)
    assert {line.reason for line in lines} == {"limite", "autre"}
    # Ranks 3..13 by |rank − 8| then rank: 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13.
    assert _ids(lines, "limite") == ["d03", "d05", "d01", "d13", "d12", "d16", "d14", "d10", "d09", "d07", "d08"]
    assert [line.rank for line in lines if line.reason == "limite"] == [8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13]
    assert _ids(lines, "autre") == ["d02", "d06", "d04", "d11", "d15"]
    assert len(lines) == 16


def test_boundary_ties_put_the_better_rank_first() -> None:
    empty = pd.DataFrame(columns=["max_spread", "share", "criteria"])
    ranks = {"a": 12, "b": 8, "c": 11, "d": 9, "e": 10}
    # size 10: |12−10| = |8−10| = 2 and |11−10| = |9−10| = 1; the better (smaller) rank first.
    lines = build_agenda(["a", "b", "c", "d", "e"], empty, ranks, 10)
    assert _ids(lines) == ["e", "d", "c", "b", "a"]
    assert [line.detail for line in lines] == [
        "Rang 10 pour une liste de 10 : dernier dossier de la liste",
        "Rang 9 pour une liste de 10 : dans la liste, à 1 place de la limite",
        "Rang 11 pour une liste de 10 : hors de la liste, à 1 place de la limite",
        "Rang 8 pour une liste de 10 : dans la liste, à 2 places de la limite",
        "Rang 12 pour une liste de 10 : hors de la liste, à 2 places de la limite",
    ]


def test_boundary_window_is_five_ranks_each_side() -> None:
    assert BOUNDARY_WIDTH == 5
    empty = pd.DataFrame(columns=["max_spread", "share", "criteria"])
    ranks = {f"r{r:02d}": r for r in range(1, 31)}
    lines = build_agenda(list(ranks), empty, ranks, 20)
    # 15..25 near 20 (11 dossiers); 14 and 26 are not.
    assert sorted(line.rank or 0 for line in lines if line.reason == "limite") == list(range(15, 26))
    assert _by_id(lines)["r14"] == AgendaLine("r14", "autre", "Rang 14", 14)
    assert _by_id(lines)["r26"] == AgendaLine("r26", "autre", "Rang 26", 26)
    assert _by_id(lines)["r15"].detail == "Rang 15 pour une liste de 20 : dans la liste, à 5 places de la limite"
    assert _by_id(lines)["r25"].detail == "Rang 25 pour une liste de 20 : hors de la liste, à 5 places de la limite"
    assert [line.rank for line in lines if line.reason == "autre"] == [*range(1, 15), *range(26, 31)]


def test_duplicated_dossier_ids_are_listed_once() -> None:
    empty = pd.DataFrame(columns=["max_spread", "share", "criteria"])
    lines = build_agenda(["a", "b", "a", "c", "b"], empty, {"a": 1, "b": 2}, 30)
    assert lines == [
        AgendaLine("a", "autre", "Rang 1", 1),
        AgendaLine("b", "autre", "Rang 2", 2),
        AgendaLine("c", "autre", "Non classé (inéligible)", None),
    ]


def test_rank_of_a_dossier_outside_the_call_is_ignored() -> None:
    empty = pd.DataFrame(columns=["max_spread", "share", "criteria"])
    lines = build_agenda(["a"], empty, {"a": 3, "zz": 1}, 3)
    assert lines == [AgendaLine("a", "limite", "Rang 3 pour une liste de 3 : dernier dossier de la liste", 3)]


def test_agenda_of_no_dossier_is_empty(small_contested: pd.DataFrame) -> None:
    assert build_agenda([], small_contested, {}, 10) == []


def test_dossier_ids_may_be_a_pandas_index(small_contested: pd.DataFrame) -> None:
    index = pd.Index(SMALL_IDS, name="dossier")
    assert build_agenda(index, small_contested, SMALL_RANKS, 8, contested_count=2) == build_agenda(
        SMALL_IDS, small_contested, SMALL_RANKS, 8, contested_count=2)


def test_build_agenda_does_not_change_its_inputs(small_contested: pd.DataFrame) -> None:
    before = small_contested.copy()
    ranks = dict(SMALL_RANKS)
    ids = list(SMALL_IDS)
    build_agenda(ids, small_contested, ranks, 8, contested_count=3)
    pd.testing.assert_frame_equal(small_contested, before)
    assert ranks == SMALL_RANKS
    assert ids == SMALL_IDS


# --------------------------------------------------------------------------- agenda: a realistic case

# 70 dossiers D01..D70; D01..D65 eligible with rank k for Dk, D66..D70 ineligible. Shortlist of 55.
# Ten dossiers are rated with a spread of at least 2, one (D56) with a spread of 1, all the others
# with no spread at all: the ten most contested are exactly CONTESTED.
CONTESTED = ("D03", "D10", "D20", "D45", "D50", "D52", "D58", "D60", "D61", "D67")
BIG_SPREAD_PATTERNS = ((1, 5, 5), (1, 3, 5), (2, 5, 5), (2, 4, 5), (1, 3, 3), (3, 4, 5))


def _realistic_scores() -> dict[str, dict[str, tuple[int, ...]]]:
    scores: dict[str, dict[str, tuple[int, ...]]] = {}
    for k in range(1, 71):
        dossier = f"D{k:02d}"
        if dossier in CONTESTED:
            triple = BIG_SPREAD_PATTERNS[k % len(BIG_SPREAD_PATTERNS)]
        elif dossier == "D56":
            triple = (3, 4, 4)
        else:
            triple = (k % 5 + 1,) * 3
        scores[dossier] = {"C1": triple, "C2": (3, 3, 3)}
    return scores


REALISTIC_IDS = [f"D{k:02d}" for k in range(70, 0, -1)]
REALISTIC_RANKS = {f"D{k:02d}": k for k in range(1, 66)}


@pytest.fixture(scope="module")
def realistic() -> tuple[pd.DataFrame, list[AgendaLine]]:
    contested = _contested(_realistic_scores(), CONTESTED_COUNT)
    return contested, build_agenda(REALISTIC_IDS, contested, REALISTIC_RANKS, 55)  # default contested_count


def test_realistic_contested_frame_is_the_hand_chosen_ten(realistic: tuple[pd.DataFrame, list[AgendaLine]]) -> None:
    contested, _ = realistic
    assert CONTESTED_COUNT == 10
    assert sorted(contested.index) == sorted(CONTESTED)
    assert (contested["max_spread"] >= 2).all()


def test_realistic_agenda_counts_by_reason(realistic: tuple[pd.DataFrame, list[AgendaLine]]) -> None:
    _, lines = realistic
    # conteste 10; boundary ranks 50..60 (11) minus the contested D50, D52, D58, D60 → 7 limite;
    # autre: 65 ranked − 9 contested eligible − 7 limite = 49 ranked, + 4 unranked (D66..D70 but D67) = 53.
    assert Counter(line.reason for line in lines) == {"conteste": 10, "limite": 7, "autre": 53}
    assert len(lines) == 70
    assert sorted(_ids(lines)) == sorted(REALISTIC_IDS)


def test_realistic_agenda_order(realistic: tuple[pd.DataFrame, list[AgendaLine]]) -> None:
    contested, lines = realistic
    assert _ids(lines)[:10] == list(contested.index)
    ordinals = ["1er", *(f"{n}e" for n in range(2, 11))]
    for ordinal, line, (_, row) in zip(ordinals, lines[:10], contested.iterrows(), strict=True):
        assert line.reason == "conteste"
        assert line.detail.startswith(f"{ordinal} plus contesté : écart maximal de {int(row['max_spread'])} points")
    assert lines[10:17] == [
        AgendaLine("D55", "limite", "Rang 55 pour une liste de 55 : dernier dossier de la liste", 55),
        AgendaLine("D54", "limite", "Rang 54 pour une liste de 55 : dans la liste, à 1 place de la limite", 54),
        # D56 is the 11th most contested: not among the ten, so it is a boundary line.
        AgendaLine("D56", "limite", "Rang 56 pour une liste de 55 : hors de la liste, à 1 place de la limite", 56),
        AgendaLine("D53", "limite", "Rang 53 pour une liste de 55 : dans la liste, à 2 places de la limite", 53),
        AgendaLine("D57", "limite", "Rang 57 pour une liste de 55 : hors de la liste, à 2 places de la limite", 57),
        AgendaLine("D51", "limite", "Rang 51 pour une liste de 55 : dans la liste, à 4 places de la limite", 51),
        AgendaLine("D59", "limite", "Rang 59 pour une liste de 55 : hors de la liste, à 4 places de la limite", 59),
    ]
    others = lines[17:]
    expected_ranked = [k for k in range(1, 66)
                       if f"D{k:02d}" not in CONTESTED and not 50 <= k <= 60]
    assert len(expected_ranked) == 49
    assert [line.rank for line in others[:49]] == expected_ranked
    assert [line.detail for line in others[:49]] == [f"Rang {k}" for k in expected_ranked]
    assert [line.dossier_id for line in others[49:]] == ["D66", "D68", "D69", "D70"]
    assert all(line.detail == "Non classé (inéligible)" and line.rank is None for line in others[49:])


def test_realistic_agenda_ranks_are_the_given_ones(realistic: tuple[pd.DataFrame, list[AgendaLine]]) -> None:
    _, lines = realistic
    for line in lines:
        assert line.rank == REALISTIC_RANKS.get(line.dossier_id)
    assert _by_id(lines)["D67"].reason == "conteste"
    assert _by_id(lines)["D67"].rank is None


def test_module_constants() -> None:
    assert set(AGENDA_REASONS) == {"conteste", "limite", "autre", "ajoute"}
    assert seance.ATTENDANCE_STATUSES == ("présent", "absent", "excusé")
