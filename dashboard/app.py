"""Entry script: `streamlit run dashboard/app.py` — page set-up and navigation."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run` puts this script's folder on the path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PAGES_DIR = Path(__file__).parent / "pages"


def build_navigation() -> st.navigation:
    """The dashboard's pages, with stable French URLs."""
    pages = {
        "Appel": [
            st.Page(PAGES_DIR / "overview.py", title="Vue d'ensemble", icon=":material/dashboard:",
                    url_path="", default=True),
            st.Page(PAGES_DIR / "dossiers.py", title="Dossiers", icon=":material/folder_open:",
                    url_path="dossiers"),
        ],
        "Administration": [
            st.Page(PAGES_DIR / "import_page.py", title="Import", icon=":material/upload_file:",
                    url_path="import"),
        ],
    }
    return st.navigation(pages)


def main() -> None:
    st.set_page_config(page_title="Jury « Au cœur des territoires »", page_icon=":material/school:",
                       layout="wide")
    build_navigation().run()


main()
