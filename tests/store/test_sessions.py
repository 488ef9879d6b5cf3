"""Sessions and working states in the store: known by a token's digest, ended once with
their reason, all of an account's ended by a password change but the one it came from,
and neither journalled nor counted as a change of data."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dashboard.errors import StoreError
from dashboard.store import Store
from dashboard.store.access import OPERATOR
from dashboard.store.sessions import IDLE, PASSWORD_CHANGED, SIGNED_OUT
from tests.helpers.accounts import JUROR, PRESIDENT

T0 = datetime(2026, 12, 1, 9, 0)


def test_a_session_is_known_by_its_digest_and_ends_once_with_its_reason(tiny_store: Store) -> None:
    tiny_store.open_user_session(PRESIDENT.login, "digest-1", T0)
    session = tiny_store.user_session("digest-1")
    assert session is not None and session.actor == PRESIDENT
    assert (session.opened_at, session.last_active_at, session.ended_at) == (T0, T0, None)
    assert tiny_store.user_session("another-digest") is None

    tiny_store.touch_user_session("digest-1", T0 + timedelta(minutes=5))
    tiny_store.touch_user_session("digest-1", T0 + timedelta(minutes=1))  # late news never moves it back
    assert tiny_store.user_session("digest-1").last_active_at == T0 + timedelta(minutes=5)

    tiny_store.end_user_session("digest-1", T0 + timedelta(minutes=6), SIGNED_OUT)
    tiny_store.end_user_session("digest-1", T0 + timedelta(minutes=9), IDLE)  # already ended: unchanged
    tiny_store.touch_user_session("digest-1", T0 + timedelta(minutes=10))
    ended = tiny_store.user_session("digest-1")
    assert (ended.ended_at, ended.end_reason) == (T0 + timedelta(minutes=6), SIGNED_OUT)
    assert ended.last_active_at == T0 + timedelta(minutes=5)
    assert tiny_store.open_session_count(PRESIDENT.login) == 0


def test_a_password_change_ends_the_accounts_other_sessions(tiny_store: Store) -> None:
    for digest in ("tab-a", "tab-b"):
        tiny_store.open_user_session(PRESIDENT.login, digest, T0)
    tiny_store.open_user_session(JUROR.login, "juror", T0)

    tiny_store.set_password(PRESIDENT, PRESIDENT.login, "$2b$04$un-autre-hachage", keep_session="tab-a")
    assert tiny_store.user_session("tab-a").ended_at is None
    assert tiny_store.user_session("tab-b").end_reason == PASSWORD_CHANGED
    assert tiny_store.user_session("juror").ended_at is None

    # Set by the operator (or the administration): every session of the account ends.
    tiny_store.set_password(OPERATOR, PRESIDENT.login, "$2b$04$encore-un-autre", keep_session="tab-a")
    assert tiny_store.user_session("tab-a").end_reason == PASSWORD_CHANGED
    assert tiny_store.open_session_count(PRESIDENT.login) == 0


def test_working_state_is_each_persons_until_reset(tiny_store: Store) -> None:
    tiny_store.save_working_state(PRESIDENT, {"selected_call": '"AMI1"', "profile_AMI1": '{"method": "wsm"}'}, T0)
    tiny_store.save_working_state(JUROR, {"selected_call": '"AMI2"'}, T0)
    tiny_store.save_working_state(PRESIDENT, {"selected_call": '"AMI2"', "profile_AMI1": None}, T0)
    assert tiny_store.working_state(PRESIDENT) == {"selected_call": '"AMI2"'}
    assert tiny_store.working_state(JUROR) == {"selected_call": '"AMI2"'}

    tiny_store.reset_working_state(PRESIDENT)
    assert tiny_store.working_state(PRESIDENT) == {}
    assert tiny_store.working_state(JUROR) == {"selected_call": '"AMI2"'}


def test_sessions_and_working_state_are_not_journalled_nor_a_change_of_data(tiny_store: Store) -> None:
    version, head, state = tiny_store.data_version(), tiny_store.journal_head(), tiny_store.state_hash()
    tiny_store.open_user_session(PRESIDENT.login, "digest", T0)
    tiny_store.touch_user_session("digest", T0 + timedelta(minutes=1))
    tiny_store.save_working_state(PRESIDENT, {"selected_call": '"AMI1"'}, T0)
    tiny_store.end_user_session("digest", T0 + timedelta(minutes=2), SIGNED_OUT)
    assert (tiny_store.data_version(), tiny_store.journal_head(), tiny_store.state_hash()) == (version, head, state)


def test_a_journalled_table_cannot_be_written_unjournalled(tiny_store: Store) -> None:
    with pytest.raises(StoreError, match="protégée par le journal"):
        tiny_store._transaction(lambda: tiny_store._write_unjournalled("DELETE FROM ratings", [], "ratings"))
    assert tiny_store.row_counts()["ratings"] > 0
