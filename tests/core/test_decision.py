"""The decision inputs of a call: matrix, gates, aggregated jury criteria, profiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.core import decision
from dashboard.core.decision import AggregationSettings
from dashboard.core.labels import JURY_PROFILE
from dashboard.errors import AccessDenied, StoreError
from dashboard.services import meeting
from dashboard.services.importer import import_file
from dashboard.store import Store
from dashboard.store.access import OPERATOR, Actor
from tests.helpers.accounts import DIRECTION, JUROR, PRESIDENT
from tests.helpers.workbooks import tiny_tables, write_workbook


@pytest.fixture
def filled(store: Store, tmp_path: Path) -> Store:
    tables = tiny_tables()
    tables["criterion_values"].append({"dossier_id": "AMI1-002", "criterion_id": "E01", "value": 8000})
    tables["criterion_values"] = [v for v in tables["criterion_values"]
                                  if not (v["dossier_id"] == "AMI1-002" and v["criterion_id"] == "E01"
                                          and v["value"] != 8000)]
    import_file(write_workbook(tmp_path / "t.xlsx", tables), store, actor=OPERATOR)
    return store


def _inputs(store: Store, actor: Actor = OPERATOR) -> decision.DecisionInputs:
    return meeting.call_inputs(store, actor, meeting.load_call(store, actor, "AMI1"), AggregationSettings())


def test_gates_give_eligible_derogation_and_ineligible() -> None:
    assert decision._gate_status(25000, 10000, 100000, 5000) == decision.ELIGIBLE
    assert decision._gate_status(8000, 10000, 100000, 5000) == decision.DEROGATION
    assert decision._gate_status(4000, 10000, 100000, 5000) == decision.INELIGIBLE
    assert decision._gate_status(150000, 10000, 100000, 5000) == decision.INELIGIBLE
    assert decision._gate_status(float("nan"), 1, None, None) == decision.INELIGIBLE


def test_inputs_use_aggregated_ratings_and_gates(filled: Store) -> None:
    inputs = _inputs(filled)
    assert list(inputs.criteria.index) == ["C02", "C06", "J01"]
    # J01 is the mean of the ratings that count: (4 + 5) / 2 for AMI1-001.
    assert inputs.matrix.at["AMI1-001", "J01"] == pytest.approx(4.5)
    assert inputs.matrix.at["AMI1-003", "J01"] == pytest.approx(2.0)
    status = inputs.eligibility["status"]
    assert status["AMI1-002"] == decision.DEROGATION and "E01" in inputs.eligibility.at["AMI1-002", "reason"]
    assert status["AMI1-001"] == decision.ELIGIBLE
    assert list(inputs.eligible_ids) == ["AMI1-001", "AMI1-002", "AMI1-003"]
    assert inputs.attributes.at["AMI1-002", "overseas"] == 1
    assert inputs.attributes.at["AMI1-001", "ti"] == 1


def test_default_profile_ranks_with_equal_weights(filled: Store) -> None:
    inputs = _inputs(filled)
    profile = decision.default_profile(inputs)
    spec = profile.spec(inputs)
    assert [c["id"] for c in spec["criteria"]] == ["C02", "C06", "J01"]
    result = decision.rank_call(inputs, profile)
    # AMI1-001 is best on all three criteria (106,9 km, TI, 4,5): rank 1.
    assert result.ranks["AMI1-001"] == 1
    table = decision.ranking_table(inputs, result, reference=result)
    assert table.index[0] == "AMI1-001" and (table["change"] == 0).all()
    heavy = decision.WeightProfile(weights={"C02": 0, "C06": 0, "J01": 1}, enabled=("C02", "C06", "J01"))
    assert decision.rank_call(inputs, heavy).ranks["AMI1-002"] == 2  # 3,0 beats 2,0 on J01


def test_profile_round_trips_and_fingerprints() -> None:
    profile = decision.WeightProfile(method="topsis", weights={"C02": 2.0}, enabled=("C02",),
                                     weighting={"mode": "points", "points": {"C02": 2}})
    again = decision.WeightProfile.from_dict(profile.to_dict())
    assert again == profile and again.fingerprint() == profile.fingerprint()
    assert decision.WeightProfile(weights={"C02": 3.0}, enabled=("C02",)).fingerprint() != profile.fingerprint()


def test_weight_profiles_follow_the_roles(filled: Store) -> None:
    profile = {"method": "wsm", "weights": {"C02": 1}, "enabled": ["C02"]}
    with pytest.raises(AccessDenied):
        filled.save_weight_profile(JUROR, "AMI1", JURY_PROFILE, profile)
    with pytest.raises(AccessDenied):
        filled.save_weight_profile(DIRECTION, "AMI1", "vue direction", profile)
    filled.save_weight_profile(PRESIDENT, "AMI1", JURY_PROFILE, profile)
    filled.save_weight_profile(JUROR, "AMI1", "mon profil", {**profile, "method": "topsis"})
    with pytest.raises(AccessDenied, match="appartient"):
        filled.save_weight_profile(PRESIDENT, "AMI1", "mon profil", profile)
    assert filled.weight_profile(JUROR, "AMI1", "mon profil")["method"] == "topsis"
    assert set(filled.weight_profiles(JUROR, "AMI1")["name"]) == {JURY_PROFILE, "mon profil"}
    log = filled.audit_log(OPERATOR)
    assert (log["action"] == "profil de pondération").sum() == 2


def test_decisions_and_forcings_need_the_president_and_a_reason(filled: Store) -> None:
    with pytest.raises(AccessDenied):
        filled.record_decision(JUROR, "AMI1", "AMI1-001", "retenu", "Très bon dossier")
    with pytest.raises(StoreError, match="motivation"):
        filled.record_decision(PRESIDENT, "AMI1", "AMI1-001", "retenu", "  ")
    with pytest.raises(StoreError, match="inconnue"):
        filled.record_decision(PRESIDENT, "AMI1", "AMI1-001", "peut-être", "raison")
    filled.record_decision(PRESIDENT, "AMI1", "AMI1-003", "ajourné – accompagnement proposé", "Projet à consolider")
    decided = filled.decisions(DIRECTION, "AMI1").set_index("dossier_id")
    assert decided.at["AMI1-003", "decision"] == "ajourné – accompagnement proposé"
    with pytest.raises(StoreError, match="justification"):
        filled.set_forcing(PRESIDENT, "AMI1", "AMI1-002", "force_in", "")
    filled.set_forcing(PRESIDENT, "AMI1", "AMI1-002", "force_in", "Seul dossier de La Réunion")
    assert filled.forcings(DIRECTION, "AMI1").set_index("dossier_id").at["AMI1-002", "kind"] == "force_in"
    filled.set_forcing(PRESIDENT, "AMI1", "AMI1-002", None)
    assert filled.forcings(DIRECTION, "AMI1").empty
    actions = filled.audit_log(OPERATOR)["action"].tolist()
    assert actions.count("forçage de la liste restreinte") == 2 and "décision" in actions
