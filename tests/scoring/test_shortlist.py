"""Tests of `scoring.shortlist`: constraints hold, optimality, explanations, conflicts, bad input."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.errors import ScoringError
from scoring.shortlist import Constraints, ShortlistResult, shortlist

# --------------------------------------------------------------------------- independent checkers


def satisfies(
    chosen: Iterable[Any], attributes: pd.DataFrame, size: int | None, constraints: Mapping[str, Any]
) -> bool:
    """Whether a selection meets the constraints, evaluated from the JSON structure (not the model)."""
    chosen = list(chosen)
    eligible = attributes["eligible"] == 1 if "eligible" in attributes else pd.Series(True, index=attributes.index)
    if not eligible.loc[chosen].all():
        return False
    if size is not None and len(chosen) != size:
        return False
    picked = attributes.loc[chosen]
    for column, k in constraints.get("min_per_group", {}).items():
        for group in attributes.loc[eligible, column].dropna().unique():
            if (picked[column] == group).sum() < k:
                return False
    for column, k in constraints.get("max_per_group", {}).items():
        if len(picked) and picked[column].value_counts().max() > k:
            return False
    for column, k in constraints.get("min_count", {}).items():
        if (picked[column] == 1).sum() < k:
            return False
    for column, share in constraints.get("min_share", {}).items():
        if (picked[column] == 1).sum() < share * len(chosen) - 1e-9:
            return False
    if any(i not in chosen for i in constraints.get("force_in", [])):
        return False
    return not any(i in chosen for i in constraints.get("force_out", []))


def satisfies_groups(chosen: Sequence[Any], attributes: pd.DataFrame, groups: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a selection meets a list of constraint groups in the result's machine form."""
    picked = attributes.loc[list(chosen)]
    for g in groups:
        kind = g["type"]
        if kind == "size" and len(chosen) != g["bound"]:
            return False
        if kind == "min_per_group" and (picked[g["column"]] == g["group"]).sum() < g["bound"]:
            return False
        if kind == "max_per_group" and (picked[g["column"]] == g["group"]).sum() > g["bound"]:
            return False
        if kind == "min_count" and (picked[g["column"]] == 1).sum() < g["bound"]:
            return False
        if kind == "min_share" and (picked[g["column"]] == 1).sum() < g["bound"] * len(chosen) - 1e-9:
            return False
        if kind == "force_in" and g["id"] not in chosen:
            return False
        if kind == "force_out" and g["id"] in chosen:
            return False
    return True


def eligible_ids(attributes: pd.DataFrame) -> list[Any]:
    if "eligible" not in attributes:
        return list(attributes.index)
    return list(attributes.index[attributes["eligible"] == 1])


def any_selection(attributes: pd.DataFrame, groups: Sequence[Mapping[str, Any]]) -> bool:
    """Brute force: does any subset of eligible dossiers (of any size) meet the groups?"""
    pool = eligible_ids(attributes)
    return any(
        satisfies_groups(combo, attributes, groups)
        for r in range(len(pool) + 1)
        for combo in itertools.combinations(pool, r)
    )


def best_total(
    scores: pd.Series, attributes: pd.DataFrame, size: int, constraints: Mapping[str, Any], sign: float
) -> float | None:
    """Brute force optimum of sign * total score over every feasible selection."""
    best = None
    for combo in itertools.combinations(eligible_ids(attributes), size):
        if satisfies(combo, attributes, size, constraints):
            total = sign * float(scores.loc[list(combo)].sum())
            best = total if best is None else max(best, total)
    return best


# --------------------------------------------------------------------------- hand-checked examples


def small_case() -> tuple[pd.Series, pd.DataFrame]:
    ids = ["A", "B", "C", "D", "E", "F"]
    scores = pd.Series([10.0, 9.0, 8.0, 7.0, 2.0, 1.0], index=ids)
    attributes = pd.DataFrame(
        {
            "region": ["Bretagne", "Bretagne", "Normandie", "Occitanie", "Corse", "Corse"],
            "overseas": [0, 0, 0, 0, 0, 1],
            "ti": [1, 0, 0, 1, 1, 0],
        },
        index=ids,
    )
    return scores, attributes


