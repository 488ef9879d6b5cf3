"""The operator command `jury` (also `python -m dashboard`).

Subcommands: `init` (create the database; on a new one, import the demo call,
attach its demo documents and create the demo accounts), `serve` (the dashboard), `import FILE`,
`attach FOLDER_OR_ZIP --call …` (documents to the call's dossiers), `template --call … --out …`
(the call's blank application form), `intake FOLDER_OR_ZIP --call …` (the filled forms and their documents),
`assign --call … --per-dossier K [--max-load N] [--with-president] [--reset] [--json]` (rapporteurs),
`summary [--json]`, `export --call … [--seance ID] [--size N] --out …` (the
shortlist workbook), `rapport` (the same options: the ranking report in PDF),
`pv --call … [--seance ID] --out …` (a séance's procès-verbal), `user add|passwd|list`,
`audit [--json] [--verify [--head H]]`, `backup --out FILE`, `restore FILE [--yes]`. Every subcommand takes `--db PATH`.

While `jury serve` holds the database, a command runs inside the server, through its
operator route (`services/operator_link.py`); otherwise on the file it opens. Either way
the same function does the work (`services/operations.py`): this module reads the
arguments, the files and the password, and writes what the command hands back.
`restore` runs only on a stopped server. The operator at the server's shell acts as an
administrator. Errors are French, exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from dashboard.core.documents import MANIFEST_NAME, MAX_CALL_BYTES, MAX_DOCUMENT_BYTES
from dashboard.core.formatting import fr_size
from dashboard.errors import JournalKeyError, JuryError
from dashboard.services.accounts import hash_password
from dashboard.services.backups import CopyCheck, backup_folder, restore, write_new_private
from dashboard.services.document_files import folder_files
from dashboard.services.incidents import configure_incident_log
from dashboard.services.operations import Outcome, execute, failure_outcome
from dashboard.services.operator_link import answering_server, running_server, send
from dashboard.store import Database, default_db_path
from dashboard.store.access import ROLES
from dashboard.store.journal import key_path, key_warning
from scoring.french_argparse import FrenchArgumentParser, french_error

# The help's placeholders for the arguments named in English (argparse shows the name in capitals).
METAVARS: dict[str, str] = {
    "--db": "FICHIER", "--call": "APPEL", "--out": "SORTIE", "--size": "TAILLE", "--profile": "PROFIL",
    "--constraints": "FICHIER", "--port": "PORT", "--address": "ADRESSE", "--name": "NOM",
    "--organisation": "ORGANISME", "--juror": "JURÉ", "login": "identifiant", "file": "fichier",
}


class _FrenchParser(FrenchArgumentParser):
    """The `jury` parsers: French help (placeholders included), and argparse's errors in French
    after the usage line."""

    def add_argument(self, *names: Any, **kwargs: Any) -> argparse.Action:
        takes_value = kwargs.get("action") in (None, "store", "append")
        if names and names[0] in METAVARS and takes_value:
            kwargs.setdefault("metavar", METAVARS[names[0]])
        return super().add_argument(*names, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"Erreur : arguments invalides ({french_error(message)}). Voir « {self.prog} --help ».\n")


def _db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else default_db_path()


@contextmanager
def _opened(args: argparse.Namespace) -> Iterator[Database]:
    """The database named by --db (or the default), closed afterwards."""
    database = Database(_db_path(args))
    try:
        _warn_outside_change(database)
        yield database
    finally:
        database.close()


def _warn_outside_change(database: Database) -> None:
    """Tell the operator when opening found the data changed outside the application."""
    if database.outside_change_found:
        print(f"Attention : les données de « {database.path} » ont été modifiées hors de l'application "
              "depuis la dernière écriture journalisée ; c'est inscrit au journal (voir « jury audit --verify »).",
              file=sys.stderr, flush=True)


def _dispatch(args: argparse.Namespace, command: str, request: dict[str, Any]) -> Outcome:
    """Run `command` inside the server that holds the database, if one does (its operator
    route), else on the file opened here: the same function either way."""
    db_path = _db_path(args)
    server = running_server(db_path)
    if server is not None:
        outcome = send(db_path, server, command, request)
        if outcome is not None:
            return outcome
    with _opened(args) as database:
        return execute(database, command, request)


def _show(outcome: Outcome) -> int:
    """Print a command's lines on their streams, in order; its exit code."""
    for stream, text in outcome.messages:
        print(text, file=sys.stderr if stream == "err" else sys.stdout, flush=True)
    return outcome.code


