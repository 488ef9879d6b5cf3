"""Benchmark of the séance's live view (`dashboard/pages/seance.py`, `dashboard/ui/live.py`) in a real
browser: how long a move of the presidency takes to reach the screens that follow it, and what the
followers' polling costs the server.

Run: ``python bench/bench_seance.py`` (or ``make bench``; ``--moves``, ``--idle`` and ``--followers``
change the sizes). A fresh demo database is made by ``jury init`` (accounts hashed at
``JURY_BCRYPT_ROUNDS=4``: sign-ins are fast), then a real ``jury serve`` is started on it and one
headless Debian Chromium opens 11 browser contexts (11 sessions of the server): the president
(``helene.marchetti``), who opens the séance of AMI 1 through the page's form « Ouvrir une séance »,
and 10 followers: the 8 other jurors, ``direction``, and a second session of the first juror (a login
may hold several sessions), each signed in and sent to /seance by the sidebar link « Séance ».

1. **Latency of a move.** The president clicks « Passer au dossier suivant » ``--moves`` times
   (15 by default), pausing 2 to 4 s (seeded random, so that the clicks do not fall in step with the
   1 s poll) once every follower has caught up. For each move and each follower, the sample is the
   time from the click to the moment that follower's page shows the new heading
   « Dossier en discussion : <name> ». Method, chosen not to bias the result: the times are taken
   in the pages themselves, not by this script's polling (which would add its own period and
   visit the followers one after the other). Each follower's page carries an in-page
   ``MutationObserver`` (installed once, after it reached /seance) that, at every DOM change, reads
   the heading and, when its text changed, stores ``[text, Date.now()]``; the president's page
   stores ``Date.now()`` from a capture-phase ``click`` listener when the button receives the
   click. All the pages and this script share the machine's clock, so the difference of the two
   stamps is the delay as the juror sees it (the next paint follows within a frame). The records
   are read by ``page.evaluate`` every 0.25 s (in the browser only: the server is not asked), which
   does not move the stamps; the expected name is the one the president's own page shows after the
   move. Median and p95 over every follower × move sample; a follower still not showing the
   dossier 30 s after the click counts as 30 s (the figures are then lower bounds, marked ≥), and a
   move the president's own page never shows (a refused click, say) gives no sample and is said.
   Target: p95 ≤ 3 s.

2. **The server's processor.** The server process is found by its command line
   (``dashboard serve --port <port>``) in ``/proc``, with its child processes if any; its CPU time
   is ``utime + stime`` (and the children it reaped) of ``/proc/<pid>/stat``. With the 10 followers
   (and the president's page) on /seance and nobody clicking, CPU seconds over ``--idle`` wall
   seconds (30 by default): target < 20 % of one core. For information, the same over the moves
   phase, and the CPU of Chromium and Playwright (this script's other child processes), which
   share the same 2 cores.

Chromium runs with the end-to-end tests' settings (`tests/e2e/conftest.py`) plus the three flags
that stop it from throttling the timers of windows it thinks are in the background: each juror's
screen is a foreground window of its own, and Streamlit's fragment ``run_every`` is driven by a
timer in the browser. Exceptions shown by a page (``stException``), a follower that never caught up
or any other oddity are said in French, with screenshots under ``/tmp/bench_seance``. It never
fails on a missed target: it says by how much.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

os.environ.setdefault("JURY_BCRYPT_ROUNDS", "4")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.helpers.browser import choose_call, open_page, sign_in
from tests.helpers.server import serving

PRESIDENT = "helene.marchetti"
FOLLOWERS = ["mathieu.kervella", "nadia.bensaid", "olivier.castaing", "isabelle.morvan-leclerc", "thomas.delorme",
             "celine.ravaud", "gregoire.le.bihan", "elodie.marquet", "direction"]
CALL_LABEL = "AMI 1 — 2019"
HEADING = "Dossier en discussion : "
NEXT = "Passer au dossier suivant"
LATENCY_TARGET_S = 3.0
IDLE_CPU_TARGET = 0.20
ARRIVAL_TIMEOUT_S = 30.0
SHOTS = Path("/tmp/bench_seance")
NO_THROTTLING = ["--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                 "--disable-backgrounding-occluded-windows"]

# In a follower's page: every change of the « Dossier en discussion » heading, with its time.
OBSERVE_HEADING = """(prefix) => {
  window.__arrivals = [];
  let last = null;
  const look = () => {
    for (const h of document.querySelectorAll('h1, h2, h3, h4')) {
      const text = (h.textContent || '').trim();
      if (text.startsWith(prefix)) {
        if (text !== last) { last = text; window.__arrivals.push([text.slice(prefix.length), Date.now()]); }
        return;
      }
    }
  };
  new MutationObserver(look).observe(document.body, {childList: true, subtree: true, characterData: true});
  look();
}"""

# In the president's page: when the button « Passer au dossier suivant » receives a click.
OBSERVE_CLICKS = """(name) => {
  window.__clicks = [];
  document.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('button');
    if (button && (button.textContent || '').includes(name)) window.__clicks.push(Date.now());
  }, true);
}"""

# --------------------------------------------------------------------------- processes and CPU

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (field 3, the state, first)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def server_pid(port: int) -> int:
    """The process of `jury serve --port <port>` (the `serving` helper keeps its Popen to itself)."""
    for pid in _pids():
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [a.decode(errors="replace") for a in argv]
        if "serve" in words and "--port" in words and str(port) in words and any("dashboard" in w for w in words):
            return pid
    raise RuntimeError(f"processus du serveur introuvable (port {port})")


def process_tree(root: int) -> set[int]:
    """`root` and every process descending from it, now."""
    parents: dict[int, int] = {}
    for pid in _pids():
        fields = _stat(pid)
        if fields is not None:
            parents[pid] = int(fields[1])
    tree = {root}
    grown = True
    while grown:
        grown = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grown = True
    return tree


def cpu_seconds(pids: set[int]) -> float:
    """utime + stime, with the reaped children's cutime + cstime, of these processes, in seconds."""
    ticks = 0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            ticks += sum(int(fields[i]) for i in (11, 12, 13, 14))
    return ticks / CLOCK_TICKS


