"""Text is text: the pages never interpolate a value into Markdown.

Streamlit renders Markdown in bodies, captions, alerts, titles, widget labels,
help texts, metrics, radio options, tabs, expanders and `st.table` cells. This
test reads the sources of `dashboard/pages` and `dashboard/ui` and checks every
argument drawn as Markdown: it must be a literal, a module constant
(``UPPER_CASE``), a French number or date formatter, or go through the escaper
(`dashboard.core.text`: ``md``, ``md_format``, ``md_quote``, ``md_frame``) — or be
a name ending in ``_md`` (Markdown built with those). Anything else (an
f-string with a name in it, ``str(error)``, a concatenation, a join) fails, with
its file and line. The escaper itself is tested below, and in a browser by
`tests/e2e/test_text_is_text_e2e.py`.
"""

from __future__ import annotations

import ast

import pandas as pd
import pytest

from dashboard.core.text import chart_text, md, md_format, md_frame, md_quote
from tests.helpers.workbooks import REPO_ROOT

SOURCES = sorted([*(REPO_ROOT / "dashboard" / "pages").glob("*.py"), *(REPO_ROOT / "dashboard" / "ui").glob("*.py")])

# Streamlit calls whose first argument (and these keywords) are drawn as Markdown.
MARKDOWN_CALLS = {
    "markdown", "caption", "write", "info", "warning", "error", "success", "toast", "title", "header",
    "subheader", "metric", "expander", "tabs", "radio", "checkbox", "toggle", "button", "download_button",
    "form_submit_button", "selectbox", "multiselect", "text_input", "text_area", "number_input", "slider",
    "select_slider", "popover", "page_link", "link_button", "segmented_control", "pills", "date_input",
    "time_input", "file_uploader", "color_picker", "status", "table", "feedback", "dialog", "exception",
    "TextColumn", "NumberColumn", "SelectboxColumn", "CheckboxColumn", "Column", "ProgressColumn",
    "DateColumn", "DatetimeColumn", "LinkColumn", "ListColumn",
}
MARKDOWN_KEYWORDS = {"body", "label", "help", "value", "delta", "captions"}
# Where the options themselves are Markdown (selectbox and multiselect options are plain text).
MARKDOWN_OPTIONS = {"radio", "pills", "segmented_control", "tabs", "select_slider"}
# Keywords whose value is plain text or not text at all, on calls where "value" means the field's content.
PLAIN_VALUE = {"text_input", "text_area", "number_input", "slider", "date_input", "time_input", "checkbox",
               "toggle", "select_slider", "color_picker", "segmented_control", "pills", "radio"}
NOT_STREAMLIT = {"logger", "logging", "log", "LOG", "parser", "warnings", "os", "sys", "path", "outcome", "self"}
SAFE_CALLS = {"md", "md_format", "md_quote", "md_frame", "fr_number", "fr_percent", "fr_date", "fr_datetime",
              "fr_size", "len", "int", "float", "round"}


def _is_constant_name(node: ast.AST) -> bool:
    """A module constant (`LABELS`, `ahp.SAATY_LABELS`) or a name declared to hold Markdown (`caption_md`)."""
    if isinstance(node, ast.Attribute):
        return node.attr.isupper()
    return isinstance(node, ast.Name) and (node.id.isupper() or node.id.endswith("_md"))


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def safe(node: ast.AST) -> bool:
    """Whether `node` can only produce our own text or escaped text."""
    if isinstance(node, ast.Constant) or _is_constant_name(node):
        return True
    if isinstance(node, ast.Name) and node.id in SAFE_CALLS:   # format_func=fr_number
        return True
    if isinstance(node, ast.JoinedStr):
        return all(safe(part.value) for part in node.values if isinstance(part, ast.FormattedValue))
    if isinstance(node, ast.IfExp):
        return safe(node.body) and safe(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return safe(node.left) and safe(node.right)
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(safe(e) for e in node.elts)
    if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
        return safe(node.elt)
    if isinstance(node, ast.Subscript):   # LABELS[key]: a table of ours
        return _is_constant_name(node.value)
    if isinstance(node, ast.Call):
        name = _called(node)
        if name.endswith("_md") or name in SAFE_CALLS:
            return True
        if name == "get" and isinstance(node.func, ast.Attribute) and _is_constant_name(node.func.value):
            return True   # LABELS.get(code, code): a table of ours, keyed by our codes
        if name == "join" and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Constant):
            return all(safe(a) for a in node.args)
        if name in {"lower", "upper", "capitalize"} and isinstance(node.func, ast.Attribute):
            return safe(node.func.value)   # LABELS[key].lower()
        if name in {"list", "sorted", "tuple"}:
            return all(safe(a) for a in node.args)   # list(LABELS)
    if isinstance(node, ast.Lambda):
        return safe(node.body)
    if isinstance(node, ast.Attribute) and node.attr == "get":   # format_func=LABELS.get
        return _is_constant_name(node.value)
    return False


