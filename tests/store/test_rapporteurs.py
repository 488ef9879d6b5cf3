"""Rapporteurs in the store, on a copy of the demo database: the assignment of AMI1, a swap by
hand kept by a new assignment, the juror it took off not put back (both forgotten by a reset),
swaps refused by the rules, « rapporteurs seulement » refused by the store, and every change
journalled."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from dashboard.core.rapporteurs import assign
from dashboard.errors import AccessDenied, StoreError
from dashboard.services.rapporteurs import assign_rapporteurs, eligible_dossiers
from dashboard.store import RatingEntry, Store
from dashboard.store.access import OPERATOR, Actor
from dashboard.store.database import Database
from tests.helpers.databases import copy_database
from tests.helpers.store_state import table_digests

CALL = "AMI1"
PRESIDENT_ID = "JUR-01"


@pytest.fixture
def demo(demo_database_file: Path, tmp_path: Path) -> Iterator[Store]:
    database = Database(copy_database(demo_database_file, tmp_path / "demo.duckdb"))
    try:
        yield database.store()
    finally:
        database.close()


def _juror(store: Store, juror_id: str) -> Actor:
    users = store.users(OPERATOR)
    row = users[users["juror_id"] == juror_id].iloc[0]
    return Actor(row["login"], row["name"], row["role"], juror_id)


def _regions(store: Store) -> tuple[dict[str, str], dict[str, str | None]]:
    case = store.assignment_case(CALL, eligible_dossiers(store, OPERATOR, CALL), 2, None, False, False)
    return ({d: r for d, r in case.dossier_regions.items() if r}, {r.juror_id: r.region for r in case.readers})


def test_the_demo_call_gets_two_rapporteurs_per_eligible_dossier_within_the_rules(demo: Store) -> None:
    report = assign_rapporteurs(demo, OPERATOR, CALL, 2)
    eligible = eligible_dossiers(demo, OPERATOR, CALL)
    stored = demo.rapporteurs(OPERATOR, CALL)
    assert sorted(stored.groupby("dossier_id").size().items()) == [(d, 2) for d in sorted(eligible)]
    recused = set(zip(demo.recusals(OPERATOR, CALL)["juror_id"], demo.recusals(OPERATOR, CALL)["dossier_id"],
                      strict=True))
    dossier_regions, juror_regions = _regions(demo)
    for row in stored.itertuples():
        assert (row.juror_id, row.dossier_id) not in recused
        assert juror_regions[row.juror_id] is None or juror_regions[row.juror_id] != dossier_regions[row.dossier_id]
        assert row.juror_id != PRESIDENT_ID and not row.manual
    loads = stored.groupby("juror_id").size()
    assert len(loads) == 8 and loads.max() - loads.min() <= 1
    assert dict(loads) == dict(report.assignment.loads)
    assert {e["call"]: e["rapporteurs"] for e in demo.summary()} == {
        CALL: 2 * len(eligible), "AMI2-P1": 0, "AMI2-P2": 0, "AMI2-P3": 0}
    entry = demo.audit_log(OPERATOR).iloc[-1]
    assert entry["action"] == "répartition des rapporteurs" and entry["entity_id"] == CALL


def test_a_swap_by_hand_is_kept_by_a_new_assignment_but_not_by_a_reset(demo: Store) -> None:
    assign_rapporteurs(demo, OPERATOR, CALL, 2)
    stored = demo.rapporteurs(OPERATOR, CALL)
    dossier_regions, juror_regions = _regions(demo)
    recused = set(zip(demo.recusals(OPERATOR, CALL)["juror_id"], demo.recusals(OPERATOR, CALL)["dossier_id"],
                      strict=True))
    dossier = str(stored["dossier_id"].iloc[0])
    current = set(stored.loc[stored["dossier_id"] == dossier, "juror_id"])
    joining = next(j for j in sorted(juror_regions) if j not in current and j != PRESIDENT_ID
                   and (j, dossier) not in recused and juror_regions[j] != dossier_regions.get(dossier))
    leaving = sorted(current)[0]
    demo.swap_rapporteur(OPERATOR, dossier, leaving, joining)
    after = demo.rapporteurs(OPERATOR, CALL).set_index(["dossier_id", "juror_id"])
    assert bool(after.loc[(dossier, joining), "manual"]) and (dossier, leaving) not in after.index
    assert demo.audit_log(OPERATOR).iloc[-1]["action"] == "rapporteur remplacé"

    for per_dossier in (2, 3):  # a new assignment keeps the swap, even one asking more of each dossier
        report = assign_rapporteurs(demo, OPERATOR, CALL, per_dossier)
        again = demo.rapporteurs(OPERATOR, CALL).set_index(["dossier_id", "juror_id"])
        assert bool(again.loc[(dossier, joining), "manual"]) and report.kept_by_hand == 1
        assert (dossier, leaving) not in again.index  # the juror taken off is not put back
        assert (again.groupby("dossier_id").size() == per_dossier).all()
    assert json.loads(demo.audit_log(OPERATOR).iloc[-1]["after"])["retires_a_la_main"] == 1

    demo.swap_rapporteur(OPERATOR, dossier, joining, leaving)  # swapped back by hand: allowed again
    assert bool(demo.rapporteurs(OPERATOR, CALL).set_index(["dossier_id", "juror_id"]).loc[(dossier, leaving),
                                                                                              "manual"])
    assign_rapporteurs(demo, OPERATOR, CALL, 2, reset=True)
    assert not demo.rapporteurs(OPERATOR, CALL)["manual"].any()
    assert demo.assignment_case(CALL, eligible_dossiers(demo, OPERATOR, CALL), 2, None, False, True).excluded == set()


def test_swaps_that_break_a_rule_are_refused_and_change_nothing(demo: Store) -> None:
    assign_rapporteurs(demo, OPERATOR, CALL, 2, max_load=20)
    stored = demo.rapporteurs(OPERATOR, CALL)
    recusals = demo.recusals(OPERATOR, CALL)
    dossier_regions, juror_regions = _regions(demo)
    before = table_digests(demo._cur)
    # A juror recused from a dossier (the demo's recusals are mostly régions; take one that is not).
    juror, dossier = next((j, d) for j, d in zip(recusals["juror_id"], recusals["dossier_id"], strict=True)
                          if d in set(stored["dossier_id"]))
    leaving = str(stored.loc[stored["dossier_id"] == dossier, "juror_id"].iloc[0])
    with pytest.raises(StoreError, match="récusé·e"):
        demo.swap_rapporteur(OPERATOR, dossier, leaving, juror)
    with pytest.raises(StoreError, match="présidence"):
        demo.swap_rapporteur(OPERATOR, dossier, leaving, PRESIDENT_ID)
    breton = next(d for d in stored["dossier_id"] if dossier_regions.get(d) == "Bretagne")
    breton_leaving = str(stored.loc[stored["dossier_id"] == breton, "juror_id"].iloc[0])
    with pytest.raises(StoreError, match="Grégoire Le Bihan ne peut pas être rapporteur"):  # Breton, recused
        demo.swap_rapporteur(OPERATOR, breton, breton_leaving, "JUR-08")
    full = stored.groupby("juror_id").size().idxmax()  # at the cap of 20
    target = next(d for d in stored["dossier_id"] if full not in set(stored.loc[stored["dossier_id"] == d,
                                                                                "juror_id"])
                  and (full, d) not in set(zip(recusals["juror_id"], recusals["dossier_id"], strict=True))
                  and juror_regions[full] != dossier_regions.get(d))
    with pytest.raises(StoreError, match="plafond"):
        demo.swap_rapporteur(OPERATOR, target, str(stored.loc[stored["dossier_id"] == target, "juror_id"].iloc[0]),
                             str(full))
    with pytest.raises(AccessDenied):
        demo.swap_rapporteur(_juror(demo, "JUR-07"), dossier, leaving, "JUR-02")
    assert table_digests(demo._cur) == before


def test_rapporteurs_only_is_refused_by_the_store_to_the_other_jurors(demo: Store) -> None:
    with pytest.raises(StoreError, match="pas encore de rapporteurs"):
        demo.set_rapporteurs_only(OPERATOR, "AMI2-P3", True)
    assign_rapporteurs(demo, OPERATOR, "AMI2-P3", 2)
    celine = _juror(demo, "JUR-07")
    own = demo.rapporteur_dossier_ids(celine, "AMI2-P3")
    others = [d for d in demo.dossiers_to_rate(celine, "AMI2-P3")["dossier_id"] if d not in own]
    assert own and others
    demo.save_ratings(celine, others[0], [RatingEntry("J01", 3, None, None)])  # open to all for now
    demo.set_rapporteurs_only(OPERATOR, "AMI2-P3", True)
    assert demo.audit_log(OPERATOR).iloc[-1]["action"] == "notation réservée aux rapporteurs"
    assert list(demo.dossiers_to_rate(celine, "AMI2-P3")["dossier_id"]) == own
    before = table_digests(demo._cur)
    with pytest.raises(AccessDenied, match="seuls les rapporteurs"):
        demo.save_ratings(celine, others[-1], [RatingEntry("J01", 4, None, None)])
    assert table_digests(demo._cur) == before
    demo.save_ratings(celine, own[0], [RatingEntry("J01", 4, None, None)])
    demo.set_rapporteurs_only(OPERATOR, "AMI2-P3", False)
    demo.save_ratings(celine, others[-1], [RatingEntry("J01", 4, None, None)])


def test_an_assignment_solved_on_data_that_moved_is_not_stored(demo: Store) -> None:
    dossiers = eligible_dossiers(demo, OPERATOR, "AMI2-P3")
    case = demo.assignment_case("AMI2-P3", dossiers, 2, None, False, True)
    found = assign(case)
    dossier, juror = found.pairs[0]
    demo.add_recusal(OPERATOR, juror, dossier, "Conflit déclaré après le calcul", date(2021, 6, 1))
    with pytest.raises(StoreError, match="ont changé pendant la répartition"):
        demo.set_rapporteurs(OPERATOR, "AMI2-P3", case, found)
    assert demo.rapporteurs(OPERATOR, "AMI2-P3").empty