class CpuMeter:
    """CPU of the server's tree, and of this script's other children (Chromium, Playwright), over a span."""

    def __init__(self, server: int) -> None:
        self.server = server

    def _read(self) -> tuple[float, float, float]:
        server_tree = process_tree(self.server)
        others = process_tree(os.getpid()) - server_tree - {os.getpid()}
        return time.monotonic(), cpu_seconds(server_tree), cpu_seconds(others)

    def start(self) -> None:
        self.begun = self._read()

    def stop(self) -> tuple[float, float, float]:
        """(wall seconds, server's share of one core, the browser's share of one core)."""
        end = self._read()
        wall = end[0] - self.begun[0]
        return wall, (end[1] - self.begun[1]) / wall, (end[2] - self.begun[2]) / wall


# --------------------------------------------------------------------------- the browser


class Oddities:
    """What went wrong in the browser, said at the end (the benchmark goes on)."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def add(self, note: str, page=None, shot: str | None = None) -> None:
        if page is not None and shot:
            SHOTS.mkdir(parents=True, exist_ok=True)
            path = SHOTS / f"{shot}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
                note += f" (capture : {path})"
            except Exception as exc:  # a screenshot must not end the benchmark
                note += f" (capture impossible : {exc})"
        self.notes.append(note)
        print(f"  ! {note}", flush=True)

    def check_exceptions(self, pages: dict[str, object], moment: str) -> None:
        for login, page in pages.items():
            shown = page.locator('[data-testid="stException"]')
            if shown.count():
                text = shown.first.inner_text()[:300].replace("\n", " ")
                self.add(f"exception affichée chez {login} ({moment}) : {text}", page, f"exception-{login}-{moment}")


def new_page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(90_000)
    return page


# The sidebar's call selector as shown: its label, its value (an input's value or a text).
SIDEBAR_CALL = """() => {
  const box = document.querySelector('[data-testid=stSidebar] [data-testid=stSelectbox]');
  if (!box) return '';
  return [box.innerText, ...[...box.querySelectorAll('input')].map(i => i.value)].join(' | ');
}"""


def sidebar_call(page) -> str:
    return str(page.evaluate(SIDEBAR_CALL))


def open_seance_as_president(browser, url: str, odd: Oddities):
    """The president signs in, goes to « Séance » and opens the séance of AMI 1 with the form."""
    page = new_page(browser)
    sign_in(page, url, PRESIDENT)
    open_page(page, "Séance")
    page.get_by_role("heading", name="Séance", exact=True).wait_for()
    if CALL_LABEL not in sidebar_call(page):
        choose_call(page, CALL_LABEL)
        page.wait_for_function(f"(label) => ({SIDEBAR_CALL})().includes(label)", arg=CALL_LABEL)
    page.get_by_role("button", name="Ouvrir la séance").wait_for()
    page.get_by_role("button", name="Ouvrir la séance").click()
    page.get_by_role("button", name=NEXT).wait_for()
    odd.check_exceptions({PRESIDENT: page}, "ouverture")
    page.evaluate(OBSERVE_CLICKS, NEXT)
    page.evaluate(OBSERVE_HEADING, HEADING)
    return page


def follower(browser, url: str, login: str, odd: Oddities):
    """A follower signed in, on /seance by the sidebar link, its heading observed."""
    page = new_page(browser)
    sign_in(page, url, login)
    open_page(page, "Séance")
    try:
        page.get_by_role("heading", name="Ordre du jour").wait_for(timeout=60_000)
    except Exception:
        odd.add(f"{login} : la page Séance ne montre pas l'ordre du jour", page, f"arrivee-{login}")
    page.evaluate(OBSERVE_HEADING, HEADING)
    return page


def agenda_size(page) -> int | None:
    caption = page.get_by_text("dossier(s) examiné(s) sur").first.inner_text()
    digits = caption.rsplit("sur", 1)[-1].strip(" .\u202f\xa0")
    try:
        return int(digits.replace("\u202f", "").replace("\xa0", "").replace(" ", ""))
    except ValueError:
        return None


def arrivals(page) -> list[tuple[str, int]]:
    return [(str(text), int(stamp)) for text, stamp in page.evaluate("() => window.__arrivals")]


def arrival_after(page, name: str, clicked: int) -> int | None:
    for text, stamp in arrivals(page):
        if text == name and stamp >= clicked:
            return stamp
    return None


REFUSED = "La séance a changé entre-temps"


def one_move(president, followers: dict[str, object], odd: Oddities, number: int,
             own: list[float]) -> tuple[list[float], int]:
    """Click « Passer au dossier suivant » once: the delays of the followers that showed the new
    dossier within `ARRIVAL_TIMEOUT_S`, and how many did not (the president's own page's delay
    is added to `own`). A move that the president's page never shows gives no sample."""
    before = arrivals(president)
    clicks = len(president.evaluate("() => window.__clicks"))
    button = president.get_by_role("button", name=NEXT)
    button.wait_for()
    button.click()
    president.wait_for_function("(n) => window.__clicks.length > n", arg=clicks)
    clicked = int(president.evaluate("() => window.__clicks[window.__clicks.length - 1]"))
    deadline = time.monotonic() + ARRIVAL_TIMEOUT_S
    while len(arrivals(president)) == len(before) and time.monotonic() < deadline:
        time.sleep(0.2)
    shown = arrivals(president)
    if len(shown) == len(before):
        refused = president.get_by_text(REFUSED).count() > 0
        why = (f"le clic est refusé : « {REFUSED} (un autre écran de la présidence l'a fait avancer) », "
               "sans autre écran de la présidence") if refused else "pas de nouveau dossier"
        odd.add(f"mouvement {number} : la page de la présidence ne montre {'rien de neuf, ' if refused else ''}"
                f"{why} après {ARRIVAL_TIMEOUT_S:.0f} s", president, f"presidence-mouvement-{number}")
        print(f"  mouvement {number:2d} : non abouti sur la page de la présidence", flush=True)
        return [], 0
    name = shown[-1][0]
    own.append((shown[-1][1] - clicked) / 1000)
    if before and before[-1][0] == name:
        odd.add(f"mouvement {number} : même nom affiché avant et après ({name}) : échantillons écartés")
        return [], 0
    delays: dict[str, float] = {}
    while time.monotonic() < deadline and len(delays) < len(followers):
        for login, page in followers.items():
            if login not in delays:
                stamp = arrival_after(page, name, clicked)
                if stamp is not None:
                    delays[login] = (stamp - clicked) / 1000
        if len(delays) < len(followers):
            time.sleep(0.25)
    for login, page in followers.items():
        if login not in delays:
            odd.add(f"mouvement {number} : {login} ne montre pas « {name} » {ARRIVAL_TIMEOUT_S:.0f} s après le clic",
                    page, f"retard-{login}-mouvement-{number}")
    worst = max(delays.values(), default=float("nan"))
    print(f"  mouvement {number:2d} : « {name} » vu par {len(delays)}/{len(followers)} écrans, "
          f"le dernier après {seconds_fr(worst)}", flush=True)
    return list(delays.values()), len(followers) - len(delays)


