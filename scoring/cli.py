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
ids as header and first column. Bad input gives a French message on stderr
and exit status 2 (an infeasible shortlist too, after its JSON); an
unexpected failure gives exit status 1; never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Sequence
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


def _read_text(path: str, what: str) -> str:
    file = Path(path)
    if not file.is_file():
        raise _CliError(f"{what} : fichier introuvable « {path} ».")
    try:
        return file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise _CliError(f"{what} « {path} » : le fichier n'est pas encodé en UTF-8 (octet {error.start}).") from error
    except OSError as error:
        raise _CliError(f"{what} « {path} » : lecture impossible ({error.strerror}).") from error


def _read_json(path: str, what: str) -> Any:
    text = _read_text(path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _CliError(f"{what} « {path} » : JSON invalide ligne {error.lineno}, colonne {error.colno}.") from error


def _refuse_duplicate_columns(text: str, path: str, what: str) -> None:
    """The header row read as it is written (pandas would rename a second « C1 » to « C1.1 »)."""
    header = next((record for record in csv.reader(io.StringIO(text, newline="")) if record), [])
    seen: dict[str, int] = {}
    for position, raw in enumerate(header, start=1):
        name = raw.strip()
        if name and name in seen:
            raise _CliError(
                f"{what} « {path} » : colonne « {name} » en double (colonnes {seen[name]} et {position})."
            )
        seen.setdefault(name, position)


def _read_csv(path: str, what: str, *, id_column: bool = True, index: bool = True) -> pd.DataFrame:
    """Read a CSV as text cells (ids keep leading zeros); the first column becomes the index."""
    text = _read_text(path, what)
    if not text.strip():
        raise _CliError(f"{what} « {path} » : le fichier est vide.")
    _refuse_duplicate_columns(text, path, what)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise _CliError(f"{what} « {path} » : CSV illisible ({str(error).strip()}).") from error
    if frame.shape[1] == 0:
        raise _CliError(f"{what} « {path} » : aucune colonne.")
    first = str(frame.columns[0]).strip()
    if id_column and first != "id":
        raise _CliError(f"{what} « {path} » : la première colonne doit s'appeler « id », reçu « {first} ».")
    frame.columns = [str(c).strip() for c in frame.columns]
    if not index:
        return frame
    ids = frame.iloc[:, 0]
    if ids.isna().any():
        row = int(np.flatnonzero(ids.isna().to_numpy())[0])
        raise _CliError(f"{what} « {path} », ligne {row + 2} : identifiant vide dans la première colonne.")
    frame = frame.set_index(frame.columns[0])
    frame.index = frame.index.str.strip()
    return frame


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
    result = rank(_read_csv(args.matrix, "Matrice"), spec)
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
        result = weights(args.method, matrix=_read_csv(args.matrix, "Matrice"), spec=spec)
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
    matrix = _numeric_matrix(_read_csv(args.matrix, "Matrice"), spec)
    if args.bootstrap_jurors and args.ratings is None:
        raise _CliError("--bootstrap-jurors exige les notes des jurés (--ratings R.csv).")
    ratings = _read_csv(args.ratings, "Notes des jurés", id_column=False, index=False) if args.ratings else None
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
    ranking = rank(_read_csv(args.matrix, "Matrice"), spec)
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