def cmd_init(args: argparse.Namespace) -> int:
    return _show(_dispatch(args, "init", {}))


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"Fichier introuvable : « {path} »", file=sys.stderr)
        return 2
    content = base64.b64encode(path.read_bytes()).decode("ascii")
    return _show(_dispatch(args, "import", {"name": path.name, "content": content}))


def _files_request(args: argparse.Namespace) -> dict[str, Any] | None:
    """The request of `attach` and `intake`: the call and a folder's files, or a .zip archive's
    bytes; None (the reason printed) when the source cannot be sent."""
    path = Path(args.source)
    request: dict[str, Any] = {"call": args.call, "source": path.name}
    if path.is_dir():
        files, problems = folder_files(path)
        request["files"] = [{"path": f.path, "content": base64.b64encode(f.content).decode("ascii")} for f in files]
        request["problems"] = [{"path": p.sheet, "message": p.message} for p in problems]
    elif path.is_file() and path.suffix.lower() == ".zip":
        if path.stat().st_size > MAX_CALL_BYTES:
            print(f"Erreur : « {path} » dépasse {fr_size(MAX_CALL_BYTES)}, le plafond des pièces d'un appel.",
                  file=sys.stderr)
            return None
        request["archive"] = base64.b64encode(path.read_bytes()).decode("ascii")
    else:
        print(f"Erreur : « {path} » n'est ni un dossier ni une archive .zip.", file=sys.stderr)
        return None
    return request


def cmd_attach(args: argparse.Namespace) -> int:
    """Attach a folder's files, or a .zip archive's, to the call's dossiers (all or nothing)."""
    request = _files_request(args) if _database_exists(args) else None
    return 2 if request is None else _show(_dispatch(args, "attach", request))


def cmd_template(args: argparse.Namespace) -> int:
    """Write the call's blank application form."""
    return _product(args, "template", {"call": args.call}, "Formulaire")


def cmd_intake(args: argparse.Namespace) -> int:
    """Import the filled application forms of a folder or a .zip archive, with their documents (all or nothing)."""
    request = _files_request(args) if _database_exists(args) else None
    return 2 if request is None else _show(_dispatch(args, "intake", request))


def cmd_assign(args: argparse.Namespace) -> int:
    """Share the call's eligible dossiers between rapporteurs."""
    return _show(_dispatch(args, "assign", {"call": args.call, "per_dossier": args.per_dossier,
                                            "max_load": args.max_load, "with_president": args.with_president,
                                            "reset": args.reset, "json": args.json}))


def cmd_summary(args: argparse.Namespace) -> int:
    return _show(_dispatch(args, "summary", {"json": args.json}))


