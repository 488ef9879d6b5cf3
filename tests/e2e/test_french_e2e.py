"""End to end in a real Chromium: every page, as each role and before log-in, is French and
readable — `<html lang="fr">`, none of Streamlit's or Plotly's English on screen (texts and the
`placeholder`, `title`, `aria-label`, `data-title` attributes of what is drawn), an axe-core scan
with no critical or serious violation outside `docs/accessibilite.md`'s list — and a page a role
may not open says who it is for.

One walk per role (a page is scanned once, where it is drawn), on the shared demo server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from dashboard.store.access import Actor, Role
from dashboard.ui.app import PAGES, offered
from dashboard.ui.shell import PATTERNS, TRANSLATIONS
from tests.helpers.browser import click_tab, open_page, sign_in, wait_drawn
from tests.helpers.workbooks import REPO_ROOT

pytestmark = pytest.mark.e2e

# Framework English that must never be visible (the issue's list; « Running... » as Streamlit writes it).
ENGLISH = ("Choose options", "Press Enter", "Press Ctrl+Enter", "Drag and drop", "Browse files", "per file",
           "Upload", "Show/hide columns", "Download as CSV", "Download plot", "Autoscale", "Reset axes",
           "Running…", "Running...", "Deploy", "Rerun", "Clear cache", "Connection error")

# The visible texts and the four attributes of the visible elements.
_SHOWN = """() => {
  const shown = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeType === Node.TEXT_NODE) {
      const parent = node.parentElement;
      if (parent && parent.checkVisibility() && node.nodeValue.trim()) shown.push(node.nodeValue.trim());
      continue;
    }
    if (!node.checkVisibility()) continue;
    for (const name of ["placeholder", "title", "aria-label", "data-title"]) {
      const value = node.getAttribute(name);
      if (value) shown.push(`${name}=${value}`);
    }
  }
  return shown;
}"""

# Whether the element a violation names, or one of its ancestors, matches one of the selectors.
_ALLOWED = """([target, selectors]) => {
  const element = document.querySelector(target);
  return selectors.filter(s => element !== null && element.closest(s) !== null);
}"""

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@dataclass(frozen=True)
class Allowed:
    """One violation left to Streamlit (a row of `docs/accessibilite.md`)."""

    rule: str
    selector: str
    issue: str


def allowlist() -> list[Allowed]:
    """The rows of the table in `docs/accessibilite.md`: rule, selector, upstream issue."""
    rows = []
    for line in (REPO_ROOT / "docs" / "accessibilite.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            rows.append(Allowed(cells[0].strip("`"), cells[1].strip("`"),
                                re.search(r"\((https://github\.com/[^)]+)\)", cells[2]).group(1)))
    return rows


class Scan:
    """What the walk found: English on screen, violations outside the allowlist, allowlist rows used."""

    def __init__(self) -> None:
        self.axe_script = Axe().axe_script
        self.allowed = allowlist()
        self.english: list[str] = []
        self.violations: list[str] = []
        self.used: set[Allowed] = set()

    def check(self, page: Any, where: str) -> None:
        assert page.evaluate("() => document.documentElement.lang") == "fr", where
        for text in page.evaluate(_SHOWN):
            self.english += [f"{where} : « {word} » dans « {text[:120]} »" for word in ENGLISH if word in text]
        self._axe(page, where)

    def _axe(self, page: Any, where: str) -> None:
        if not page.evaluate("() => typeof window.axe === 'object'"):  # once per load of the app
            page.evaluate(self.axe_script)
        for violation in page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]:
            if violation["impact"] not in ("critical", "serious"):
                continue
            rows = [row for row in self.allowed if row.rule == violation["id"]]
            for node in violation["nodes"]:
                matched = page.evaluate(_ALLOWED, [node["target"][0], [row.selector for row in rows]])
                self.used |= {row for row in rows if row.selector in matched}
                if not matched:
                    self.violations.append(f"{where} : {violation['id']} ({violation['impact']}) sur "
                                           f"{node['target']} — {node['html'][:160]}")

    def assert_clean(self, every_row_used: bool = False) -> None:
        assert self.english == [], "\n".join(self.english)
        assert self.violations == [], "\n".join(self.violations)
        if every_row_used:  # a row Streamlit no longer needs must leave the list
            assert self.used == set(self.allowed), set(self.allowed) - self.used


def _check_other_tabs(page: Any, scan: Scan, where: str) -> None:
    """Each tab after the first of the page, once its content is there (drawn, hidden, with the page, or,
    for tabs drawn only when open as on /ponderation, by the rerun the click asks for)."""
    tabs = page.locator('[data-testid="stMain"] [role="tab"]')
    for index in range(1, tabs.count()):
        tab = tabs.nth(index)
        name = tab.inner_text()
        click_tab(tab)
        scan.check(page, f"{where}, onglet « {name} »")


def _walk(page: Any, app_url: str, login: str, role: Role) -> Scan:
    """Sign in, open every page the role is offered from the sidebar and every other by its
    address; scan each where it is drawn."""
    scan = Scan()
    sign_in(page, app_url, login)
    actor = Actor(login=login, name=login, role=role)
    refused = []
    for section in PAGES.values():
        for _file, title, _icon, url_path, access in section:
            if not offered(actor, access):
                refused.append((title, url_path))
                continue
            if url_path == "seance":  # listed only while a séance is open: opened by its address
                page.goto(f"{app_url}/seance")
                wait_drawn(page, "/seance")
            elif url_path:
                open_page(page, title)
            else:
                page.goto(app_url + "/")
                wait_drawn(page, "/")
            scan.check(page, f"{login} /{url_path}")
            _check_other_tabs(page, scan, f"{login} /{url_path}")
    for title, url_path in refused:
        page.goto(f"{app_url}/{url_path}")
        wait_drawn(page, f"/{url_path}")
        notice = page.get_by_text("Cette page (« ").inner_text()
        assert f"« {title} »" in notice and "est réservée à" in notice, (login, url_path, notice)
        assert page.get_by_role("heading", name=title).count() == 1
        scan.check(page, f"{login} /{url_path} (refusée)")
    return scan


ROLES = [("celine.ravaud", "jure"), ("helene.marchetti", "president"), ("direction", "direction"),
         ("admin", "admin")]


@pytest.mark.parametrize(("login", "role"), ROLES, ids=[role for _, role in ROLES])
def test_every_page_is_french_and_passes_the_scan(page, app_url: str, login: str, role: Role) -> None:
    scan = _walk(page, app_url, login, role)
    scan.assert_clean(every_row_used=True)
    # The sidebar names only the sections the role has a page in.
    sections = page.locator('[data-testid="stSidebarNav"] header').all_inner_texts()
    assert ("Administration" in sections) == (role == "admin"), sections


def test_the_login_page_is_french_its_hint_and_a_wrong_address_too(page, app_url: str) -> None:
    page.goto(app_url + "/connexion")
    page.get_by_role("button", name="Se connecter").wait_for()
    assert page.title() == "Jury « Au cœur des territoires »"
    page.get_by_label("Identifiant").fill("quelqu'un")
    hint = page.locator('[data-testid="InputInstructions"]').first
    hint.wait_for()
    assert hint.inner_text() == "Entrée pour envoyer le formulaire"
    scan = Scan()
    scan.check(page, "/connexion")
    # An address that leads nowhere: Streamlit's own dialog, in French.
    page.goto(app_url + "/nexistepas")
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    assert dialog.inner_text().splitlines() == [
        "Page introuvable", "Cette adresse ne mène à aucune page : voici la vue d'ensemble."]
    scan.check(page, "/nexistepas")
    scan.assert_clean()


def test_every_translation_applies_to_texts_and_attributes_but_not_to_our_content(page, app_url: str) -> None:
    """Each text of `TRANSLATIONS`, and one example per pattern, put on the page as a text and as
    an aria-label, comes out French; the same text inside our own Markdown stays as it is."""
    page.goto(app_url + "/connexion")
    page.get_by_role("button", name="Se connecter").wait_for()
    examples = {**TRANSLATIONS, "Help for Poids": "Aide : Poids", "Remove Vittel (88)": "Retirer Vittel (88)",
                "20MB per file": "20 Mo par fichier", "Press Ctrl+Enter to submit form":
                "Ctrl+Entrée pour envoyer le formulaire", "Press ⌘+Enter to apply": "Ctrl+Entrée pour valider",
                "day, Date de déclaration": "jour, Date de déclaration",
                "Friday, December 11, 2026": "vendredi 11 décembre 2026",
                "Today, Tuesday, December 1, 2026 selected": "aujourd'hui, mardi 1er décembre 2026, choisi",
                "Choose date, May 2019": "Choisir une date, mai 2019", "September": "septembre"}
    assert len(examples) - len(TRANSLATIONS) >= 5 and len(PATTERNS) >= 5
    shown = page.evaluate("""async (texts) => {
      const box = document.createElement('div');
      const own = document.querySelector('[data-testid="stMarkdownContainer"]');
      for (const text of texts) {
        const span = document.createElement('span'); span.textContent = text;
        span.setAttribute('aria-label', text); box.appendChild(span);
      }
      const kept = document.createElement('span'); kept.textContent = texts[0]; own.appendChild(kept);
      document.body.appendChild(box);
      await new Promise(resolve => setTimeout(resolve, 100));
      return {spans: [...box.children].map(s => [s.textContent, s.getAttribute('aria-label')]),
              kept: kept.textContent};
    }""", list(examples))
    assert shown["spans"] == [[french, french] for french in examples.values()]
    assert shown["kept"] == next(iter(examples))


def test_allowlist_rows_name_an_upstream_issue() -> None:
    rows = allowlist()
    assert rows and all(row.issue.startswith("https://github.com/streamlit/streamlit/issues/") for row in rows)
