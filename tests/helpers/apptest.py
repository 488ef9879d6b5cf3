"""One page under Streamlit's AppTest with a person signed in, and the demo accounts by login.

The back door: AppTest has no browser, so no cookie and no session route. A test signs the
person in the way the log-in form does outside `jury serve` (`dashboard.ui.session.sign_in`):
the actor under `TAB_ACTOR_KEY` in the tab's session, with the time of their last activity.
The same idle limit applies; the cookie session itself is tested through its routes
(`tests/ui/test_session_routes.py`) and in Chromium (`tests/e2e/test_sessions_e2e.py`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.ui.session import LAST_SEEN_KEY, TAB_ACTOR_KEY
from tests.helpers.workbooks import REPO_ROOT

PAGES = REPO_ROOT / "dashboard" / "pages"


def signed_in_page(page: str | Path, actor: Actor, call: str, timeout: float = 30) -> AppTest:
    """The page script `page` (not run yet) for `actor`, signed in just now, on `call`."""
    at = AppTest.from_file(str(page), default_timeout=timeout)
    at.session_state[TAB_ACTOR_KEY] = actor
    at.session_state[LAST_SEEN_KEY] = datetime.now()
    at.session_state["selected_call"] = call
    return at


def account(store: Store, login: str) -> Actor:
    """The person behind a login of the base."""
    credentials = store.credentials(login)
    assert credentials is not None, f"aucun compte « {login} »"
    return credentials["actor"]


def button(at: AppTest, label: str) -> Any:
    """The page's first button labelled `label` (the test fails naming the buttons there are)."""
    found = [b for b in at.button if b.label == label]
    assert found, f"aucun bouton « {label} » : {[b.label for b in at.button]}"
    return found[0]


def catch_downloads(monkeypatch: pytest.MonkeyPatch, key_prefix: str = "export_") -> dict[str, Any]:
    """What the page's download buttons are given, filled in when the page runs: the keyword
    arguments (`file_name`, …) and `data`, the deferred bytes the browser receives on click, of the
    button whose key starts with `key_prefix` (the workbook's by default); `served["by_key"]` holds
    every button's by its key."""
    served: dict[str, Any] = {"by_key": {}}
    original = st.download_button

    def catching(label: str, data: Any, **kwargs: Any) -> Any:
        served["by_key"][kwargs.get("key")] = dict(kwargs, data=data, label=label)
        if str(kwargs.get("key", "")).startswith(key_prefix):
            served.update(kwargs, data=data)
        return original(label, data, **kwargs)

    monkeypatch.setattr(st, "download_button", catching)
    return served