def test_no_constraint_gives_the_plain_top_n() -> None:
    scores, attributes = small_case()
    result = shortlist(scores, attributes, 3, {})
    assert result.feasible
    assert result.selected == ("A", "B", "C") == result.top_n
    assert result.swaps == () and result.binding == ()
    assert result.objective == pytest.approx(27.0) and result.objective_lost == 0.0


def test_regional_minimum_swaps_the_weakest_of_the_top_n() -> None:
    scores, attributes = small_case()
    result = shortlist(scores, attributes, 3, {"min_per_group": {"region": 1}, "max_per_group": {"region": 3}})
    # Four regions with an eligible member but only three places: infeasible.
    assert not result.feasible
    result = shortlist(
        scores, attributes.assign(region=["Bretagne"] * 4 + ["Corse"] * 2), 3, {"min_per_group": {"region": 1}}
    )
    assert result.feasible
    assert result.selected == ("A", "B", "E")
    assert result.top_n == ("A", "B", "C")
    assert result.swaps == (
        {
            "in": "E",
            "out": "C",
            "because": "au moins 1 dossier par région : Corse",
            "constraints": [{"type": "min_per_group", "column": "region", "group": "Corse", "bound": 1}],
        },
    )
    assert result.objective == pytest.approx(21.0)
    assert result.objective_lost == pytest.approx(6.0)
    assert [b["label"] for b in result.binding] == ["au moins 1 dossier par région : Corse"]
    assert result.binding[0]["cost"] == pytest.approx(6.0)
    bretagne = next(c for c in result.constraints if c.get("group") == "Bretagne")
    assert bretagne["binding"] is False and bretagne["value"] == 2 and bretagne["slack"] == 1


def test_regional_maximum_names_the_crowded_region() -> None:
    scores, attributes = small_case()
    result = shortlist(scores, attributes, 3, {"max_per_group": {"region": 1}})
    assert result.selected == ("A", "C", "D")
    assert len(result.swaps) == 1
    swap = result.swaps[0]
    assert (swap["in"], swap["out"]) == ("D", "B")
    assert swap["because"] == "au plus 1 dossier par région : Bretagne"
    assert result.objective_lost == pytest.approx(2.0)


def test_count_share_and_forced_dossiers_are_explained() -> None:
    scores, attributes = small_case()
    result = shortlist(scores, attributes, 3, {"min_count": {"overseas": 1}})
    assert result.selected == ("A", "B", "F")
    assert result.swaps[0]["because"] == "au moins 1 dossier : outre-mer"
    assert result.objective_lost == pytest.approx(7.0)

    result = shortlist(scores, attributes, 3, {"min_share": {"ti": 0.67}})
    # 0.67 x 3 = 2.01: three ti dossiers needed among A, D, E.
    assert result.selected == ("A", "D", "E")
    assert {s["out"] for s in result.swaps} == {"B", "C"}
    assert all(s["because"] == "au moins 67\u00a0% des dossiers : Territoires d'industrie" for s in result.swaps)
    assert result.objective_lost == pytest.approx(27.0 - 19.0)

    result = shortlist(scores, attributes, 3, {"force_in": ["F"], "force_out": ["A"]})
    assert result.selected == ("B", "C", "F")
    assert [(s["in"], s["out"], s["because"]) for s in result.swaps] == [
        ("F", "A", "dossier imposé : F ; dossier écarté : A"),
    ]
    assert [c["type"] for c in result.swaps[0]["constraints"]] == ["force_in", "force_out"]
    assert {b["type"] for b in result.binding} == {"force_in", "force_out"}


def test_ineligible_dossiers_are_never_selected_and_not_in_top_n() -> None:
    scores, attributes = small_case()
    attributes = attributes.assign(eligible=[0, 1, 1, 1, 1, 1])
    result = shortlist(scores, attributes, 3, {})
    assert result.selected == ("B", "C", "D") == result.top_n


def test_groups_without_eligible_member_are_not_required() -> None:
    scores, attributes = small_case()
    attributes = attributes.assign(region=["N", "N", "N", "S", "Corse", "Corse"], eligible=[1, 1, 1, 1, 0, 0])
    result = shortlist(scores, attributes, 2, {"min_per_group": {"region": 1}})
    assert result.feasible
    assert result.selected == ("A", "D")


