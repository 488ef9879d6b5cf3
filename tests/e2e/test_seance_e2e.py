"""The séance in a real Chromium: the president and two jurors in three contexts of one browser,
on a server and a database of this module's own (the séance changes what every page shows).

The jurors never click to follow: the sidebar gains « Séance » when it opens, their page shows
the dossier the president moves to, and the juror recused from a dossier sees only that. How
fast a move reaches ten followers is measured by `bench/bench_seance.py`, not here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import no_exception, open_page, sign_in
from tests.helpers.server import serving
from tests.helpers.workbooks import REPO_ROOT

pytestmark = pytest.mark.e2e

PRESIDENT, JUROR, RECUSED_JUROR = "helene.marchetti", "celine.ravaud", "olivier.castaing"
RECUSED_FROM = "AMI1-003"  # olivier.castaing (JUR-04) is recused from it in the demo's register
# Generous: a follower's page polls every second; the bench measures the delay itself.
FOLLOW_TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def seance_url(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("seance-e2e")
    database = folder / "jury.duckdb"
    subprocess.run([sys.executable, "-m", "dashboard", "init", "--db", str(database)], check=True,
                   capture_output=True, timeout=300)
    with serving([sys.executable], cwd=REPO_ROOT, env={**os.environ, "JURY_DB": str(database)},
                 log=folder / "streamlit.log") as url:
        yield url


@pytest.fixture
def screens(browser, request: pytest.FixtureRequest):
    """Three browser contexts (three people), each with its page; screenshots kept at the end."""
    contexts = [browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}) for _ in range(3)]
    pages = [context.new_page() for context in contexts]
    for page in pages:
        page.set_default_timeout(30_000)
    yield pages
    shots = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/e2e-screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    for who, page in zip(("president", "jure", "jure-recuse"), pages, strict=True):
        page.screenshot(path=str(shots / f"{request.node.name}-{who}.png"), full_page=True)
    for context in contexts:
        context.close()


def _sidebar_link(page, title: str):
    return page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title)


def _discussed_heading(page):
    return page.get_by_role("heading", name=re.compile(r"^Dossier en discussion : "))


def test_two_jurors_follow_the_president_and_the_recused_one_sees_only_the_recusal(seance_url: str,
                                                                                  screens) -> None:
    president, juror, recused = screens
    sign_in(juror, seance_url, JUROR)
    expect(_sidebar_link(juror, "Vue d'ensemble")).to_be_visible()
    expect(_sidebar_link(juror, "Séance")).to_have_count(0)  # no séance open yet

    sign_in(president, seance_url, PRESIDENT)
    open_page(president, "Séance")
    president.get_by_label("Lieu").fill("Paris, Cnam")
    president.get_by_role("button", name="Ouvrir la séance").click()
    president.get_by_text("Séance ouverte : chaque membre du jury la suit sur son écran.").wait_for()

    # The juror's sidebar gains « Séance » without a click; the recused juror signs in afterwards.
    _sidebar_link(juror, "Séance").wait_for(timeout=FOLLOW_TIMEOUT_MS)
    open_page(juror, "Séance")
    sign_in(recused, seance_url, RECUSED_JUROR)
    open_page(recused, "Séance")
    for follower in (juror, recused):
        follower.get_by_text("Aucun dossier en discussion pour le moment.").wait_for()

    president.get_by_role("button", name="Passer au dossier suivant").click()
    expect(_discussed_heading(president)).to_be_visible()
    moved_to = _discussed_heading(president).inner_text()
    for follower in (juror, recused):
        expect(_discussed_heading(follower)).to_have_text(moved_to, timeout=FOLLOW_TIMEOUT_MS)
        expect(follower.locator('[data-testid="stTable"]').filter(has_text="Moyenne")).to_have_count(1)

    # The president puts a dossier the second juror is recused from under discussion.
    president.locator('[data-testid="stSelectbox"]').filter(has_text="Dossier en discussion").click()
    president.keyboard.type(RECUSED_FROM)  # the long list shows only its first options until filtered
    president.get_by_role("option", name=re.compile(rf"^{RECUSED_FROM} — ")).click()
    expect(_discussed_heading(president)).not_to_have_text(moved_to)
    recused_heading = _discussed_heading(president).inner_text()
    expect(_discussed_heading(juror)).to_have_text(recused_heading, timeout=FOLLOW_TIMEOUT_MS)
    expect(juror.locator('[data-testid="stTable"]').filter(has_text="Moyenne")).to_have_count(1)
    recused.get_by_text("Vous êtes récusé·e pour ce dossier").wait_for(timeout=FOLLOW_TIMEOUT_MS)
    expect(recused.locator('[data-testid="stTable"]')).to_have_count(0)
    expect(recused.get_by_text("Rang à l'ouverture de la séance")).to_have_count(0)
    expect(recused.get_by_text("Fiche du dossier")).to_have_count(0)
    # The president's own clicks never come back as a conflict (a poll can cross a click).
    expect(president.get_by_text("La séance a changé entre-temps", exact=False)).to_have_count(0)

    # Closing: the followers' page says so and the sidebar loses « Séance ».
    president.locator('[data-testid="stExpander"] summary').filter(has_text="Clore la séance").click()
    president.get_by_role("checkbox", name="Je confirme la clôture de la séance").check(force=True)
    president.get_by_role("button", name="Clore la séance").click()
    president.get_by_text("Séance close.").wait_for()
    juror.get_by_text("Aucune séance n'est ouverte pour cet appel.").wait_for(timeout=FOLLOW_TIMEOUT_MS)
    expect(_sidebar_link(juror, "Séance")).to_have_count(0)
    for page in screens:
        assert no_exception(page)


def _cast_ballot(page, choice: str) -> None:
    """Vote `choice` in the page's secret ballot form."""
    page.get_by_text("Vote en cours", exact=False).first.wait_for(timeout=FOLLOW_TIMEOUT_MS)
    form = page.locator('[data-testid="stForm"]').filter(has_text="Votre vote")
    form.locator('[data-testid="stRadio"]').get_by_text(choice, exact=True).click()
    form.get_by_role("button", name=re.compile(r"^(Voter|Changer mon vote)$")).click()
    page.get_by_text(f"Vote enregistré : « {choice} »", exact=False).wait_for()