def _read_password(confirm: bool = True) -> str:
    """From the terminal (twice), or one line of standard input when it is not a terminal."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mot de passe : ")
    if confirm and getpass.getpass("Confirmation : ") != first:
        raise JuryError("Les deux saisies diffèrent : aucun changement.")
    return first


def _password_hash() -> str:
    try:
        return hash_password(_read_password())
    except ValueError as exc:
        raise JuryError(str(exc)) from exc


def cmd_user_add(args: argparse.Namespace) -> int:
    request = {"login": args.login, "name": args.name, "role": args.role, "organisation": args.organisation,
               "juror": args.juror, "password_hash": _password_hash()}
    return _show(_dispatch(args, "user add", request))


def cmd_user_passwd(args: argparse.Namespace) -> int:
    return _show(_dispatch(args, "user passwd", {"login": args.login, "password_hash": _password_hash()}))


def cmd_user_list(args: argparse.Namespace) -> int:
    return _show(_dispatch(args, "user list", {}))


def _database_exists(args: argparse.Namespace) -> bool:
    """Whether the database named by --db exists; if not, says so (a command that only reads
    must not create an empty one)."""
    db_path = _db_path(args)
    if not db_path.is_file():
        print(f"Erreur : base introuvable « {db_path} » (créez-la avec « jury init »).", file=sys.stderr)
        return False
    return True


def cmd_audit(args: argparse.Namespace) -> int:
    """The journal, or with --verify its check (exit 0 intact, 1 altered, 2 bad input)."""
    if not _database_exists(args):
        return 2
    try:
        outcome = _dispatch(args, "audit", {"json": args.json, "verify": args.verify, "heads": args.head})
    except JournalKeyError as exc:
        if not args.verify:
            raise
        print(f"Journal invérifiable : {exc}", file=sys.stderr)
        return 1
    return _show(outcome)


def _head(text: str) -> str:
    value = text.strip().lower()
    if len(value) != 64 or any(ch not in "0123456789abcdef" for ch in value):
        raise argparse.ArgumentTypeError(f"empreinte de 64 chiffres hexadécimaux attendue, reçu « {text} »")
    return value


def _positive_integer(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier attendu, reçu « {text} »") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"nombre entier au moins égal à 1 attendu, reçu « {text} »")
    return value


def _constraints(args: argparse.Namespace) -> dict[str, Any] | None:
    """The JSON object of `--constraints`, if given; a bad file raises `_Refused`."""
    if args.constraints is None:
        return None
    path = Path(args.constraints)
    if not path.is_file():
        raise _Refused(f"Erreur : fichier de contraintes introuvable « {path} ».")
    try:
        constraints = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise _Refused(f"Erreur : « {path} » n'est pas encodé en UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise _Refused(f"Erreur : contraintes « {path} » : JSON invalide ligne {exc.lineno}, "
                       f"colonne {exc.colno}.") from None
    if not isinstance(constraints, dict):
        raise _Refused(f"Erreur : contraintes « {path} » : un objet JSON {{…}} est attendu.")
    return constraints


class _Refused(Exception):
    """A command's argument refused before anything runs (its French message)."""


def _product(args: argparse.Namespace, command: str, request: dict[str, Any], what: str) -> int:
    """Run a command that hands back one file (workbook, report, procès-verbal) and write it to
    `--out` (a file, or a folder where the file keeps its own name)."""
    if not _database_exists(args):
        return 2
    out = Path(args.out)
    if not out.parent.is_dir():
        print(f"Erreur : dossier de destination introuvable « {out.parent} ».", file=sys.stderr)
        return 2
    outcome = _dispatch(args, command, request)
    if outcome.code != 0:
        return _show(outcome)
    [(name, content)] = outcome.files.items()
    target = out / name if out.is_dir() else out
    try:
        target.write_bytes(content)
    except OSError as exc:
        print(f"Erreur : écriture impossible de « {target} » ({exc.strerror}).", file=sys.stderr)
        return 2
    _show(outcome)
    print(f"{what} écrit : {target} ({len(content) // 1024} Kio)")
    return 0


def _ranked_product(args: argparse.Namespace, command: str, what: str, **extra: Any) -> int:
    """`export` and `rapport`: the one export rule's options (`_export_options`), then the file."""
    try:
        constraints = _constraints(args)
    except _Refused as refused:
        print(refused, file=sys.stderr)
        return 2
    return _product(args, command, {"call": args.call, "profile": args.profile, "size": args.size,
                                    "constraints": constraints, "anonymise": args.anonymise, "seance": args.seance,
                                    **extra}, what)


def cmd_export(args: argparse.Namespace) -> int:
    return _ranked_product(args, "export", "Classeur", keep_motives=args.keep_motives)


def cmd_report(args: argparse.Namespace) -> int:
    return _ranked_product(args, "rapport", "Rapport")


def cmd_pv(args: argparse.Namespace) -> int:
    return _product(args, "pv", {"call": args.call, "seance": args.seance}, "Procès-verbal")


