"""Benchmark of what a juror waits for in a real browser: four interactions on the demo call.

Run: ``python bench/bench_browser.py`` (or ``make bench``; ``--repeat N`` changes the number of timed
runs, 5 by default). A fresh demo database is made by ``jury init`` in a temporary folder (the accounts
hashed at the production bcrypt cost: ``JURY_BCRYPT_ROUNDS`` is not passed on, so a log-in costs what it
costs in a séance), a real ``jury serve`` is started on it on a free loopback port
(``tests/helpers/server.py``), and Debian Chromium is driven headless by Playwright at 1440 × 900, signed
in as the juror ``celine.ravaud``. Measured, median of N timed runs after one untimed warm-up run (as
``bench/timing.py``), with their min and max:

a. **first overview after log-in** — from the click on « Se connecter » (a new browser context each
   time, no cookie) to the overview's title and its five key figures shown, through the whole log-in
   path: the form's rerun (bcrypt), the POST to the session route, the cookie, the new page load and its
   first script run. Target ≤ 2 s. For information, the time until that page is complete (script run
   finished, its three charts drawn).
b. **page change** — from the click on the sidebar link « Classement » (from the overview) to the
   ranking table shown (its « Rang » column with rows). Target ≤ 1 s.
c. **weight change** on /ponderation — from the click on the first criterion's switch (on, off, on…)
   to the table « Poids normalisés » having one criterion more or less, the page's script run finished
   and nothing of the previous run left stale. Target ≤ 1 s.
d. **dossier change** on /notation — from the click on another dossier in the selector « Dossier » (a
   different dossier each time, among the ten or so its list draws) to that dossier's card and rating
   form shown, the script run finished. Target ≤ 1 s.

Method: both ends are stamped in the page itself with ``Date.now()``: the click by a capture-phase
``click`` listener on the document (when the click leaves the document first, the time just before it,
taken by this script on the same clock), the end by the predicate that Playwright evaluates at every
animation frame (``wait_for_function(..., polling="raf")``), which returns its own ``Date.now()`` the
first time the content is there. « Script run finished » is Streamlit's
``[data-testid=stApp][data-test-script-state=notRunning]`` (what the status widget
``stStatusWidget`` shows with a delay) with no ``stElementContainer`` marked ``data-stale``. The live
view's poll (``dashboard/ui/live.py``, a fragment every 1 s) runs on every page: a run-finished test alone
could be met by it, so every end also waits for the changed content.

It never fails on a missed target: it says by how much. It exits non-zero, with a message in French,
when the app cannot be started or reached, or when a control or a content it waits for is not found
(screenshots and the server's log under ``/tmp/bench_browser``).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Locator, Page, ViewportSize, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.helpers.browser import DEMO_PASSWORD
from tests.helpers.server import serving

JUROR = "celine.ravaud"
VIEWPORT: ViewportSize = {"width": 1440, "height": 900}
WAIT_MS = 30_000          # a control or a content not there after this: the benchmark stops
SHOTS = Path("/tmp/bench_browser")
OVERVIEW_TITLE = "Vue d'ensemble"
RANKING_PATH = "/classement"

# --------------------------------------------------------------------------- in-page scripts

# Before an action: forget the last click; stamp the next one (capture phase: before the app sees it).
ARM_CLICK = """() => {
  window.__benchClick = null;
  if (!window.__benchArmed) {
    window.__benchArmed = true;
    document.addEventListener('click', () => { if (window.__benchClick === null) window.__benchClick = Date.now(); },
                              true);
  }
}"""

# Shared by the predicates: the page's script run is over and nothing of the previous run is left.
_DRAWN = """const app = document.querySelector('[data-testid="stApp"]');
  const drawn = !!app && app.dataset.testScriptState === 'notRunning'
    && !document.querySelector('[data-testid="stElementContainer"][data-stale="true"]');
  const main = document.querySelector('[data-testid="stMain"]');
  const grids = main ? [...main.querySelectorAll('[data-testid="stDataFrame"] table[role="grid"]')] : [];
  const headed = (name) => grids.find(t => [...t.querySelectorAll('th')].some(h => h.textContent.trim() === name));"""


def _predicate(body: str) -> str:
    """A predicate for `wait_for_function`: `body` (with `_DRAWN`'s names) returns whether the content is
    there; the predicate then returns the page's `Date.now()`, else false."""
    return f"(arg) => {{\n  {_DRAWN}\n  const shown = (() => {{ {body} }})();\n  return shown ? Date.now() : false;\n}}"


OVERVIEW_SHOWN = _predicate("""
  if (!main) return false;
  const title = [...main.querySelectorAll('h1')].some(h => h.textContent.trim() === arg);
  const figures = [...main.querySelectorAll('[data-testid="stMetricValue"]')]
    .filter(v => v.textContent.trim() && v.getBoundingClientRect().height > 0);
  return title && figures.length >= 5;""")

OVERVIEW_COMPLETE = _predicate("""
  const charts = main ? [...main.querySelectorAll('[data-testid="stPlotlyChart"]')] : [];
  return drawn && charts.length >= 3 && charts.every(c => c.querySelector('.js-plotly-plot .main-svg'));""")

RANKING_SHOWN = _predicate("""
  if (location.pathname.replace(/\\/$/, '') !== arg) return false;
  const ranking = headed('Rang');
  return !!ranking && !!ranking.querySelector('td[role="gridcell"]')
    && ranking.closest('[data-testid="stDataFrame"]').getBoundingClientRect().height > 0;""")

# The table « Poids normalisés » (header « Critère », « Poids ») has `arg` rows, header included.
WEIGHTS_SHOWN = _predicate("""
  const weights = headed('Critère');
  return drawn && !!weights && Number(weights.getAttribute('aria-rowcount')) === arg;""")

DOSSIER_SHOWN = _predicate("""
  if (!drawn || !main || !main.querySelector(`[class*="st-key-score_${arg}_"]`)) return false;
  return [...main.querySelectorAll('[data-testid="stMarkdownContainer"]')].some(m => m.textContent.includes(arg));""")

WEIGHTS_READY = _predicate("return drawn && !!headed('Critère');")

PAGE_DRAWN = _predicate("return drawn;")

WEIGHT_ROWS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const grid = [...main.querySelectorAll('[data-testid="stDataFrame"] table[role="grid"]')]
    .find(t => (t.querySelector('th')?.textContent || '').trim() === 'Critère');
  return grid ? Number(grid.getAttribute('aria-rowcount')) : null;
}"""

# --------------------------------------------------------------------------- measuring


class BenchError(Exception):
    """A control or a content that never came: the benchmark cannot measure (message in French)."""


@dataclass(frozen=True)
class Result:
    label: str
    samples: list[float]
    target: float | None     # seconds; None: for information


def _shot(page: Page, name: str) -> str:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    try:
        page.screenshot(path=str(path))
    except PlaywrightError as exc:  # the screenshot must not hide the failure it illustrates
        return f"capture impossible : {exc}"
    return f"capture : {path}"


def _failure(page: Page, what: str, name: str) -> BenchError:
    """Why the benchmark stops: `what`, the page's address, an exception the page shows, a screenshot."""
    note = f"{what} (page {page.url}"
    try:
        shown = page.locator('[data-testid="stException"]')
        if shown.count():
            note += " ; exception affichée : " + shown.first.inner_text()[:300].replace("\n", " ")
    except PlaywrightError:
        pass
    return BenchError(f"{note} ; {_shot(page, name)})")


