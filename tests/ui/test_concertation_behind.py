"""AppTest of « Qui est en retard » on /concertation: each juror's reading of the dossiers they are
rapporteur of, and the dossiers fewer than k jurors have read in full.

The demo's AMI1 is rated by the whole panel (8 or 9 jurors per dossier, some dossiers left out by
some jurors); its AMI2-P3 (5 dossiers) has no rating, so the tests rate it as rapporteurs would.
Expected values are computed here from the store's own frames, with plain sets.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core.formatting import fr_datetime
from dashboard.services.operations import demo_login
from dashboard.services.rapporteurs import assign_rapporteurs
from dashboard.store import RatingEntry, Store
from dashboard.store.access import OPERATOR, Actor
from tests.helpers.apptest import PAGES, account, signed_in_page
from tests.helpers.rendered import rendered

PAGE = PAGES / "concertation.py"
CALL = "AMI1"
SMALL_CALL = "AMI2-P3"
K = 2
SECTION = "Qui est en retard"
PROGRESS = ["Juré", "Dossiers assignés", "Complets", "Manquants", "Complets, tous dossiers", "Dernière activité"]
NO_PLAN_PROGRESS = ["Juré", "Complets, tous dossiers", "Dernière activité"]


@pytest.fixture
def demo(demo_app_store: Store) -> Store:
    return demo_app_store


def _president(store: Store) -> Actor:
    return account(store, "helene.marchetti")


def _page(actor: Actor, call: str = CALL) -> AppTest:
    return signed_in_page(PAGE, actor, call)


def _frame(at: AppTest, column: str) -> pd.DataFrame | None:
    """The page's dataframe holding `column` (None when there is none)."""
    return next((d.value for d in at.dataframe if column in d.value.columns), None)


def _captions(at: AppTest) -> list[str]:
    return [rendered(c.value) for c in at.caption]


def _jury_criteria(store: Store) -> set[str]:
    criteria = store.criteria()
    return set(criteria.loc[criteria["criterion_group"] == "jury", "criterion_id"])


def _complete(store: Store, call: str) -> set[tuple[str, str]]:
    """(juror, dossier) pairs whose counted ratings cover every jury criterion."""
    ratings = store.ratings(OPERATOR, call)
    counted = ratings[ratings["counts"].astype(bool)]
    seen: dict[tuple[str, str], set[str]] = {}
    for juror, dossier, criterion in zip(counted["juror_id"], counted["dossier_id"], counted["criterion_id"],
                                         strict=True):
        seen.setdefault((str(juror), str(dossier)), set()).add(str(criterion))
    return {pair for pair, criteria in seen.items() if _jury_criteria(store) <= criteria}


def _assigned(store: Store, call: str) -> dict[str, set[str]]:
    """juror id -> the dossiers they are rapporteur of."""
    found: dict[str, set[str]] = {}
    frame = store.rapporteurs(OPERATOR, call)
    for juror, dossier in zip(frame["juror_id"], frame["dossier_id"], strict=True):
        found.setdefault(str(juror), set()).add(str(dossier))
    return found


def _expected_progress(store: Store, call: str) -> pd.DataFrame:
    """Per juror name: assigned, complete, missing, complete overall, last activity, from the store."""
    complete, assigned = _complete(store, call), _assigned(store, call)
    ratings = store.ratings(OPERATOR, call)
    rows = []
    jurors = store.jurors()
    for juror_id, name in zip(jurors["juror_id"].astype(str), jurors["name"], strict=True):
        mine = assigned.get(juror_id, set())
        done = {d for j, d in complete if j == juror_id}
        rated_at = ratings.loc[ratings["juror_id"] == juror_id, "rated_at"]
        rows.append({"Juré": name, "Dossiers assignés": len(mine), "Complets": len(mine & done),
                     "Manquants": len(mine - done), "Complets, tous dossiers": len(done),
                     "Dernière activité": fr_datetime(rated_at.max()) if len(rated_at) else "–"})
    return pd.DataFrame(rows).set_index("Juré")


