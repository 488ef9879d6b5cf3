"""Administration: conflict-of-interest register and recusals, rapporteurs, accounts, backups, the dossiers'
documents."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.core.formatting import fr_datetime, fr_number, fr_size
from dashboard.core.labels import ROLE_LABELS
from dashboard.core.text import md, md_format, md_frame
from dashboard.errors import JuryError
from dashboard.services.accounts import hash_password
from dashboard.services.backups import BACKUP_INTERVAL, KEPT_AUTOMATIC, backup_folder, list_backups
from dashboard.services.meeting import CallData
from dashboard.store import Store
from dashboard.store.access import ROLES, Actor, Role, may
from dashboard.ui.downloads import offer_download
from dashboard.ui.rapporteurs import render_rapporteurs
from dashboard.ui.server import show_refusal
from dashboard.ui.session import current_call, get_database
from dashboard.ui.widgets import conflict_register

TABS = ["Registre des conflits d'intérêts", "Récusations", "Rapporteurs", "Comptes", "Sauvegardes",
        "Pièces des dossiers"]
ACCOUNT_COLUMNS = {
    "login": "Identifiant", "name": "Nom", "role": "Rôle", "organisation": "Organisation",
    "juror_id": "Membre du jury", "created_at": "Créé le", "failed_attempts": "Échecs de connexion"}


def _juror_names(jurors: pd.DataFrame) -> dict[str, str]:
    """Each juror's id and shown name, « name (organisation) »."""
    return dict(zip(jurors["juror_id"], jurors["name"] + " (" + jurors["organisation"] + ")", strict=True))


def _dossier_names(call: CallData) -> dict[str, str]:
    """Each dossier's id and shown name."""
    return dict(zip(call.dossiers["dossier_id"], call.dossiers["display_name"], strict=True))


def _render_register(store: Store, actor: Actor, call_id: str, jurors: pd.DataFrame, names: dict[str, str]) -> None:
    """The register tab: one row per juror."""
    st.table(md_frame(conflict_register(store, actor, call_id, jurors, names).set_index("Juré")))


def _render_add_recusal(store: Store, actor: Actor, juror_names: dict[str, str], names: dict[str, str]) -> None:
    """The form recusing a juror from a dossier."""
    st.markdown("#### Récuser un juré")
    with st.form("recusal_add", clear_on_submit=True):
        juror = st.selectbox("Juré", list(juror_names), format_func=lambda j: juror_names[j], key="recusal_juror")
        dossier = st.selectbox("Dossier", list(names), format_func=lambda d: f"{d} — {names[d]}",
                               key="recusal_dossier")
        reason = st.text_input("Motif", key="recusal_reason")
        declared_on = st.date_input("Date de déclaration", value=date.today(), format="DD/MM/YYYY",
                                    key="recusal_date")
        if st.form_submit_button("Enregistrer la récusation", type="primary"):
            try:
                dropped = store.add_recusal(actor, juror, dossier, reason, declared_on)
            except JuryError as exc:
                show_refusal(exc)
            else:
                st.success(md_format("{} est récusé·e pour {}.", juror_names[juror], names[dossier])
                           + (f" {fr_number(dropped)} note(s) déjà saisie(s) ne comptent plus (conservées et "
                              "tracées)." if dropped else ""))


def _render_remove_recusal(store: Store, actor: Actor, call_id: str, juror_names: dict[str, str],
                           names: dict[str, str]) -> None:
    """The choice of a recusal to lift, when the call has any."""
    recusals = store.recusals(actor, call_id)
    if recusals.empty:
        return
    st.markdown("#### Lever une récusation")
    keys: list[tuple[str, str]] = list(zip(recusals["juror_id"], recusals["dossier_id"], strict=True))
    chosen = st.selectbox("Récusation", keys, key="recusal_remove",
                          format_func=lambda k: f"{juror_names.get(k[0], k[0])} — {names.get(k[1], k[1])}")
    if st.button("Lever la récusation", key="recusal_remove_go"):
        try:
            store.remove_recusal(actor, *chosen)
        except JuryError as exc:
            show_refusal(exc)
        else:
            st.rerun()


def _render_no_conflict(store: Store, actor: Actor, call_id: str, juror_names: dict[str, str]) -> None:
    """The form recording a juror's « no conflict » declaration."""
    st.markdown("#### Déclaration sans conflit")
    with st.form("no_conflict"):
        juror = st.selectbox("Juré", list(juror_names), format_func=lambda j: juror_names[j],
                             key="no_conflict_juror")
        declared_on = st.date_input("Date de déclaration", value=date.today(), format="DD/MM/YYYY",
                                    key="no_conflict_date")
        if st.form_submit_button("Enregistrer « aucun conflit »"):
            try:
                store.declare_no_conflict(actor, juror, call_id, declared_on)
            except JuryError as exc:
                show_refusal(exc)
            else:
                st.success(md_format("Déclaration enregistrée pour {}.", juror_names[juror]))