def test_lower_is_better_minimises_the_total() -> None:
    scores, attributes = small_case()
    result = shortlist(scores, attributes, 2, {"min_count": {"ti": 2}}, higher_is_better=False)
    assert result.top_n == ("F", "E")
    assert result.selected == ("E", "D")
    assert result.objective == pytest.approx(9.0)
    assert result.objective_lost == pytest.approx(9.0 - 3.0)


def test_equal_scores_at_the_boundary_make_no_spurious_swap() -> None:
    ids = list("ABCDEF")
    scores = pd.Series([5.0, 4.0, 3.0, 3.0, 3.0, 1.0], index=ids)
    attributes = pd.DataFrame({"region": list("XXXXXZ")}, index=ids)
    result = shortlist(scores, attributes, 4, {})
    assert result.selected == result.top_n == ("A", "B", "C", "D")
    result = shortlist(scores, attributes, 4, {"min_per_group": {"region": 1}})
    # F must enter; E ties with C and D but is outside the top N: it must not enter too.
    assert "E" not in result.selected and "F" in result.selected
    assert len(result.swaps) == 1
    assert result.swaps[0]["in"] == "F" and result.swaps[0]["out"] in {"C", "D"}
    assert result.objective_lost == pytest.approx(2.0)


def test_to_dict_is_json_ready_with_numpy_ids() -> None:
    ids = np.arange(100, 106)
    scores = pd.Series([6.0, 5.0, 4.0, 3.0, 2.0, 1.0], index=ids)
    attributes = pd.DataFrame({"region": ["a", "a", "a", "b", "b", "c"]}, index=ids)
    result = shortlist(scores, attributes, 3, {"min_per_group": {"region": 1}, "force_in": ["101"]})
    data = json.loads(json.dumps(result.to_dict()))
    assert data["selected"] == [101, 103, 105]  # one per region, 101 forced (given as text)
    assert data["top_n"] == [100, 101, 102]
    assert {"selected", "top_n", "swaps", "binding", "objective_lost", "objective"} <= set(data)
    assert all({"in", "out", "because"} <= set(s) for s in data["swaps"])


def test_constraints_object_is_accepted() -> None:
    scores, attributes = small_case()
    constraints = Constraints(min_count={"overseas": 1}, labels={"overseas": "ultramarin"})
    result = shortlist(scores, attributes, 3, constraints)
    assert result.swaps[0]["because"] == "au moins 1 dossier : ultramarin"
    assert isinstance(result, ShortlistResult)


# --------------------------------------------------------------------------- infeasibility


def test_infeasible_names_a_minimal_conflict_in_french() -> None:
    scores, attributes = small_case()
    result = shortlist(scores, attributes, 3, {"min_count": {"overseas": 2}, "min_per_group": {"region": 1}})
    assert not result.feasible
    assert result.selected == () and result.objective is None
    # Only F is overseas: the count alone cannot hold, whatever the rest.
    assert [c["type"] for c in result.conflict] == ["min_count"]
    assert "au moins 2 dossiers : outre-mer" in result.message
    assert result.message.startswith("Contraintes incompatibles")


def test_infeasible_region_minimums_against_the_size() -> None:
    scores, attributes = small_case()
    result = shortlist(scores, attributes, 3, {"min_per_group": {"region": 1}, "min_count": {"ti": 0}})
    assert not result.feasible
    labels = [c["label"] for c in result.conflict]
    assert labels == [
        "taille de la sélection : 3 dossiers",
        "au moins 1 dossier par région : Bretagne",
        "au moins 1 dossier par région : Corse",
        "au moins 1 dossier par région : Normandie",
        "au moins 1 dossier par région : Occitanie",
    ]
    for label in labels:
        assert f"« {label} »" in result.message


def test_forced_in_and_out_together_conflict() -> None:
    scores, attributes = small_case()
    result = shortlist(scores, attributes, 3, {"force_in": ["B"], "force_out": ["B"], "min_count": {"ti": 1}})
    assert not result.feasible
    assert sorted(c["type"] for c in result.conflict) == ["force_in", "force_out"]
    assert "dossier imposé : B" in result.message and "dossier écarté : B" in result.message


