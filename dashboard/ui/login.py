"""The log-in form: the only thing shown without a session."""

from __future__ import annotations

import streamlit as st

from dashboard.core.text import md
from dashboard.errors import LoginRefused
from dashboard.services.accounts import authenticate
from dashboard.ui.session import get_store, sign_in


def render_login_page() -> None:
    """The title, the reason of a past sign-out, and the form; a valid log-in signs in and reruns."""
    st.title("Jury « Au cœur des territoires »")
    st.caption("Tableau de bord d'aide à la décision du Cnam — accès réservé aux membres du jury, "
               "à la direction du Cnam et au secrétariat du programme.")
    reason = st.session_state.pop("signed_out_reason", None)
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
            sign_in(actor)
            st.rerun()
