"""The shortlist module of the meeting (pure): choices ↔ constraints, attributes,
solving on the demo call, French tables and defaults."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from dashboard.core import decision
from dashboard.core import shortlist as ms
from dashboard.core.decision import INELIGIBLE, AggregationSettings, DecisionInputs
from dashboard.services import meeting
from dashboard.services.importer import import_file
from dashboard.store import Database, Store
from dashboard.store.access import OPERATOR
from scoring import RankResult, ScoringError
from tests.helpers.workbooks import DEMO_WORKBOOK


def _inputs(store: Store, call_id: str) -> DecisionInputs:
    return meeting.call_inputs(store, OPERATOR, meeting.load_call(store, OPERATOR, call_id), AggregationSettings())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, DecisionInputs]:
    path: Path = tmp_path_factory.mktemp("shortlist") / "demo.duckdb"
    db = Database(path)
    store = db.store()
    import_file(DEMO_WORKBOOK, store, actor=OPERATOR)
    inputs = {call: _inputs(store, call) for call in store.calls()["call_id"]}
    db.close()
    return inputs


@pytest.fixture(scope="module")
def ami1(demo: dict[str, DecisionInputs]) -> tuple[DecisionInputs, RankResult]:
    inputs = demo["AMI1"]
    return inputs, decision.rank_call(inputs, decision.default_profile(inputs))


# --------------------------------------------------------------------------- choices ↔ constraints


@pytest.mark.parametrize("choices", [
    ms.ShortlistChoices(size=10),
    ms.ShortlistChoices(size=55, every_region=True, min_overseas=6, min_ti_share=0.67, max_per_region=7,
                        force_in=("AMI1-001", "AMI1-002"), force_out=("AMI1-003",)),
    ms.ShortlistChoices(size=3, min_ti_share=0.5),
    ms.ShortlistChoices(size=8, max_per_region=2, force_out=("AMI1-010",)),
])
def test_choices_round_trip_through_engine_constraints(choices: ms.ShortlistChoices) -> None:
    constraints = choices.to_constraints()
    assert ms.ShortlistChoices.from_constraints(constraints, choices.size) == choices
    assert ms.shortlist_constraints(choices) == constraints


def test_constraints_are_in_the_engine_format() -> None:
    choices = ms.ShortlistChoices(size=55, every_region=True, min_overseas=6, min_ti_share=0.67,
                                  max_per_region=7, force_in=("A",), force_out=("B",))
    assert choices.to_constraints() == {
        "min_per_group": {"region": 1}, "max_per_group": {"region": 7}, "min_count": {"overseas": 6},
        "min_share": {"ti": 0.67}, "force_in": ["A"], "force_out": ["B"]}
    assert ms.ShortlistChoices(size=5).to_constraints() == {}


def test_from_constraints_refuses_what_the_page_cannot_show() -> None:
    with pytest.raises(ValueError, match="département"):
        ms.ShortlistChoices.from_constraints({"min_per_group": {"département": 1}}, 10)
    with pytest.raises(ValueError, match="au moins 1 dossier par région"):
        ms.ShortlistChoices.from_constraints({"min_per_group": {"region": 2}}, 10)
    with pytest.raises(ValueError, match="inconnue"):
        ms.ShortlistChoices.from_constraints({"quota": 3}, 10)


def test_choices_refuse_bad_values() -> None:
    with pytest.raises(ValueError, match="imposé et écarté"):
        ms.ShortlistChoices(size=5, force_in=("A",), force_out=("A",))
    with pytest.raises(ValueError, match="Taille"):
        ms.ShortlistChoices(size=0)
    with pytest.raises(ValueError, match="Territoires d'industrie"):
        ms.ShortlistChoices(size=5, min_ti_share=1.5)


def test_stored_forcings_are_united_with_the_sessions_and_contradictions_refused() -> None:
    """One rule for the page and `jury export`: the session's forcings and the stored ones are
    united (the page used to replace the session's by the stored ones); a dossier both imposed
    and excluded is refused."""
    forcings = pd.DataFrame({"dossier_id": ["A", "B", "C"], "kind": ["force_in", "force_out", "force_in"]})
    merged = ms.merge_forcings({"force_in": ["Z"], "min_count": {"overseas": 1}}, forcings)
    assert merged == {"force_in": ["Z", "A", "C"], "force_out": ["B"], "min_count": {"overseas": 1}}
    assert ms.merge_forcings({"force_in": ["A"]}, forcings)["force_in"] == ["A", "C"]  # no duplicate
    assert ms.merge_forcings({}, forcings.iloc[0:0]) == {}
    assert ms.merge_forcings({"force_out": ["Y"]}, None) == {"force_out": ["Y"]}
    with pytest.raises(ValueError, match="Dossier à la fois imposé et écarté : B"):
        ms.merge_forcings({"force_in": ["B"]}, forcings)
    # The page's starting choices carry the stored forcings.
    choices = ms.ShortlistChoices.from_constraints(ms.merge_forcings({}, forcings), 5)
    assert choices.force_in == ("A", "C") and choices.force_out == ("B",)


# --------------------------------------------------------------------------- attributes and solving


def test_attributes_flag_eligibility_and_leave_unknown_region_out(ami1) -> None:
    inputs, _ = ami1
    ineligible = inputs.eligibility.index[inputs.eligibility["status"] == INELIGIBLE]
    assert len(ineligible) > 0
    attributes_in = inputs.attributes.copy()
    attributes_in.loc[attributes_in.index[0], ["region", "region_kind"]] = ["Inconnue", None]
    attributes = ms.shortlist_attributes(replace(inputs, attributes=attributes_in))
    assert set(attributes.columns) >= {"region", "overseas", "ti", "eligible"}
    assert (attributes.loc[ineligible, "eligible"] == 0).all()
    assert attributes["eligible"].sum() == len(inputs.eligible_ids)
    assert attributes["region"].iloc[0] is None


def test_every_region_applies_only_to_regions_with_an_eligible_dossier(ami1) -> None:
    inputs, _ = ami1
    # Make one région's dossiers all ineligible: it must not be required any more.
    region = "Bretagne"
    members = inputs.attributes.index[inputs.attributes["region"] == region]
    assert len(members) > 0
    eligibility = inputs.eligibility.copy()
    eligibility.loc[members, "status"] = INELIGIBLE
    reduced = replace(inputs, eligibility=eligibility)
    ranking = decision.rank_call(reduced, decision.default_profile(reduced))
    covered = ms.regions_with_eligible(reduced)
    assert region not in covered and region in ms.regions_with_eligible(inputs)
    result = ms.build_shortlist(reduced, ranking, ms.ShortlistChoices(size=30, every_region=True))
    assert result.feasible
    required = {c["group"] for c in result.constraints if c["type"] == "min_per_group"}
    assert required == set(covered)
    selected_regions = set(inputs.attributes.loc[list(result.selected), "region"])
    assert set(covered) <= selected_regions
    assert not set(members) & set(result.selected)


def test_shortlist_satisfies_every_constraint_on_the_demo(ami1) -> None:
    inputs, ranking = ami1
    forced_in = ranking.ranks.sort_values().index[-1]     # the last of the ranking
    forced_out = ranking.ranks.sort_values().index[0]     # the first
    choices = ms.ShortlistChoices(size=30, every_region=True, min_overseas=5, min_ti_share=0.67,
                                  max_per_region=4, force_in=(forced_in,), force_out=(forced_out,))
    result = ms.build_shortlist(inputs, ranking, choices)
    assert result.feasible, result.message
    selected = inputs.attributes.loc[list(result.selected)]
    assert len(selected) == 30
    assert set(ms.regions_with_eligible(inputs)) <= set(selected["region"])
    assert selected["overseas"].sum() >= 5
    assert selected["ti"].sum() >= math.ceil(0.67 * 30)
    assert selected["region"].value_counts().max() <= 4
    assert forced_in in result.selected and forced_out not in result.selected
    assert set(result.selected) <= set(inputs.eligible_ids)
    assert result.objective_lost > 0 and result.swaps
    swaps = ms.swaps_table(inputs, ranking, result)
    assert list(swaps.columns) == ["Entre", "Rang de l'entrant", "Sort", "Rang du sortant", "Contrainte en cause"]
    assert len(swaps) == len(result.swaps)
    # The forced dossier is named, not shown by its id.
    name = inputs.attributes.at[forced_in, "display_name"]
    assert any(name in text for text in swaps["Contrainte en cause"]) or \
        any(name in text for text in ms.binding_table(inputs, result)["Contrainte"])


def test_plain_top_n_when_no_constraint(ami1) -> None:
    inputs, ranking = ami1
    result = ms.build_shortlist(inputs, ranking, ms.ShortlistChoices(size=12))
    assert result.feasible and not result.swaps and result.objective_lost == pytest.approx(0, abs=1e-9)
    assert list(result.selected) == list(ranking.ranks.sort_values(kind="stable").index[:12])


def test_infeasible_constraints_are_named_in_french(ami1) -> None:
    inputs, ranking = ami1
    result = ms.build_shortlist(inputs, ranking, ms.ShortlistChoices(size=5, min_overseas=6))
    assert not result.feasible
    assert result.message.startswith("Contraintes incompatibles")
    assert "outre-mer" in result.message and "taille de la sélection : 5 dossiers" in result.message


def test_ineligible_forcings(ami1) -> None:
    inputs, ranking = ami1
    ineligible = inputs.eligibility.index[inputs.eligibility["status"] == INELIGIBLE][0]
    with pytest.raises(ScoringError, match="non éligible") as caught:
        ms.build_shortlist(inputs, ranking, ms.ShortlistChoices(size=10, force_in=(ineligible,)))
    assert inputs.attributes.at[ineligible, "display_name"] in str(caught.value)
    # Forcing out an ineligible dossier changes nothing.
    plain = ms.build_shortlist(inputs, ranking, ms.ShortlistChoices(size=10))
    out = ms.build_shortlist(inputs, ranking, ms.ShortlistChoices(size=10, force_out=(ineligible,)))
    assert out.selected == plain.selected


# --------------------------------------------------------------------------- defaults and tables


def test_default_size_and_choices(demo: dict[str, DecisionInputs], ami1) -> None:
    inputs, ranking = ami1
    laureates = int((inputs.attributes["historical_decision"] == "lauréat").sum())
    assert laureates > 0 and ms.default_size(inputs) == laureates
    choices = ms.default_choices(inputs, ranking)
    # The 2019 outcome's proportions: the 13 metropolitan régions, 6 overseas of 55, 67 % TI.
    assert (choices.size, choices.every_metro_region, choices.every_region) == (laureates, True, False)
    assert (choices.min_overseas, choices.min_ti_share) == (6, 0.67)
    result = ms.build_shortlist(inputs, ranking, choices)
    assert result.feasible
    selected = inputs.attributes.loc[list(result.selected)]
    assert selected.loc[selected["region_kind"] == "métropole", "region"].nunique() == 13
    assert selected["overseas"].sum() >= 6 and selected["ti"].mean() >= 0.67
    # A call without laureates: 10, capped at the eligible count.
    p3 = demo["AMI2-P3"]
    assert (p3.attributes["historical_decision"] != "lauréat").all()
    assert ms.default_size(p3) == min(10, len(p3.eligible_ids))
    # No Territoires d'industrie dossier: no share by default.
    no_ti = replace(inputs, attributes=inputs.attributes.assign(ti=0))
    assert ms.default_choices(no_ti, ranking).min_ti_share == 0.0


def test_saint_martin_is_a_collectivity_overseas_never_a_region(ami1) -> None:
    inputs, ranking = ami1
    attributes = ms.shortlist_attributes(inputs)
    martin = inputs.attributes.index[inputs.attributes["region"].str.startswith("Saint-Martin")]
    assert len(martin) == 1
    assert inputs.attributes.at[martin[0], "region"] == "Saint-Martin (collectivité d'outre-mer)"
    assert inputs.attributes.at[martin[0], "region_kind"] == "collectivité d'outre-mer"
    assert attributes.at[martin[0], "region"] is None and attributes.at[martin[0], "overseas"] == 1
    metro, every = ms.regions_with_eligible(inputs, metropolitan=True), ms.regions_with_eligible(inputs)
    assert len(metro) == 13 and "Corse" in metro
    assert len(every) == 18 and set(metro) < set(every) and not any("Saint-Martin" in r for r in every)
    # « Every région (18) » does not force Saint-Martin in; the overseas minimum counts it.
    # Saint-Martin made the lowest score of all.
    worst = replace(ranking, scores=ranking.scores.where(ranking.scores.index.isin(martin), ranking.scores + 10))
    for choices in (ms.ShortlistChoices(size=20, every_region=True),
                    ms.ShortlistChoices(size=20, every_metro_region=True)):
        assert martin[0] not in ms.build_shortlist(inputs, worst, choices).selected
    overseas = int(attributes.loc[attributes["eligible"] == 1, "overseas"].sum())
    every_overseas = ms.ShortlistChoices(size=20, min_overseas=overseas)
    assert martin[0] in ms.build_shortlist(inputs, worst, every_overseas).selected
    lines = ms.describe_choices(ms.ShortlistChoices(size=20, every_metro_region=True))
    assert "Au moins un dossier par région métropolitaine ayant un dossier éligible" in lines


def test_the_two_region_switches_cover_13_and_18_regions(ami1) -> None:
    inputs, ranking = ami1
    for choices, column, count in ((ms.ShortlistChoices(size=20, every_metro_region=True), "metro_region", 13),
                                   (ms.ShortlistChoices(size=20, every_region=True), "region", 18)):
        result = ms.build_shortlist(inputs, ranking, choices)
        assert result.feasible
        chosen = ms.shortlist_attributes(inputs).loc[list(result.selected), column]
        assert chosen.dropna().nunique() == count
    assert ms.ShortlistChoices.from_constraints({"min_per_group": {"metro_region": 1}}, 20).every_metro_region
    # Settings saved before the two switches (no « every_metro_region ») still load.
    assert ms.ShortlistChoices.from_settings({"size": 5, "every_region": True, "min_overseas": 0,
                                              "min_ti_share": 0.0, "max_per_region": None}).every_region


def test_default_share_dropped_when_infeasible_with_the_stored_forcings(ami1) -> None:
    inputs, ranking = ami1
    size = ms.default_size(inputs)
    needed = math.ceil(0.67 * size)
    eligible = inputs.attributes.loc[inputs.eligible_ids]
    ti = list(eligible.index[eligible["ti"] == 1])
    assert len(ti) >= needed
    # Enough TI dossiers are eligible, but the president excluded all but needed - 1 of
    # them (keeping a dossier in every région, so that only the share conflicts).
    left = eligible["region"].value_counts().to_dict()
    excluded = []
    for dossier in ti:
        if len(excluded) == len(ti) - needed + 1:
            break
        if left[eligible.at[dossier, "region"]] > 1:
            left[eligible.at[dossier, "region"]] -= 1
            excluded.append(dossier)
    assert len(excluded) == len(ti) - needed + 1
    forcings = pd.DataFrame({"dossier_id": excluded, "kind": ["force_out"] * len(excluded)})
    choices = ms.default_choices(inputs, ranking, forcings)
    assert choices.force_out == tuple(excluded)
    assert choices.min_ti_share == 0.0
    with_share = ms.build_shortlist(inputs, ranking, replace(choices, min_ti_share=0.67))
    assert not with_share.feasible
    assert any(c["type"] == "min_share" for c in with_share.conflict)
    assert ms.build_shortlist(inputs, ranking, choices).feasible


def test_selection_table_is_french(ami1) -> None:
    inputs, ranking = ami1
    result = ms.build_shortlist(inputs, ranking, ms.ShortlistChoices(size=10, min_overseas=2))
    table = ms.selection_table(inputs, ranking, result)
    assert list(table.columns) == ["Rang", "Dossier", "Région", "Score", "Outre-mer", "TI", "Dans les N premiers"]
    assert list(table.index) == list(result.selected)
    assert all("," in s and "." not in s for s in table["Score"])
    assert set(table["Outre-mer"]) <= {"oui", "non"} and (table["Outre-mer"] == "oui").sum() >= 2
    assert table["Rang"].is_monotonic_increasing


def test_decisions_table_names_the_seance_and_the_tally(ami1) -> None:
    inputs, _ = ami1
    recorded = pd.DataFrame({"dossier_id": ["AMI1-001", "AMI1-085"],
                             "decision": ["ajourné – accompagnement proposé", "retenu"],
                             "rationale": ["Projet à mûrir", "Territoire prioritaire"],
                             "decided_by": ["helene.marchetti"] * 2,
                             "decided_at": [datetime(2019, 9, 20, 10, 5)] * 2,
                             "seance_id": [3, None], "vote_id": [7, None],
                             "departure": ["Le plan de financement manque.", None],
                             "retenu": [4, None], "ajourne": [1, None], "non_retenu": [0, None],
                             "abstention": [2, None]})
    table = ms.decisions_table(inputs, recorded)
    assert table.at["AMI1-085", "Le"] == "20/09/2019 10:05"
    assert table.at["AMI1-085", "Séance"] == "hors séance" and table.at["AMI1-085", "Vote"] == "–"
    assert table.at["AMI1-001", "Séance"] == "n° 3"
    assert table.at["AMI1-001", "Vote"] == ("retenu : 4 · ajourné – accompagnement proposé : 1 · non retenu : 0 · "
                                            "abstention : 2 (7 votes)")
    assert table.at["AMI1-001", "Écart au vote"] == "Le plan de financement manque."


def test_forcings_table_and_file_name(ami1) -> None:
    inputs, _ = ami1
    forcings = pd.DataFrame({"call_id": ["AMI1"], "dossier_id": ["AMI1-001"], "kind": ["force_out"],
                             "justification": ["Dossier retiré par la commune"],
                             "decided_by": ["helene.marchetti"], "decided_at": [datetime(2019, 9, 26, 9, 30)]})
    table = ms.forcings_table(inputs, forcings)
    assert table.iloc[0].to_dict() == {"Dossier": inputs.attributes.at["AMI1-001", "display_name"],
                                       "Forçage": "écarté", "Justification": "Dossier retiré par la commune",
                                       "Par": "helene.marchetti", "Le": "26/09/2019 09:30"}
    lines = ms.describe_choices(ms.ShortlistChoices(size=55, every_region=True, min_ti_share=0.67,
                                                    force_out=("AMI1-001",)), inputs)
    assert "Au moins 67 % en Territoires d'industrie" in lines
    assert f"Dossier écarté : {inputs.attributes.at['AMI1-001', 'display_name']}" in lines


def test_matching_profile_name(ami1) -> None:
    inputs, _ = ami1
    equal = decision.default_profile(inputs)
    other = replace(equal, weights={**equal.weights, "C01": 3.0})
    stored = pd.DataFrame({"name": ["mon profil", "profil du jury", "autre"],
                           "profile": [equal.to_dict(), equal.to_dict(), other.to_dict()]})
    assert ms.matching_profile_name(stored, equal) == "profil du jury"
    assert ms.matching_profile_name(stored, other) == "autre"
    assert ms.matching_profile_name(stored.iloc[:1], equal) == "mon profil"
    assert ms.matching_profile_name(stored.iloc[2:], equal) is None
    assert ms.matching_profile_name(stored.iloc[0:0], equal) is None
