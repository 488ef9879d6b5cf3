"""« Mode projection »: the meeting pages as the room reads them on a projector.

A switch in the sidebar (or ``?projection=1`` in the address, ``?projection=0`` to leave)
turns it on; it is kept with the person's working state (`dashboard.core.workspace`).
When it is on, the sidebar, the page header and every block a page put in
`hidden_in_projection` (its inputs: filters, constraints, selectors, forms) are hidden,
the type is larger, and a button at the top of the page leaves the mode. The hidden
inputs are still drawn (only not shown), so that their values hold: the list on the
screen is the one they give.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

PROJECTION_KEY = "projection"
PARAM = "projection"
HIDDEN_PREFIX = "projection_hidden_"

# `!important`: Streamlit's own rules come after ours. The root size sets every rem-based size.
PROJECTION_STYLE = f"""<style>
html {{ font-size: 20px !important; }}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [class*="st-key-{HIDDEN_PREFIX}"] {{ display: none !important; }}
[data-testid="stMainBlockContainer"] {{ padding: 0.6rem 1.2rem 1rem !important; max-width: 100% !important; }}
[data-testid="stMain"] h1 {{ font-size: 1.6rem !important; padding: 0 0 0.2rem !important; }}
[data-testid="stMain"] h2, [data-testid="stMain"] h3 {{ font-size: 1.2rem !important; padding: 0.3rem 0 !important; }}
[data-testid="stTable"] td, [data-testid="stTable"] th {{ padding: 0.1rem 0.5rem !important; }}
.st-key-projection_leave {{ position: fixed; top: 0.2rem; right: 0.8rem; z-index: 1000; width: auto !important; }}
</style>"""


def _read_address() -> None:
    """`?projection=1` or `?projection=0` sets the mode once, then leaves the address. In a tab's
    first run the page's default (off) is seen first and the run starts again, so that the
    working state keeps the address's choice as the person's (`dashboard.core.workspace`)."""
    given = st.query_params.get(PARAM)
    if given not in ("1", "0"):
        return
    if PROJECTION_KEY not in st.session_state:
        st.session_state[PROJECTION_KEY] = False
        st.rerun()
    st.session_state[PROJECTION_KEY] = given == "1"
    st.query_params.pop(PARAM, None)


def projection_on() -> bool:
    """Whether this person's pages are in projection mode."""
    return bool(st.session_state.get(PROJECTION_KEY, False))


def _leave() -> None:
    st.session_state[PROJECTION_KEY] = False


def render_projection_switch() -> None:
    """The switch in the sidebar and, in projection mode, its style and the way out at the top of the page."""
    _read_address()
    st.session_state.setdefault(PROJECTION_KEY, False)
    st.sidebar.toggle("Mode projection", key=PROJECTION_KEY,
                      help="Pour le vidéoprojecteur : sans barre latérale ni réglages, en plus grands caractères. "
                           "Adresse directe : ?projection=1.")
    if projection_on():
        st.html(PROJECTION_STYLE)
        st.button("Quitter le mode projection", key="projection_leave", on_click=_leave, type="tertiary",
                  icon=":material/close_fullscreen:")


def hidden_in_projection(name: str) -> DeltaGenerator:
    """A container a page puts its inputs in: shown normally, hidden (but still drawn) in projection mode."""
    return st.container(key=f"{HIDDEN_PREFIX}{name}")