def _check_progress(at: AppTest, store: Store, call: str) -> pd.DataFrame:
    table = _frame(at, "Dossiers assignés")
    assert table is not None
    assert table.columns.tolist() == PROGRESS
    expected = _expected_progress(store, call)
    assert sorted(table["Juré"]) == sorted(expected.index)            # one row per juror
    shown = table.set_index("Juré")
    for column in PROGRESS[1:]:
        assert shown[column].to_dict() == expected[column].to_dict(), column
    assert table["Manquants"].is_monotonic_decreasing                 # the most behind first
    return table


def test_the_president_sees_each_jurors_reading_of_their_dossiers(demo: Store) -> None:
    assign_rapporteurs(demo, OPERATOR, CALL, K)
    at = _page(_president(demo)).run()
    assert not at.exception
    assert SECTION in [s.value for s in at.subheader]
    table = _check_progress(at, demo, CALL)
    # The store's loads, juror by juror (the president is no rapporteur by default: 0).
    loads = demo.rapporteurs(OPERATOR, CALL).groupby("juror_name").size()
    assert table.set_index("Juré")["Dossiers assignés"].to_dict() == {
        name: int(loads.get(name, 0)) for name in demo.jurors()["name"]}
    # Every dossier of AMI1 is read in full by far more than two jurors: none is listed.
    assert _frame(at, "Notations complètes") is None
    spread = demo.rapporteurs(OPERATOR, CALL)["dossier_id"].nunique()
    assert (f"Chacun des {spread} dossiers répartis est noté en entier par au moins {K} jurés."
            in _captions(at))
    # The page's other sections are still drawn.
    assert {"Accord entre jurés", "À discuter"} <= {s.value for s in at.subheader}


def test_a_rating_that_stops_counting_leaves_the_reading_incomplete(demo: Store) -> None:
    assign_rapporteurs(demo, OPERATOR, CALL, K)
    complete = _complete(demo, CALL)
    juror, dossier = next((j, d) for j, dossiers in sorted(_assigned(demo, CALL).items()) for d in sorted(dossiers)
                          if (j, d) in complete)
    demo.add_recusal(OPERATOR, juror, dossier, "lien découvert après notation", date(2026, 12, 1))
    at = _page(_president(demo)).run()
    assert not at.exception
    table = _check_progress(at, demo, CALL)
    name = _names(demo)[juror]
    before = len({d for j, d in complete if j == juror} & _assigned(demo, CALL)[juror])
    assert table.set_index("Juré").loc[name, "Complets"] == before - 1


def _names(store: Store) -> dict[str, str]:
    """juror id -> name."""
    jurors = store.jurors()
    return {str(j): str(n) for j, n in zip(jurors["juror_id"], jurors["name"], strict=True)}


def _rate(store: Store, juror_id: str, dossier: str, criteria: list[str]) -> None:
    """The juror rates the dossier on `criteria` (score 3), through their own account."""
    juror = account(store, demo_login(_names(store)[juror_id]))
    store.save_ratings(juror, dossier, [RatingEntry(c, 3, None, None) for c in criteria])


def _rapporteurs_of(store: Store, call: str) -> dict[str, list[str]]:
    frame = store.rapporteurs(OPERATOR, call)
    return {str(d): list(group["juror_id"]) for d, group in frame.groupby("dossier_id")}


def test_the_dossiers_read_by_fewer_than_k_jurors_are_listed(demo: Store) -> None:
    assign_rapporteurs(demo, OPERATOR, SMALL_CALL, K)
    of = _rapporteurs_of(demo, SMALL_CALL)
    first, second, third, fourth, fifth = sorted(of)
    criteria = sorted(_jury_criteria(demo))
    for juror in of[first]:
        _rate(demo, juror, first, criteria)                 # read in full by both rapporteurs
    _rate(demo, of[second][0], second, criteria)            # by one
    _rate(demo, of[third][0], third, criteria[:-1])         # one criterion short: not in full
    _rate(demo, of[third][1], third, criteria[:1])
    _rate(demo, of[fourth][0], fourth, criteria)            # a rapporteur and another juror
    other = next(j for j in ("JUR-02", "JUR-03", "JUR-07") if j not in of[fourth])
    _rate(demo, other, fourth, criteria)
    # The fifth is read by nobody.

    at = _page(_president(demo), SMALL_CALL).run()
    assert not at.exception
    _check_progress(at, demo, SMALL_CALL)
    short = _frame(at, "Notations complètes")
    assert short is not None
    complete = _complete(demo, SMALL_CALL)
    reads = {d: sum(1 for _, dd in complete if dd == d) for d in of}
    expected = sorted((d for d in of if reads[d] < K), key=lambda d: (reads[d], d))
    assert short["Dossier"].tolist() == expected == [third, fifth, second]
    assert short["Notations complètes"].tolist() == [reads[d] for d in expected]
    names = _names(demo)
    assert short["Rapporteurs"].tolist() == [", ".join(names[j] for j in of[d]) for d in expected]
    assert short["Rapporteurs sans notation complète"].tolist() == [
        ", ".join(names[j] for j in of[d] if (j, d) not in complete) for d in expected]
    candidates = demo.dossiers(OPERATOR, SMALL_CALL).set_index("dossier_id")["display_name"]
    assert short["Candidat"].tolist() == [candidates[d] for d in expected]
    assert any(c.startswith(f"3 dossier(s) sur {len(of)} répartis") for c in _captions(at))


