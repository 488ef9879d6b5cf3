"""Command-line interface: `python -m scoring` over CSV and JSON files.

This module owns the engine's only file input/output. Subcommands:

* ``rank --matrix M.csv --spec S.json`` -> CSV ``id,score,rank`` on stdout;
* ``weights --method ahp --pairwise P.csv`` (or ``--ahp H.json``, flat or by groups of
  criteria, as the workbook's « Spécification AHP ») -> JSON weights, lambda_max, ci, cr;
  ``weights --method entropy|critic --matrix M.csv [--spec S.json]``;
  ``weights --method roc --order C2,C3,C1``; ``weights --method equal
  --criteria C1,C2``; ``weights --method points --points C1=3,C2=1``;
* ``sensitivity --matrix M.csv --spec S.json --samples N --seed S --top N
  [--concentration A] [--ratings R.csv --bootstrap-jurors]`` -> JSON;
* ``shortlist --matrix M.csv --spec S.json --attributes A.csv --size N
  [--constraints C.json]`` -> JSON.

M.csv and A.csv have a first column ``id``; P.csv is square with criterion
ids as header and first column. A CSV is separated by « , », « ; » or tabs
(found on its header row, or Excel's « sep=; » line), in UTF-8 (with or
without BOM) or Windows-1252, as French Excel saves it; with « ; » or tabs,
decimal commas are read (« 12,5 ») outside the id columns. Bad input gives a French message on stderr
and exit status 2 (an infeasible shortlist too, after its JSON); an
unexpected failure gives exit status 1; never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from scoring.errors import ScoringError, shown
from scoring.french_argparse import FrenchArgumentParser, french_error
from scoring.methods import higher_is_better
from scoring.ranking import prepare_matrix, rank
from scoring.spec import Spec, parse_spec
from scoring.weighting import WEIGHTING_METHODS, ahp_from_json, weights

__all__ = ["main"]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
# The id columns of the jurors' ratings (text, never numbers).
_RATING_IDS = ("juror", "dossier", "criterion")

class _CliError(Exception):
    """Bad command-line input; the message is French."""


class _Parser(FrenchArgumentParser):
    """ArgumentParser with French help and errors raised as `_CliError`, not printed with English usage."""

    def error(self, message: str) -> NoReturn:
        raise _CliError(f"{french_error(message)} (voir « python -m scoring {self._sub_name()}--help »).")

    def _sub_name(self) -> str:
        parts = self.prog.split()
        return f"{parts[-1]} " if len(parts) > 1 and parts[-1] != "scoring" else ""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"entier attendu, reçu {shown(text)}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"entier strictement positif attendu, reçu {shown(text)}")
    return value


def _build_parser() -> _Parser:
    parser = _Parser(prog="python -m scoring", description="Moteur de décision du jury « Au cœur des territoires ».")
    sub = parser.add_subparsers(dest="command", metavar="{rank,weights,sensitivity,shortlist}", parser_class=_Parser)

    p = sub.add_parser("rank", help="classer les alternatives (CSV id,score,rank)")
    p.add_argument("--matrix", required=True, help="matrice de décision CSV (première colonne id)")
    p.add_argument("--spec", required=True, help="spécification JSON (méthode, critères, paramètres)")

    p = sub.add_parser("weights", help="calculer des poids (JSON)")
    p.add_argument("--method", required=True, choices=WEIGHTING_METHODS, help="méthode de pondération")
    p.add_argument("--pairwise", help="AHP : matrice de comparaisons par paires CSV")
    p.add_argument("--ahp", help="AHP : spécification JSON, à plat ou par groupes de critères "
                                 "(celle du Manifeste d'un export)")
    p.add_argument("--matrix", help="entropy, critic : matrice de décision CSV")
    p.add_argument("--spec", help="entropy, critic : spécification JSON (critères et sens)")
    p.add_argument("--order", help="roc : critères du plus au moins important, séparés par des virgules")
    p.add_argument("--criteria", help="equal : critères séparés par des virgules")
    p.add_argument("--points", help="points : C1=3,C2=1,…")

    p = sub.add_parser("sensitivity", help="robustesse du classement (JSON)")
    p.add_argument("--matrix", required=True, help="matrice de décision CSV (première colonne id)")
    p.add_argument("--spec", required=True, help="spécification JSON")
    p.add_argument("--samples", type=_positive_int, default=10_000, help="nombre de tirages de poids")
    p.add_argument("--seed", type=int, default=0, help="graine du générateur aléatoire")
    p.add_argument("--top", type=_positive_int, default=10, help="taille N du groupe de tête")
    p.add_argument(
        "--concentration", type=float, default=None, help="Dirichlet autour des poids actuels (sinon uniforme)"
    )
    p.add_argument(
        "--ratings", help="notes des jurés CSV (juror,dossier,criterion,score) pour rééchantillonner le jury"
    )
    p.add_argument(
        "--bootstrap-jurors", action="store_true", help="rééchantillonner les jurés à chaque tirage (exige --ratings)"
    )

    p = sub.add_parser("shortlist", help="liste restreinte sous contraintes (JSON)")
    p.add_argument("--matrix", required=True, help="matrice de décision CSV (première colonne id)")
    p.add_argument("--spec", required=True, help="spécification JSON")
    p.add_argument("--attributes", required=True, help="attributs CSV (id, region, overseas, ti, eligible…)")
    p.add_argument("--size", required=True, type=_positive_int, help="nombre de dossiers à retenir")
    p.add_argument("--constraints", help="contraintes JSON (toutes les clés sont facultatives)")
    return parser


def _read_text(path: str, what: str, *, windows: bool = False) -> str:
    """The file's text: UTF-8 (a BOM dropped), else Windows-1252 when `windows` (French Excel's « CSV »)."""
    file = Path(path)
    if not file.is_file():
        raise _CliError(f"{what} : fichier introuvable « {path} ».")
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise _CliError(f"{what} « {path} » : lecture impossible ({error.strerror}).") from error
    if windows and b"\x00" in raw:
        raise _CliError(f"{what} « {path} » : ce n'est pas un fichier texte UTF-8 ou Windows-1252 (UTF-16 ?) ; "
                        "enregistrez-le au format « CSV UTF-8 » ou « CSV (séparateur : point-virgule) ».")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if not windows:
            raise _CliError(
                f"{what} « {path} » : le fichier n'est pas encodé en UTF-8 (octet {error.start})."
            ) from error
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            raise _CliError(
                f"{what} « {path} » : le fichier n'est encodé ni en UTF-8 ni en Windows-1252 (octet {error.start})."
            ) from error


def _read_json(path: str, what: str) -> Any:
    text = _read_text(path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _CliError(f"{what} « {path} » : JSON invalide ligne {error.lineno}, colonne {error.colno}.") from error


_SEPARATORS = (",", ";", "\t")
# pandas' default missing-value markers (read_csv's na_values): such a cell is empty.
_MISSING = frozenset({
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A",
    "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
})
# A number as French Excel writes it: a decimal comma, the digits maybe grouped by (narrow) no-break spaces.
_FRENCH_NUMBER = re.compile(r"([+-]?)(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(\d+))?([eE][+-]?\d+)?")
# Excel's first line « sep=; » declares the separator.
_DECLARED_SEPARATOR = re.compile(r'[ \t]*"?sep=(.)"?[ \t]*(?:\r\n|\n|\r|$)')


@dataclass(frozen=True)
class _Csv:
    """A CSV file's cells as text (stripped), with the file line of each row and the separator found."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    separator: str


