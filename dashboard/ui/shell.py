"""The page the server sends for every address (the app's shell), made French and readable.

Streamlit 1.67 writes some texts of its own in English and offers no parameter for them: the
file uploader's (« Drag and drop files here », « 20MB per file », « Upload »), the table toolbar's
(« Show/hide columns », « Download as CSV », « Search », « Fullscreen »), the input hints
(« Press Enter to submit form »), the sidebar's and the skip link's labels, the status and
connection messages. This module owns:
- `TRANSLATIONS` and `PATTERNS`, what those texts become in French (a whole text, or a pattern
  for a text that carries a value: « Help for Poids » → « Aide : Poids »), and `MONTHS` and
  `DAYS` for the calendar's dates (« Friday, December 11, 2026 » → « vendredi 11 décembre 2026 »);
- `translation_script()`, the script the page carries, which applies them to the texts and to
  the `placeholder`, `title`, `aria-label` and `data-title` attributes as the page draws them
  (never to a text of our own content: Markdown, text, code and tables are shown as they are;
  our Markdown carries no attribute of an applicant's, so attributes are translated everywhere,
  the headings' « Link to heading » included);
- `READABLE_STYLE`, the few style rules that give Streamlit's faded texts (captions, quotes)
  the contrast the RGAA asks for (4,5:1);
- `shell_page(html)`, the rewrite of the page Streamlit serves: `<html lang="fr">`, the
  programme's title, that style and that script;
- `ShellRewrite`, the ASGI middleware that serves every HTML page so rewritten.
"""

from __future__ import annotations

import functools
import json
import re

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_TITLE = "Jury « Au cœur des territoires »"
CHOOSE = "Choisir…"

# Whole texts (an element's text, or one of the attributes above), trimmed.
TRANSLATIONS: dict[str, str] = {
    # choices
    "Choose options": CHOOSE,
    "Choose an option": CHOOSE,
    "Select...": CHOOSE,
    "No results": "Aucun résultat",
    "No options to select.": "Aucun choix possible.",
    "No options to select": "Aucun choix possible",
    "No options": "Aucun choix",
    "Clear all": "Tout effacer",
    "Clear value": "Effacer",
    "Clear selection": "Effacer la sélection",
    "Select all": "Tout sélectionner",
    "Open": "Ouvrir la liste",
    "Close": "Fermer",
    # inputs
    "Decrement": "Diminuer",
    "Increment": "Augmenter",
    "Press Enter to submit form": "Entrée pour envoyer le formulaire",
    "Press Enter to apply": "Entrée pour valider",
    "Show password": "Afficher le mot de passe",
    "Hide password": "Masquer le mot de passe",
    "Choose date": "Choisir une date",
    "Calendar": "Calendrier",
    "Previous month": "Mois précédent",
    "Next month": "Mois suivant",
    "Previous": "Précédent",
    "Next": "Suivant",
    "month": "mois",
    "year": "année",
    "Use arrow keys to navigate dates. Enter to select. Escape to close.":
        "Flèches pour changer de date, Entrée pour la choisir, Échap pour fermer.",
    "Mo": "lu", "Tu": "ma", "We": "me", "Th": "je", "Fr": "ve", "Sa": "sa", "Su": "di",
    # file uploader
    "Drag and drop file here": "Glissez-déposez le fichier ici",
    "Drag and drop files here": "Glissez-déposez les fichiers ici",
    "Drag and drop a file here": "Glissez-déposez un fichier ici",
    "Browse files": "Parcourir",
    "Upload": "Parcourir",
    "Add files": "Ajouter des fichiers",
    "file upload": "dépôt de fichier",
    "Delete": "Retirer",
    "Remove file": "Retirer le fichier",
    "Only one file is allowed.": "Un seul fichier est accepté.",
    "Too many files": "Trop de fichiers",
    "Uploading...": "Envoi…",
    # tables
    "Show/hide columns": "Afficher ou masquer des colonnes",
    "Download as CSV": "Télécharger en CSV",
    "Search": "Rechercher",
    "Close Search": "Fermer la recherche",
    "Type to search": "Tapez pour rechercher",
    "Next Result": "Résultat suivant",
    "Previous Result": "Résultat précédent",
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Toggle fullscreen": "Plein écran",
    "Sort ascending": "Tri croissant",
    "Sort descending": "Tri décroissant",
    "Copy column name": "Copier le nom de la colonne",
    "Hide column": "Masquer la colonne",
    "Pin column": "Épingler la colonne",
    "Unpin column": "Détacher la colonne",
    "Autosize": "Ajuster la largeur",
    "Dataframe column menu": "Menu de la colonne",
    "Add row": "Ajouter une ligne",
    "Delete row(s)": "Supprimer la ou les lignes",
    "Copy to clipboard": "Copier",
    "progress": "progression",
    "Show data": "Afficher les données",
    "Show chart": "Afficher le graphique",
    "Download as PNG": "Télécharger en PNG",
    # page frame
    "Skip to main content": "Aller au contenu principal",
    "App pages": "Pages du tableau de bord",
    "Sidebar": "Barre latérale",
    "Collapse sidebar": "Replier la barre latérale",
    "Expand sidebar": "Déplier la barre latérale",
    "View more": "Voir plus",
    "View less": "Voir moins",
    "Link to heading": "Lien vers ce titre",
    "Main menu": "Menu principal",
    "Rerun": "Relancer",
    "Clear cache": "Vider le cache",
    "Settings": "Réglages",
    "Print": "Imprimer",
    "Record a screencast": "Enregistrer l'écran",
    "About": "À propos",
    "Deploy": "Déployer",
    "Running...": "Calcul en cours…",
    "Stop": "Arrêter",
    "Stop script": "Arrêter",
    "Connecting": "Connexion…",
    "Connection error": "Connexion perdue",
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:":
        "Le serveur ne répond plus. Rechargez la page dans un instant ; si cela dure, prévenez l'administration.",
    "Connection timed out.": "La connexion a expiré.",
    "Streamlit server is not responding. Are you connected to the internet?":
        "Le serveur ne répond pas. Vérifiez la connexion au réseau.",
    "streamlit run yourscript.py": "jury serve",
    "Unknown Error": "Erreur inconnue",
    "Unknown error": "Erreur inconnue",
    "Page not found": "Page introuvable",
    "Network Error": "Erreur réseau",
    "Scroll tabs left": "Onglets précédents",
    "Scroll tabs right": "Onglets suivants",
    "Cancel": "Annuler",
    "Try again": "Réessayer",
}