def test_two_jurors_vote_on_their_screens_and_the_tally_shows_on_all_three(seance_url: str, screens,
                                                                          tmp_path: Path) -> None:
    president, juror, other = screens
    for page, login in ((president, PRESIDENT), (juror, JUROR), (other, RECUSED_JUROR)):
        sign_in(page, seance_url, login)
    open_page(president, "Séance")
    president.get_by_role("button", name="Ouvrir la séance", exact=True).click()
    president.get_by_text("Séance ouverte : chaque membre du jury la suit sur son écran.").wait_for()
    president.get_by_role("button", name="Pointer présents les 9 membres non pointés", exact=True).click()
    president.get_by_text("Quorum de la séance atteint", exact=False).wait_for()
    # the first dossier of the agenda is not one RECUSED_JUROR is recused from (the test above)
    president.get_by_role("button", name="Passer au dossier suivant", exact=True).click()
    expect(_discussed_heading(president)).to_be_visible()
    president.get_by_role("button", name="Ouvrir le vote", exact=True).click()
    president.get_by_text("Vote ouvert : chaque membre du jury présent vote sur son écran.").wait_for()

    for follower in (juror, other):
        _sidebar_link(follower, "Séance").wait_for(timeout=FOLLOW_TIMEOUT_MS)
        open_page(follower, "Séance")
    _cast_ballot(juror, "non retenu")
    _cast_ballot(other, "abstention")
    _cast_ballot(juror, "retenu")  # a change before the close: still one vote
    # how many voted, never how (one of the nine may be recused from the dossier)
    president.get_by_text(re.compile(r"Vote en cours : 2 vote\(s\) sur [89] votant\(s\) possible\(s\)")).wait_for(
        timeout=FOLLOW_TIMEOUT_MS)

    president.get_by_role("button", name="Clore le vote", exact=True).click()
    tally = ("Vote clos : retenu : 1 · ajourné – accompagnement proposé : 0 · non retenu : 0 · abstention : 1 "
             "(2 votes)")
    for page in screens:
        page.get_by_text(tally).wait_for(timeout=FOLLOW_TIMEOUT_MS)
        expect(page.locator('[data-testid="stForm"]').filter(has_text="Votre vote")).to_have_count(0)
    # only the president records the decision, after the vote
    expect(president.get_by_role("button", name="Enregistrer la décision", exact=True)).to_have_count(1)
    expect(juror.get_by_role("button", name="Enregistrer la décision", exact=True)).to_have_count(0)
    # the procès-verbal, written on the click and served through the media guard; none for a juror
    with president.expect_download() as download:
        president.get_by_role("button", name="Télécharger le procès-verbal (PDF)", exact=True).click()
    assert re.fullmatch(r"proces-verbal_AMI1_officiel-s\d+-v1_\d{4}-\d{2}-\d{2}_\d{2}h\d{2}\.pdf",
                        download.value.suggested_filename)
    minutes = tmp_path / download.value.suggested_filename
    download.value.save_as(minutes)
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", "-raw", str(minutes), "-"], capture_output=True,
                                              text=True, check=True).stdout)
    assert "Procès-verbal de la séance du jury (provisoire)" in text and "Vote clos à" in text
    assert ": 1 retenu, 1 abstention" in text
    expect(juror.get_by_role("button", name="Télécharger le procès-verbal (PDF)")).to_have_count(0)
    for page in screens:
        assert no_exception(page)
