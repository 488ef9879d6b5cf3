"""Anonymised exports stay anonymous: pseudonyms drawn afresh for each export, no
juror name, organisation, id, login or recusal motive anywhere in the file (cells,
cell comments, sheet names, document properties), unless the motives are asked for.

The jurors of the demo are renamed to strings found nowhere else (their real
organisations are also the programme's partners, named in the dossiers' data),
so that any occurrence in the file is a leak.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date

import openpyxl
import pytest

from dashboard.core.privacy import HIDDEN_MOTIVE, random_pseudonyms
from dashboard.services import operations
from dashboard.services.importer import import_file
from dashboard.services.meeting import export_call
from dashboard.store import Database
from dashboard.store.access import OPERATOR, Actor
from tests.helpers.workbooks import DEMO_WORKBOOK

CALL = "AMI1"
SIZE = 20
MOTIVE = "Motif-témoin : a monté le dossier"
JURORS = 9
PSEUDONYMS = [f"J{k}" for k in range(1, JURORS + 1)]


def _witness_name(k: int) -> str:
    return f"Témoinprénom{k} Témoinnom{k}"


def _witness_organisation(k: int) -> str:
    return f"Organisme-témoin-{k}"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The demo call whose jurors carry witness names and organisations, with accounts and a recusal."""
    work = tmp_path_factory.mktemp("anonymised")
    workbook = openpyxl.load_workbook(DEMO_WORKBOOK)
    sheet = workbook["Jurés"]
    for k, row in enumerate(sheet.iter_rows(min_row=2), start=1):
        row[1].value, row[2].value = _witness_name(k), _witness_organisation(k)
    source = work / "demo.xlsx"
    workbook.save(source)
    db = Database(work / "jury.duckdb")
    store = db.store()
    import_file(source, store, actor=OPERATOR)
    operations.create_demo_accounts(store)
    store.add_recusal(OPERATOR, "JUR-06", "AMI1-004", MOTIVE, date(2019, 9, 1))
    yield db
    db.close()


def _export(database: Database, keep_motives: bool = False) -> bytes:
    _, content = export_call(database.store(), OPERATOR, CALL, None, SIZE, {}, anonymise=True,
                             keep_motives=keep_motives)
    return content


def _package_text(content: bytes) -> str:
    """Every part of the .xlsx package (sheets, shared strings, comments, workbook, properties) as text."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return "\n".join(package.read(name).decode("utf-8") for name in package.namelist())


def _identifying(database: Database) -> set[str]:
    store = database.store()
    jurors = store.jurors()
    users = store.users(OPERATOR)
    logins = users.loc[users["juror_id"].notna(), "login"]   # the jurors' accounts (not « admin »)
    assert len(logins) == JURORS
    return ({*jurors["name"], *jurors["organisation"], *jurors["juror_id"], *logins, MOTIVE}
            | {f"Témoinnom{k}" for k in range(1, JURORS + 1)})


def _pseudonym_of(database: Database, content: bytes) -> dict[str, str]:
    """Which pseudonym each juror got in this export, found by matching their ratings."""
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True)["Notes du jury"]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    at = {name: header.index(name) for name in ("Dossier", "Critère", "Juré", "Note")}
    exported: dict[str, set] = {}
    for row in rows:
        if row[at["Note"]] is None:   # the lines below the table
            continue
        exported.setdefault(str(row[at["Juré"]]), set()).add(
            (row[at["Dossier"]], row[at["Critère"]], int(row[at["Note"]])))
    stored: dict[str, set] = {}
    for rating in database.store().ratings(OPERATOR, CALL).itertuples():
        stored.setdefault(str(rating.juror_id), set()).add(
            (rating.dossier_id, rating.criterion_id, int(rating.score)))
    owner = {frozenset(values): juror for juror, values in stored.items()}
    assert len(owner) == len(stored) == JURORS   # every juror's ratings differ: the match is one-to-one
    return {owner[frozenset(values)]: pseudonym for pseudonym, values in exported.items()}


def test_two_exports_draw_different_pseudonyms_and_name_no_one(database: Database) -> None:
    first, second = _export(database), _export(database)
    mappings = [_pseudonym_of(database, content) for content in (first, second)]
    for mapping in mappings:
        assert sorted(mapping) == [f"JUR-0{k}" for k in range(1, JURORS + 1)]
        assert sorted(mapping.values(), key=lambda p: int(p[1:])) == PSEUDONYMS
    # Drawn at random: the chance that both draws agree, or that one follows the sorted ids, is 1 / 9!.
    assert mappings[0] != mappings[1]
    assert [m for m in mappings if [m[juror] for juror in sorted(m)] != PSEUDONYMS]
    identifying = _identifying(database)
    for content in (first, second):
        text = _package_text(content)
        for value in identifying:
            assert value not in text
        assert HIDDEN_MOTIVE in text
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        properties = workbook.properties
        assert not any(value in str(field) for value in identifying
                       for field in (properties.creator, properties.lastModifiedBy, properties.title,
                                     *workbook.sheetnames))


def test_rows_follow_the_pseudonyms_not_the_hidden_ids(database: Database) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(_export(database)), read_only=True)
    register = list(workbook["Conflits d'intérêts"].iter_rows(min_row=2, max_row=JURORS + 1, max_col=1,
                                                                values_only=True))
    assert [row[0] for row in register if row[0]] == PSEUDONYMS
    header, *rows = workbook["Notes du jury"].iter_rows(values_only=True)
    dossier, criterion, juror = (list(header).index(name) for name in ("Dossier", "Critère", "Juré"))
    groups: dict[tuple, list[int]] = {}
    for row in rows:
        if row[juror]:
            groups.setdefault((row[dossier], row[criterion]), []).append(int(str(row[juror])[1:]))
    assert len(groups) > 500 and all(numbers == sorted(numbers) for numbers in groups.values())


def test_the_administration_may_keep_the_motives(database: Database) -> None:
    text = _package_text(_export(database, keep_motives=True))
    assert MOTIVE in text
    assert _witness_name(6) not in text and _witness_organisation(6) not in text


def test_jury_export_keep_motives_goes_through_the_operator_command(database: Database) -> None:
    request = {"call": CALL, "size": SIZE, "anonymise": True}
    hidden = operations.execute(database, "export", request)
    kept = operations.execute(database, "export", {**request, "keep_motives": True})
    assert hidden.code == kept.code == 0
    assert MOTIVE not in _package_text(next(iter(hidden.files.values())))
    assert MOTIVE in _package_text(next(iter(kept.files.values())))


def test_a_juror_sees_pseudonyms_drawn_afresh(database: Database) -> None:
    juror = Actor(login="x", name="x", role="jure", juror_id="JUR-02")
    store = database.store()
    draws = set()
    for _ in range(5):
        frame = store.ratings_for_ranking(juror, CALL)
        assert set(frame["juror"]) <= set(PSEUDONYMS)
        first = frame[(frame["dossier"] == "AMI1-001") & (frame["criterion"] == "J01")]
        draws.add(tuple(first["juror"]))
    assert len(draws) > 1   # 5 draws of 9! orders all equal: chance about 1e-22


def test_random_pseudonyms_cover_one_to_n() -> None:
    mapping = random_pseudonyms(["b", "a", "c", None, "a"])
    assert sorted(mapping) == ["a", "b", "c"]
    assert sorted(mapping.values()) == ["J1", "J2", "J3"]
