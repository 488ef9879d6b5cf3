"""Administration: conflict-of-interest register and recusals, accounts."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.core.labels import ROLE_LABELS
from dashboard.errors import JuryError
from dashboard.services.accounts import hash_password
from dashboard.store.access import ROLES
from dashboard.ui.session import current_call
from dashboard.ui.widgets import conflict_register

store, actor, call = current_call("admin")
st.title("Jurés, récusations et comptes")
if call is None:
    st.stop()

jurors = store.jurors()
juror_names = dict(zip(jurors["juror_id"], jurors["name"] + " (" + jurors["organisation"] + ")"))
names = dict(zip(call.dossiers["dossier_id"], call.dossiers["display_name"]))

register_tab, recusal_tab, accounts_tab = st.tabs(["Registre des conflits d'intérêts", "Récusations", "Comptes"])

with register_tab:
    st.table(conflict_register(store, actor, call.call_id, jurors, names).set_index("Juré"))

with recusal_tab:
    st.markdown("#### Récuser un juré")
    with st.form("recusal_add", clear_on_submit=True):
        juror = st.selectbox("Juré", list(juror_names), format_func=juror_names.get, key="recusal_juror")
        dossier = st.selectbox("Dossier", list(names), format_func=lambda d: f"{d} — {names[d]}",
                               key="recusal_dossier")
        reason = st.text_input("Motif", key="recusal_reason")
        declared_on = st.date_input("Date de déclaration", value=date.today(), format="DD/MM/YYYY",
                                    key="recusal_date")
        if st.form_submit_button("Enregistrer la récusation", type="primary"):
            try:
                dropped = store.add_recusal(actor, juror, dossier, reason, declared_on)
            except JuryError as exc:
                st.error(str(exc))
            else:
                st.success(f"{juror_names[juror]} est récusé·e pour {names[dossier]}."
                           + (f" {dropped} note(s) déjà saisie(s) ne comptent plus (conservées et tracées)."
                              if dropped else ""))
    recusals = store.recusals(actor, call.call_id)
    if not recusals.empty:
        st.markdown("#### Lever une récusation")
        keys = list(zip(recusals["juror_id"], recusals["dossier_id"]))
        chosen = st.selectbox("Récusation", keys, key="recusal_remove",
                              format_func=lambda k: f"{juror_names.get(k[0], k[0])} — {names.get(k[1], k[1])}")
        if st.button("Lever la récusation", key="recusal_remove_go"):
            try:
                store.remove_recusal(actor, *chosen)
            except JuryError as exc:
                st.error(str(exc))
            else:
                st.rerun()
    st.markdown("#### Déclaration sans conflit")
    with st.form("no_conflict"):
        juror = st.selectbox("Juré", list(juror_names), format_func=juror_names.get, key="no_conflict_juror")
        declared_on = st.date_input("Date de déclaration", value=date.today(), format="DD/MM/YYYY",
                                    key="no_conflict_date")
        if st.form_submit_button("Enregistrer « aucun conflit »"):
            try:
                store.declare_no_conflict(actor, juror, call.call_id, declared_on)
            except JuryError as exc:
                st.error(str(exc))
            else:
                st.success(f"Déclaration enregistrée pour {juror_names[juror]}.")

with accounts_tab:
    st.dataframe(store.users(actor).rename(columns={
        "login": "Identifiant", "name": "Nom", "role": "Rôle", "organisation": "Organisation",
        "juror_id": "Membre du jury", "created_at": "Créé le", "failed_attempts": "Échecs de connexion"}),
        hide_index=True, width="stretch")
    st.markdown("#### Créer un compte")
    with st.form("account_add", clear_on_submit=True):
        login = st.text_input("Identifiant", key="account_login")
        name = st.text_input("Nom affiché", key="account_name")
        role = st.selectbox("Rôle", ROLES, format_func=ROLE_LABELS.get, key="account_role")
        organisation = st.text_input("Organisation", key="account_organisation")
        juror = st.selectbox("Membre du jury (rôles juré et président)", [None, *juror_names],
                             format_func=lambda j: "—" if j is None else juror_names[j], key="account_juror")
        password = st.text_input("Mot de passe (8 caractères au moins)", type="password", key="account_password")
        if st.form_submit_button("Créer le compte", type="primary"):
            try:
                store.add_user(actor, login, name, role, hash_password(password), organisation or None, juror)
            except (JuryError, ValueError) as exc:
                st.error(str(exc))
            else:
                st.success(f"Compte « {login.strip().lower()} » créé.")