# --------------------------------------------------------------------------- report


def seconds_fr(value: float) -> str:
    return f"{value:.2f}".replace(".", ",") + " s"


def percent_fr(share: float) -> str:
    return f"{share * 100:.1f}".replace(".", ",") + " %"


def verdict(value: float, target: float, strict: bool, shown) -> str:
    met = value < target if strict else value <= target
    return "atteint" if met else f"MANQUÉ de {shown(value - target)}"


def percentile(samples: list[float], q: int) -> float:
    """The q-th percentile (inclusive interpolation, as `statistics.quantiles`)."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description="Banc d'essai de la séance suivie en direct.")
    parser.add_argument("--moves", type=int, default=15, help="mouvements de la présidence (15)")
    parser.add_argument("--idle", type=float, default=30.0, help="secondes de mesure au repos (30)")
    parser.add_argument("--followers", type=int, default=10, help="écrans qui suivent (10)")
    args = parser.parse_args()
    started = time.monotonic()
    from playwright.sync_api import sync_playwright

    for old in [*SHOTS.glob("*.png"), *SHOTS.glob("*.log")]:  # this script's files of a previous run
        old.unlink()
    odd = Oddities()
    rng = random.Random(2019)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "jury.duckdb"
        log = Path(folder) / "serveur.log"
        subprocess.run([sys.executable, "-m", "dashboard", "init", "--db", str(db)], check=True, cwd=ROOT,
                       capture_output=True, timeout=300)
        env = {**os.environ, "JURY_DB": str(db)}
        with serving([sys.executable], cwd=ROOT, env=env, log=log) as url, sync_playwright() as playwright:
            meter = CpuMeter(server_pid(int(urlparse(url).port or 0)))
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=[*CHROMIUM_ARGS, *NO_THROTTLING])
            try:
                print(f"Serveur {url} (processus {meter.server}) ; ouverture de la séance par la présidence…",
                      flush=True)
                president = open_seance_as_president(browser, url, odd)
                size = agenda_size(president)
                logins = [FOLLOWERS[i % len(FOLLOWERS)] for i in range(args.followers)]
                followers: dict[str, object] = {}
                for index, login in enumerate(logins):
                    key = login if login not in followers else f"{login}#{index}"
                    followers[key] = follower(browser, url, login, odd)
                print(f"{len(followers)} écrans suivent la séance (ordre du jour : {size} dossiers).", flush=True)
                hidden = [login for login, page in followers.items()
                          if page.evaluate("() => document.visibilityState") != "visible"]
                if hidden:
                    odd.add(f"pages non visibles pour Chromium (minuteries ralenties) : {', '.join(hidden)}")
                odd.check_exceptions({PRESIDENT: president, **followers}, "avant-mesures")

                time.sleep(5)  # the last sign-in's reruns settle
                print(f"Processeur du serveur au repos pendant {args.idle:.0f} s…", flush=True)
                meter.start()
                time.sleep(args.idle)
                idle_wall, idle_server, idle_browser = meter.stop()

                moves = args.moves if size is None else min(args.moves, size)
                print(f"{moves} mouvements de la présidence…", flush=True)
                samples: list[float] = []
                own: list[float] = []
                missed = 0
                meter.start()
                for number in range(1, moves + 1):
                    delays, late = one_move(president, followers, odd, number, own)
                    samples += delays
                    missed += late
                    time.sleep(rng.uniform(2.0, 4.0))
                moves_wall, moves_server, moves_browser = meter.stop()
                odd.check_exceptions({PRESIDENT: president, **followers}, "apres-mouvements")
                SHOTS.mkdir(parents=True, exist_ok=True)
                president.screenshot(path=str(SHOTS / "presidence-fin.png"), full_page=True)
                first = next(iter(followers))
                followers[first].screenshot(path=str(SHOTS / f"{first}-fin.png"), full_page=True)
            finally:
                browser.close()
        SHOTS.mkdir(parents=True, exist_ok=True)
        for written in Path(folder).glob("*.log"):  # the server's output and its incidents log
            text = written.read_text(errors="replace")
            (SHOTS / written.name).write_text(text)
            errors = sum("Traceback" in line for line in text.splitlines())
            if errors:
                odd.add(f"{written.name} du serveur contient {errors} trace(s) d'erreur ({SHOTS / written.name})")

    print()
    if samples:
        # A follower that never showed the dossier counts as `ARRIVAL_TIMEOUT_S` (at least that).
        counted = samples + [ARRIVAL_TIMEOUT_S] * missed
        median, p95 = statistics.median(counted), percentile(counted, 95)
        floor = "≥ " if missed else ""
        print(f"{'séance : mouvement vu par les écrans qui suivent, médiane':<62} {floor + seconds_fr(median):>9}   "
              "pour information")
        print(f"{'séance : mouvement vu par les écrans qui suivent, p95':<62} {floor + seconds_fr(p95):>9}   "
              f"cible ≤ {seconds_fr(LATENCY_TARGET_S)}   {verdict(p95, LATENCY_TARGET_S, False, seconds_fr)}")
        print(f"{'':<62} ({len(samples)} arrivées mesurées, {missed} écran(s) pas à jour "
              f"{ARRIVAL_TIMEOUT_S:.0f} s après le clic, comptés {seconds_fr(ARRIVAL_TIMEOUT_S)} ; "
              f"{len(own)} mouvement(s) abouti(s) sur {moves} ; "
              f"min {seconds_fr(min(samples))}, max {seconds_fr(max(samples))})")
    else:
        print("séance : aucun échantillon de délai (voir les anomalies ci-dessous)")
    if own:
        print(f"{'séance : la page de la présidence elle-même, médiane':<62} {seconds_fr(statistics.median(own)):>9}   "
              f"pour information (max {seconds_fr(max(own))})")
    print(f"{'séance : processeur du serveur, ' + str(len(followers)) + ' écrans au repos':<62} "
          f"{percent_fr(idle_server):>9}   cible < {percent_fr(IDLE_CPU_TARGET)}   "
          f"{verdict(idle_server, IDLE_CPU_TARGET, True, percent_fr)}   (sur {idle_wall:.0f} s)")
    print(f"{'séance : processeur du serveur pendant les mouvements':<62} {percent_fr(moves_server):>9}   "
          f"pour information   (sur {moves_wall:.0f} s)")
    print(f"{'Chromium et Playwright (même machine), au repos ; mouvements':<62} "
          f"{percent_fr(idle_browser)} ; {percent_fr(moves_browser)} d'un cœur   pour information")
    print(f"Durée du banc d'essai : {time.monotonic() - started:.0f} s.")
    if odd.notes:
        print(f"Anomalies ({len(odd.notes)}) :")
        for note in odd.notes:
            print(f"  - {note}")


if __name__ == "__main__":
    main()
