"""The rapporteurs' assignment (core.rapporteurs), checked against a brute-force search of every
assignment on small cases: coverage, recusal, région, presidency, balance, the cap, fixed
pairs and pairs taken off by hand, the infeasible explanation, and the same answer every time."""

from __future__ import annotations

from itertools import combinations, product

import pytest

from dashboard.core.rapporteurs import (
    AssignmentCase,
    AssignmentInfeasible,
    Reader,
    allowed_readers,
    assign,
    blocked_reason,
)

READERS = (
    Reader("J1", "Présidente", None, is_president=True),
    Reader("J2", "Bretonne", "Bretagne"),
    Reader("J3", "Nordiste", "Hauts-de-France"),
    Reader("J4", "Nationale A", None),
    Reader("J5", "Lyonnais", "Auvergne-Rhône-Alpes"),
    Reader("J6", "Nationale B", None),
)
REGIONS = {"D1": "Bretagne", "D2": "Bretagne", "D3": "Hauts-de-France", "D4": "Occitanie", "D5": "Auvergne-Rhône-Alpes"}


def _case(per_dossier: int = 2, max_load: int | None = None, with_president: bool = False,
          recusals: frozenset[tuple[str, str]] = frozenset({("J4", "D4"), ("J6", "D1")}),
          fixed: frozenset[tuple[str, str]] = frozenset(),
          dossiers: tuple[str, ...] = tuple(REGIONS),
          excluded: frozenset[tuple[str, str]] = frozenset()) -> AssignmentCase:
    return AssignmentCase(dossiers, {d: REGIONS[d] for d in dossiers}, READERS, recusals, per_dossier, max_load,
                          with_president, fixed, excluded)


def _brute_force(case: AssignmentCase) -> int | None:
    """The least spread of loads over every assignment that keeps the rules (None: none does)."""
    options = [list(combinations([r.juror_id for r in allowed_readers(case, d)], case.per_dossier))
               for d in case.dossiers]
    best: int | None = None
    ids = [r.juror_id for r in case.candidates]
    for choice in product(*options):
        pairs = {(d, j) for d, chosen in zip(case.dossiers, choice, strict=True) for j in chosen}
        if not case.fixed <= pairs:
            continue
        loads = [sum(1 for _, j in pairs if j == juror) for juror in ids]
        if case.max_load is not None and max(loads) > case.max_load:
            continue
        spread = max(loads) - min(loads)
        best = spread if best is None else min(best, spread)
    return best


def _check_rules(case: AssignmentCase, pairs: tuple[tuple[str, str], ...]) -> None:
    readers = {r.juror_id: r for r in case.readers}
    for dossier in case.dossiers:
        assert sum(1 for d, _ in pairs if d == dossier) == case.per_dossier
    for dossier, juror in pairs:
        assert blocked_reason(case, dossier, readers[juror]) is None
    assert case.fixed <= set(pairs)


@pytest.mark.parametrize("case", [
    _case(),
    _case(per_dossier=1),
    _case(per_dossier=3),
    _case(with_president=True),
    _case(max_load=2),
    _case(per_dossier=3, max_load=3),
    _case(fixed=frozenset({("D4", "J2"), ("D3", "J2")})),
    _case(fixed=frozenset({("D4", "J3")}), excluded=frozenset({("D4", "J2"), ("D3", "J5")})),
    _case(recusals=frozenset({("J4", "D1"), ("J6", "D2"), ("J5", "D1")}), per_dossier=1),
], ids=["k2", "k1", "k3", "president", "cap2", "k3-cap3", "fixed", "swapped", "crowded"])
def test_the_assignment_keeps_every_rule_and_is_as_even_as_the_brute_force(case: AssignmentCase) -> None:
    best = _brute_force(case)
    assert best is not None
    found = assign(case)
    _check_rules(case, found.pairs)
    assert found.spread == best
    assert sum(found.loads.values()) == case.per_dossier * len(case.dossiers)
    if case.max_load is not None:
        assert max(found.loads.values()) <= case.max_load
    assert assign(case) == found  # the same answer every time


def test_the_rules_name_the_recusal_the_region_and_the_presidency() -> None:
    case = _case()
    readers = {r.juror_id: r for r in READERS}
    assert blocked_reason(case, "D1", readers["J1"]) == "présidence"
    assert blocked_reason(case, "D1", readers["J2"]) == "même région (Bretagne)"
    assert blocked_reason(case, "D1", readers["J6"]) == "récusé·e"
    assert blocked_reason(case, "D1", readers["J4"]) is None
    assert blocked_reason(_case(excluded=frozenset({("D1", "J4")})), "D1", readers["J4"]) == "retiré·e à la main"
    assert "J1" not in {j for _, j in assign(case).pairs}
    assert "J1" in {j for _, j in assign(_case(with_president=True, per_dossier=3)).pairs}


