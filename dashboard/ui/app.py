"""Entry script that `jury serve` runs through `st.App` (`dashboard/ui/server.py`): sign-in gate and navigation.

Without a session only the log-in page exists, so every URL shows it. With a
session, the pages offered depend on the user's role.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeAlias

import streamlit as st
from streamlit.navigation.page import Page

from dashboard.core.formatting import fr_list
from dashboard.core.labels import ROLE_LABELS
from dashboard.core.text import md, md_format
from dashboard.errors import JuryError, LoginRefused
from dashboard.services import web_sessions
from dashboard.services.accounts import MIN_PASSWORD_LENGTH, change_own_password
from dashboard.store.access import PERMISSIONS, Action, Actor, may
from dashboard.ui.live import SEANCE_PATH, follow_seance, note_clock
from dashboard.ui.login import post_to_route, reload_page, render_login_page
from dashboard.ui.projection import render_projection_switch
from dashboard.ui.server import CURRENT_PAGE_KEY, show_refusal
from dashboard.ui.session import end_of_run, end_session, get_store, session_token, signed_in_actor
from dashboard.ui.workspace import keep_working_state, reset_working_state, restore_working_state

# Set for the run after a reset of the working state, to say it was done (in the address
# when the page is loaded again).
RESET_NOTICE_KEY = "working_state_reset"
RESET_PARAM, RESET_DONE = "reglages", "reinitialises"

PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"

# Who is offered a page: the action it needs (`dashboard.store.access.PERMISSIONS`), or None for
# every signed-in user.
Access: TypeAlias = Action | None

# (file, title, icon, url path, who is offered it)
PAGES: dict[str, list[tuple[str, str, str, str, Access]]] = {
    "Appel": [
        ("overview.py", "Vue d'ensemble", ":material/dashboard:", "", None),
        ("dossiers.py", "Dossiers", ":material/folder_open:", "dossiers", None),
    ],
    "Séance de sélection": [
        ("seance.py", "Séance", ":material/groups:", SEANCE_PATH, "follow_seance"),
        ("ponderation.py", "Pondération", ":material/tune:", "ponderation", None),
        ("classement.py", "Classement", ":material/leaderboard:", "classement", None),
        ("comparer.py", "Comparer", ":material/compare_arrows:", "comparer", None),
        ("sensibilite.py", "Sensibilité", ":material/ssid_chart:", "sensibilite", None),
        ("liste_restreinte.py", "Liste restreinte", ":material/checklist:", "liste-restreinte", None),
    ],
    "Jury": [
        ("notation.py", "Notation", ":material/rate_review:", "notation", "rate"),
        ("concertation.py", "Concertation", ":material/forum:", "concertation", "hold_concertation"),
        ("journal.py", "Journal", ":material/history:", "journal", "read_journal"),
    ],
    "Administration": [
        ("import_page.py", "Import", ":material/upload_file:", "import", "import_data"),
        ("administration.py", "Jurés et récusations", ":material/admin_panel_settings:", "administration",
         "manage_recusals"),
    ],
}


def offered(actor: Actor, access: Access) -> bool:
    """Whether the navigation offers a page with this access to the user."""
    return access is None or may(actor, access)


def refusal_text(actor: Actor, title: str, access: Action) -> str:
    """What a page the user may not open says in its place: who it is for, and who they are."""
    listed = fr_list([ROLE_LABELS[role] for role in PERMISSIONS[access].roles])
    return (f"Cette page (« {title} ») est réservée à : {listed}. Vous êtes connecté(e) en tant que "
            f"{ROLE_LABELS.get(actor.role, actor.role)} ; les pages qui vous sont ouvertes sont dans le menu.")


def _refusal_page(actor: Actor, title: str, icon: str, url_path: str, access: Action) -> Page:
    """A page the user may not open, at its address: it says so, instead of falling back to the overview."""
    def refusal() -> None:
        st.title(md(title))
        st.warning(md(refusal_text(actor, title, access)), icon=":material/block:")

    return st.Page(refusal, title=title, icon=icon, url_path=url_path, visibility="hidden")


def _login_gate() -> Page:
    """Every known URL, and `/connexion`, showing the log-in form (hidden navigation)."""
    paths = ["connexion"] + [url for pages in PAGES.values() for _, _, _, url, _ in pages if url]
    gate = [st.Page(render_login_page, title="Connexion", icon=":material/login:", default=True)]
    gate += [st.Page(render_login_page, title="Connexion", url_path=url) for url in paths]
    return st.navigation(gate, position="hidden")


def seance_listed(actor: Actor, seance_open: bool) -> bool:
    """Whether the sidebar lists « Séance »: always for those who run it, while one is open for the others."""
    return seance_open or may(actor, "run_seance")


def build_navigation(actor: Actor | None, seance_open: bool = False) -> Page:
    """The pages this user may open, with stable French URLs.

    Without a session every known URL, and `/connexion`, shows the log-in form,
    so that a typed address never reveals a page or shows « page introuvable ».
    « Séance » is listed for the president and the administration always, for the
    others while a séance is open (its address works for everyone at any time). A page the
    user may not open keeps its address, which says who it is for.
    """
    if actor is None:
        return _login_gate()
    sections: dict[str, list[Page]] = {}
    for section, pages in PAGES.items():
        for file, title, icon, url_path, access in pages:
            if not offered(actor, access):
                assert access is not None  # every user is offered the pages without an access
                sections.setdefault(section, []).append(_refusal_page(actor, title, icon, url_path, access))
                continue
            listed = url_path != SEANCE_PATH or seance_listed(actor, seance_open)
            sections.setdefault(section, []).append(
                st.Page(PAGES_DIR / file, title=title, icon=icon, url_path=url_path, default=url_path == "",
                        visibility="visible" if listed else "hidden"))
    return st.navigation(sections)


def _render_user_box(actor: Actor) -> None:
    """The signed-in user, their working state's reset and the sign-out button, in the sidebar."""
    with st.sidebar:
        st.markdown(md_format("**{}**  \n{}", actor.name, ROLE_LABELS.get(actor.role, actor.role)))
        _render_reset(actor)
        _render_password_change(actor)
        if st.button("Se déconnecter", key="sign_out"):
            if not end_session():
                st.rerun()
            post_to_route(web_sessions.CLOSE_ROUTE, {}, "Déconnexion…")
            st.stop()