def cmd_backup(args: argparse.Namespace) -> int:
    """A checked copy of the database (made inside the server when one holds it), written to
    --out with its journal key beside it (`<copie>.journal.key`)."""
    if not _database_exists(args):
        return 2
    out = Path(args.out)
    if not out.is_dir() and not out.parent.is_dir():
        print(f"Erreur : dossier de destination introuvable « {out.parent} ».", file=sys.stderr)
        return 2
    if not out.is_dir() and out.suffix != ".duckdb":
        print(f"Erreur : « {out} » : une sauvegarde est un fichier .duckdb.", file=sys.stderr)
        return 2
    if out.exists() and not out.is_dir():
        print(f"Erreur : « {out} » existe déjà ; choisissez un autre nom (rien n'a été écrit).", file=sys.stderr)
        return 2
    outcome = _dispatch(args, "backup", {})
    if outcome.code != 0:
        return _show(outcome)
    name = next(name for name in outcome.files if name.endswith(".duckdb"))
    target = out / name if out.is_dir() else out
    written: list[Path] = []
    try:
        for file_name, content in outcome.files.items():
            path = target if file_name == name else key_path(target)
            write_new_private(path, content)
            written.append(path)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        print(f"Erreur : écriture impossible de « {target} » ({exc.strerror}) ; rien n'a été écrit.",
              file=sys.stderr)
        return 2
    _show(outcome)
    print(f"Sauvegarde écrite : {target}" + (f" (clé du journal : {key_path(target)})" if len(written) > 1 else ""))
    return 0