@pytest.mark.parametrize(("case", "words"), [
    (_case(per_dossier=4), ["« D1 »", "3 rapporteur(s) possible(s)", "même région (Bretagne) : Bretonne",
                            "récusé·e : Nationale B", "présidence : Présidente"]),
    (_case(max_load=1), ["Plafond trop bas", "10 lectures", "5 rapporteurs × un plafond de 1 dossier = 5"]),
    (_case(fixed=frozenset({("D1", "J2")})), ["à la main", "Bretonne", "« D1 »", "même région (Bretagne)"]),
    (_case(per_dossier=1, fixed=frozenset({("D3", "J4"), ("D3", "J6")})),
     ["« D3 » a 2 rapporteurs désignés à la main", "1 demandés"]),
    (_case(max_load=1, fixed=frozenset({("D3", "J6"), ("D4", "J6")}), dossiers=("D3", "D4")),
     ["Nationale B est rapporteur à la main de 2 dossiers", "plafond de 1 dossier"]),
    (_case(per_dossier=3, excluded=frozenset({("D3", "J2"), ("D3", "J4")})),
     ["« D3 » : 2 rapporteur(s) possible(s)", "retiré·e à la main : Bretonne, Nationale A"]),
], ids=["too-few-readers", "cap", "fixed-breaks-a-rule", "fixed-above-k", "fixed-above-cap", "taken-off"])
def test_an_infeasible_case_is_explained_by_the_rule_that_blocks_it(case: AssignmentCase, words: list[str]) -> None:
    assert _brute_force(case) is None
    with pytest.raises(AssignmentInfeasible) as refused:
        assign(case)
    for word in words:
        assert word in str(refused.value)


def test_a_cap_too_low_for_one_region_names_it() -> None:
    # Three Breton dossiers: the Breton juror and the two recused from them leave J3, J5 (and J4).
    regions = {"D1": "Bretagne", "D2": "Bretagne", "D3": "Bretagne", "D4": "Occitanie", "D5": "Occitanie"}
    recusals = frozenset({("J4", d) for d in ("D1", "D2", "D3")} | {("J6", d) for d in ("D1", "D2", "D3")})
    case = AssignmentCase(tuple(regions), regions, READERS, recusals, 2, 2)
    assert _brute_force(case) is None
    with pytest.raises(AssignmentInfeasible, match="Plafond trop bas pour la région Bretagne") as refused:
        assign(case)
    assert "6 lectures" in str(refused.value) and "D1, D2, D3" in str(refused.value)


def test_a_cap_too_low_for_dossiers_of_two_regions_names_them_and_their_readers() -> None:
    # Each regional juror is recused from the other région's dossier: only the two national
    # jurors may read both, and a cap of 1 leaves the two dossiers two readings short.
    readers = (Reader("J1", "Anne", "Bretagne"), Reader("J2", "Bruno", "Normandie"),
               Reader("J3", "Claire", None), Reader("J4", "Denis", None))
    case = AssignmentCase(("D1", "D2"), {"D1": "Bretagne", "D2": "Normandie"}, readers,
                          frozenset({("J2", "D1"), ("J1", "D2")}), 2, 1)
    assert _brute_force(case) is None
    with pytest.raises(AssignmentInfeasible) as refused:
        assign(case)
    message = str(refused.value)
    assert "« D1 », « D2 »" in message and "que par Claire, Denis" in message and "plafond de 1 dossier " in message


def test_a_balanced_assignment_is_within_one_when_it_can_be() -> None:
    dossiers = tuple(f"D{i}" for i in range(1, 16))
    regions = {d: ("Bretagne" if i % 3 == 0 else "Occitanie") for i, d in enumerate(dossiers)}
    case = AssignmentCase(dossiers, regions, READERS, frozenset({("J3", "D2"), ("J5", "D7")}), 2)
    found = assign(case)
    _check_rules(case, found.pairs)
    assert found.spread <= 1 and set(found.loads) == {"J2", "J3", "J4", "J5", "J6"}


def test_no_dossier_gives_no_rapporteur() -> None:
    found = assign(_case(dossiers=()))
    assert found.pairs == () and set(found.loads.values()) == {0}
