"""Sessions and working states in the store: known by a token's digest, ended once with
their reason, all of an account's ended by a password change but the one it came from,
and neither journalled nor counted as a change of data."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dashboard.errors import StoreError
from dashboard.services.importer import import_file
from dashboard.store import Store
from dashboard.store.access import OPERATOR
from dashboard.store.sessions import IDLE, PASSWORD_CHANGED, SIGNED_OUT
from tests.helpers.accounts import JUROR, PRESIDENT, add_accounts

T0 = datetime(2026, 12, 1, 9, 0)


@pytest.fixture
def filled(store: Store, tiny_workbook: Path) -> Store:
    import_file(tiny_workbook, store, actor=OPERATOR)
    add_accounts(store)
    return store


def test_a_session_is_known_by_its_digest_and_ends_once_with_its_reason(filled: Store) -> None:
    filled.open_user_session(PRESIDENT.login, "digest-1", T0)
    session = filled.user_session("digest-1")
    assert session is not None and session.actor == PRESIDENT
    assert (session.opened_at, session.last_active_at, session.ended_at) == (T0, T0, None)
    assert filled.user_session("another-digest") is None

    filled.touch_user_session("digest-1", T0 + timedelta(minutes=5))
    filled.touch_user_session("digest-1", T0 + timedelta(minutes=1))  # late news never moves it back
    assert filled.user_session("digest-1").last_active_at == T0 + timedelta(minutes=5)

    filled.end_user_session("digest-1", T0 + timedelta(minutes=6), SIGNED_OUT)
    filled.end_user_session("digest-1", T0 + timedelta(minutes=9), IDLE)  # already ended: unchanged
    filled.touch_user_session("digest-1", T0 + timedelta(minutes=10))
    ended = filled.user_session("digest-1")
    assert (ended.ended_at, ended.end_reason) == (T0 + timedelta(minutes=6), SIGNED_OUT)
    assert ended.last_active_at == T0 + timedelta(minutes=5)
    assert filled.open_session_count(PRESIDENT.login) == 0


def test_a_password_change_ends_the_accounts_other_sessions(filled: Store) -> None:
    for digest in ("tab-a", "tab-b"):
        filled.open_user_session(PRESIDENT.login, digest, T0)
    filled.open_user_session(JUROR.login, "juror", T0)

    filled.set_password(PRESIDENT, PRESIDENT.login, "$2b$04$un-autre-hachage", keep_session="tab-a")
    assert filled.user_session("tab-a").ended_at is None
    assert filled.user_session("tab-b").end_reason == PASSWORD_CHANGED
    assert filled.user_session("juror").ended_at is None

    # Set by the operator (or the administration): every session of the account ends.
    filled.set_password(OPERATOR, PRESIDENT.login, "$2b$04$encore-un-autre", keep_session="tab-a")
    assert filled.user_session("tab-a").end_reason == PASSWORD_CHANGED
    assert filled.open_session_count(PRESIDENT.login) == 0


def test_working_state_is_each_persons_until_reset(filled: Store) -> None:
    filled.save_working_state(PRESIDENT, {"selected_call": '"AMI1"', "profile_AMI1": '{"method": "wsm"}'}, T0)
    filled.save_working_state(JUROR, {"selected_call": '"AMI2"'}, T0)
    filled.save_working_state(PRESIDENT, {"selected_call": '"AMI2"', "profile_AMI1": None}, T0)
    assert filled.working_state(PRESIDENT) == {"selected_call": '"AMI2"'}
    assert filled.working_state(JUROR) == {"selected_call": '"AMI2"'}

    filled.reset_working_state(PRESIDENT)
    assert filled.working_state(PRESIDENT) == {}
    assert filled.working_state(JUROR) == {"selected_call": '"AMI2"'}


def test_sessions_and_working_state_are_not_journalled_nor_a_change_of_data(filled: Store) -> None:
    version, head, state = filled.data_version(), filled.journal_head(), filled.state_hash()
    filled.open_user_session(PRESIDENT.login, "digest", T0)
    filled.touch_user_session("digest", T0 + timedelta(minutes=1))
    filled.save_working_state(PRESIDENT, {"selected_call": '"AMI1"'}, T0)
    filled.end_user_session("digest", T0 + timedelta(minutes=2), SIGNED_OUT)
    assert (filled.data_version(), filled.journal_head(), filled.state_hash()) == (version, head, state)


def test_a_journalled_table_cannot_be_written_unjournalled(filled: Store) -> None:
    with pytest.raises(StoreError, match="protégée par le journal"):
        filled._transaction(lambda: filled._write_unjournalled("DELETE FROM ratings", [], "ratings"))
    assert filled.row_counts()["ratings"] > 0