def need(page: Page, locator: Locator, what: str) -> Locator:
    """`locator` once it is visible, or the benchmark stops saying which control is missing."""
    try:
        locator.first.wait_for(state="visible", timeout=WAIT_MS)
    except PlaywrightError as exc:
        raise _failure(page, f"sélecteur introuvable : {what} ({type(exc).__name__})", "selecteur") from None
    return locator.first


def wait_shown(page: Page, predicate: str, arg: object, what: str) -> float:
    """The page's `Date.now()` when `predicate` first held (after at most `WAIT_MS`), in milliseconds."""
    try:
        stamp = page.wait_for_function(predicate, arg=arg, polling="raf", timeout=WAIT_MS).json_value()
    except PlaywrightError as exc:
        raise _failure(page, f"contenu jamais affiché : {what} ({type(exc).__name__})", "contenu") from None
    return float(stamp)


def timed_click(page: Page, target: Locator, predicate: str, arg: object, what: str) -> tuple[float, float]:
    """Click `target`; (seconds from the click to `predicate` holding, the page's stamp of the click)."""
    page.evaluate(ARM_CLICK)
    before = time.time() * 1000
    target.click(timeout=WAIT_MS)
    try:
        stamp = page.evaluate("() => window.__benchClick")
    except PlaywrightError:  # the click already took the browser to another document
        stamp = None
    clicked = float(stamp) if stamp is not None else before
    return (wait_shown(page, predicate, arg, what) - clicked) / 1000, clicked


def new_page(browser: Browser) -> Page:
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return page


def sidebar_link(page: Page, title: str) -> Locator:
    return need(page, page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True),
                f"lien « {title} » de la barre latérale")


# --------------------------------------------------------------------------- the four interactions


