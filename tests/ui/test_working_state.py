"""Each person's working state through the app (AppTest signs in through its documented back
door, `tests/helpers/apptest.py`): what a page changed is in the store at the end of the run,
a new tab or sign-in starts from it, and « Réinitialiser mes réglages » forgets it."""

from __future__ import annotations

import ast
import json
from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import workspace
from dashboard.store import Database, Store
from dashboard.store.access import Actor
from dashboard.ui.session import LAST_SEEN_KEY, TAB_ACTOR_KEY, choices_key, profile_key, reference_key
from tests.helpers.accounts import JUROR, PRESIDENT

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "ui" / "app.py")
SHORTLIST = "../pages/liste_restreinte.py"
COMPARE = "../pages/comparer.py"
WEIGHTS = "../pages/ponderation.py"
RANKING = "../pages/classement.py"


@pytest.fixture
def app_database(app_db: Path) -> Database:
    """The database the app opened on the tiny call (`tests/ui/conftest.py`)."""
    from dashboard.ui.session import get_database

    return get_database()


def new_tab(actor: Actor, page: str | None = None) -> AppTest:
    """A new tab of `actor`, just signed in, on `page` (None: the home page)."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[TAB_ACTOR_KEY] = actor
    at.session_state[LAST_SEEN_KEY] = datetime.now()
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception
    return at


def store_of(database: Database) -> Store:
    return database.store()


def _stored(database: Database, actor: Actor) -> dict[str, object]:
    return {key: json.loads(text) for key, text in store_of(database).working_state(actor).items()}


def test_constraints_under_trial_are_kept_for_the_person_and_come_back_in_a_new_tab(app_database: Database) -> None:
    at = new_tab(PRESIDENT, SHORTLIST)
    assert at.number_input(key="sl_min_overseas_AMI1").value == 0
    at.number_input(key="sl_min_overseas_AMI1").set_value(1).run()
    at.number_input(key="sl_size_AMI1").set_value(3).run()
    stored = _stored(app_database, PRESIDENT)
    assert stored["shortlist_choices_AMI1"]["min_overseas"] == 1
    assert stored["shortlist_choices_AMI1"]["size"] == 3
    # What the person left as the page offered it is not kept: it follows the page's default.
    assert "selected_call" not in stored and profile_key("AMI1") not in stored
    assert _stored(app_database, JUROR) == {}

    again = new_tab(PRESIDENT, SHORTLIST)
    assert again.number_input(key="sl_min_overseas_AMI1").value == 1
    assert again.number_input(key="sl_size_AMI1").value == 3
    other = new_tab(JUROR, SHORTLIST)
    assert other.number_input(key="sl_min_overseas_AMI1").value == 0


def test_the_towns_compared_the_reference_and_unsaved_weights_come_back(app_database: Database) -> None:
    at = new_tab(PRESIDENT, COMPARE)
    assert len(at.session_state["comparer_dossiers_AMI1"]) == 2
    everyone = ["AMI1-001", "AMI1-002", "AMI1-003"]
    at.multiselect(key="comparer_dossiers_AMI1").set_value(everyone).run()
    at.switch_page(WEIGHTS).run()
    at.radio(key="pond_w_mode").set_value("points").run()
    first = at.session_state[profile_key("AMI1")].enabled[0]
    at.slider(key=f"pond_w_points_{first}").set_value(9).run()
    edited = at.session_state[profile_key("AMI1")]
    assert edited.weighting["mode"] == "points" and edited.weighting["points"][first] == 9
    at.switch_page(RANKING).run()
    at.selectbox(key="classement_reference_AMI1").set_value("poids égaux").run()
    assert not at.exception

    again = new_tab(PRESIDENT, COMPARE)
    assert sorted(again.multiselect(key="comparer_dossiers_AMI1").value) == everyone
    assert again.session_state[profile_key("AMI1")] == edited
    assert again.session_state[reference_key("AMI1")] == "poids égaux"
    again.switch_page(WEIGHTS).run()
    assert again.slider(key=f"pond_w_points_{first}").value == 9
    assert store_of(app_database).weight_profiles(PRESIDENT, "AMI1").empty  # kept, never saved as a profile


def test_resetting_the_working_state_forgets_it_everywhere(app_database: Database) -> None:
    at = new_tab(PRESIDENT, SHORTLIST)
    at.number_input(key="sl_min_overseas_AMI1").set_value(1).run()
    assert _stored(app_database, PRESIDENT)

    at.button(key="reset_working_state").click().run()
    assert not at.exception
    assert _stored(app_database, PRESIDENT) == {}
    assert any("réglages sont réinitialisés" in s.value for s in at.success)
    assert at.number_input(key="sl_min_overseas_AMI1").value == 0
    assert at.session_state[TAB_ACTOR_KEY] == PRESIDENT  # still signed in
    assert new_tab(PRESIDENT, SHORTLIST).number_input(key="sl_min_overseas_AMI1").value == 0


def test_the_pages_session_keys_are_the_kept_ones() -> None:
    for key in (profile_key("AMI1"), reference_key("AMI1"), choices_key("AMI1"), "comparer_dossiers_AMI1",
                "selected_call", "aggregation"):
        assert workspace.kept_value(key) is not None, key
    assert choices_key("AMI1") == "shortlist_choices_AMI1"
    assert 'f"comparer_dossiers_{inputs.call_id}"' in (ROOT / "dashboard" / "pages" / "comparer.py").read_text()


def test_every_download_goes_through_the_guarded_offer() -> None:
    """A bare `st.download_button` would serve a file no grant covers: the media guard refuses it."""
    offenders = []
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        if path.name == "downloads.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "download_button":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