def _streamlit_call(node: ast.Call) -> str | None:
    """The Streamlit function a call names (st.x, st.column_config.X, a container's .x), or None."""
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in MARKDOWN_CALLS:
        return None
    root = func.value
    while isinstance(root, (ast.Attribute, ast.Subscript)):
        root = root.value
    # st.x, st.sidebar.x, and containers: columns[0].x, left.x, sidebar.x (not a logger or a string)
    return func.attr if isinstance(root, ast.Name) and root.id not in NOT_STREAMLIT else None


def _drawn_as_markdown(node: ast.Call, name: str) -> list[ast.expr]:
    """The arguments of the Streamlit call `name` that Streamlit renders as Markdown."""
    drawn = list(node.args[:1])
    if name in MARKDOWN_OPTIONS and len(node.args) > 1:
        drawn.append(node.args[1])
    for keyword in node.keywords:
        if keyword.arg in MARKDOWN_KEYWORDS and not (keyword.arg == "value" and name in PLAIN_VALUE):
            drawn.append(keyword.value)
        if keyword.arg in ("options", "format_func") and name in MARKDOWN_OPTIONS:
            drawn.append(keyword.value)
    return drawn


def unescaped(code: str) -> list[str]:
    """« line st.x(...) » for every Markdown argument of `code` not known to be safe."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, ast.Call):
            continue
        name = _streamlit_call(node)
        if name is None:
            continue
        drawn = _drawn_as_markdown(node, name)
        if name == "table":
            ok = all(isinstance(a, ast.Call) and _called(a) == "md_frame" for a in drawn)
        else:
            ok = all(safe(a) for a in drawn)
        if not ok:
            found.append(f"{node.lineno} st.{name}({ast.unparse(drawn[0])[:70]}…)")
    return found


def test_the_pages_draw_no_value_into_markdown_unescaped() -> None:
    assert len(SOURCES) > 15
    found = [f"{source.relative_to(REPO_ROOT)}:{line}" for source in SOURCES
             for line in unescaped(source.read_text(encoding="utf-8"))]
    assert not found, "valeurs interpolées dans du Markdown sans `md` :\n" + "\n".join(found)


@pytest.mark.parametrize("snippet", [
    'st.markdown(f"### {row[\'display_name\']}")',
    "st.error(str(refused))",
    'st.radio(f"{criterion.label}", SCORES)',
    'st.caption("Placés : " + ", ".join(left_out))',
    "st.table(frame)",
    'st.metric(label, "3")',
    'st.button("Ok", help=comment)',
    'st.column_config.TextColumn("Motif", help=reason)',
])
def test_the_scan_finds_a_value_drawn_unescaped(snippet: str) -> None:
    assert unescaped(snippet), snippet


@pytest.mark.parametrize("snippet", [
    'st.markdown(md_format("### {}", row["display_name"]))',
    "st.error(md(str(refused)))",
    'st.radio(md(f"{criterion.criterion_id} — {criterion.label}"), SCORES)',
    'st.caption(f"{fr_number(n)} dossier(s)")',
    "st.table(md_frame(frame))",
    'st.metric(md(label), "3")',
])
def test_the_scan_accepts_escaped_values(snippet: str) -> None:
    assert not unescaped(snippet), snippet


# --------------------------------------------------------------------------- the escaper


def test_md_escapes_every_markup() -> None:
    hostile = "![x](http://127.0.0.1/pixel.png) [lien](http://e.fr) <b>gras</b> **a** _b_ $x$ :red[c] :smile:"
    escaped = md(hostile)
    for markup in ("![", "](", "**", "$x$", ":red[", "<b>"):
        assert markup not in escaped
    assert escaped.replace("\\", "").replace("\u200b", "") == hostile
    assert md("1. liste\n# titre\n    code") == "1\\. liste  \n\\# titre  \n\u00a0\u00a0\u00a0\u00a0code"
    assert md(None) == ""


def test_md_format_escapes_the_values_not_the_template() -> None:
    assert md_format("**{name}** : {0}", "*3*", name="[x](y)") == "**\\[x\\]\\(y\\)** : \\*3\\*"


def test_md_quote_keeps_the_lines_inside_the_quote() -> None:
    assert md_quote("a\n\nb") == "> a  \n>\n> b  "


def test_md_frame_escapes_cells_columns_and_index() -> None:
    frame = pd.DataFrame({"Critère [x]": ["*a*", "b"], "n": [1, 2]}, index=pd.Index(["_i_", "j"], name="Clé"))
    shown = md_frame(frame)
    assert list(shown.columns) == ["Critère \\[x\\]", "n"]
    assert shown.iloc[0, 0] == "\\*a\\*" and shown.iloc[0, 1] == 1
    assert list(shown.index) == ["\\_i\\_", "j"]
    assert frame.iloc[0, 0] == "*a*"   # the original is left as it was


def test_chart_text_escapes_html() -> None:
    assert chart_text('<a href="e.fr">L\'Isle & co</a>') == '&lt;a href="e.fr"&gt;L\'Isle &amp; co&lt;/a&gt;'
