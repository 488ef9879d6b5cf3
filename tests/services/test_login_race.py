"""Log-in attempts on one account from many sessions at once: each is counted, the wait holds
from the 4th, and nothing but a French refusal comes out (`services.accounts.authenticate`)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dashboard.errors import LoginRefused
from dashboard.services import accounts
from dashboard.services.accounts import authenticate, hash_password
from dashboard.services.importer import import_file
from dashboard.store import Database
from dashboard.store.access import OPERATOR, Actor
from dashboard.store.base import LOGIN_FAILURE

SESSIONS = 12
LOGIN, PASSWORD = "paul.leroy", "motdepasse-solide"
JUROR = Actor(LOGIN, "Paul Leroy", "jure", "J-BDT")
WRONG = "Identifiant ou mot de passe incorrect."
WAIT = re.compile(r"Trop de tentatives infructueuses : réessayez dans (\d+) secondes\.")
MOMENT = datetime(2026, 12, 1, 9, 30)


@pytest.fixture
def accounts_db(database: Database, tiny_workbook: Path) -> Database:
    store = database.store()
    import_file(tiny_workbook, store, actor=OPERATOR)
    store.add_user(OPERATOR, LOGIN, JUROR.name, "jure", hash_password(PASSWORD), juror_id=JUROR.juror_id)
    return database


@pytest.fixture
def password_checks(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The passwords bcrypt checked, in order (one list for every thread)."""
    checked: list[bytes] = []
    guard = threading.Lock()
    original = accounts.bcrypt.checkpw

    def counting(password: bytes, hashed: bytes) -> bool:
        with guard:
            checked.append(password)
        return original(password, hashed)

    monkeypatch.setattr(accounts.bcrypt, "checkpw", counting)
    return checked


def _at_once(database: Database, attempts: list[str]) -> list[object]:
    """Each password tried by its own session (own cursor, own thread), all released together;
    what each got: the actor, the refusal, or any other exception."""
    outcomes: list[object] = [None] * len(attempts)
    start = threading.Barrier(len(attempts))

    def session(index: int, attempt: Callable[[], Actor]) -> None:
        start.wait()
        try:
            outcomes[index] = attempt()
        except BaseException as exc:  # collected and asserted by the test
            outcomes[index] = exc

    threads = []
    for index, password in enumerate(attempts):
        store = database.store()
        threads.append(threading.Thread(target=session, args=(
            index, lambda store=store, password=password: authenticate(store, LOGIN, password, MOMENT))))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _login_failures(database: Database) -> int:
    journal = database.store().audit_log(OPERATOR)
    return int(((journal["action"] == LOGIN_FAILURE) & (journal["entity_id"] == LOGIN)).sum())


def test_twelve_wrong_passwords_at_once_are_twelve_failures_and_three_guesses(
        accounts_db: Database, password_checks: list[bytes]) -> None:
    outcomes = _at_once(accounts_db, ["mauvais-mot-de-passe"] * SESSIONS)
    assert all(isinstance(outcome, LoginRefused) for outcome in outcomes), outcomes
    messages = [str(outcome) for outcome in outcomes]
    assert messages.count(WRONG) == 3
    waits = sorted(int(match.group(1)) for message in messages if (match := WAIT.fullmatch(message)))
    # From the 4th attempt on, each waited and counted: 5 s after the 3rd failure, doubled at each, 5 min at most.
    assert waits == [5, 10, 20, 40, 80, 160, 300, 300, 300]
    assert len(password_checks) == 3  # the wait applied from the 4th attempt, whichever session made it
    store = accounts_db.store()
    account = store.credentials(LOGIN)
    assert account is not None and account["failed_attempts"] == SESSIONS
    assert _login_failures(accounts_db) == SESSIONS
    assert store.verify_journal(OPERATOR).intact  # twelve writes at once, one unbroken chain


def test_a_right_password_inside_a_burst_never_crashes(accounts_db: Database, password_checks: list[bytes]) -> None:
    attempts = ["mauvais-mot-de-passe"] * (SESSIONS - 1) + [PASSWORD]
    outcomes = _at_once(accounts_db, attempts)
    assert all(isinstance(o, (LoginRefused, Actor)) for o in outcomes), outcomes
    assert all(str(o) == WRONG or WAIT.fullmatch(str(o)) for o in outcomes if isinstance(o, LoginRefused))
    store = accounts_db.store()
    account = store.credentials(LOGIN)
    assert account is not None
    refused = sum(isinstance(o, LoginRefused) for o in outcomes)
    assert _login_failures(accounts_db) == refused
    if outcomes[-1] == JUROR:
        # It came before the wait began: the failures checked before it no longer count.
        assert account["failed_attempts"] == refused - password_checks.index(PASSWORD.encode())
    else:
        assert isinstance(outcomes[-1], LoginRefused) and account["failed_attempts"] == SESSIONS
    # Once the wait is over, the right password signs in and the count starts over.
    assert authenticate(store, LOGIN, PASSWORD, MOMENT + timedelta(minutes=6)) == JUROR
    after = store.credentials(LOGIN)
    assert after is not None and after["failed_attempts"] == 0
    assert store.verify_journal(OPERATOR).intact


def test_failed_log_ins_leave_the_pages_caches_alone(accounts_db: Database) -> None:
    store = accounts_db.store()
    version = store.data_version()
    _at_once(accounts_db, ["mauvais-mot-de-passe"] * 4)
    assert store.data_version() == version
