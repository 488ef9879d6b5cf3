"""The procès-verbal and the ranking report, written by `jury pv` and `jury rapport` on a copy of the
demo database where a séance was held (tests/helpers/seance_record.py), read back by an independent
reader: poppler's `pdftotext` and `pdfinfo`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from dashboard import cli
from dashboard.core.filenames import official_scope
from dashboard.report.ranking_report import CONSTRAINTS_HEADING, SHORTLIST_HEADING
from dashboard.services.meeting import call_request
from dashboard.store import Database, Store
from dashboard.store.access import OPERATOR
from tests.helpers.databases import copy_database
from tests.helpers.pdf import page_count, page_lightness, pdf_text
from tests.helpers.seance_record import (
    ABSENT,
    CALL,
    CANCELLED,
    EXCUSED,
    LEAVES,
    PLACE,
    SIZE,
    TITLE,
    VOTED,
    HeldSeance,
    held_copy,
)


@dataclass(frozen=True)
class Held:
    db: Path
    seance: HeldSeance
    shortlisted: list[str]      # the official shortlist's names
    content_hash: str
    journal_head: str


@pytest.fixture(scope="module")
def held(demo_database_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Held:
    path = tmp_path_factory.mktemp("seance") / "jury.duckdb"
    with held_copy(demo_database_file, path) as (store, seance, request):
        names = request.inputs.display_names
        shortlisted = [names[str(d)] for d in request.shortlist.selected]
        return Held(path, seance, shortlisted, store.content_hash(), store.journal_head() or "")


def _run(*args: str) -> None:
    assert cli.main(list(args)) == 0


@pytest.fixture(scope="module")
def proces_verbal(held: Held, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pv")
    _run("pv", "--call", CALL, "--db", str(held.db), "--out", str(folder))
    [written] = folder.glob("*.pdf")
    return written


def test_the_proces_verbal_says_who_sat_who_was_recused_and_what_was_decided(held: Held, proces_verbal: Path,
                                                                             store_of) -> None:
    assert proces_verbal.name.startswith(f"proces-verbal_{CALL}_{official_scope(held.seance.seance_id, 2)}_")
    text = pdf_text(proces_verbal)
    assert f"{TITLE} (séance n° {held.seance.seance_id})" in text and f"Lieu : {PLACE}" in text
    store = store_of(held.db)
    jurors = {str(j.juror_id): j for j in store.jurors().itertuples()}
    for juror_id, juror in jurors.items():
        state = {EXCUSED: "excusé·e", ABSENT: "absent·e"}.get(juror_id, "présent·e")
        assert f"{juror.name} {juror.organisation} {state}" in text, juror.name
    assert "parti·e à" in text and f"{jurors[LEAVES].name} {jurors[LEAVES].organisation} présent·e, parti·e" in text
    names = store.dossiers(OPERATOR, CALL).set_index("dossier_id")["display_name"]
    for recusal in store.recusals(OPERATOR, CALL).itertuples():  # each recusal, by its juror's row
        assert f"{names[recusal.dossier_id]} — {recusal.reason}" in text
    assert "conflits déclarés" in text and "aucun conflit déclaré" in text
    assert "Méthode et pondération officielles (version 2)" in text and "TOPSIS" in text
    assert "pondération : méthode Somme pondérée → TOPSIS" in text
    for dossier, (_ballots, decision, rationale, departure) in VOTED.items():
        sentence = held.seance.tallies[dossier].count_sentence()
        assert f"{names[dossier]} ({dossier})" in text and sentence in text
        assert decision in text and rationale in text
        if departure:
            assert f"Écart au vote : {departure}" in text
    assert "5 retenu, 1 non retenu, 1 abstention" in text
    assert f"{names[CANCELLED]} ({CANCELLED}) Vote annulé" in text
    for name in held.shortlisted:
        assert name in text, name
    assert "Score cédé par rapport aux 55 premiers" in text
    assert held.content_hash in text and held.journal_head in text
    assert "Pour le jury, la présidence : Hélène Marchetti" in text and "Signature :" in text
    pages = page_count(proces_verbal)
    assert f"page 1 / {pages}" in text and f"page {pages} / {pages}" in text


@pytest.fixture(scope="module")
def report(held: Held, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rapport") / "rapport.pdf"
    _run("rapport", "--call", CALL, "--size", str(SIZE), "--db", str(held.db), "--out", str(out))
    return out


def _page_of(path: Path, heading: str, pages: int) -> int:
    return next(p for p in range(1, pages + 1) if heading in pdf_text(path, first=p, last=p))


def test_the_ranking_report_holds_the_55_names_on_two_pages_and_the_manifest(held: Held, report: Path,
                                                                            store_of) -> None:
    request = call_request(store_of(held.db), OPERATOR, CALL, size=SIZE)  # the command's own constraints
    names = request.inputs.display_names
    shortlisted = [names[str(d)] for d in request.shortlist.selected]
    assert len(shortlisted) == SIZE and shortlisted != held.shortlisted
    text = pdf_text(report)
    pages = page_count(report)
    assert f"page 1 / {pages}" in text
    # the size was given: the constraints are the command's, so the report is not the séance's
    assert "Export de l'opérateur (ligne de commande)" in text
    start = _page_of(report, SHORTLIST_HEADING.format(SIZE), pages)
    end = _page_of(report, CONSTRAINTS_HEADING, pages)
    assert 1 <= end - start <= 2, (start, end)
    shortlist_pages = pdf_text(report, first=start, last=end - 1)
    for name in shortlisted:
        assert name in shortlist_pages, name
    for figure in ("Régions représentées", "Outre-mer", "Territoires d'industrie", "soit"):
        assert figure in text
    for _ballots, decision, rationale, _departure in VOTED.values():
        assert decision in text and rationale in text
    ranked = len(request.ranking.scores)
    assert f"Classement complet ({ranked} dossiers classés)" in text
    for name in names.values():  # every dossier: ranked, or out of the ranking with its reason
        assert name in text, name
    assert "Contribution de chaque critère au score" in text and "Les 25 premiers du classement" in text
    assert held.content_hash in text and held.journal_head in text


def test_only_the_chart_is_in_colour(report: Path, tmp_path: Path) -> None:
    """Tables are drawn on white: no cell takes the colour of the last bar the chart drew."""
    lightness = page_lightness(report, tmp_path)
    assert len(lightness) == page_count(report)
    chart = _page_of(report, "Contribution de chaque critère au score", len(lightness))
    assert all(light > 0.9 for i, light in enumerate(lightness, start=1) if i != chart), lightness


def test_the_seance_report_is_official_and_an_anonymised_one_names_no_juror(
        held: Held, store_of, tmp_path: Path) -> None:
    _run("rapport", "--call", CALL, "--db", str(held.db), "--out", str(tmp_path))
    [official] = tmp_path.glob("rapport_*.pdf")
    assert official.name.startswith(f"rapport_{CALL}_{official_scope(held.seance.seance_id, 2)}_")
    assert "Officiel : pondération et contraintes de la séance" in pdf_text(official)
    anonymised = tmp_path / "anonyme.pdf"
    _run("rapport", "--call", CALL, "--anonymise", "--db", str(held.db), "--out", str(anonymised))
    text = pdf_text(anonymised)
    assert "Officiel : pondération et contraintes de la séance" in text
    for juror in store_of(held.db).jurors().itertuples():
        assert juror.name not in text, juror.name


def test_pv_refuses_a_call_without_a_seance_in_french(demo_database_file: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "jury.duckdb"
    copy_database(demo_database_file, db)
    assert cli.main(["pv", "--call", CALL, "--db", str(db), "--out", str(tmp_path)]) == 2
    assert "n'a encore aucune séance : pas de procès-verbal à établir" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.pdf"))


@pytest.fixture
def store_of():
    """A read of a database file, closed after the test."""
    opened: list[Database] = []

    def read(path: Path) -> Store:
        opened.append(Database(path))
        return opened[-1].store()
    yield read
    for database in opened:
        database.close()