# Texts that carry a value: (JavaScript regular expression, replacement with $1…).
PATTERNS: list[tuple[str, str]] = [
    (r"^Help for (.+)$", "Aide : $1"),
    (r"^Remove (.+)$", "Retirer $1"),
    (r"^day, (.+)$", "jour, $1"),
    (r"^month, (.+)$", "mois, $1"),
    (r"^year, (.+)$", "année, $1"),
    (r"^(\d+(?:\.\d+)?)\s?KB per file$", "$1 Ko par fichier"),
    (r"^(\d+(?:\.\d+)?)\s?MB per file$", "$1 Mo par fichier"),
    (r"^(\d+(?:\.\d+)?)\s?GB per file$", "$1 Go par fichier"),
    (r"^Limit (\d+(?:\.\d+)?)\s?MB per file$", "$1 Mo au plus par fichier"),
    (r"^Press (?:⌘|Ctrl)\+Enter to submit form$", "Ctrl+Entrée pour envoyer le formulaire"),
    (r"^Press (?:⌘|Ctrl)\+Enter to apply$", "Ctrl+Entrée pour valider"),
    (r"^File must be (.+) or smaller\.?$", "Le fichier doit faire au plus $1."),
    (r"^(.+) files are not allowed\.?$", "Fichiers $1 refusés."),
    (r"^Drag and drop (.+) here$", "Glissez-déposez ici : $1"),
    (r"^You have requested page /(.*), but no corresponding file was found in the app's pages/ directory\. "
     r"Running the app's main page\.$", "L'adresse « /$1 » ne mène à aucune page : voici la vue d'ensemble."),
    (r"^The page that you have requested does not seem to exist\. Running the app's main page\.$",
     "Cette adresse ne mène à aucune page : voici la vue d'ensemble."),
    (r"^Connection failed with status (\d+)(.*)$", "Connexion impossible (code $1)$2"),
]

# The calendar's dates (« Friday, December 11, 2026 », « December 2026 »), said the French way.
MONTHS: dict[str, str] = dict(zip(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"),
    ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
     "novembre", "décembre"), strict=True))