def _render_accounts(store: Store, actor: Actor, juror_names: dict[str, str]) -> None:
    """The accounts tab: every account, and the form creating one."""
    st.dataframe(store.users(actor).rename(columns=ACCOUNT_COLUMNS), hide_index=True, width="stretch")
    st.markdown("#### Créer un compte")
    with st.form("account_add", clear_on_submit=True):
        login = st.text_input("Identifiant", key="account_login")
        name = st.text_input("Nom affiché", key="account_name")
        role: Role = st.selectbox("Rôle", ROLES, format_func=lambda r: ROLE_LABELS[r], key="account_role")
        organisation = st.text_input("Organisation", key="account_organisation")
        jurors: list[str | None] = [None, *juror_names]
        juror = st.selectbox("Membre du jury (rôles juré et président)", jurors,
                             format_func=lambda j: "—" if j is None else juror_names[j], key="account_juror")
        password = st.text_input("Mot de passe (8 caractères au moins)", type="password", key="account_password")
        if st.form_submit_button("Créer le compte", type="primary"):
            try:
                store.add_user(actor, login, name, role, hash_password(password), organisation or None, juror)
            except JuryError as exc:
                show_refusal(exc)
            except ValueError as exc:  # the password rules
                st.error(md(exc))
            else:
                st.success(md_format("Compte « {} » créé.", login.strip().lower()))


def _render_backups(actor: Actor, db_path: Path) -> None:
    """The backups tab: every copy beside the database, newest first, and the download of one."""
    minutes = int(BACKUP_INTERVAL.total_seconds() // 60)
    st.caption(md_format(
        "Le serveur copie la base toutes les {} minutes quand les données ont changé et garde les {} dernières "
        "copies automatiques, dans « {} ». La clé du journal de chaque copie reste sur le serveur, à côté "
        "d'elle. Copie à la demande : `jury backup --out FICHIER` ; restauration, serveur arrêté : "
        "`jury restore FICHIER`.", fr_number(minutes), fr_number(KEPT_AUTOMATIC), backup_folder(db_path)))
    backups = list_backups(db_path)
    if not backups:
        st.info("Aucune sauvegarde pour l'instant.", icon=":material/info:")
        return
    st.dataframe(pd.DataFrame({
        "Faite le": [fr_datetime(backup.made_at) for backup in backups],
        "Type": [backup.kind() for backup in backups],
        "Taille": [fr_size(backup.size) for backup in backups],
        "Fichier": [backup.path.name for backup in backups]}), hide_index=True, width="stretch")
    chosen = st.selectbox("Sauvegarde à télécharger", range(len(backups)), key="backup_chosen",
                          format_func=lambda index: backups[index].label())
    backup = backups[chosen]
    offer_download(actor, "Télécharger la sauvegarde", backup.path.read_bytes, file_name=backup.path.name,
                   mime="application/octet-stream", key="backup_download", icon=":material/download:")


def _render_documents(store: Store, actor: Actor, call_id: str, names: dict[str, str]) -> None:
    """The call's documents, and the removal of one (with its reason, journalled)."""
    documents = store.call_documents(actor, call_id)
    st.caption(md_format("{} pièce(s) pour l'appel « {} » ; elles s'ajoutent sur la page Import (« Import des "
                         "pièces ») ou par « jury attach ».", fr_number(len(documents)), call_id))
    if documents.empty:
        return
    st.dataframe(pd.DataFrame({
        "N°": documents["document_id"], "Dossier": documents["dossier_id"], "Fichier": documents["file_name"],
        "Taille": [fr_size(int(size)) for size in documents["size_bytes"]],
        "Ajoutée le": [fr_datetime(at) for at in documents["added_at"]], "Par": documents["added_by"]}),
        hide_index=True, width="stretch")
    rows: dict[int, dict[Hashable, Any]] = {int(row["document_id"]): row for row in documents.to_dict("records")}
    st.markdown("#### Retirer une pièce")
    with st.form("document_remove", clear_on_submit=True):
        chosen = st.selectbox("Pièce", list(rows), key="document_remove_id", format_func=lambda d: (
            f"n° {d} — {rows[d]['file_name']} ({rows[d]['dossier_id']} — {names.get(rows[d]['dossier_id'], '')})"))
        reason = st.text_input("Motif du retrait (inscrit au journal)", key="document_remove_reason")
        if st.form_submit_button("Retirer la pièce") and chosen is not None:
            try:
                store.remove_document(actor, chosen, reason)
            except JuryError as exc:
                show_refusal(exc)
            else:
                st.success(md_format("Pièce « {} » retirée du dossier {} ; le retrait est inscrit au journal.",
                                     rows[chosen]["file_name"], rows[chosen]["dossier_id"]))


def main() -> None:
    """The page: the register, the recusal forms, the rapporteurs, the accounts, the backups and the documents,
    each in its tab."""
    store, actor, call = current_call("manage_recusals")
    st.title("Jurés, récusations et comptes")
    if call is None:
        st.stop()
    jurors = store.jurors()
    juror_names = _juror_names(jurors)
    names = _dossier_names(call)
    register_tab, recusal_tab, rapporteurs_tab, accounts_tab, backups_tab, documents_tab = st.tabs(TABS)
    with register_tab:
        _render_register(store, actor, call.call_id, jurors, names)
    with recusal_tab:
        _render_add_recusal(store, actor, juror_names, names)
        _render_remove_recusal(store, actor, call.call_id, juror_names, names)
        _render_no_conflict(store, actor, call.call_id, juror_names)
    with rapporteurs_tab:
        render_rapporteurs(store, actor, call, juror_names, names)
    with accounts_tab:
        _render_accounts(store, actor, juror_names)
    with backups_tab:
        if may(actor, "read_backups"):
            _render_backups(actor, get_database().path)
    with documents_tab:
        _render_documents(store, actor, call.call_id, names)


main()
