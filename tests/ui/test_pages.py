"""Page tests with Streamlit's AppTest on a temporary database."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.store import Database
from dashboard.store.access import OPERATOR, Actor
from tests.helpers.rendered import displayed_frame, rendered

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "ui" / "app.py")


DIRECTION = Actor(login="direction", name="Direction", role="direction")
ADMIN = Actor(login="admin", name="Secrétariat", role="admin")


def app_as(actor: Actor | None) -> AppTest:
    """The app with `actor` signed in (None: no session)."""
    at = AppTest.from_file(APP, default_timeout=30)
    if actor is not None:
        at.session_state["actor"] = actor
        at.session_state["last_seen"] = datetime.now()
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {rendered(m.label): rendered(m.value) for m in at.metric}


def test_overview_shows_the_calls_key_figures(app_db: Path) -> None:
    at = app_as(DIRECTION).run()
    assert not at.exception
    metrics = _metrics(at)
    assert metrics["Dossiers"] == "3"
    assert metrics["Lauréats historiques"] == "2"
    assert metrics["Outre-mer"] == "1"
    assert metrics["En Territoires d'industrie"] == "67\u00a0%"  # 2 of 3
    assert any("Auvergne-Rhône-Alpes" in rendered(m.value) for m in at.markdown)
    charts = at.get("plotly_chart")
    assert charts, "the map and the bar charts are drawn"


def test_dossiers_page_filters_and_shows_a_card(app_db: Path) -> None:
    at = app_as(DIRECTION).run()
    at.switch_page("../pages/dossiers.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 3
    # Population is a number (it sorts as one in the browser) shown in French.
    assert str(table["Population"].dtype) == "Int64"
    shown = displayed_frame(at.dataframe[0])
    for number, text in zip(table["Population"], shown["Population"], strict=True):
        assert text == f"{number:,}".replace(",", "\u202f")
    at.multiselect(key="dossiers_regions").set_value(["La Réunion"]).run()
    table = at.dataframe[0].value
    assert table["Candidat"].tolist() == ["Saint-Joseph (974)"]
    assert any("Saint-Joseph (974)" in rendered(m.value) for m in at.markdown)


def test_import_page_documents_every_sheet(app_db: Path) -> None:
    at = app_as(ADMIN).run()
    at.switch_page("../pages/import_page.py").run()
    assert not at.exception
    text = "\n".join(rendered(m.value) for m in at.markdown)
    for sheet in ("Appels", "Critères", "Candidats", "Dossiers", "Valeurs", "Jurés", "Récusations", "Notes"):
        assert f"**{sheet}**" in text


def test_without_a_session_only_the_login_form_is_drawn(app_db: Path) -> None:
    at = app_as(None).run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Identifiant", "Mot de passe"]
    assert not at.metric and not at.dataframe


def test_idle_session_expires(app_db: Path) -> None:
    at = app_as(DIRECTION)
    at.session_state["last_seen"] = datetime.now() - timedelta(hours=2)
    at.run()
    assert not at.metric
    assert any("Session expirée" in rendered(i.value) for i in at.info)
    assert [t.label for t in at.text_input] == ["Identifiant", "Mot de passe"]


def test_import_page_is_refused_to_a_direction_user(app_db: Path) -> None:
    at = app_as(DIRECTION).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("../pages/import_page.py")  # not even offered in the navigation
    page = AppTest.from_file(str(Path(APP).parents[1] / "pages" / "import_page.py"), default_timeout=30)
    page.session_state["actor"] = DIRECTION
    page.session_state["last_seen"] = datetime.now()
    page.run()
    assert page.error and "pas accessible" in rendered(page.error[0].value)
    assert not page.get("file_uploader")


def test_journal_page_verifies_the_chain_and_names_a_change_made_in_the_file(app_db: Path) -> None:
    at = app_as(ADMIN).run()
    at.switch_page("../pages/journal.py").run()
    assert not at.exception
    at.button(key="journal_verify").click().run()
    assert rendered(at.success[0].value).startswith("Journal intact : 1 entrée(s) chaînée(s) et scellée(s).")
    assert not at.error
    # Someone edits the file while no server holds it; the page opens it afresh and says so.
    import duckdb

    from dashboard.ui.session import get_database

    get_database().close()  # the pages' database, as a server stopped
    st.cache_resource.clear()
    con = duckdb.connect(str(app_db))
    con.execute("UPDATE ratings SET score = 1 WHERE dossier_id = 'AMI1-001'")
    con.close()
    at = app_as(ADMIN).run()
    at.switch_page("../pages/journal.py").run()
    at.button(key="journal_verify").click().run()
    assert not at.exception and not at.success
    assert rendered(at.error[0].value).startswith("Journal altéré : données modifiées hors de l'application depuis "
                                        "l'entrée n° 1, constaté à l'ouverture de la base")


def test_administration_lists_the_backups_and_offers_one_for_download(app_db: Path) -> None:
    from dashboard.services.backups import AutoBackup, backup_folder, make_backup

    database = Database(app_db)
    now = [datetime(2026, 12, 1, 9, 0)]
    auto = AutoBackup(database, clock=lambda: now[0])
    database.store().save_weight_profile(OPERATOR, "AMI1", "essai", {"method": "wsm"})
    now[0] += timedelta(minutes=15)
    automatic = auto.tick()
    manual = backup_folder(app_db) / "sauvegarde_app_cli_2026-12-01_10h30.duckdb"
    make_backup(database, manual)
    database.close()

    at = app_as(ADMIN).run()
    at.switch_page("../pages/administration.py").run()
    assert not at.exception
    assert [tab.label for tab in at.tabs][-2:] == ["Sauvegardes", "Pièces des dossiers"]
    listing = at.dataframe[-1].value
    assert list(listing["Faite le"]) == ["01/12/2026 à 10:30", "01/12/2026 à 09:15"]
    assert list(listing["Type"]) == ["à la demande", "automatique"]
    assert list(listing["Fichier"]) == [manual.name, automatic.name]
    assert all(size.endswith("Mio") for size in listing["Taille"])
    caption = next(rendered(c.value) for c in at.main.caption if "toutes les" in c.value)
    assert "toutes les 15 minutes" in caption and "les 12 dernières" in caption
    assert at.selectbox(key="backup_chosen").value == 0
    download = at.get("download_button")
    assert len(download) == 1 and download[0].proto.label == "Télécharger la sauvegarde"


def test_administration_without_backups_says_so(app_db: Path) -> None:
    at = app_as(ADMIN).run()
    at.switch_page("../pages/administration.py").run()
    assert not at.exception
    assert any(info.value == "Aucune sauvegarde pour l'instant." for info in at.info)
