"""The cookie session's service: tokens stored by digest only, the idle limit counted from
the person's last activity (and ended there, as idle), activity written at most every
15 seconds, one-time tickets, a landing address that never leaves the site, and a change of
one's own password that ends one's other sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dashboard.errors import LoginRefused
from dashboard.services import web_sessions
from dashboard.services.accounts import SESSION_IDLE_MINUTES, authenticate, change_own_password
from dashboard.services.web_sessions import TicketBook, landing_path
from dashboard.store import Store
from dashboard.store.sessions import IDLE, SIGNED_OUT
from tests.helpers.accounts import PRESIDENT

T0 = datetime(2026, 12, 1, 9, 0)


def test_the_store_keeps_a_digest_never_the_token(tiny_store: Store) -> None:
    token = web_sessions.open_session(tiny_store, PRESIDENT, T0)
    assert len(token) >= 40
    digest = web_sessions.token_digest(token)
    assert tiny_store.user_session(digest).actor == PRESIDENT
    stored = tiny_store._rows("SELECT token_digest FROM user_sessions")
    assert stored == [(digest,)] and token not in digest
    assert web_sessions.open_session(tiny_store, PRESIDENT, T0) != token


def test_idle_time_counts_from_the_last_activity_and_ends_the_session(tiny_store: Store) -> None:
    token = web_sessions.open_session(tiny_store, PRESIDENT, T0)
    limit = timedelta(minutes=SESSION_IDLE_MINUTES)
    later = T0 + limit - timedelta(minutes=1)
    assert web_sessions.current_session(tiny_store, token, later).actor == PRESIDENT
    web_sessions.note_activity(tiny_store, token, T0, later)
    # Just past the limit counted from the start, well within it counted from the activity.
    assert web_sessions.current_session(tiny_store, token, T0 + limit + timedelta(minutes=1)).actor == PRESIDENT

    gone = web_sessions.current_session(tiny_store, token, later + limit + timedelta(seconds=1))
    assert (gone.actor, gone.end_reason) == (None, IDLE)
    assert web_sessions.end_message(gone.end_reason) == "Session expirée après inactivité : reconnectez-vous."
    # Ended in the store: coming back within what would have been the limit changes nothing.
    assert web_sessions.current_session(tiny_store, token, later).actor is None


def test_activity_is_written_at_most_every_fifteen_seconds(tiny_store: Store) -> None:
    token = web_sessions.open_session(tiny_store, PRESIDENT, T0)
    digest = web_sessions.token_digest(token)
    web_sessions.note_activity(tiny_store, token, T0, T0 + timedelta(seconds=14))
    assert tiny_store.user_session(digest).last_active_at == T0
    web_sessions.note_activity(tiny_store, token, T0, T0 + timedelta(seconds=15))
    assert tiny_store.user_session(digest).last_active_at == T0 + timedelta(seconds=15)


def test_sign_out_ends_the_session_and_says_nothing_more(tiny_store: Store) -> None:
    token = web_sessions.open_session(tiny_store, PRESIDENT, T0)
    web_sessions.close_session(tiny_store, token, T0 + timedelta(minutes=1))
    gone = web_sessions.current_session(tiny_store, token, T0 + timedelta(minutes=2))
    assert (gone.actor, gone.end_reason) == (None, SIGNED_OUT)
    assert web_sessions.end_message(gone.end_reason) is None
    assert web_sessions.current_session(tiny_store, "jamais-émis").actor is None


def test_a_ticket_is_redeemed_once_and_only_in_time(monkeypatch: pytest.MonkeyPatch) -> None:
    book = TicketBook(lifetime_s=60)
    ticket = book.issue("jeton-1")
    assert ticket != "jeton-1"
    assert book.redeem("un-ticket-inventé") is None
    assert book.redeem(ticket) == "jeton-1"
    assert book.redeem(ticket) is None

    clock = [1000.0]
    monkeypatch.setattr(web_sessions.time, "monotonic", lambda: clock[0])
    late = book.issue("jeton-2")
    clock[0] += 61
    assert book.redeem(late) is None


@pytest.mark.parametrize(("wanted", "landing"), [
    ("/notation?dossier=AMI1-003", "/notation?dossier=AMI1-003"),
    ("/liste-restreinte", "/liste-restreinte"),
    ("/connexion", "/"), (None, "/"), ("", "/"),
    ("https://ailleurs.example/piege", "/"), ("//ailleurs.example/piege", "/"), ("/\\ailleurs.example", "/"),
    ("notation", "/"),
])
def test_the_landing_address_stays_on_this_site(wanted: str | None, landing: str) -> None:
    assert landing_path(wanted) == landing


def test_the_cookie_is_secure_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JURY_COOKIE_SECURE", raising=False)
    assert not web_sessions.cookie_secure()
    monkeypatch.setenv("JURY_COOKIE_SECURE", "1")
    assert web_sessions.cookie_secure()


def test_changing_ones_password_ends_the_other_sessions_and_keeps_this_one(tiny_store: Store) -> None:
    here = web_sessions.open_session(tiny_store, PRESIDENT)
    elsewhere = web_sessions.open_session(tiny_store, PRESIDENT)
    keep = web_sessions.token_digest(here)
    with pytest.raises(LoginRefused, match="incorrect"):
        change_own_password(tiny_store, PRESIDENT, "pas-le-bon", "nouveau-secret-2026", "nouveau-secret-2026", keep)
    assert tiny_store.credentials(PRESIDENT.login)["failed_attempts"] == 1  # counted as a failed log-in
    with pytest.raises(ValueError, match="diffèrent"):
        change_own_password(tiny_store, PRESIDENT, "motdepasse-solide", "nouveau-secret-2026", "nouveau-secret", keep)
    with pytest.raises(ValueError, match="trop court"):
        change_own_password(tiny_store, PRESIDENT, "motdepasse-solide", "court", "court", keep)
    assert web_sessions.current_session(tiny_store, elsewhere).actor == PRESIDENT  # nothing changed yet

    change_own_password(tiny_store, PRESIDENT, "motdepasse-solide", "nouveau-secret-2026", "nouveau-secret-2026", keep)
    assert web_sessions.current_session(tiny_store, here).actor == PRESIDENT
    gone = web_sessions.current_session(tiny_store, elsewhere)
    assert gone.actor is None
    assert web_sessions.end_message(gone.end_reason) == "Le mot de passe de ce compte a été changé : reconnectez-vous."
    assert authenticate(tiny_store, PRESIDENT.login, "nouveau-secret-2026") == PRESIDENT
    with pytest.raises(LoginRefused):
        authenticate(tiny_store, PRESIDENT.login, "motdepasse-solide")
