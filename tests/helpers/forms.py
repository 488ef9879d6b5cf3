"""Application forms filled by a script, as a town fills the blank one in Excel: only the
« Réponse » cells of the fields named (by their code in column A)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from dashboard.report.form_format import ANSWER_COLUMN, CODE_COLUMN, FORM_SHEET, HEADER_ROW

# Three real towns of the communes reference, not yet candidates of AMI2-P3 in the demo.
VIERZON = {"kind": "commune", "name": "Ville de Vierzon", "insee_code": "18279", "population": 25903,
           "submitted_on": "12/03/2021", "antenna_concept": "tiers-lieu pluri-partenaires",
           "sector_1": "Industrie du futur", "sector_2": "Métallurgie", "partners": "UIMM Centre; CCI du Cher",
           "summary": "Antenne au sein de la friche Case.", "D01": 45, "D02": 320, "D03": 11, "D04": 120,
           "X03": "Non", "X04": 6, "E03": "Oui"}
MILLAU = {"kind": "EPCI", "name": "Communauté de communes Millau Grands Causses", "insee_code": "12145",
          "siren": "241200567", "population": 30000, "D01": 30, "D03": 8, "E03": "Oui"}
DOLE = {"kind": "commune", "name": "Ville de Dole", "insee_code": "39198", "population": 23708,
        "sector_1": "Bois", "D01": 25, "E03": "Non"}


def answer_rows(blank: bytes) -> dict[str, int]:
    """The row of each field's answer, by its code."""
    sheet = openpyxl.load_workbook(io.BytesIO(blank))[FORM_SHEET.name]
    return {str(row[CODE_COLUMN - 1].value): row[0].row
            for row in sheet.iter_rows(min_row=HEADER_ROW + 1) if row[CODE_COLUMN - 1].value is not None}


def answer_cell(blank: bytes, code: str) -> str:
    """« C12 »: where the answer of field `code` goes."""
    return f"{openpyxl.utils.get_column_letter(ANSWER_COLUMN)}{answer_rows(blank)[code]}"


def filled_form(blank: bytes, answers: dict[str, Any]) -> bytes:
    """The blank form with `answers` typed in (a code the form has not is an error of the test)."""
    workbook = openpyxl.load_workbook(io.BytesIO(blank))
    sheet = workbook[FORM_SHEET.name]
    rows = answer_rows(blank)
    for code, value in answers.items():
        sheet.cell(row=rows[code], column=ANSWER_COLUMN).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
