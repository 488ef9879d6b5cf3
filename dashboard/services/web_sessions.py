"""Sessions that survive a reload: the opaque token a browser keeps in an HttpOnly
cookie, the one-time ticket that carries it from the log-in form to the browser, and
what a token's session is now (whose, still open, or ended and why).

The flow (README, « Sessions ») :
1. the Streamlit log-in form checks the password (`accounts.authenticate`, its throttle
   unchanged) over the page's websocket, never in an address;
2. a session is opened in the store under the SHA-256 digest of a new random token, and
   a one-time ticket for that token is kept here, in this process, for `TICKET_SECONDS`;
3. the page posts the ticket (a form in the page's body, not an address) to
   `OPEN_ROUTE`, which redeems it, sets the cookie (HttpOnly, SameSite=Strict, Secure
   when `JURY_COOKIE_SECURE=1`) and sends the browser on to the page it asked for;
4. every later page load, reload or new tab carries the cookie; the script reads it and
   asks the store for its session (`current_session`);
5. « Se déconnecter » ends the session in the store, then posts to `CLOSE_ROUTE`, which
   drops the cookie. 30 minutes without the person's activity (the séance's poll is not
   activity) end it too, as a change of the account's password does.

No Streamlit and no SQL here: the store keeps the sessions, `dashboard/ui` draws.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from dashboard.services.accounts import session_expired
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.store.sessions import IDLE, PASSWORD_CHANGED, SIGNED_OUT

COOKIE_NAME = "jury_session"
OPEN_ROUTE = "/session/ouvrir"
CLOSE_ROUTE = "/session/fermer"
# Where a browser lands after signing out (a page of the log-in gate).
SIGNED_OUT_PATH = "/connexion"
# How long a ticket waits for its browser (it is posted at once, in the page that made it).
TICKET_SECONDS = 60.0
# The person's activity is written to the store at most this often (the idle limit is 30 min).
ACTIVITY_NOTED_EVERY = timedelta(seconds=15)

# What the log-in page says about a session that ended without the person signing out.
END_MESSAGES: dict[str, str] = {
    IDLE: "Session expirée après inactivité : reconnectez-vous.",
    PASSWORD_CHANGED: "Le mot de passe de ce compte a été changé : reconnectez-vous.",
}


def cookie_secure() -> bool:
    """Whether the cookie is sent over HTTPS only: `JURY_COOKIE_SECURE=1`, for a server behind
    an HTTPS proxy (a browser would drop a Secure cookie on plain http://localhost)."""
    return os.environ.get("JURY_COOKIE_SECURE", "") == "1"


def token_digest(token: str) -> str:
    """What the store knows a token by (a token is 256 random bits: a plain digest suffices)."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(store: Store, actor: Actor, now: datetime | None = None) -> str:
    """A new session for a user whose password was just checked; its token (kept nowhere here)."""
    token = secrets.token_urlsafe(32)
    store.open_user_session(actor.login, token_digest(token), now or datetime.now())
    return token


@dataclass(frozen=True)
class SessionNow:
    """What a token's session is now: its user while it is open, else why it ended (None: unknown)."""

    actor: Actor | None
    last_active_at: datetime | None = None
    end_reason: str | None = None


def current_session(store: Store, token: str, now: datetime | None = None) -> SessionNow:
    """The session behind a cookie's token; one idle past the limit is ended here, as idle."""
    moment = now or datetime.now()
    digest = token_digest(token)
    record = store.user_session(digest)
    if record is None:
        return SessionNow(None)
    if record.ended_at is not None:
        return SessionNow(None, record.last_active_at, record.end_reason)
    if session_expired(record.last_active_at, moment):
        store.end_user_session(digest, moment, IDLE)
        return SessionNow(None, record.last_active_at, IDLE)
    return SessionNow(record.actor, record.last_active_at)


def note_activity(store: Store, token: str, last_active_at: datetime | None, now: datetime | None = None) -> None:
    """The person acted: the idle time starts over (written when the last note is old enough)."""
    moment = now or datetime.now()
    if last_active_at is None or moment - last_active_at >= ACTIVITY_NOTED_EVERY:
        store.touch_user_session(token_digest(token), moment)


def close_session(store: Store, token: str, now: datetime | None = None) -> None:
    """« Se déconnecter »: the session ends in the store, whatever the browser keeps."""
    store.end_user_session(token_digest(token), now or datetime.now(), SIGNED_OUT)


def end_message(reason: str | None) -> str | None:
    """What the log-in page says about a session that ended this way (None: nothing to say)."""
    return END_MESSAGES.get(reason or "")


class TicketBook:
    """One-time tickets, each for one session token, kept in this process for a minute.

    A ticket is redeemed once, at `OPEN_ROUTE`; an unknown, used or late ticket gives
    nothing. Only digests of tickets are kept."""

    def __init__(self, lifetime_s: float = TICKET_SECONDS) -> None:
        self._lifetime_s = lifetime_s
        self._tickets: dict[str, tuple[str, float]] = {}  # ticket digest -> (token, deadline)
        self._lock = threading.Lock()

    def issue(self, token: str) -> str:
        ticket = secrets.token_urlsafe(32)
        now = time.monotonic()
        with self._lock:
            self._tickets = {k: v for k, v in self._tickets.items() if v[1] > now}
            self._tickets[token_digest(ticket)] = (token, now + self._lifetime_s)
        return ticket

    def redeem(self, ticket: str) -> str | None:
        with self._lock:
            held = self._tickets.pop(token_digest(ticket), None)
        if held is None or held[1] <= time.monotonic():
            return None
        return held[0]


# The process's tickets: made by the log-in page, redeemed by the route (same process).
TICKETS = TicketBook()


def landing_path(wanted: str | None) -> str:
    """Where the browser goes once signed in: the page asked for when it is an address of this
    site (a path, with its query), else the home page (for the log-in page's own address too);
    never another site."""
    if not wanted or not wanted.startswith("/") or wanted.startswith("//") or "\\" in wanted:
        return "/"
    parts = urlsplit(wanted)
    if parts.scheme or parts.netloc or parts.path.rstrip("/") == SIGNED_OUT_PATH:
        return "/"
    return wanted
