"""argparse in French: the help's headings and its `-h` line, and argparse's own error messages.

Shared by the engine's command line (`python -m scoring`) and the operator's (`jury`): argparse
writes « usage: », « options: », « show this help message and exit » and its errors in English.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable
from typing import Any

# argparse's error messages (Python 3.11–3.13), most specific first: (pattern, French).
_ERRORS_FR: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments non reconnus : \1"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)",
     r"argument \1 : choix invalide \2 (choix possibles : \3)"),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"argument \1 : valeur invalide \3"),
    (r"argument (\S+): expected one argument", r"argument \1 : une valeur est attendue"),
    (r"argument (\S+): expected at least one argument", r"argument \1 : une valeur au moins est attendue"),
    (r"argument (\S+): not allowed with argument (\S+)", r"argument \1 : incompatible avec l'argument \2"),
    (r"argument (\S+): ignored explicit argument (.*)", r"argument \1 : valeur \2 inattendue"),
    (r"ambiguous option: (\S+) could match (.*)", r"option ambiguë : \1 peut désigner \2"),
    (r"one of the arguments (.*) is required", r"l'un des arguments \1 est obligatoire"),
    (r"invalid choice: (.*?) \(choose from (.*)\)", r"choix invalide \1 (choix possibles : \2)"),
    (r"argument (\S+): (.*)", r"argument \1 : \2"),
)


def french_error(message: str) -> str:
    """argparse's error message in French (a message already French is returned as it is)."""
    for pattern, replacement in _ERRORS_FR:
        translated, count = re.subn(pattern, replacement, message)
        if count:
            return translated
    return message


class FrenchHelpFormatter(argparse.HelpFormatter):
    """The help with « utilisation : » for « usage: », and headings with the French space before « : »."""

    def start_section(self, heading: str | None) -> None:
        super().start_section(f"{heading} " if heading else heading)

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class FrenchArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help is French throughout (headings, `-h`); `error` is left to
    the subclass, which translates the message with `french_error`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        with_help = kwargs.get("add_help", True)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments positionnels"
        self._optionals.title = "options"
        if with_help:
            self.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")