def _separator(first_line: str) -> str:
    """« , », « ; » or tab: the one that splits the header row into the most cells (« , » on a tie)."""
    return max(_SEPARATORS, key=lambda separator: len(next(csv.reader([first_line], delimiter=separator))))


def _records(text: str, separator: str, first: int, path: str, what: str) -> list[tuple[int, list[str]]]:
    """The non-blank records of `text` with the file line each starts on (`first`: the line of `text`'s start)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    records: list[tuple[int, list[str]]] = []
    line = first
    try:
        for record in reader:
            cells = [cell.strip() for cell in record]
            if any(cells):
                records.append((line, cells))
            line = first + reader.line_num
    except csv.Error as error:
        raise _CliError(
            f"{what} « {path} », ligne {line} : CSV illisible (guillemet ou cellule mal formés)."
        ) from error
    return records


def _parse_csv(text: str, path: str, what: str) -> _Csv:
    """Split `text` into cells: the separator found on the header row (or declared by Excel's « sep=; »)."""
    declared = _DECLARED_SEPARATOR.match(text)
    if declared:
        separator, body, first = declared.group(1), text[declared.end():], 2
    else:
        first_line = next((line for line in text.splitlines() if line.strip()), "")
        separator, body, first = _separator(first_line), text, 1
    records = _records(body, separator, first, path, what)
    if not records:
        raise _CliError(f"{what} « {path} » : le fichier est vide.")
    (_, header), body_records = records[0], records[1:]
    width = len(header)
    rows: list[list[str]] = []
    for line, cells in body_records:
        used = max(i for i, cell in enumerate(cells) if cell) + 1
        if used > width:
            raise _CliError(f"{what} « {path} », ligne {line} : {used} valeurs pour {width} colonnes.")
        rows.append(cells[:width] + [""] * (width - len(cells)))
    return _Csv(header, rows, [line for line, _ in body_records], separator)


def _drop_unnamed_columns(table: _Csv, path: str, what: str) -> _Csv:
    """Columns without a header (but the first, a square matrix's corner): dropped when empty (Excel's
    trailing « ; »), refused otherwise; then a duplicate name refused (pandas would rename it « C1.1 »)."""
    keep: list[int] = []
    seen: dict[str, int] = {}
    for j, name in enumerate(table.header):
        if not name and j > 0:
            if any(row[j] for row in table.rows):
                raise _CliError(f"{what} « {path} » : la colonne {j + 1} a des valeurs mais pas de nom (en-tête vide).")
            continue
        if name in seen:
            raise _CliError(f"{what} « {path} » : colonne « {name} » en double (colonnes {seen[name]} et {j + 1}).")
        seen[name] = j + 1
        keep.append(j)
    return _Csv(
        [table.header[j] for j in keep], [[row[j] for j in keep] for row in table.rows], table.lines, table.separator
    )


def _number_text(cell: str) -> str:
    """A French number (« 12,5 », « 1 234,5 ») written with a decimal point; any other cell as it is."""
    match = _FRENCH_NUMBER.fullmatch(cell)
    if match is None:
        return cell
    sign, whole, decimals, exponent = match.groups()
    return sign + re.sub(r"\D", "", whole) + (f".{decimals}" if decimals else "") + (exponent or "")


def _cell(text: str, *, is_id: bool, decimal_comma: bool) -> str | float:
    """A cell as the engine gets it: an id as written (only an empty one is missing, « NA » is an id);
    a value NaN when missing (pandas' markers: « NA », « nan »…), its decimal comma read if asked."""
    if is_id:
        return text or math.nan
    if text in _MISSING:
        return math.nan
    return _number_text(text) if decimal_comma else text


def _check_numbers(frame: pd.DataFrame, table: _Csv, columns: Sequence[str], index: bool, path: str,
                   what: str) -> None:
    """Every filled cell of `columns` a number, else a French message naming file, line, column and value."""
    for column in (c for c in columns if c in frame.columns):
        cells = frame[column]
        bad = pd.to_numeric(cells, errors="coerce").isna() & cells.notna()
        if not bad.any():
            continue
        row = int(np.flatnonzero(bad.to_numpy())[0])
        value = cells.iloc[row]
        hint = ""
        if table.separator == "," and "," in str(value):
            hint = " ; une virgule décimale n'est lue que dans un fichier séparé par « ; » ou par tabulations"
        where = f"à la ligne « {frame.iloc[row, 0]!s} », colonne" if index else "dans la colonne"
        raise _CliError(
            f"{what} « {path} », ligne {table.lines[row]} : valeur non numérique {where} « {column} » "
            f"(valeur {shown(value)}) : un nombre est attendu{hint}."
        )


def _check_filled(frame: pd.DataFrame, table: _Csv, columns: Sequence[str], path: str, what: str) -> None:
    for column in (c for c in columns if c in frame.columns):
        empty = frame[column].isna()
        if empty.any():
            row = int(np.flatnonzero(empty.to_numpy())[0])
            raise _CliError(f"{what} « {path} », ligne {table.lines[row]} : la colonne « {column} » est vide.")


def _read_csv(
    path: str, what: str, *, id_column: bool = True, index: bool = True, text_columns: Sequence[str] = (),
    numbers: Sequence[str] | None = (), filled: Sequence[str] = (),
) -> pd.DataFrame:
    """Read a CSV as text cells (ids keep leading zeros); the first column becomes the index.

    « , », « ; » or tab separated, UTF-8 (with or without BOM) or Windows-1252. Ids (the index
    column and `text_columns`) are text as written, trimmed, never numbers: « 01 », « 1 » and
    « NA » are three ids; only an empty cell is missing. Elsewhere pandas' missing markers hold and,
    with « ; » or tab, decimal commas are read (« 12,5 » is 12.5). The
    filled cells of `numbers` (None: every column but the first) must be numbers and those of
    `filled` filled, else a French message names the file, the line, the column and the value.
    """
    text = _read_text(path, what, windows=True)
    if not text.strip():
        raise _CliError(f"{what} « {path} » : le fichier est vide.")
    table = _drop_unnamed_columns(_parse_csv(text, path, what), path, what)
    first = table.header[0]
    if id_column and first != "id":
        raise _CliError(f"{what} « {path} » : la première colonne doit s'appeler « id », reçu « {first} ».")
    ids = {*text_columns, *([first] if index else [])}
    decimal_comma = table.separator != ","
    frame = pd.DataFrame(
        {name: pd.Series([_cell(row[j], is_id=name in ids, decimal_comma=decimal_comma) for row in table.rows],
                         dtype=object)
         for j, name in enumerate(table.header)},
        columns=table.header,
    )
    _check_filled(frame, table, filled, path, what)
    _check_numbers(frame, table, table.header[1:] if numbers is None else numbers, index, path, what)
    if not index:
        return frame
    empty = frame.iloc[:, 0].isna()
    if empty.any():
        row = int(np.flatnonzero(empty.to_numpy())[0])
        raise _CliError(f"{what} « {path} », ligne {table.lines[row]} : identifiant vide dans la première colonne.")
    return frame.set_index(first)


def _json_safe(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to JSON; NaN and infinities become null."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_json_safe(v) for v in value.tolist()]
    if isinstance(value, pd.Series):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else None
    return value


def _print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(_json_safe(payload), ensure_ascii=False, indent=2, allow_nan=False) + "\n")


def _spec(path: str) -> Spec:
    return parse_spec(_read_json(path, "Spécification"))


def _numeric_matrix(matrix: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """Validate once at the edge and hand the other modules a float frame (missing cells filled)."""
    prepared = prepare_matrix(matrix, spec)
    return pd.DataFrame(prepared.X, index=prepared.ids, columns=spec.ids)


def _command_rank(args: argparse.Namespace) -> int:
    spec = _spec(args.spec)
    result = rank(_read_csv(args.matrix, "Matrice", numbers=spec.ids), spec)
    frame = result.to_frame()[["id", "score", "rank"]]
    frame.to_csv(sys.stdout, index=False, lineterminator="\n")
    return EXIT_OK


def _split_ids(text: str, option: str) -> list[str]:
    ids = [part.strip() for part in text.split(",")]
    if not ids or any(not part for part in ids):
        raise _CliError(f"{option} : liste de critères séparés par des virgules attendue, reçu « {text} ».")
    return ids


def _command_weights(args: argparse.Namespace) -> int:
    needed = {
        "ahp": ("pairwise",), "entropy": ("matrix",), "critic": ("matrix",),
        "roc": ("order",), "equal": ("criteria",), "points": ("points",),
    }[args.method]
    if args.method == "ahp" and args.ahp is not None:
        result = ahp_from_json(_read_json(args.ahp, "Spécification AHP"))
        _print_json(result.to_dict())
        return EXIT_OK
    for option in needed:
        if getattr(args, option) is None:
            raise _CliError(f"La méthode « {args.method} » exige l'option --{option}"
                            f"{' ou --ahp' if args.method == 'ahp' else ''}.")
    if args.method == "ahp":
        pairwise = _read_csv(args.pairwise, "Matrice de comparaisons", id_column=False)
        result = weights("ahp", pairwise=pairwise)
    elif args.method in ("entropy", "critic"):
        spec = _spec(args.spec) if args.spec else None
        matrix = _read_csv(args.matrix, "Matrice", numbers=spec.ids if spec else None)
        result = weights(args.method, matrix=matrix, spec=spec)
    elif args.method == "roc":
        result = weights("roc", order=_split_ids(args.order, "--order"))
    elif args.method == "equal":
        result = weights("equal", criteria=_split_ids(args.criteria, "--criteria"))
    else:
        points: dict[str, float] = {}
        for part in _split_ids(args.points, "--points"):
            key, sep, value = part.partition("=")
            try:
                points[key.strip()] = float(value.replace(",", "."))
            except ValueError:
                sep = ""
            if not sep or not key.strip():
                raise _CliError(f"--points : « critère=points » attendu, reçu « {part} ».")
        result = weights("points", points=points)
    _print_json(result.to_dict())
    return EXIT_OK


def _command_sensitivity(args: argparse.Namespace) -> int:
    from scoring.sensitivity import sensitivity

    spec = _spec(args.spec)
    matrix = _numeric_matrix(_read_csv(args.matrix, "Matrice", numbers=spec.ids), spec)
    if args.bootstrap_jurors and args.ratings is None:
        raise _CliError("--bootstrap-jurors exige les notes des jurés (--ratings R.csv).")
    ratings = None
    if args.ratings:
        ratings = _read_csv(args.ratings, "Notes des jurés", id_column=False, index=False,
                            text_columns=_RATING_IDS, numbers=("score",), filled=("score",))
    result = sensitivity(
        matrix,
        spec,
        samples=args.samples,
        seed=args.seed,
        top=args.top,
        concentration=args.concentration,
        ratings=ratings,
        bootstrap_jurors=args.bootstrap_jurors,
    )
    _print_json(result.to_dict())
    return EXIT_OK


def _command_shortlist(args: argparse.Namespace) -> int:
    from scoring.shortlist import shortlist

    spec = _spec(args.spec)
    ranking = rank(_read_csv(args.matrix, "Matrice", numbers=spec.ids), spec)
    attributes = _read_csv(args.attributes, "Attributs")
    constraints = _read_json(args.constraints, "Contraintes") if args.constraints else None
    result = shortlist(
        ranking.scores, attributes, args.size, constraints, higher_is_better=higher_is_better(spec.method)
    )
    _print_json(result.to_dict())
    if not result.feasible:
        sys.stderr.write(f"Erreur : {result.message}\n")
        return EXIT_BAD_INPUT
    return EXIT_OK


_COMMANDS = {
    "rank": _command_rank,
    "weights": _command_weights,
    "sensitivity": _command_sensitivity,
    "shortlist": _command_shortlist,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 2 bad input, 1 unexpected failure)."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            raise _CliError(
                "commande attendue : rank, weights, sensitivity ou shortlist (voir « python -m scoring --help »)."
            )
        return _COMMANDS[args.command](args)
    except (_CliError, ScoringError) as error:
        sys.stderr.write(f"Erreur : {error}\n")
        return EXIT_BAD_INPUT
    except SystemExit as exit_:  # --help prints and exits 0
        return int(exit_.code or 0)
    except Exception as error:
        sys.stderr.write(f"Erreur interne inattendue ({type(error).__name__}) : {error}\n")
        return EXIT_INTERNAL
