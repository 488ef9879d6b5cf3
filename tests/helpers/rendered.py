"""What the reader sees of the Markdown a page sends (`dashboard.core.text.md` undone):
AppTest returns the Markdown source, backslash escapes included; the browser shows
the text. Used by AppTest checks that read labels, captions, alerts and tables."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from dashboard.core.text import ZERO_WIDTH_SPACE

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def rendered(markdown: Any) -> str:
    """The text a Markdown string shows once its escapes are read (no other markup is undone)."""
    text = _ESCAPED.sub(r"\1", str(markdown)).replace(ZERO_WIDTH_SPACE, "")
    return text.replace("  \n", "\n")


def rendered_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """An `st.table`'s frame as it reads: text cells, columns and index with their escapes read."""
    shown = frame.copy()
    for column in shown.columns:
        shown[column] = [rendered(v) if isinstance(v, str) else v for v in shown[column]]
    shown.columns = [rendered(c) if isinstance(c, str) else c for c in shown.columns]
    shown.index = pd.Index([rendered(i) if isinstance(i, str) else i for i in shown.index],
                           name=rendered(shown.index.name) if isinstance(shown.index.name, str) else None)
    return shown


_BOLD = re.compile(r"(?<!\\)\*\*")


def as_read(markdown: Any) -> str:
    """The text a Markdown string shows, its bold marks (« **…** ») read too; an escaped
    asterisk stays an asterisk, as the reader sees it."""
    return rendered(_BOLD.sub("", str(markdown)))


def displayed_frame(element: Any) -> pd.DataFrame:
    """What an `st.dataframe` given a pandas Styler shows in its cells (the Styler's display text,
    « 0,714 »), while ``element.value`` keeps the numbers the table sorts by."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    shown = convert_arrow_bytes_to_pandas_df(element.proto.arrow_data.styler.display_values)
    shown.columns = element.value.columns
    return shown
