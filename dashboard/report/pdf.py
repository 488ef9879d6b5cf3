"""The product's one PDF writer: the procès-verbal and the ranking report are drawn with it.

`PdfDocument` is an A4 page set in DejaVu Sans Condensed, a free Unicode font shipped
in `dashboard/resources/fonts/` with its licence (French text needs « œ », « … » and the
narrow no-break space U+202F that `fr_number` puts between thousands, which the
built-in PDF fonts cannot show); its glyphs are embedded, subset, in every file. Each
page has a running title and « page N / M » in its footer. It draws titles, paragraphs,
« label : value » lines, tables that repeat their header row on each page, stacked
horizontal bars (the contribution chart) and a signature block.

fpdf2 writes the file: pure Python (with fontTools and Pillow), so nothing is needed
from the system at run time. Every text is written as text, never read as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import as_file

import pandas as pd
from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, XPos, YPos

import dashboard
from dashboard.core.formatting import fr_number
from dashboard.resources import resource

__all__ = ["Column", "PdfDocument"]

FONT = "DejaVuSansCondensed"
FONT_FILES = {"": "fonts/DejaVuSansCondensed.ttf", "B": "fonts/DejaVuSansCondensed-Bold.ttf"}
MARGIN = 15.0
BOTTOM_MARGIN = 16.0
INK = (20, 24, 33)
MUTED = (95, 99, 110)
RULE = (170, 175, 185)
HEADER_FILL = (226, 231, 239)
ACCENT = (161, 0, 38)  # the Cnam's red, for titles


@dataclass(frozen=True)
class Column:
    """A table column: its header, its share of the table's width, its alignment (L, C, R)."""

    title: str
    width: float
    align: str = "L"