# --------------------------------------------------------------------------- properties


@st.composite
def instances(draw: st.DrawFn) -> tuple[pd.Series, pd.DataFrame, int, dict[str, Any], bool]:
    n = draw(st.integers(3, 9))
    ids = [f"D{i}" for i in range(n)]
    integer_scores = draw(st.booleans())
    if integer_scores:
        values = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    else:
        values = draw(st.lists(st.floats(-10, 10, allow_nan=False, width=32), min_size=n, max_size=n))
    scores = pd.Series(np.asarray(values, dtype=float), index=ids)
    attributes = pd.DataFrame(
        {
            "region": draw(st.lists(st.sampled_from(["N", "S", "E", "O"]), min_size=n, max_size=n)),
            "overseas": draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)),
            "ti": draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)),
            "eligible": draw(st.lists(st.sampled_from([1, 1, 1, 0]), min_size=n, max_size=n)),
        },
        index=ids,
    )
    eligible = list(attributes.index[attributes["eligible"] == 1])
    if not eligible:
        attributes.loc[ids[0], "eligible"] = 1
        eligible = [ids[0]]
    size = draw(st.integers(1, len(eligible)))
    constraints: dict[str, Any] = {}
    if draw(st.booleans()):
        constraints["min_per_group"] = {"region": draw(st.integers(0, 2))}
    if draw(st.booleans()):
        constraints["max_per_group"] = {"region": draw(st.integers(0, 3))}
    if draw(st.booleans()):
        constraints["min_count"] = {"overseas": draw(st.integers(0, 3))}
    if draw(st.booleans()):
        constraints["min_share"] = {"ti": draw(st.sampled_from([0.0, 0.25, 0.5, 0.67, 1.0]))}
    if draw(st.booleans()):
        constraints["force_in"] = draw(st.lists(st.sampled_from(eligible), max_size=2, unique=True))
    if draw(st.booleans()):
        constraints["force_out"] = draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))
    return scores, attributes, size, constraints, draw(st.booleans())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_shortlist_is_feasible_optimal_and_swap_proof(
    case: tuple[pd.Series, pd.DataFrame, int, dict[str, Any], bool],
) -> None:
    scores, attributes, size, constraints, higher = case
    sign = 1.0 if higher else -1.0
    result = shortlist(scores, attributes, size, constraints, higher_is_better=higher)
    optimum = best_total(scores, attributes, size, constraints, sign)
    if optimum is None:
        assert not result.feasible
        return
    assert result.feasible
    chosen = list(result.selected)
    assert satisfies(chosen, attributes, size, constraints)
    total = sign * float(scores.loc[chosen].sum())
    assert total == pytest.approx(optimum, abs=1e-9)
    assert result.objective == pytest.approx(float(scores.loc[chosen].sum()))
    # Never worse than any feasible single swap of a selected for an unselected dossier.
    for out in chosen:
        for entering in eligible_ids(attributes):
            if entering in chosen:
                continue
            swapped = [entering if i == out else i for i in chosen]
            if satisfies(swapped, attributes, size, constraints):
                assert sign * float(scores.loc[swapped].sum()) <= total + 1e-9
    # Selected ids best first; the swaps turn top_n into the selection.
    ordered = sign * scores.loc[chosen].to_numpy()
    assert np.all(np.diff(ordered) <= 0)
    after = set(result.top_n) - {s["out"] for s in result.swaps} | {s["in"] for s in result.swaps}
    assert after == set(chosen)
    assert all(isinstance(s["because"], str) and s["because"] for s in result.swaps)
    top_total = sign * float(scores.loc[list(result.top_n)].sum())
    assert result.objective_lost == pytest.approx(max(0.0, top_total - total), abs=1e-9)
    assert result.objective_lost >= 0.0
    assert all(b["cost"] > 0 for b in result.binding)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_reported_conflicts_are_minimal(case: tuple[pd.Series, pd.DataFrame, int, dict[str, Any], bool]) -> None:
    scores, attributes, size, constraints, higher = case
    result = shortlist(scores, attributes, size, constraints, higher_is_better=higher)
    if result.feasible:
        return
    conflict = [dict(c) for c in result.conflict]
    assert conflict
    assert not any_selection(attributes, conflict)
    for k in range(len(conflict)):
        assert any_selection(attributes, conflict[:k] + conflict[k + 1 :]), conflict[k]
    assert all(c["label"] in result.message for c in conflict)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("size", "constraints", "fragment"),
    [
        (3, {"force_in": ["Z"]}, "force_in » : dossier inconnu « Z »"),
        (3, {"force_out": ["Y", "Z"]}, "dossier inconnu « Y », « Z »"),
        (0, {}, "au moins 1, reçu 0"),
        (-2, {}, "au moins 1, reçu -2"),
        (7, {}, "La taille de la sélection (7) dépasse le nombre de dossiers éligibles (6)"),
        (2.5, {}, "nombre entier, reçu 2.5"),
        (3, {"min_share": {"ti": 1.5}}, "une part entre 0 et 1 est attendue, reçu 1.5"),
        (3, {"min_share": {"ti": -0.1}}, "reçu -0.1"),
        (3, {"min_per_group": {"regoin": 1}}, "Colonne d'attribut inconnue : « regoin »"),
        (3, {"min_count": {"overseas": -1}}, "entier positif ou nul est attendu, reçu -1"),
        (3, {"max_per_group": {"region": "six"}}, "reçu 'six'"),
        (3, {"min_pergroup": {"region": 1}}, "Contrainte inconnue : « min_pergroup »"),
        (3, {"force_in": "A"}, "une liste d'identifiants est attendue"),
        (3, ["region"], "Les contraintes doivent être un objet JSON"),
    ],
)
def test_bad_input_gets_a_french_message_naming_the_value(size: Any, constraints: Any, fragment: str) -> None:
    scores, attributes = small_case()
    with pytest.raises(ScoringError) as info:
        shortlist(scores, attributes, size, constraints)
    assert fragment in str(info.value)


