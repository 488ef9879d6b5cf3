"""Entry script: `streamlit run dashboard/ui/app.py` (what `jury serve` runs) — sign-in gate and navigation.

Without a session only the log-in page exists, so every URL shows it. With a
session, the pages offered depend on the user's role.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run` puts this script's folder on the path, not the folder holding the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from dashboard.core.labels import ROLE_LABELS
from dashboard.store.access import Actor
from dashboard.ui.login import render_login_page
from dashboard.ui.session import sign_out, signed_in_actor

PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"

# (file, title, icon, url path, roles allowed; None = every role)
PAGES: dict[str, list[tuple[str, str, str, str, tuple[str, ...] | None]]] = {
    "Appel": [
        ("overview.py", "Vue d'ensemble", ":material/dashboard:", "", None),
        ("dossiers.py", "Dossiers", ":material/folder_open:", "dossiers", None),
    ],
    "Séance de sélection": [
        ("ponderation.py", "Pondération", ":material/tune:", "ponderation", None),
        ("classement.py", "Classement", ":material/leaderboard:", "classement", None),
        ("comparer.py", "Comparer", ":material/compare_arrows:", "comparer", None),
        ("sensibilite.py", "Sensibilité", ":material/ssid_chart:", "sensibilite", None),
        ("liste_restreinte.py", "Liste restreinte", ":material/checklist:", "liste-restreinte", None),
    ],
    "Jury": [
        ("notation.py", "Notation", ":material/rate_review:", "notation", ("jure", "president")),
        ("concertation.py", "Concertation", ":material/forum:", "concertation", ("president", "admin")),
        ("journal.py", "Journal", ":material/history:", "journal", ("president", "admin")),
    ],
    "Administration": [
        ("import_page.py", "Import", ":material/upload_file:", "import", ("admin",)),
        ("administration.py", "Jurés et récusations", ":material/admin_panel_settings:", "administration",
         ("admin",)),
    ],
}


def build_navigation(actor: Actor | None):
    """The pages this user may open, with stable French URLs.

    Without a session every known URL, and `/connexion`, shows the log-in form,
    so that a typed address never reveals a page or shows « page introuvable ».
    """
    if actor is None:
        paths = ["connexion"] + [url for pages in PAGES.values() for _, _, _, url, _ in pages if url]
        gate = [st.Page(render_login_page, title="Connexion", icon=":material/login:", default=True)]
        gate += [st.Page(render_login_page, title="Connexion", url_path=url) for url in paths]
        return st.navigation(gate, position="hidden")
    sections: dict[str, list] = {}
    for section, pages in PAGES.items():
        for file, title, icon, url_path, roles in pages:
            if roles is not None and actor.role not in roles:
                continue
            sections.setdefault(section, []).append(
                st.Page(PAGES_DIR / file, title=title, icon=icon, url_path=url_path, default=url_path == ""))
    return st.navigation(sections)


def main() -> None:
    st.set_page_config(page_title="Jury « Au cœur des territoires »", page_icon=":material/school:",
                       layout="wide")
    actor = signed_in_actor()
    navigation = build_navigation(actor)
    if actor is not None:
        with st.sidebar:
            st.markdown(f"**{actor.name}**  \n{ROLE_LABELS.get(actor.role, actor.role)}")
            if st.button("Se déconnecter", key="sign_out"):
                sign_out()
                st.rerun()
    navigation.run()


main()