DAYS: dict[str, str] = dict(zip(
    ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"), strict=True))

# Where a text is ours (or an applicant's) and is shown as it is.
OWN_CONTENT = ('[data-testid="stMarkdownContainer"], [data-testid="stText"], [data-testid="stCode"], '
               '[data-testid="stTable"], [data-testid="stJson"]')
# Streamlit's own markup that draws its texts as Markdown (the uploader's « Upload » button).
FRAMEWORK_CONTENT = '[data-testid="stFileUploaderDropzone"]'
ATTRIBUTES = ("placeholder", "title", "aria-label", "data-title")

_SCRIPT = r"""(() => {
  const WORDS = %(words)s;
  const PATTERNS = %(patterns)s.map(([source, into]) => [new RegExp(source), into]);
  const ATTRIBUTES = %(attributes)s;
  const OWN = %(own)s;
  const FRAMEWORK = %(framework)s;
  const MONTHS = %(months)s;
  const DAYS = %(days)s;
  const has = (table, key) => Object.prototype.hasOwnProperty.call(table, key);
  const frenchDate = (text) => {
    let m = text.match(/^(Today, )?([A-Za-z]+), ([A-Za-z]+) (\d{1,2}), (\d{4})( selected)?$/);
    if (m && has(DAYS, m[2]) && has(MONTHS, m[3])) {
      const day = `${DAYS[m[2]]} ${m[4] === "1" ? "1er" : m[4]} ${MONTHS[m[3]]} ${m[5]}`;
      return `${m[1] ? "aujourd'hui, " : ""}${day}${m[6] ? ", choisi" : ""}`;
    }
    m = text.match(/^(Choose date, )?([A-Za-z]+)(?: (\d{4}))?$/);
    if (m && has(MONTHS, m[2])) return `${m[1] ? "Choisir une date, " : ""}${MONTHS[m[2]]}${m[3] ? " " + m[3] : ""}`;
    return null;
  };
  const french = (value) => {
    const text = value.trim();
    if (!text) return null;
    if (has(WORDS, text)) return value.replace(text, WORDS[text]);
    for (const [pattern, into] of PATTERNS) {
      if (pattern.test(text)) return value.replace(text, text.replace(pattern, into));
    }
    const date = frenchDate(text);
    return date === null ? null : value.replace(text, date);
  };
  const mendText = (node) => {
    const parent = node.parentElement;
    if (!parent || (parent.closest(OWN) && !parent.closest(FRAMEWORK))) return;
    const into = french(node.nodeValue);
    if (into !== null && into !== node.nodeValue) node.nodeValue = into;
  };
  const mendElement = (element) => {
    for (const name of ATTRIBUTES) {
      const value = element.getAttribute(name);
      if (!value) continue;
      const into = french(value);
      if (into !== null && into !== value) element.setAttribute(name, into);
    }
  };
  const mend = (root) => {
    if (root.nodeType === Node.TEXT_NODE) { mendText(root); return; }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    mendElement(root);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) mendText(node); else mendElement(node);
    }
  };
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === "characterData") mendText(change.target);
      else if (change.type === "attributes") mendElement(change.target);
      else change.addedNodes.forEach(mend);
    }
  }).observe(document.documentElement, {subtree: true, childList: true, characterData: true,
                                        attributes: true, attributeFilter: ATTRIBUTES});
  document.addEventListener("DOMContentLoaded", () => mend(document.body));
})();"""


@functools.cache
def translation_script() -> str:
    """The script that puts Streamlit's own texts into French as the page draws them (built
    once: every page load carries the same)."""
    return _SCRIPT % {
        "words": json.dumps(TRANSLATIONS, ensure_ascii=False),
        "patterns": json.dumps(PATTERNS, ensure_ascii=False),
        "attributes": json.dumps(ATTRIBUTES),
        "own": json.dumps(OWN_CONTENT),
        "framework": json.dumps(FRAMEWORK_CONTENT),
        "months": json.dumps(MONTHS, ensure_ascii=False),
        "days": json.dumps(DAYS, ensure_ascii=False),
    }


# Streamlit draws captions and quotes at 60 % opacity (4,4:1 and 3:1 on white, under the 4,5:1
# of WCAG 2.1 AA, criterion 1.4.3); at 80 % they read above 7:1, on white and on the sidebar's
# grey. (`!important`: Streamlit's own rules come after ours.)
READABLE_STYLE = """[data-testid="stCaptionContainer"], [data-testid="stMarkdownContainer"] blockquote {
  opacity: 0.8 !important;
}"""

_HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_TITLE = re.compile(r"<title>.*?</title>", re.IGNORECASE | re.DOTALL)
_HEAD_END = re.compile(r"</head>", re.IGNORECASE)


def shell_page(html: str) -> str:
    """Streamlit's served page with `lang="fr"`, the programme's title, the readable style and
    the translation script (in the head, before the app's scripts run, so that it sees every
    text the app draws)."""
    html = _HTML_TAG.sub('<html lang="fr">', html, count=1)
    html = _TITLE.sub(f"<title>{PAGE_TITLE}</title>", html, count=1)
    added = f"<style>{READABLE_STYLE}</style>\n<script>{translation_script()}</script>"
    return _HEAD_END.sub(lambda _match: f"{added}\n</head>", html, count=1)


class ShellRewrite:
    """ASGI middleware: every HTML page the server sends (the app's page for any address)
    goes out through `shell_page`. The page is asked for uncompressed, so as to be rewritten
    (it is a few kilobytes; scripts and styles keep their compression)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not _page_request(scope):
            await self.app(scope, receive, send)
            return
        scope = {**scope, "headers": [(name, value) for name, value in scope["headers"]
                                      if name.lower() != b"accept-encoding"]}
        start: Message | None = None
        body: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if not Headers(raw=message["headers"]).get("content-type", "").startswith("text/html"):
                    await send(message)
                    return
                start = message
                return
            if start is None:
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            page = shell_page(b"".join(body).decode("utf-8")).encode("utf-8")
            headers = MutableHeaders(scope=start)
            headers["content-length"] = str(len(page))
            await send(start)
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, rewrite)


# The app's own resources and routes: never an HTML page to rewrite.
_NOT_PAGES = ("/_stcore/", "/static/", "/media/", "/component/", "/app/static/", "/-/")


def _page_request(scope: Scope) -> bool:
    """Whether a request may be for the app's page (any address but its resources')."""
    path: str = scope["path"]
    return not path.startswith(_NOT_PAGES) and not re.search(r"\.(js|css|png|svg|ico|json|woff2?|map|txt)$", path)