def test_bad_tables_are_refused() -> None:
    scores, attributes = small_case()
    with pytest.raises(ScoringError, match="Attributs manquants pour le dossier : F"):
        shortlist(scores, attributes.drop(index="F"), 3, {})
    with pytest.raises(ScoringError, match=r"Score manquant ou non numérique pour le dossier : B \(nan\)"):
        shortlist(scores.replace(9.0, np.nan), attributes, 3, {})
    with pytest.raises(
        ScoringError, match=r"Colonne « overseas » \(outre-mer\) : 0 ou 1 attendu, reçu pour le dossier B \(2\)"
    ):
        shortlist(scores, attributes.assign(overseas=[0, 2, 0, 0, 0, 1]), 3, {"min_count": {"overseas": 1}})
    with pytest.raises(ScoringError, match="inéligible et ne peut pas être imposé"):
        shortlist(scores, attributes.assign(eligible=[1, 1, 1, 1, 1, 0]), 3, {"force_in": ["F"]})
    with pytest.raises(ScoringError, match="Identifiants en double dans les scores : A"):
        shortlist(pd.Series([1.0, 2.0], index=["A", "A"]), attributes, 1, {})
    with pytest.raises(ScoringError, match="série pandas"):
        shortlist([1.0, 2.0], attributes, 1, {})  # type: ignore[arg-type]


def test_text_attributes_from_a_csv_are_understood() -> None:
    scores, attributes = small_case()
    as_text = attributes.astype(str).assign(eligible=["1", "1", "1", "1", "1", "0"])
    result = shortlist(scores, as_text, 3, {"min_count": {"overseas": 1}, "min_share": {"ti": 0.3}})
    assert not result.feasible  # the only overseas dossier is ineligible
    result = shortlist(scores, as_text, 3, {"min_share": {"ti": 0.5}})
    assert result.selected == ("A", "B", "D")


