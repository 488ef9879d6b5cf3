"""The blank application form of a call (`jury template`, the /import page): one workbook a
town fills and sends back.

Three sheets: « Instructions » (what to fill, how to send it), « Formulaire » (one field a
row, `dashboard.report.form_format`: code, label, answer, help; only the answers are
editable, the sheet is protected without a password so that a code is not typed over) and
« Listes », visible, the values behind every drop-down. Excel's data validation offers the
lists and bounds the figures; the intake checks every answer again, since LibreOffice or a
pasted value can pass by a validation. No cell holds a formula.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from dashboard.core.filenames import ascii_part
from dashboard.report.form_format import (
    ANSWER_COLUMN,
    CODE_COLUMN,
    FORM_LISTS,
    FORM_SHEET,
    HEADER_ROW,
    HELP_COLUMN,
    IDENTITY_CODES,
    INSTRUCTIONS_SHEET,
    LABEL_COLUMN,
    LISTS_SHEET,
    NEW_DOSSIER_CODES,
    TITLE_ROW,
    FormField,
    FormList,
)
from dashboard.report.xlsx import FORMAT_DATE, TITLE_FONT, WRAP, header_row, put

_SECTION_FONT = Font(bold=True, color="1F4E78", size=11)
_ANSWER_FILL = PatternFill("solid", fgColor="FFF8DC")
_CODE_FONT = Font(color="808080", size=9)
_TEXT_FORMAT = "@"
_WIDTHS = {CODE_COLUMN: 16, LABEL_COLUMN: 48, ANSWER_COLUMN: 44, HELP_COLUMN: 70}
# Excel's serial of 01/01/2000: the earliest date of deposit the form accepts.
_EARLIEST_DATE_SERIAL = "36526"


def form_file_name(call_id: str) -> str:
    """« formulaire_AMI2-P3.xlsx »: the blank form, the same for every town of the call."""
    return f"formulaire_{ascii_part(call_id)}.xlsx"


def _instructions(ws: Worksheet, call_id: str, call_label: str) -> None:
    lines = [
        f"Dossier de candidature — {call_label} ({call_id})",
        "",
        "1. Remplissez la colonne « Réponse » de la feuille « Formulaire » (cellules sur fond jaune), une réponse "
        "par ligne. Les autres colonnes sont protégées : ne les modifiez pas.",
        "2. Les listes déroulantes proposent les valeurs de la feuille « Listes ». Pour les filières, une autre "
        "filière peut être saisie ; trois au plus en tout.",
        "3. Les nombres se saisissent sans unité (12 500, 35,5) ; les dates au format JJ/MM/AAAA.",
        "4. Le type de candidat et le code INSEE de la commune porteuse sont obligatoires ; pour un premier envoi, "
        "le nom du porteur et la population aussi.",
        "5. Enregistrez le classeur au format .xlsx (Excel) ou .ods (LibreOffice), un fichier par candidature, "
        "par exemple « formulaire_Saintes.xlsx ».",
        "6. Envoyez-le avec les pièces (PDF…) nommées comme le formulaire suivi de « _ » : "
        "« formulaire_Saintes_budget.pdf », ou réunies avec lui dans un dossier à part.",
        "7. Pour corriger un dossier déjà envoyé, renvoyez le formulaire avec le même type de candidat et le même "
        "code INSEE : seules les réponses remplies remplacent les précédentes, une cellule laissée vide garde "
        "la valeur déjà enregistrée.",
    ]
    for row, line in enumerate(lines, start=1):
        cell = put(ws, row, 1, line, wrap=True)
        if row == 1:
            cell.font = TITLE_FONT
    ws.column_dimensions["A"].width = 110


def _lists(ws: Worksheet) -> dict[str, str]:
    """The « Listes » sheet, one list a column; the range each list's drop-down reads."""
    header_row(ws, 1, [form_list.name for form_list in FORM_LISTS])
    ranges: dict[str, str] = {}
    for position, form_list in enumerate(FORM_LISTS, start=1):
        for row, value in enumerate(form_list.values, start=2):
            put(ws, row, position, value)
        letter = get_column_letter(position)
        ranges[form_list.name] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(form_list.values) + 1}"
        ws.column_dimensions[letter].width = max(len(v) for v in (form_list.name, *form_list.values)) + 4
    return ranges


