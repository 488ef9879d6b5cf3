"""The live view of the séance: a tiny fragment, drawn on every page of a signed-in
person, that re-runs every `LIVE_PERIOD_S` seconds and reads one row, the séance clock
(`Store.seance_clock`). When the clock moved since the page was drawn it reruns the
whole app: on /seance at any change of the séance, elsewhere only when a séance
opened, closed or reopened (so that the sidebar gains or loses « Séance »). Nothing
else is read or drawn while nothing changes.

A poll is not the person's activity: it never extends the idle sign-out; once this tab's
idle time has run out it reruns the app, which signs the person out with its reason (or,
when another tab of the person was active, takes the session's idle time from the store).
"""

from __future__ import annotations

import streamlit as st

from dashboard.services.accounts import session_expired
from dashboard.ui.server import CURRENT_PAGE_KEY
from dashboard.ui.session import LAST_SEEN_KEY, POLL_RERUN_KEY, get_store

# How often a follower's page asks whether the séance moved (a move shows within this).
LIVE_PERIOD_S = 1.0
# The séance page's address (`app.PAGES`), and as the entry script notes the page shown.
SEANCE_PATH = "seance"
SEANCE_PAGE = f"/{SEANCE_PATH}"
# Where the page keeps the clock it was drawn with: (version, openings).
CLOCK_KEY = "seance_clock_drawn"
# The séance controls that have acted in this browser session (see `first_use`).
USED_CONTROLS_KEY = "seance_controls_used"


def note_clock() -> None:
    """At a full run, before any page reads the séance: the clock this drawing follows."""
    st.session_state[CLOCK_KEY] = get_store().seance_clock()


def first_use(control_key: str) -> bool:
    """Whether a control drawn for one version of the séance acts now: the first time only.

    Such a control's key names the séance version it was drawn for; once it has acted,
    the version moved and the page draws another. A repeat of the same key is the
    browser resending the person's earlier action with a later run (a poll can cross
    a click), never a new intent.
    """
    used: set[str] = st.session_state.setdefault(USED_CONTROLS_KEY, set())
    if control_key in used:
        return False
    used.add(control_key)
    return True


def moved(drawn: tuple[int, int], now: tuple[int, int], on_seance_page: bool) -> bool:
    """Whether the page must be drawn again: any change on /seance, an opening or closing elsewhere."""
    return now[0] != drawn[0] if on_seance_page else now[1] != drawn[1]


@st.fragment(run_every=LIVE_PERIOD_S)
def follow_seance() -> None:
    """The poll (see the module docstring); it draws nothing."""
    if session_expired(st.session_state.get(LAST_SEEN_KEY)):
        # Not activity either: the app run finds the session ended, or (another tab of the
        # person being active) its idle time from the store.
        st.session_state[POLL_RERUN_KEY] = True
        st.rerun(scope="app")
    drawn: tuple[int, int] | None = st.session_state.get(CLOCK_KEY)
    now = get_store().seance_clock()
    if drawn is None:
        st.session_state[CLOCK_KEY] = now
        return
    if moved(drawn, now, st.session_state.get(CURRENT_PAGE_KEY) == SEANCE_PAGE):
        st.session_state[POLL_RERUN_KEY] = True
        st.rerun(scope="app")