def test_a_tie_forced_out_is_still_explained() -> None:
    ids = list("ABCD")
    scores = pd.Series([4.0, 3.0, 3.0, 1.0], index=ids)
    attributes = pd.DataFrame({"region": list("XXXX")}, index=ids)
    result = shortlist(scores, attributes, 2, {"force_out": ["B"]})
    assert result.selected == ("A", "C")
    assert result.objective_lost == 0.0 and result.binding == ()
    assert result.swaps == ({"in": "C", "out": "B", "because": "dossier écarté : B",
                             "constraints": [{"type": "force_out", "id": "B"}]},)


def test_the_solver_writes_nothing_on_stdout(capfd: pytest.CaptureFixture[str]) -> None:
    # HiGHS prints debug lines on stdout for variables fixed by their bounds;
    # the CLI writes JSON there, so forced dossiers must not reach the solver.
    rng = np.random.default_rng(7)
    for _ in range(30):
        n = int(rng.integers(3, 12))
        ids = [f"D{i}" for i in range(n)]
        scores = pd.Series(rng.integers(0, 4, n).astype(float), index=ids)
        attributes = pd.DataFrame(
            {
                "region": rng.choice(["N", "S"], n),
                "ti": rng.integers(0, 2, n),
                "eligible": (rng.random(n) > 0.2).astype(int),
            },
            index=ids,
        )
        attributes.loc[ids[0], "eligible"] = 1
        pool = list(attributes.index[attributes["eligible"] == 1])
        constraints = {
            "force_in": list(rng.choice(pool, size=min(2, len(pool)), replace=False)),
            "force_out": [ids[-1]],
            "min_share": {"ti": float(rng.choice([0.0, 0.5, 1.0]))},
        }
        shortlist(scores, attributes, int(rng.integers(1, len(pool) + 1)), constraints)
    assert capfd.readouterr().out == ""


def test_a_thousand_dossiers_with_regional_minimums() -> None:
    rng = np.random.default_rng(3)
    n = 1000
    ids = [f"D{i:04d}" for i in range(n)]
    regions = [f"R{k:02d}" for k in range(18)]
    weights = np.r_[np.full(13, 0.07), np.full(5, 0.018)]  # five small regions (overseas)
    attributes = pd.DataFrame(
        {"region": rng.choice(regions, n, p=weights / weights.sum()), "eligible": (rng.random(n) > 0.05).astype(int)},
        index=ids,
    )
    scores = pd.Series(rng.random(n), index=ids)
    result = shortlist(scores, attributes, 55, {"min_per_group": {"region": 1}})
    assert result.feasible
    assert satisfies(result.selected, attributes, 55, {"min_per_group": {"region": 1}})
    entered = {s["in"] for s in result.swaps}
    # every entered dossier is the best eligible one of a region missing from the plain top N
    top_regions = set(attributes.loc[list(result.top_n), "region"])
    missing = [r for r in regions if r not in top_regions]
    expected = {scores[(attributes["region"] == r) & (attributes["eligible"] == 1)].idxmax() for r in missing}
    assert len(expected) >= 2
    assert entered == expected
    assert all(s["because"].startswith("au moins 1 dossier par région : ") for s in result.swaps)


def test_constraints_that_only_act_together_are_named_together() -> None:
    # Excluding B and allowing one dossier per region each push B out on their
    # own: removing either one changes nothing, so neither is binding alone.
    ids = list("ABCD")
    scores = pd.Series([5.0, 4.0, 3.0, 1.0], index=ids)
    attributes = pd.DataFrame({"region": ["X", "X", "Y", "Z"], "ti": [1, 0, 0, 1]}, index=ids)
    result = shortlist(scores, attributes, 3, {"max_per_group": {"region": 1}, "force_out": ["B"]})
    assert result.selected == ("A", "C", "D")
    assert result.binding == ()
    assert result.objective_lost == pytest.approx(3.0)
    assert [(s["in"], s["out"], s["because"]) for s in result.swaps] == [("D", "B", "dossier écarté : B")]
    assert "c'est leur combinaison qui impose cet échange" in result.message
    # With a share of ti that only D can complete, the entering side is named too.
    result = shortlist(
        scores, attributes, 3, {"max_per_group": {"region": 1}, "force_out": ["B"], "min_share": {"ti": 0.6}}
    )
    assert (
        result.swaps[0]["because"] == "au moins 60\u00a0% des dossiers : Territoires d'industrie ; dossier écarté : B"
    )
