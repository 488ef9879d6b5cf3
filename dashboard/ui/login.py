"""The log-in form (the only thing shown without a session), the two moves that hand the
browser to the session routes (`dashboard/services/web_sessions.py`): after a valid log-in,
to receive its cookie; after « Se déconnecter », to drop it; and a reload of the page.
"""

from __future__ import annotations

import html
import json
from urllib.parse import urlencode, urlsplit

import streamlit as st

from dashboard.core.text import md
from dashboard.errors import LoginRefused
from dashboard.services import web_sessions
from dashboard.services.accounts import authenticate
from dashboard.store.access import Actor
from dashboard.ui.server import served_database
from dashboard.ui.session import SIGNED_OUT_REASON_KEY, get_store, sign_in

# The page posts a form of hidden fields to a route of this site, as a plain form would
# (nothing in the address); the button is for a browser that does not run the script.
_POST_FORM = """<form id="jury-session-form" method="post" action="{action}">{fields}
<button type="submit">Continuer</button></form>
<script>document.getElementById("jury-session-form").submit();</script>"""
_FIELD = '<input type="hidden" name="{name}" value="{value}">'
# The page loaded again from the server (a new session of the app, with the cookie's user),
# with one more query parameter for it to read.
_RELOAD = """<p>{waiting}</p><script>const address = new URL(window.location.href);
address.searchParams.set({name}, {value}); window.location.replace(address.toString());</script>"""


def post_to_route(route: str, fields: dict[str, str], waiting: str) -> None:
    """Send the browser to a session route with `fields` in a POST body; say what happens meanwhile."""
    st.info(md(waiting))
    inputs = "".join(_FIELD.format(name=name, value=html.escape(value)) for name, value in fields.items())
    st.html(_POST_FORM.format(action=html.escape(route), fields=inputs), unsafe_allow_javascript=True)


def reload_page(name: str, value: str, waiting: str) -> None:
    """Load the page again with `name=value` in its address (constants of ours, no one's text)."""
    st.html(_RELOAD.format(waiting=html.escape(waiting), name=json.dumps(name), value=json.dumps(value)),
            unsafe_allow_javascript=True)


def _asked_path() -> str:
    """The address this tab was opened on (a deep link), where the browser returns once signed in."""
    path = urlsplit(st.context.url or "/").path  # the address without its query
    query = urlencode({name: st.query_params.get_all(name) for name in st.query_params}, doseq=True)
    return web_sessions.landing_path(path + (f"?{query}" if query else ""))


def _start_session(actor: Actor) -> None:
    """Under `jury serve`: open the session and hand its ticket to the browser. Elsewhere
    (tests, a plain `streamlit run`): sign in in this tab only."""
    if served_database() is None:
        sign_in(actor)
        st.rerun()
    token = web_sessions.open_session(get_store(), actor)
    ticket = web_sessions.TICKETS.issue(token)
    post_to_route(web_sessions.OPEN_ROUTE, {"ticket": ticket, "next": _asked_path()}, "Connexion en cours…")
    st.stop()


def render_login_page() -> None:
    """The title, the reason of a past sign-out, and the form; a valid log-in opens the session."""
    st.title("Jury « Au cœur des territoires »")
    st.caption("Tableau de bord d'aide à la décision du Cnam — accès réservé aux membres du jury, "
               "à la direction du Cnam et au secrétariat du programme.")
    reason = st.session_state.get(SIGNED_OUT_REASON_KEY)
    if reason:
        st.info(md(reason))
    with st.form("connexion", border=True):
        login = st.text_input("Identifiant", key="login_name")
        password = st.text_input("Mot de passe", type="password", key="login_password")
        submitted = st.form_submit_button("Se connecter", type="primary")
    if submitted:
        try:
            actor = authenticate(get_store(), login, password)
        except LoginRefused as refused:
            st.error(md(refused))
        else:
            _start_session(actor)
