"""The one grammar of the files the product writes: {kind}_{call}_{scope}_{YYYY-MM-DD_HHhMM}.{ext}."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from dashboard.core import filenames

AT = datetime(2026, 12, 1, 9, 5, 59)
GRAMMAR = re.compile(r"(liste-restreinte|rapport|proces-verbal)_[A-Za-z0-9.-]+_[A-Za-z0-9.-]+"
                     r"_\d{4}-\d{2}-\d{2}_\d{2}h\d{2}\.(xlsx|pdf)")


def test_every_kind_follows_the_grammar() -> None:
    assert filenames.product_file_name("liste-restreinte", "AMI1", filenames.OPERATOR_SCOPE, AT, "xlsx") == \
        "liste-restreinte_AMI1_cli_2026-12-01_09h05.xlsx"
    assert filenames.product_file_name("rapport", "AMI2-P1", filenames.trial_scope("claire.martin"), AT, "pdf") == \
        "rapport_AMI2-P1_essai-claire.martin_2026-12-01_09h05.pdf"
    assert filenames.product_file_name("proces-verbal", "AMI1", filenames.official_scope(3, 12), AT, "pdf") == \
        "proces-verbal_AMI1_officiel-s3-v12_2026-12-01_09h05.pdf"
    for kind in filenames.KINDS:
        for extension in filenames.EXTENSIONS:
            name = filenames.product_file_name(kind, "AMI1", "cli", AT, extension)
            assert GRAMMAR.fullmatch(name), name


def test_parts_are_ascii_without_separators() -> None:
    name = filenames.product_file_name("proces-verbal", "AMI 2 – Étape_1", filenames.trial_scope("Hélène_Ø"), AT,
                                       "pdf")
    assert name == "proces-verbal_AMI-2-Etape-1_essai-Helene_2026-12-01_09h05.pdf"
    assert name.isascii() and name.count("_") == 4 and GRAMMAR.fullmatch(name)


@pytest.mark.parametrize(("kind", "extension", "message"), [
    ("classeur", "xlsx", "Type de fichier « classeur » inconnu"),
    ("rapport", "docx", "Extension « docx » inconnue"),
])
def test_unknown_kind_or_extension_is_refused(kind: str, extension: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        filenames.product_file_name(kind, "AMI1", "cli", AT, extension)


def test_a_part_with_nothing_usable_is_refused() -> None:
    with pytest.raises(ValueError, match="aucun caractère utilisable"):
        filenames.ascii_part("« — »")