def _rgb(colour: str) -> tuple[int, int, int]:
    """« #2E91E5 » → (46, 145, 229)."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


class PdfDocument(FPDF):
    """An A4 document of the product: fonts embedded, a running title, « page N / M »."""

    def __init__(self, *, title: str, running_title: str, generated_at: datetime) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        for style, name in FONT_FILES.items():
            with as_file(resource(name)) as path:
                self.add_font(FONT, style, str(path))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM_MARGIN)
        self.set_title(title)
        self.set_lang("fr-FR")
        self.set_creator(f"Jury « Au cœur des territoires » (Cnam), version {dashboard.__version__}")
        self.set_creation_date(generated_at.astimezone())
        self.running_title = running_title
        self.alias_nb_pages()
        self.set_text_color(*INK)
        self.set_font(FONT, size=9.5)
        self.add_page()

    # ------------------------------------------------------------------ every page
    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        half = self.epw / 2
        self.cell(half + 20, 4, self.running_title, align="L")
        self.cell(half - 20, 4, f"page {self.page_no()} / {{nb}}", align="R")
        self.set_text_color(*INK)

    # ------------------------------------------------------------------ text
    def title_block(self, title: str, lines: Sequence[str] = ()) -> None:
        """The document's title, then a few lines under it."""
        self.set_font(FONT, "B", 17)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.set_font(FONT, "", 10.5)
        for line in lines:
            self.multi_cell(0, 5.5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)

    def heading(self, text: str, *, new_page: bool = False) -> None:
        """A section title (on a new page when asked, or when too close to the foot of this one)."""
        if new_page or self.will_page_break(24):
            self.add_page()
        else:
            self.ln(3)
        self.set_font(FONT, "B", 12.5)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, 6.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.l_margin + self.epw, self.get_y())
        self.set_text_color(*INK)
        self.ln(1.5)

    def subheading(self, text: str) -> None:
        if self.will_page_break(16):
            self.add_page()
        self.ln(1)
        self.set_font(FONT, "B", 10)
        self.multi_cell(0, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, text: str, *, size: float = 9.5, muted: bool = False) -> None:
        self.set_font(FONT, "", size)
        if muted:
            self.set_text_color(*MUTED)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(0.8)

    def bullets(self, items: Sequence[str], *, size: float = 9.5) -> None:
        self.set_font(FONT, "", size)
        for item in items:
            self.cell(5, size * 0.5, "•")
            self.multi_cell(0, size * 0.5, item, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(0.8)

    def facts(self, pairs: Sequence[tuple[str, str]], *, label_width: float = 52, size: float = 9) -> None:
        """« label : value » lines, the labels in bold in a column of their own."""
        self._unfilled()
        self.set_font(FONT, "", size)
        with self.table(col_widths=(label_width, self.epw - label_width), width=self.epw,
                        first_row_as_headings=False, borders_layout=TableBordersLayout.NONE,
                        text_align=("LEFT", "LEFT"), line_height=size * 0.5, padding=(0.6, 1, 0.6, 0),
                        v_align="TOP") as table:
            for label, value in pairs:
                row = table.row()
                row.cell(label, style=FontFace(emphasis="BOLD", size_pt=size))
                row.cell(value, style=FontFace(emphasis="", size_pt=size))
        self.ln(1)

    # ------------------------------------------------------------------ tables
    def _unfilled(self) -> None:
        """Back to the default fill colour before a table: fpdf2 takes the document's current fill
        colour (the last bar or legend square drawn) as the fill of every body cell otherwise."""
        self.set_fill_color(0)

    def data_table(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], *, size: float = 8,
                   empty: str = "Aucune ligne.") -> None:
        """A table with its header row repeated on each page; `empty` is said when there is no row."""
        if not rows:
            self.paragraph(empty, size=size + 0.5, muted=True)
            return
        total = sum(column.width for column in columns)
        self._unfilled()
        widths = tuple(self.epw * column.width / total for column in columns)
        self.set_font(FONT, "", size)
        with self.table(col_widths=widths, width=self.epw, text_align=tuple(c.align for c in columns),
                        borders_layout=TableBordersLayout.HORIZONTAL_LINES, line_height=size * 0.47,
                        padding=(0.7, 1.0, 0.7, 1.0), repeat_headings=1, v_align="TOP",
                        headings_style=FontFace(emphasis="BOLD", size_pt=size, fill_color=HEADER_FILL)) as table:
            self.set_draw_color(*RULE)
            header = table.row()
            for column in columns:
                header.cell(column.title)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(str(value))
        self.ln(2)

    # ------------------------------------------------------------------ charts
    def stacked_bars(self, names: Sequence[str], segments: pd.DataFrame, colours: Mapping[str, str],
                     legend: Mapping[str, str], axis_label: str) -> None:
        """One horizontal bar per row of `segments` (rows in the order of `names`, one column per
        criterion): positive parts stack to the right of zero, negative ones to the left; the legend
        names each criterion's colour."""
        label_width, bar_height, gap = 58.0, 3.6, 1.2
        height = len(names) * (bar_height + gap) + 12
        if self.will_page_break(height):
            self.add_page()
        values = segments.to_numpy(dtype=float)
        positive = values.clip(min=0).sum(axis=1)
        negative = values.clip(max=0).sum(axis=1)
        low, high = min(0.0, float(negative.min(initial=0.0))), max(0.0, float(positive.max(initial=0.0)))
        span = (high - low) or 1.0
        left, width = self.l_margin + label_width, self.epw - label_width

        def at(value: float) -> float:
            return left + (value - low) / span * width

        top = self.get_y()
        self.set_font(FONT, "", 7)
        for i, name in enumerate(names):
            y = top + i * (bar_height + gap)
            self.set_xy(self.l_margin, y - 0.4)
            self.cell(label_width - 2, bar_height + 0.8, name, align="R")
            ends = {True: 0.0, False: 0.0}
            for j, criterion in enumerate(segments.columns):
                value = float(values[i, j])
                if value == 0 or value != value:
                    continue
                start = ends[value > 0]
                ends[value > 0] = start + value
                self.set_fill_color(*_rgb(colours.get(criterion, "#888888")))
                x0, x1 = sorted((at(start), at(start + value)))
                self.rect(x0, y, max(x1 - x0, 0.05), bar_height, style="F")
        bottom = top + len(names) * (bar_height + gap)
        self.set_draw_color(*MUTED)
        self.line(at(0.0), top - 1, at(0.0), bottom)
        self.line(left, bottom, left + width, bottom)
        for k in range(5):
            value = low + span * k / 4
            self.set_xy(at(value) - 10, bottom + 0.5)
            self.cell(20, 3.5, fr_number(value, 2), align="C")
        self.set_xy(left, bottom + 4)
        self.cell(width, 3.5, axis_label, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)
        self._legend(list(segments.columns), colours, legend)

    def _legend(self, criteria: Sequence[str], colours: Mapping[str, str], legend: Mapping[str, str]) -> None:
        """Coloured squares and labels, three to a line."""
        column = self.epw / 3
        self.set_font(FONT, "", 7)
        for i, criterion in enumerate(criteria):
            if i % 3 == 0:
                if self.will_page_break(4.5):
                    self.add_page()
                y = self.get_y() + (4 if i else 0)
            x = self.l_margin + (i % 3) * column
            self.set_fill_color(*_rgb(colours.get(criterion, "#888888")))
            self.rect(x, y + 0.6, 2.6, 2.6, style="F")
            self.set_xy(x + 3.6, y)
            self.cell(column - 4, 3.8, legend.get(criterion, criterion)[:60])
        self.set_xy(self.l_margin, self.get_y() + 6)

    # ------------------------------------------------------------------ signature
    def signature_block(self, lines: Sequence[str]) -> None:
        """A framed box to sign in, with the lines that say who signs (kept on one page)."""
        height = 8 + 5 * len(lines) + 24
        if self.will_page_break(height):
            self.add_page()
        self.ln(4)
        top = self.get_y()
        self.set_draw_color(*MUTED)
        self.rect(self.l_margin, top, self.epw, height - 4)
        self.set_xy(self.l_margin + 3, top + 3)
        self.set_font(FONT, "B", 10)
        for line in lines:
            self.set_x(self.l_margin + 3)
            self.multi_cell(self.epw - 6, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_font(FONT, "", 9.5)
        self.set_xy(self.l_margin + 3, top + height - 13)
        self.cell(self.epw - 6, 5, "Signature :")
        self.set_xy(self.l_margin, top + height)

    def to_bytes(self) -> bytes:
        return bytes(self.output())
