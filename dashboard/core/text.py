"""Text from outside shown as text: the one escaper of what the pages draw.

Streamlit renders Markdown almost everywhere it draws a string: `st.markdown`,
captions, alerts, titles, widget labels, help texts, metric labels and values,
radio options, tabs, expanders and `st.table` cells (GitHub-flavoured Markdown
plus its own directives: ``:red[…]``, ``:material/…:``, emoji shortcodes, LaTeX
between ``$``). HTML is escaped by Streamlit, Markdown is not: a dossier summary
holding ``![x](http://…)`` made the reader's browser fetch that address, and a
``[lien](…)`` was live. Plotly, for its part, reads a subset of HTML in every
label (``<a href>``, ``<b>``, ``<br>``).

So every string that comes from an import, a form or a user — names, summaries,
comments, justifications, motivations, profile names, messages quoting a value —
goes through one of these before it is drawn:

* `md(value)`: for Markdown (body, labels, help, captions): every ASCII
  punctuation character backslash-escaped (CommonMark allows it for all of
  them), a zero-width space after a colon that would open a ``:shortcode:``
  or a ``:directive[…]`` (Streamlit reads those after the escapes), line
  breaks kept as hard breaks, leading spaces kept as no-break spaces (no
  indented code block);
* `md_format(template, *values, **named)`: a Markdown template of ours with the
  values escaped (``md_format("**{name}** : {score}", name=town, score=…)``);
* `md_quote(value)`: a Markdown block quote of the text, line by line;
* `md_frame(frame)`: a copy of a table for `st.table`, every text cell, column
  and index label escaped;
* `chart_text(value)`: for Plotly labels and hover texts (``&``, ``<``, ``>``
  as entities).

`dashboard/pages` and `dashboard/ui` never interpolate a value into Markdown
directly: `tests/ui/test_text_is_text.py` reads their sources and fails on it.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd

ZERO_WIDTH_SPACE = "\u200b"
NO_BREAK_SPACE = "\u00a0"
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# an escaped colon that opens « :name: » or « :name[ » once the escapes are read (emoji, icon, directive)
_OPENING_COLON = re.compile(r"\\:(?=\S*?\\[:\[])")
_LEADING_SPACES = re.compile(r"^[ \t]+", re.MULTILINE)


def md(value: Any) -> str:
    """`value` as Markdown that renders as the same text: nothing in it is markup."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _PUNCTUATION.sub(r"\\\1", text)
    text = _OPENING_COLON.sub(lambda _: "\\:" + ZERO_WIDTH_SPACE, text)
    text = _LEADING_SPACES.sub(lambda m: NO_BREAK_SPACE * len(m.group(0).expandtabs(4)), text)
    return "  \n".join(text.split("\n"))


def md_format(template: str, *values: Any, **named: Any) -> str:
    """`template` (our Markdown) with `values` and `named` escaped by `md`, as `str.format` places them."""
    return template.format(*(md(v) for v in values), **{k: md(v) for k, v in named.items()})


def md_quote(value: Any) -> str:
    """A Markdown block quote showing `value` as text, its line breaks kept."""
    lines = md(value).split("  \n")
    return "\n".join(f"> {line}  " if line else ">" for line in lines)


def md_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` for `st.table` (whose cells are Markdown): text cells, columns and index escaped."""
    shown = frame.copy()
    for column in shown.columns:
        if shown[column].dtype == object or pd.api.types.is_string_dtype(shown[column]):
            shown[column] = [md(v) if isinstance(v, str) else v for v in shown[column]]
    shown.columns = [md(c) for c in shown.columns]
    shown.index = pd.Index([md(i) if isinstance(i, str) else i for i in shown.index], name=(
        md(shown.index.name) if isinstance(shown.index.name, str) else shown.index.name))
    return shown


def chart_text(value: Any) -> str:
    """`value` for a Plotly label or hover text: its ``&``, ``<`` and ``>`` shown, not read as HTML."""
    return html.escape("" if value is None else str(value), quote=False)