def test_a_call_rated_by_its_rapporteurs_only_is_drawn_whole(demo: Store) -> None:
    assign_rapporteurs(demo, OPERATOR, SMALL_CALL, K)
    of = _rapporteurs_of(demo, SMALL_CALL)
    criteria = sorted(_jury_criteria(demo))
    for dossier, jurors in of.items():
        for juror in jurors:
            _rate(demo, juror, dossier, criteria)
    ratings = demo.ratings(OPERATOR, SMALL_CALL)
    assert ratings.groupby("dossier_id")["juror_id"].nunique().eq(K).all()   # sparse: two readers each

    at = _page(_president(demo), SMALL_CALL).run()
    assert not at.exception
    table = _check_progress(at, demo, SMALL_CALL)
    assert (table["Complets"] == table["Dossiers assignés"]).all() and (table["Manquants"] == 0).all()
    assert _frame(at, "Notations complètes") is None
    assert {SECTION, "Accord entre jurés", "Dernières notes enregistrées", "À discuter"} <= {
        s.value for s in at.subheader}
    agreement = next(t.value for t in at.table if any("Kendall" in str(c) for c in t.value.columns))
    assert len(agreement) == len(criteria)


def test_without_rapporteurs_the_president_still_sees_who_has_read_what(demo: Store) -> None:
    assert demo.rapporteur_plan(CALL) is None
    at = _page(_president(demo)).run()
    assert not at.exception
    assert any(c.startswith("Aucun rapporteur n'est désigné pour cet appel") for c in _captions(at))
    assert _frame(at, "Dossiers assignés") is None and _frame(at, "Notations complètes") is None
    table = _frame(at, "Complets, tous dossiers")
    assert table is not None and table.columns.tolist() == NO_PLAN_PROGRESS
    expected = _expected_progress(demo, CALL)
    shown = table.set_index("Juré")
    assert sorted(shown.index) == sorted(expected.index)
    for column in NO_PLAN_PROGRESS[1:]:
        assert shown[column].to_dict() == expected[column].to_dict(), column
    assert table["Complets, tous dossiers"].is_monotonic_increasing   # the least read first


def test_a_call_without_any_rating_shows_every_juror_at_zero(demo: Store) -> None:
    at = _page(_president(demo), SMALL_CALL).run()
    assert not at.exception
    table = _frame(at, "Complets, tous dossiers")
    assert table is not None and len(table) == len(demo.jurors())
    assert (table["Complets, tous dossiers"] == 0).all() and (table["Dernière activité"] == "–").all()
    assert [rendered(i.value) for i in at.info] == ["Aucune note pour cet appel."]


def test_the_administration_sees_the_section_too(demo: Store) -> None:
    assign_rapporteurs(demo, OPERATOR, CALL, K)
    at = _page(account(demo, "admin")).run()
    assert not at.exception
    assert SECTION in [s.value for s in at.subheader]
    _check_progress(at, demo, CALL)


def test_a_juror_cannot_open_the_page(demo: Store) -> None:
    assign_rapporteurs(demo, OPERATOR, CALL, K)
    at = _page(account(demo, "celine.ravaud")).run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Cette page n'est pas accessible avec votre rôle."]
    assert SECTION not in [s.value for s in at.subheader]
    assert not at.dataframe and not at.table
