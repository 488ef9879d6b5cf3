"""The operator command `jury` (also `python -m dashboard`).

Subcommands: `init` (create the database, import the demo call when new),
`import FILE`, `summary [--json]`. Every subcommand takes `--db PATH`.
Errors are French, exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dashboard.errors import ImportRejected, JuryError
from dashboard.importer import import_file
from dashboard.store import Database, Store, default_db_path
from dashboard.store.database import DATA_DIR

DEMO_WORKBOOK = DATA_DIR / "demo_ami.xlsx"
OPERATOR = "opérateur (ligne de commande)"


def _open(args: argparse.Namespace) -> tuple[Database, Store]:
    database = Database(args.db)
    return database, Store(database.cursor())


def cmd_init(args: argparse.Namespace) -> int:
    database, store = _open(args)
    try:
        if store.calls().empty:
            report = import_file(DEMO_WORKBOOK, store, actor="installation (données de démonstration)")
            print(f"Base créée : {database.path}")
            print("\n".join(report.lines()))
        else:
            print(f"Base existante réutilisée : {database.path}")
    finally:
        database.close()
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"Fichier introuvable : « {path} »", file=sys.stderr)
        return 2
    database, store = _open(args)
    try:
        report = import_file(path, store, actor=OPERATOR)
    except ImportRejected as rejected:
        print(str(rejected), file=sys.stderr)
        return 2
    finally:
        database.close()
    print("\n".join(report.lines()))
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    database, store = _open(args)
    try:
        summary = store.summary()
    finally:
        database.close()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    if not summary:
        print("Aucun appel dans la base.")
    for entry in summary:
        print(f"{entry['call']:<8} {entry['label']} : {entry['dossiers']} dossiers, "
              f"{entry['historical_laureates']} lauréats historiques, {entry['ratings']} notes")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jury", description="Outil d'exploitation du jury « Au cœur des territoires ».")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=None,
                        help=f"fichier de base DuckDB (défaut : $JURY_DB ou {default_db_path()})")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    p_init = sub.add_parser("init", parents=[common], help="crée la base et importe la démonstration si elle est neuve")
    p_init.set_defaults(func=cmd_init)
    p_import = sub.add_parser("import", parents=[common], help="valide puis importe un fichier .xlsx ou .csv")
    p_import.add_argument("file", help="fichier à importer")
    p_import.set_defaults(func=cmd_import)
    p_summary = sub.add_parser("summary", parents=[common], help="résume le contenu de la base par appel")
    p_summary.add_argument("--json", action="store_true", help="sortie JSON")
    p_summary.set_defaults(func=cmd_summary)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except JuryError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