def one_login(browser: Browser, url: str) -> tuple[Page, float, float]:
    """Sign in on a new context: (its page, seconds to the overview's key figures, to the complete page)."""
    page = new_page(browser)
    page.goto(url + "/")
    login = need(page, page.get_by_label("Identifiant"), "champ « Identifiant »")
    wait_shown(page, PAGE_DRAWN, None, "formulaire de connexion dessiné")
    login.fill(JUROR)
    need(page, page.get_by_label("Mot de passe", exact=True), "champ « Mot de passe »").fill(DEMO_PASSWORD)
    button = need(page, page.get_by_role("button", name="Se connecter"), "bouton « Se connecter »")
    shown, clicked = timed_click(page, button, OVERVIEW_SHOWN, OVERVIEW_TITLE,
                                 "titre et chiffres clés de la vue d'ensemble après connexion")
    complete = (wait_shown(page, OVERVIEW_COMPLETE, None, "vue d'ensemble complète (graphiques)") - clicked) / 1000
    return page, shown, complete


def measure_login(browser: Browser, url: str, repeat: int) -> tuple[list[float], list[float]]:
    """(a): seconds to the key figures, and to the complete page, of `repeat` log-ins after a warm-up."""
    shown: list[float] = []
    complete: list[float] = []
    for run in range(repeat + 1):
        page, figures, whole = one_login(browser, url)
        page.context.close()
        if run:
            shown.append(figures)
            complete.append(whole)
    return shown, complete


def measure_page_change(page: Page, repeat: int) -> list[float]:
    """(b): from the overview, the sidebar link « Classement » until the ranking table is shown."""
    samples = []
    for run in range(repeat + 1):
        if run:
            timed_click(page, sidebar_link(page, OVERVIEW_TITLE), OVERVIEW_SHOWN, OVERVIEW_TITLE,
                        "vue d'ensemble (retour)")
            wait_shown(page, PAGE_DRAWN, None, "vue d'ensemble dessinée")
        seconds, _ = timed_click(page, sidebar_link(page, "Classement"), RANKING_SHOWN, RANKING_PATH,
                                 "tableau du classement (colonne « Rang »)")
        wait_shown(page, PAGE_DRAWN, None, "classement dessiné")
        if run:
            samples.append(seconds)
    return samples


CRITERION_SWITCH = re.compile(r"^\S+ — ")   # a criterion's switch: « C01 — Population du bassin… »


def measure_weight_change(page: Page, repeat: int) -> list[float]:
    """(c): on /ponderation, the first criterion's switch until the weights table follows and the run ends."""
    timed_click(page, sidebar_link(page, "Pondération"), PAGE_DRAWN, None, "page Pondération")
    need(page, page.get_by_text("Poids normalisés", exact=True), "titre « Poids normalisés »")
    switch = need(page, page.locator('[data-testid="stMain"]').get_by_role("switch", name=CRITERION_SWITCH),
                  "interrupteur du premier critère (« Critères pris en compte »)")
    name = switch.get_attribute("aria-label") or "?"
    label = page.locator('[data-testid="stMain"] label').filter(has=page.get_by_role("switch", name=name, exact=True))
    samples = []
    for run in range(repeat + 1):
        wait_shown(page, WEIGHTS_READY, None, "page Pondération dessinée, tableau « Poids normalisés »")
        rows = page.evaluate(WEIGHT_ROWS)
        if rows is None:
            raise _failure(page, "sélecteur introuvable : tableau « Poids normalisés » (Critère, Poids)", "poids")
        expected = rows - 1 if switch.is_checked() else rows + 1
        seconds, _ = timed_click(page, need(page, label, f"interrupteur « {name} »"), WEIGHTS_SHOWN, expected,
                                 f"tableau « Poids normalisés » à {expected - 1} critères après « {name} »")
        if run:
            samples.append(seconds)
    return samples


DOSSIER_OPTION = re.compile(r"(\S+) — ")     # « ✓ Rapporteur · AMI1-002 — Rambouillet… »: the dossier's id


def dossier_ids(page: Page, combo: Locator, count: int) -> list[str]:
    """`count` dossiers to choose in turn, none twice in a row: those the selector's open list draws
    besides the current one (it draws about ten: they are taken again when more are needed)."""
    current = DOSSIER_OPTION.search(combo.input_value())
    combo.click()
    need(page, page.get_by_role("option"), "liste des dossiers du sélecteur")
    texts = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    ids = [m.group(1) for m in map(DOSSIER_OPTION.search, texts) if m]
    others = [i for i in ids if current is None or i != current.group(1)]
    if len(others) < 2:
        raise _failure(page, f"le sélecteur « Dossier » n'offre que {len(others)} autre(s) dossier(s)", "dossiers")
    return [others[i % len(others)] for i in range(count)]


