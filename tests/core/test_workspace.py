"""What of a person's session is kept for them, written as JSON and read back as it was."""

from __future__ import annotations

import json

from dashboard.core import workspace
from dashboard.core.decision import AggregationSettings, WeightProfile
from dashboard.core.shortlist import ShortlistChoices

PROFILE = WeightProfile(method="topsis", weights={"C01": 3.0, "J01": 1.5}, enabled=("C01", "J01"),
                        weighting={"mode": "points", "points": {"C01": 6, "J01": 3}})
CHOICES = ShortlistChoices(size=12, every_region=True, min_overseas=6, min_ti_share=0.67, max_per_region=3,
                           force_in=("AMI1-004",), force_out=("AMI1-009",))


def test_each_kept_value_reads_back_as_it_was() -> None:
    session = {"selected_call": "AMI2", "aggregation": AggregationSettings("median", True),
               "profile_AMI1": PROFILE, "reference_AMI1": "profil du jury",
               "shortlist_choices_AMI1": CHOICES, "comparer_dossiers_AMI1": ["AMI1-001", "AMI1-007"],
               "trial_AMI1": True, "projection": True}
    stored = workspace.encode_all(session)
    assert set(stored) == set(session)
    restored = {key: workspace.decode(key, text) for key, text in stored.items()}
    assert restored["selected_call"] == "AMI2"
    assert restored["aggregation"] == AggregationSettings("median", True)
    assert restored["profile_AMI1"] == PROFILE
    assert restored["reference_AMI1"] == "profil du jury"
    assert restored["comparer_dossiers_AMI1"] == ["AMI1-001", "AMI1-007"]
    assert restored["trial_AMI1"] is True  # the person's « essai personnel », on every page and session
    assert restored["projection"] is True  # « mode projection », until the person leaves it
    # The forcings are the president's, in the store: only the choices under trial are kept.
    assert restored["shortlist_choices_AMI1"] == ShortlistChoices(size=12, every_region=True, min_overseas=6,
                                                                  min_ti_share=0.67, max_per_region=3)


def test_other_session_values_are_not_kept() -> None:
    session = {"login_password": "secret", "store": object(), "sl_min_overseas_AMI1": 6, "profile_": PROFILE,
               "selected_call": 3, "profile_AMI1": {"not": "a profile"}}
    assert workspace.encode_all(session) == {}


def test_a_value_that_no_longer_reads_is_left_out() -> None:
    assert workspace.decode("shortlist_choices_AMI1", json.dumps({"size": 0})) is None  # invalid size
    assert workspace.decode("shortlist_choices_AMI1", json.dumps({"taille": 10})) is None  # older form
    assert workspace.decode("comparer_dossiers_AMI1", json.dumps("AMI1-001")) is None
    assert workspace.decode("trial_AMI1", json.dumps("oui")) is None
    assert workspace.decode("profile_AMI1", "pas du json") is None
    assert workspace.decode("login_password", json.dumps("secret")) is None


def test_a_value_is_written_once_the_person_changed_it_not_for_the_pages_default() -> None:
    stored = {"selected_call": '"AMI1"'}
    # First seen: the page's default for a value the store lacks is noted, not written.
    writes, seen = workspace.changes(stored, {}, {"selected_call": '"AMI1"', "comparer_dossiers_AMI1": '["a", "b"]'})
    assert (writes, seen) == ({}, {"comparer_dossiers_AMI1": '["a", "b"]'})
    writes, seen = workspace.changes(stored, seen, {"selected_call": '"AMI2"', "comparer_dossiers_AMI1": '["a", "b"]'})
    assert writes == {"selected_call": '"AMI2"'}
    writes, seen = workspace.changes(stored, seen, {"selected_call": '"AMI1"', "comparer_dossiers_AMI1": '["a", "c"]'})
    assert writes == {"comparer_dossiers_AMI1": '["a", "c"]'}


def test_a_value_no_page_defaults_is_the_persons_from_the_start() -> None:
    # The reference profile is only ever set by the person's choice (page Classement).
    assert workspace.changes({}, {}, {"reference_AMI1": '"poids égaux"'}) == ({"reference_AMI1": '"poids égaux"'}, {})