def _confirmed(check: CopyCheck, db_path: Path, yes: bool) -> bool:
    """The operator's go-ahead for a restore: --yes, or « o » typed at the terminal."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise JuryError("Restauration non confirmée : sans terminal, ajoutez « --yes » (rien n'a été changé).")
    print("\n".join(check.lines()))
    answer = input(f"Remplacer « {db_path} » par cette sauvegarde ? La base actuelle sera gardée dans "
                   f"« {backup_folder(db_path)} ». [o/N] ")
    return answer.strip().lower() in ("o", "oui", "y", "yes")


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the stopped database by a checked backup, the current one kept first."""
    db_path = _db_path(args)
    server = answering_server(db_path)
    if server is not None:
        print(f"Erreur : un serveur « jury serve » ({server.describe()}) sert cette base : arrêtez-le d'abord "
              f"(Ctrl-C dans son terminal, ou « kill {server.pid} »), puis relancez « jury restore ».",
              file=sys.stderr)
        return 2
    restored = restore(db_path, Path(args.file), lambda check: _confirmed(check, db_path, args.yes))
    if restored is None:
        print("Restauration abandonnée : rien n'a été changé.")
        return 1
    print("\n".join(restored.check.lines()))
    if restored.kept is not None:
        print(f"Base précédente gardée : {restored.kept}")
    print(f"Base restaurée : {db_path} (depuis « {args.file} »)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the dashboard through `st.App` (`dashboard/ui/server.py`). The database is
    opened, checked and so locked before the server listens: a second server or a writing
    command on the same file is refused from then on, whether or not anyone has logged in."""
    server = answering_server(_db_path(args))
    if server is not None:
        print(f"Erreur : un serveur ({server.describe()}) sert déjà « {_db_path(args)} ».", file=sys.stderr)
        return 2
    database = Database(args.db)  # a locked, damaged or too new file stops here, in French
    from dashboard.ui.server import serve

    log = configure_incident_log(database.path)
    print(f"Base : {database.path} (ouverte et verrouillée). Incidents consignés dans : {log}", flush=True)
    warning = key_warning(database.path)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    _warn_outside_change(database)
    serve(database, args.port, args.address)
    return 0


def _export_options(p: argparse.ArgumentParser, extension: str) -> None:
    """The options `export` and `rapport` share: the one export rule's weights and constraints."""
    p.add_argument("--call", required=True, help="identifiant de l'appel (ex. AMI1)")
    p.add_argument("--profile", default=None,
                   help="profil de pondération enregistré (défaut : celui de la séance, sinon « profil du jury », "
                        "sinon poids égaux)")
    p.add_argument("--size", default=None, type=_positive_integer,
                   help="nombre de dossiers de la liste restreinte (défaut : celui de la séance, sinon de la page)")
    p.add_argument("--seance", default=None, type=_positive_integer, metavar="ID",
                   help="séance dont la pondération et les contraintes officielles sont reprises (défaut : la "
                        "séance ouverte de l'appel, sinon la dernière close)")
    p.add_argument("--constraints", default=None, help="contraintes JSON au format du moteur (facultatif)")
    p.add_argument("--anonymise", action="store_true",
                   help="jurés anonymisés (J1…Jn tirés au hasard), motifs de récusation masqués")
    p.add_argument("--out", required=True, help=f"fichier .{extension} à écrire (ou dossier : nom automatique)")


def _assign_parser(p: argparse.ArgumentParser) -> None:
    """`jury assign`'s options."""
    p.add_argument("--call", required=True, help="identifiant de l'appel (ex. AMI1)")
    p.add_argument("--per-dossier", required=True, type=_positive_integer, metavar="K",
                   help="nombre de rapporteurs par dossier")
    p.add_argument("--max-load", type=_positive_integer, default=None, metavar="N",
                   help="au plus N dossiers par rapporteur")
    p.add_argument("--with-president", action="store_true", help="la présidence est aussi rapporteur")
    p.add_argument("--reset", action="store_true",
                   help="repart de zéro : les rapporteurs désignés à la main ne sont pas gardés")
    p.add_argument("--json", action="store_true", help="affiche la répartition enregistrée en JSON")
    p.set_defaults(func=cmd_assign)


def _files_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """`attach`, `template` and `intake`: a call's documents and application forms."""
    p = sub.add_parser("attach", parents=[common],
                       help="attache aux dossiers d'un appel les pièces d'un dossier ou d'une archive .zip")
    p.add_argument("source", metavar="DOSSIER_OU_ZIP",
                   help="fichiers nommés « <dossier>_… » (ex. AMI1-006_candidature.pdf) ou cités dans "
                        f"« {MANIFEST_NAME} » (colonnes dossier, fichier) ; PDF, xlsx, ods, docx ou odt, "
                        f"{fr_size(MAX_DOCUMENT_BYTES)} par pièce, {fr_size(MAX_CALL_BYTES)} par appel")
    p.add_argument("--call", required=True, help="identifiant de l'appel (ex. AMI1)")
    p.set_defaults(func=cmd_attach)
    p = sub.add_parser("template", parents=[common],
                       help="écrit le formulaire de candidature vierge d'un appel (.xlsx)")
    p.add_argument("--call", required=True, help="identifiant de l'appel (ex. AMI2-P3)")
    p.add_argument("--out", required=True, help="fichier .xlsx à écrire, ou dossier où l'écrire")
    p.set_defaults(func=cmd_template)
    p = sub.add_parser("intake", parents=[common],
                       help="importe les formulaires de candidature remplis d'un dossier ou d'une archive .zip, "
                            "avec leurs pièces (tout ou rien)")
    p.add_argument("source", metavar="DOSSIER_OU_ZIP",
                   help="formulaires .xlsx ou .ods (un par candidature) et pièces nommées comme leur formulaire "
                        "suivi de « _ » (ex. formulaire_Saintes_budget.pdf) ou rangées dans un dossier avec lui")
    p.add_argument("--call", required=True, help="identifiant de l'appel (ex. AMI2-P3)")
    p.set_defaults(func=cmd_intake)


def build_parser() -> argparse.ArgumentParser:
    parser = _FrenchParser(prog="jury", description="Outil d'exploitation du jury « Au cœur des territoires ».")
    common = _FrenchParser(add_help=False)  # only lends --db to the subcommands (same class as theirs)
    common.add_argument("--db", type=Path, default=None,
                        help=f"fichier de base DuckDB (défaut : $JURY_DB ou {default_db_path()})")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE", parser_class=_FrenchParser)
    p = sub.add_parser("init", parents=[common], help="crée la base ; neuve, y importe la démonstration")
    p.set_defaults(func=cmd_init)
    p = sub.add_parser("import", parents=[common], help="valide puis importe un fichier .xlsx ou .csv")
    p.add_argument("file", help="fichier à importer")
    p.set_defaults(func=cmd_import)
    _files_parsers(sub, common)
    _assign_parser(sub.add_parser("assign", parents=[common], help="répartit les dossiers éligibles d'un appel "
                                  "entre rapporteurs (jamais un juré récusé ni de la région du dossier ; "
                                  "charges équilibrées)"))
    p = sub.add_parser("summary", parents=[common], help="résume le contenu de la base par appel")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(func=cmd_summary)
    p = sub.add_parser("audit", parents=[common], help="affiche ou vérifie le journal des modifications")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.add_argument("--verify", action="store_true",
                   help="vérifie le chaînage et les sceaux du journal et l'état des données "
                        "(code 0 : intact ; 1 : altéré)")
    p.add_argument("--head", action="append", default=[], type=_head, metavar="EMPREINTE",
                   help="empreinte de tête relevée ailleurs (Manifeste d'un export) : elle doit figurer "
                        "dans le journal (option répétable)")
    p.set_defaults(func=cmd_audit)
    p = sub.add_parser("export", parents=[common], help="écrit le classeur Excel de la liste restreinte d'un appel")
    _export_options(p, "xlsx")
    p.add_argument("--keep-motives", action="store_true",
                   help="avec --anonymise : garder les motifs de récusation dans « Conflits d'intérêts »")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("rapport", parents=[common],
                       help="écrit le rapport PDF du classement et de la liste restreinte d'un appel")
    _export_options(p, "pdf")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("pv", parents=[common], help="écrit le procès-verbal PDF d'une séance")
    p.add_argument("--call", required=True, help="identifiant de l'appel (ex. AMI1)")
    p.add_argument("--seance", default=None, type=_positive_integer, metavar="ID",
                   help="numéro de la séance (défaut : la séance ouverte de l'appel, sinon la dernière close)")
    p.add_argument("--out", required=True, help="fichier .pdf à écrire (ou dossier : nom automatique)")
    p.set_defaults(func=cmd_pv)
    p = sub.add_parser("backup", parents=[common],
                       help="copie vérifiée de la base, serveur en marche ou non (avec la clé du journal)")
    p.add_argument("--out", required=True, help="fichier .duckdb à écrire (ou dossier : nom automatique)")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", parents=[common],
                       help="remplace la base (serveur arrêté) par une sauvegarde vérifiée ; l'actuelle est gardée")
    p.add_argument("file", help="sauvegarde .duckdb (sa clé « .journal.key » à côté, sinon celle de la base)")
    p.add_argument("--yes", action="store_true", help="sans demander de confirmation")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("serve", parents=[common], help="sert le tableau de bord (http://localhost:8501)")
    p.add_argument("--port", type=int, default=8501, help="port d'écoute (défaut : 8501)")
    p.add_argument("--address", default="0.0.0.0", help="adresse d'écoute (défaut : toutes)")
    p.set_defaults(func=cmd_serve)
    p_user = sub.add_parser("user", help="comptes : add, passwd, list")
    users = p_user.add_subparsers(dest="user_command", required=True, metavar="ACTION", parser_class=_FrenchParser)
    p = users.add_parser("add", parents=[common],
                         help="crée un compte (mot de passe lu au terminal ou sur l'entrée standard)")
    p.add_argument("login", help="identifiant de connexion du compte")
    p.add_argument("--role", required=True, choices=ROLES, help="rôle : " + ", ".join(ROLES))
    p.add_argument("--name", required=True, help="nom affiché (prénom et nom)")
    p.add_argument("--organisation", default=None, help="organisme représenté (facultatif)")
    p.add_argument("--juror", default=None, help="identifiant du membre du jury (rôles jure et president)")
    p.set_defaults(func=cmd_user_add)
    p = users.add_parser("passwd", parents=[common], help="change un mot de passe")
    p.add_argument("login", help="identifiant de connexion du compte")
    p.set_defaults(func=cmd_user_passwd)
    p = users.add_parser("list", parents=[common], help="liste les comptes")
    p.set_defaults(func=cmd_user_list)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one `jury` command: its exit code, never a traceback (0 done, 2 refused,
    1 unexpected error, 130 interrupted, 141 when the reader of the output went away)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        func: Callable[[argparse.Namespace], int] = args.func
        code = func(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return code
    except BrokenPipeError:
        # `jury audit --json | head`: the reader has what it wanted; stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print("\nInterrompu.", file=sys.stderr)
        return 130
    except Exception as exc:
        return _show(failure_outcome(exc, Path(getattr(args, "db", None) or default_db_path()), args.command))


if __name__ == "__main__":
    sys.exit(main())