def measure_dossier_change(page: Page, repeat: int) -> list[float]:
    """(d): on /notation, another dossier in the selector until its card and rating form are shown."""
    timed_click(page, sidebar_link(page, "Notation"), PAGE_DRAWN, None, "page Notation")
    combo = need(page, page.locator(".st-key-notation_dossier").get_by_role("combobox"), "sélecteur « Dossier »")
    wait_shown(page, PAGE_DRAWN, None, "page Notation dessinée")
    samples = []
    for run, dossier in enumerate(dossier_ids(page, combo, repeat + 1)):
        combo.click()
        combo.fill(dossier)   # the list is filtered (and virtualised): the dossier's option is then drawn
        option = need(page, page.get_by_role("option").filter(has_text=re.compile(rf"(^|\s){re.escape(dossier)} — ")),
                      f"dossier {dossier} dans la liste du sélecteur")
        seconds, _ = timed_click(page, option, DOSSIER_SHOWN, dossier,
                                 f"fiche et formulaire de notation du dossier {dossier}")
        if run:
            samples.append(seconds)
    return samples


# --------------------------------------------------------------------------- report and main


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms".replace(",", "\u202f")


def _load() -> str:
    """The machine's load average over the last minute (the browser and the server share its cores)."""
    return f"{os.getloadavg()[0]:.1f}".replace(".", ",")


def print_table(results: list[Result], load_before: str) -> None:
    print(f"{'interaction':<52} {'médiane':>9} {'min':>9} {'max':>9} {'cible':>11}   verdict")
    for result in results:
        median = statistics.median(result.samples)
        if result.target is None:
            target, verdict = "–", "pour information"
        else:
            target = f"≤ {_ms(result.target)}"
            verdict = "atteint" if median <= result.target else f"manqué de {_ms(median - result.target)}"
        print(f"{result.label:<52} {_ms(median):>9} {_ms(min(result.samples)):>9} {_ms(max(result.samples)):>9} "
              f"{target:>11}   {verdict}")
    print(f"({len(results[0].samples)} mesures par ligne après un essai à blanc ; du clic au contenu affiché, "
          f"Chromium sans interface, {VIEWPORT['width']} × {VIEWPORT['height']}, compte {JUROR} ; charge de la "
          f"machine sur 1 min : {load_before} avant, {_load()} après, {os.cpu_count()} cœur(s))")


def run_browser(url: str, repeat: int) -> list[Result]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            shown, complete = measure_login(browser, url, repeat)
            page, _, _ = one_login(browser, url)
            changes = measure_page_change(page, repeat)
            weights = measure_weight_change(page, repeat)
            dossiers = measure_dossier_change(page, repeat)
        finally:
            browser.close()
    return [
        Result("(a) première vue d'ensemble après connexion", shown, 2.0),
        Result("    … page complète (script fini, 3 graphiques)", complete, None),
        Result("(b) changement de page (→ /classement)", changes, 1.0),
        Result("(c) changement de poids (/ponderation)", weights, 1.0),
        Result("(d) changement de dossier (/notation)", dossiers, 1.0),
    ]


def demo_server_env(db: Path) -> dict[str, str]:
    """The server's environment: the database, and the production bcrypt cost (no test override)."""
    env = {k: v for k, v in os.environ.items() if k != "JURY_BCRYPT_ROUNDS"}
    return {**env, "JURY_DB": str(db)}


def keep_log(log: Path) -> str:
    SHOTS.mkdir(parents=True, exist_ok=True)
    kept = SHOTS / "serveur.log"
    kept.write_text(log.read_text(errors="replace") if log.exists() else "")
    return str(kept)


def main() -> int:
    parser = argparse.ArgumentParser(description="Banc d'essai des interactions dans un vrai navigateur.")
    parser.add_argument("--repeat", type=int, default=5, help="mesures par interaction (5)")
    args = parser.parse_args()
    load_before = _load()
    with tempfile.TemporaryDirectory() as folder:
        db, log = Path(folder) / "jury.duckdb", Path(folder) / "serveur.log"
        env = demo_server_env(db)
        try:
            subprocess.run([sys.executable, "-m", "dashboard", "init", "--db", str(db)], check=True, cwd=ROOT,
                           env=env, capture_output=True, timeout=300)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            said = (exc.stderr or b"").decode(errors="replace").strip()[-2_000:]
            print(f"ÉCHEC : « jury init » n'a pas créé la base de démonstration : {exc}\n{said}", file=sys.stderr)
            return 2
        try:
            with serving([sys.executable], cwd=ROOT, env=env, log=log) as url:
                print(f"Serveur {url} (base de démonstration neuve) ; mesures dans Chromium…", flush=True)
                results = run_browser(url, args.repeat)
        except BenchError as exc:
            print(f"ÉCHEC du banc d'essai : {exc}\nJournal du serveur : {keep_log(log)}", file=sys.stderr)
            return 2
        except (RuntimeError, PlaywrightError) as exc:
            print(f"ÉCHEC : application injoignable ou navigateur impossible à lancer : {exc}\n"
                  f"Journal du serveur : {keep_log(log)}", file=sys.stderr)
            return 2
    print_table(results, load_before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
