"""Accounts: password hashing (bcrypt), log-in with throttling of repeated
failures, a person's change of their own password, session expiry policy. The
store keeps the accounts; this module never writes SQL.

The attempts on one account run one at a time (`_account_lock`): the wait is read,
the password checked and the failure counted before the next attempt starts, so N
sessions trying at once get no more guesses than one. DuckDB lets a single process
open the database, so a lock of this process covers every attempt on the file.
"""

from __future__ import annotations

import math
import os
import threading
from datetime import datetime, timedelta

import bcrypt

from dashboard.errors import LoginRefused
from dashboard.store import Store
from dashboard.store.access import Actor

FREE_ATTEMPTS = 3            # failures allowed before waiting is imposed
BASE_DELAY_SECONDS = 5.0     # wait after the 3rd failure, doubled after each further one
MAX_DELAY_SECONDS = 300.0
SESSION_IDLE_MINUTES = float(os.environ.get("JURY_SESSION_MINUTES", "30"))
MIN_PASSWORD_LENGTH = 8

# A real hash to compare against when the login is unknown, so that the answer
# takes as long as for a known login.
_DUMMY_HASH = bcrypt.hashpw(b"compte-inexistant", bcrypt.gensalt(rounds=4))


def _rounds() -> int:
    """bcrypt cost factor: 12 by default; tests lower it through JURY_BCRYPT_ROUNDS."""
    return int(os.environ.get("JURY_BCRYPT_ROUNDS", "12"))


def hash_password(password: str) -> str:
    """A bcrypt hash of the password (refuses one too short, in French)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"Mot de passe trop court : {MIN_PASSWORD_LENGTH} caractères au moins.")
    if len(password.encode()) > 72:
        raise ValueError("Mot de passe trop long : 72 octets au plus.")
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=_rounds())).decode()


def throttle_delay(failed_attempts: int) -> float:
    """Seconds to wait after `failed_attempts` consecutive failures."""
    if failed_attempts < FREE_ATTEMPTS:
        return 0.0
    return min(BASE_DELAY_SECONDS * 2.0 ** (failed_attempts - FREE_ATTEMPTS), MAX_DELAY_SECONDS)


_ACCOUNT_LOCKS: dict[str, threading.Lock] = {}
_ACCOUNT_LOCKS_GUARD = threading.Lock()


def _account_lock(login: str) -> threading.Lock:
    """The lock that orders the log-in attempts on one account."""
    with _ACCOUNT_LOCKS_GUARD:
        return _ACCOUNT_LOCKS.setdefault(login, threading.Lock())


def _remaining_wait(failed_attempts: int, last_failed_at: datetime | None, now: datetime) -> float:
    """Seconds left before the account's next password check (0: none imposed)."""
    delay = throttle_delay(failed_attempts)
    if not delay or last_failed_at is None:
        return 0.0
    return max((last_failed_at + timedelta(seconds=delay) - now).total_seconds(), 0.0)


def authenticate(store: Store, login: str, password: str, now: datetime | None = None) -> Actor:
    """The account's actor, or LoginRefused (wrong credentials or wait imposed).

    Every refusal on an existing account is counted and journalled; during a wait the
    password is not even checked, and the attempt counts as one more failure."""
    login = login.strip().lower()
    with _account_lock(login):
        moment = now or datetime.now()  # taken once the attempts before this one are done
        account = store.credentials(login)
        if account is None:
            bcrypt.checkpw(password.encode()[:72], _DUMMY_HASH)
            raise LoginRefused("Identifiant ou mot de passe incorrect.")
        remaining = _remaining_wait(account["failed_attempts"], account["last_failed_at"], moment)
        if remaining:
            store.record_login_failure(login, moment, password_checked=False)
            seconds = math.ceil(remaining)
            raise LoginRefused(f"Trop de tentatives infructueuses : réessayez dans {seconds} "
                               f"seconde{'s' if seconds > 1 else ''}.", retry_after=remaining)
        if not bcrypt.checkpw(password.encode()[:72], account["password_hash"].encode()):
            store.record_login_failure(login, moment)
            raise LoginRefused("Identifiant ou mot de passe incorrect.")
        store.record_login_success(login)
        return account["actor"]


def session_expired(last_seen: datetime | None, now: datetime | None = None) -> bool:
    """True when the session has been idle longer than the allowed time."""
    if last_seen is None:
        return True
    return (now or datetime.now()) - last_seen > timedelta(minutes=SESSION_IDLE_MINUTES)


def change_own_password(store: Store, actor: Actor, current: str, new: str, repeated: str,
                        keep_session: str | None = None) -> None:
    """The signed-in person changes their password: the current one is checked as at log-in
    (the same throttle), the new one typed twice and checked against the rules. Every other
    session of the account ends; the one whose token digest is `keep_session` stays open.
    Refusals: LoginRefused (current password), ValueError (new password), in French."""
    authenticate(store, actor.login, current)
    if new != repeated:
        raise ValueError("Les deux saisies du nouveau mot de passe diffèrent : rien n'a été changé.")
    if new == current:
        raise ValueError("Le nouveau mot de passe est celui d'aujourd'hui : choisissez-en un autre.")
    store.set_password(actor, actor.login, hash_password(new), keep_session=keep_session)