def _validation(field: FormField, ranges: dict[str, str], lists: dict[str, FormList]) -> DataValidation | None:
    """Excel's check of one answer cell, as close to the intake's rule as Excel can say it."""
    column = field.column
    if field.choices is not None:
        strict = lists[field.choices.name].strict
        return DataValidation(type="list", formula1=ranges[field.choices.name], allow_blank=True,
                              errorStyle="stop" if strict else "warning", showErrorMessage=True,
                              errorTitle="Valeur hors liste",
                              error="Choisissez une valeur de la liste." if strict else
                              "Cette valeur n'est pas dans la liste : la garder quand même ?")
    if column.type in ("int", "float"):
        minimum = column.minimum if column.minimum is not None else 0
        return DataValidation(type="whole" if column.type == "int" else "decimal", operator="greaterThanOrEqual",
                              formula1=f"{minimum:g}", allow_blank=True, showErrorMessage=True,
                              errorTitle="Nombre attendu",
                              error=f"Saisissez un nombre supérieur ou égal à {minimum:g}.")
    if column.type == "date":
        return DataValidation(type="date", operator="greaterThanOrEqual", formula1=_EARLIEST_DATE_SERIAL,
                              allow_blank=True, showErrorMessage=True, errorTitle="Date attendue",
                              error="Saisissez une date au format JJ/MM/AAAA.")
    return None


def _form(ws: Worksheet, call_id: str, call_label: str, fields: list[FormField], ranges: dict[str, str]) -> None:
    """The « Formulaire » sheet: a title, the header, each section and its fields."""
    put(ws, TITLE_ROW, 1, f"Dossier de candidature — {call_label} ({call_id})").font = TITLE_FONT
    header_row(ws, HEADER_ROW, [column.header for column in FORM_SHEET.columns])
    lists = {form_list.name: form_list for form_list in FORM_LISTS}
    validations: dict[str, DataValidation] = {}
    row, section = HEADER_ROW, ""
    for field in fields:
        row += 1
        if field.section != section:
            section = field.section
            put(ws, row, LABEL_COLUMN, section).font = _SECTION_FONT
            row += 1
        put(ws, row, CODE_COLUMN, field.code).font = _CODE_FONT
        put(ws, row, LABEL_COLUMN, field.label + ("" if not _required(field) else " *"), wrap=True)
        put(ws, row, HELP_COLUMN, field.help, wrap=True)
        answer = ws.cell(row=row, column=ANSWER_COLUMN)
        answer.fill, answer.alignment, answer.protection = _ANSWER_FILL, WRAP, Protection(locked=False)
        if field.code == "call_id":
            put(ws, row, ANSWER_COLUMN, call_id)
        elif field.column.type == "date":
            answer.number_format = FORMAT_DATE
        elif field.column.type in ("text", "id"):
            answer.number_format = _TEXT_FORMAT  # a code INSEE « 01053 » keeps its zero
        validation = _validation(field, ranges, lists)
        if validation is not None:
            key = f"{validation.type}|{validation.formula1}|{validation.errorStyle}"
            validations.setdefault(key, validation).add(answer.coordinate)
    for validation in validations.values():
        ws.add_data_validation(validation)
    for column, width in _WIDTHS.items():
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _required(field: FormField) -> bool:
    return field.code in IDENTITY_CODES or field.code in NEW_DOSSIER_CODES


def application_form_workbook(call_id: str, call_label: str, fields: list[FormField]) -> bytes:
    """The blank form of a call, as the bytes of an .xlsx."""
    wb = Workbook()
    instructions = wb.active
    assert instructions is not None
    instructions.title = INSTRUCTIONS_SHEET
    _instructions(instructions, call_id, call_label)
    form = wb.create_sheet(FORM_SHEET.name)
    ranges = _lists(wb.create_sheet(LISTS_SHEET))
    _form(form, call_id, call_label, fields, ranges)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
