"""The app's side of the cookie session, under AppTest with the cookie's token handed to the
script (AppTest has no browser): the cookie's user is signed in, a session ended elsewhere or
idle past the limit shows the log-in page with its reason and forgets the tab, a run of the
séance's poll is not activity, and a tab that showed another person's pages starts over."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.services import web_sessions
from dashboard.store import Store
from dashboard.ui import session
from dashboard.ui.session import LAST_SEEN_KEY, POLL_RERUN_KEY, SHOWN_TO_KEY
from tests.helpers.accounts import JUROR, PRESIDENT, add_accounts
from tests.helpers.rendered import rendered
from tests.helpers.workbooks import REPO_ROOT

APP = str(REPO_ROOT / "dashboard" / "ui" / "app.py")


@pytest.fixture
def store(app_db: Path) -> Store:
    """A store of the database the app opened on the tiny call, with an account for each of its people."""
    store = session.get_database().store()
    add_accounts(store)
    return store


@pytest.fixture
def cookie(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The token the browser's cookie holds (set a value in the list)."""
    held: list[str | None] = [None]
    monkeypatch.setattr(session, "session_token", lambda: held[0])
    return held


def _signed_in(at: AppTest) -> bool:
    return any(b.label == "Se déconnecter" for b in at.sidebar.button)


def _infos(at: AppTest) -> list[str]:
    return [rendered(i.value) for i in at.info]


def test_the_cookies_user_is_signed_in_and_the_tab_follows_the_session(store: Store, cookie) -> None:
    cookie[0] = web_sessions.open_session(store, PRESIDENT)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception and _signed_in(at)
    assert at.session_state[SHOWN_TO_KEY] == PRESIDENT.login

    web_sessions.close_session(store, cookie[0])  # « Se déconnecter » in another tab
    at.run()
    assert not _signed_in(at) and [t.label for t in at.text_input] == ["Identifiant", "Mot de passe"]
    assert SHOWN_TO_KEY not in at.session_state and _infos(at) == []
    # What is typed in the log-in form reaches the check, while the ended cookie is still there.
    at.text_input(key="login_name").input("claire.martin")
    at.text_input(key="login_password").input("pas-le-bon-mot-de-passe")
    at.button[0].click().run()
    assert [rendered(e.value) for e in at.error] == ["Identifiant ou mot de passe incorrect."]
    assert store.credentials("claire.martin")["failed_attempts"] == 1


def test_a_session_idle_past_the_limit_ends_with_its_reason(store: Store, cookie) -> None:
    token = web_sessions.open_session(store, PRESIDENT, datetime.now() - timedelta(hours=1))
    cookie[0] = token
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not _signed_in(at)
    assert _infos(at) == ["Session expirée après inactivité : reconnectez-vous."]
    assert store.user_session(web_sessions.token_digest(token)).end_reason == "inactivité"


def test_a_poll_is_not_activity_but_another_tabs_activity_counts(store: Store, cookie) -> None:
    opened = datetime.now() - timedelta(minutes=10)
    cookie[0] = web_sessions.open_session(store, PRESIDENT, opened)
    digest = web_sessions.token_digest(cookie[0])
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[POLL_RERUN_KEY] = True
    at.run()
    assert _signed_in(at)
    assert store.user_session(digest).last_active_at == opened
    assert at.session_state[LAST_SEEN_KEY] == opened  # the session's idle time, not this run's

    at.run()  # the person's own click
    assert store.user_session(digest).last_active_at > opened


def test_a_tab_that_showed_another_persons_pages_starts_over(store: Store, cookie) -> None:
    cookie[0] = web_sessions.open_session(store, PRESIDENT)
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.session_state["comparer_dossiers_AMI1"] = ["AMI1-001", "AMI1-002"]
    cookie[0] = web_sessions.open_session(store, JUROR)
    at.run()
    assert _signed_in(at) and at.session_state[SHOWN_TO_KEY] == JUROR.login
    assert "comparer_dossiers_AMI1" not in at.session_state


def test_changing_ones_password_from_the_sidebar_keeps_this_session_only(store: Store, cookie) -> None:
    elsewhere = web_sessions.open_session(store, PRESIDENT)
    cookie[0] = web_sessions.open_session(store, PRESIDENT)
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="password_current").input("motdepasse-solide")
    at.text_input(key="password_new").input("nouveau-secret-2026")
    at.text_input(key="password_repeated").input("nouveau-secret-2026")
    next(b for b in at.sidebar.button if b.label == "Changer le mot de passe").click().run()
    assert not at.exception and not at.error
    assert any("Mot de passe changé" in rendered(s.value) for s in at.success)
    assert _signed_in(at)
    assert web_sessions.current_session(store, cookie[0]).actor == PRESIDENT
    assert web_sessions.current_session(store, elsewhere).end_reason == "mot de passe changé"