def _render_reset(actor: Actor) -> None:
    """What is kept for the person between connections, and the way to start over. Under a
    cookie the page is then loaded again, so that every control shows its default (a control
    already in the browser keeps what it showed); a tab-only session runs again."""
    if st.session_state.pop(RESET_NOTICE_KEY, False) or st.query_params.get(RESET_PARAM) == RESET_DONE:
        st.query_params.pop(RESET_PARAM, None)
        st.success("Vos réglages sont réinitialisés.")
    with st.popover("Mes réglages", icon=":material/restart_alt:"):
        st.caption("Gardés pour vous d'une connexion à l'autre : l'appel choisi, l'agrégation des notes, la "
                   "pondération en cours (enregistrée ou non), le profil de référence, la taille et les "
                   "contraintes de la liste restreinte, les dossiers comparés, le mode projection.")
        if st.button("Réinitialiser mes réglages", key="reset_working_state"):
            reset_working_state(get_store(), actor)
            if session_token() is None:
                st.session_state[RESET_NOTICE_KEY] = True
                st.rerun()
            reload_page(RESET_PARAM, RESET_DONE, "Réinitialisation…")
            st.stop()


def _render_password_change(actor: Actor) -> None:
    """The person's own password: the current one, the new one twice; their other sessions end."""
    with st.popover("Mon mot de passe", icon=":material/key:"):
        with st.form("password_change", border=False, clear_on_submit=True):
            current = st.text_input("Mot de passe actuel", type="password", key="password_current")
            new = st.text_input("Nouveau mot de passe", type="password", key="password_new",
                                help=md_format("{} caractères au moins.", MIN_PASSWORD_LENGTH))
            repeated = st.text_input("Nouveau mot de passe, une seconde fois", type="password",
                                     key="password_repeated")
            submitted = st.form_submit_button("Changer le mot de passe")
        if not submitted:
            return
        token = session_token()
        try:
            change_own_password(get_store(), actor, current, new, repeated,
                                keep_session=web_sessions.token_digest(token) if token else None)
        except (LoginRefused, ValueError) as refused:
            st.error(md(refused))
        except JuryError as exc:
            show_refusal(exc)
        else:
            st.success("Mot de passe changé. Vos autres sessions ouvertes sont fermées ; celle-ci continue.")


def main() -> None:
    """The app: page settings, navigation, the user box, then the chosen page; at the end, what
    the run changed of the person's working state is kept."""
    st.set_page_config(page_title="Jury « Au cœur des territoires »", page_icon=":material/school:",
                       layout="wide")
    actor = signed_in_actor()
    seance_open = False
    if actor is not None:
        restore_working_state(get_store(), actor)
        note_clock()
        seance_open = bool(get_store().open_seances(actor))
    navigation = build_navigation(actor, seance_open)
    try:
        if actor is not None:
            _render_user_box(actor)
            render_projection_switch()
            with st.sidebar:
                follow_seance()
        st.session_state[CURRENT_PAGE_KEY] = f"/{navigation.url_path}"
        navigation.run()
    finally:
        if actor is not None:
            keep_working_state(get_store(), actor)
        end_of_run()


main()
