"""AppTest of /concertation: the « À discuter » list ranked by the disagreement score.

The demo's AMI1 (85 dossiers, rated by the panel) drives the list; the demo's
AMI2-P3 (5 dossiers) has no rating, so the test rates it with hand-chosen
scores whose disagreement score is known.
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core.decision import AggregationSettings, aggregate_call_ratings
from dashboard.core.formatting import fr_number, fr_percent
from dashboard.store import RatingEntry, Store
from scoring import most_contested
from tests.helpers.apptest import PAGES, account, signed_in_page
from tests.helpers.rendered import rendered

PAGE = PAGES / "concertation.py"
CALL = "AMI1"
UNRATED_CALL = "AMI2-P3"
COLUMNS = ["Rang", "Dossier", "Candidat", "Écart maximal", "Part du désaccord", "Critères en désaccord"]


@pytest.fixture
def demo(demo_app_store: Store) -> Store:
    return demo_app_store


def _president(store: Store):
    return account(store, "helene.marchetti")


def _page(actor, call: str = CALL) -> AppTest:
    return signed_in_page(PAGE, actor, call)


def _disagreement(store: Store) -> pd.DataFrame:
    """The engine's disagreement frame of the call's ratings, as the president sees them."""
    ratings = store.ratings(_president(store), CALL)
    return aggregate_call_ratings(ratings, AggregationSettings()).disagreement


def _to_discuss(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Part du désaccord" in d.value.columns)


def _detail_choices(at: AppTest) -> list[str]:
    """The dossier ids the detail selectbox offers (its options read « id — name »)."""
    return [option.split(" — ")[0] for option in at.selectbox(key="concertation_dossier").options]


def _captions(at: AppTest) -> list[str]:
    return [rendered(c.value) for c in at.caption]


def test_by_default_the_ten_most_contested_are_listed_by_contest_rank(demo: Store) -> None:
    disagreement = _disagreement(demo)
    reaching = most_contested(disagreement, min_spread=2)
    expected = most_contested(disagreement, count=10, min_spread=2)
    assert len(reaching) > 10  # the demo call has more than ten dossiers to discuss

    at = _page(_president(demo)).run()
    assert not at.exception
    assert at.slider(key="concertation_min_spread").value == 2
    assert at.number_input(key="concertation_count").value == 10
    table = _to_discuss(at)
    assert table.columns.tolist() == COLUMNS
    assert len(table) == 10
    assert table["Dossier"].tolist() == expected.index.tolist()
    assert table["Dossier"].iloc[0] == most_contested(disagreement, count=1).index[0]
    assert table["Rang"].tolist() == list(range(1, 11))
    assert table["Écart maximal"].tolist() == [fr_number(v) for v in expected["max_spread"]]
    assert table["Part du désaccord"].tolist() == [fr_percent(v, 1) for v in expected["share"]]
    assert (expected["max_spread"] >= 2).all()
    assert expected["max_spread"].is_monotonic_decreasing
    assert (f"{fr_number(len(reaching))} dossiers ont deux notes d'un même critère écartées d'au moins "
            "2 points ; les 10 plus contestés sont affichés.") in _captions(at)
    assert _detail_choices(at) == expected.index.tolist()
    # The page's other sections are still drawn.
    assert {"Accord entre jurés", "Dernières notes enregistrées", "À discuter"} <= {s.value for s in at.subheader}


def test_the_spread_and_the_count_change_the_rows(demo: Store) -> None:
    disagreement = _disagreement(demo)
    at = _page(_president(demo)).run()

    at.number_input(key="concertation_count").set_value(3).run()
    assert not at.exception
    assert _to_discuss(at)["Dossier"].tolist() == most_contested(disagreement, count=3, min_spread=2).index.tolist()
    assert any(c.endswith("les 3 plus contestés sont affichés.") for c in _captions(at))

    at.slider(key="concertation_min_spread").set_value(4).run()
    assert not at.exception
    strongest = most_contested(disagreement, count=3, min_spread=4)
    table = _to_discuss(at) if not strongest.empty else pd.DataFrame(columns=COLUMNS)
    assert table["Dossier"].tolist() == strongest.index.tolist()
    assert all(fr_number(4) in spread for spread in table["Écart maximal"])

    at.slider(key="concertation_min_spread").set_value(0).run()
    at.number_input(key="concertation_count").set_value(len(disagreement)).run()
    assert not at.exception
    table = _to_discuss(at)
    assert table["Dossier"].tolist() == most_contested(disagreement).index.tolist()
    assert table["Rang"].tolist() == list(range(1, len(disagreement) + 1))
    assert at.number_input(key="concertation_count").max == len(disagreement)
    assert any(c.endswith("tous sont affichés, du plus contesté au moins contesté.") for c in _captions(at))
    assert _detail_choices(at) == table["Dossier"].tolist()


def test_one_dossier_shown_is_said_in_the_singular(demo: Store) -> None:
    disagreement = _disagreement(demo)
    at = _page(_president(demo)).run()
    at.number_input(key="concertation_count").set_value(1).run()
    assert not at.exception
    (first,) = _to_discuss(at)["Dossier"].tolist()
    assert first == most_contested(disagreement, count=1, min_spread=2).index[0]
    assert any(c.endswith("; le plus contesté est affiché.") for c in _captions(at))


# Three jurors (not recused in AMI2-P3) rate J01 and J02; SS(d, c) = sum of (score - cell mean)^2.
HAND_SCORES = {
    "AMI2-P3-001": {"J01": (1, 5, 3), "J02": (3, 3, 3)},  # spread 4; SS 4 + 0 + 4 = 8
    "AMI2-P3-002": {"J01": (2, 4, 3), "J02": (2, 4, 3)},  # spread 2; SS 2 + 2 = 4
    "AMI2-P3-003": {"J01": (4, 4, 4), "J02": (4, 4, 4)},  # spread 0; SS 0
    "AMI2-P3-004": {"J01": (1, 4, 4), "J02": (3, 3, 3)},  # spread 3; mean 3: SS 4 + 1 + 1 = 6
    "AMI2-P3-005": {"J01": (2, 4, 3), "J02": (3, 3, 3)},  # spread 2; SS 2
}
HAND_JURORS = ("celine.ravaud", "mathieu.kervella", "nadia.bensaid")


def test_a_call_rated_by_hand_is_listed_by_spread_then_share(demo: Store) -> None:
    at = _page(_president(demo), UNRATED_CALL).run()
    assert not at.exception
    assert [rendered(i.value) for i in at.info] == ["Aucune note pour cet appel."]

    for position, login in enumerate(HAND_JURORS):
        juror = account(demo, login)
        for dossier, scores in HAND_SCORES.items():
            demo.save_ratings(juror, dossier, [RatingEntry(c, s[position], None, None) for c, s in scores.items()])
    at = _page(_president(demo), UNRATED_CALL).run()
    assert not at.exception
    count = at.number_input(key="concertation_count")
    assert (count.value, count.min, count.max) == (5, 1, 5)   # 10 by default, but the call has 5 dossiers
    table = _to_discuss(at)
    # Total SS 20: shares 40 %, 30 %, 20 %, 10 % for spreads 4, 3, 2, 2 (the tie on 2 goes to the larger share).
    assert table["Dossier"].tolist() == ["AMI2-P3-001", "AMI2-P3-004", "AMI2-P3-002", "AMI2-P3-005"]
    assert table["Rang"].tolist() == [1, 2, 3, 4]
    assert table["Écart maximal"].tolist() == ["4", "3", "2", "2"]
    assert table["Part du désaccord"].tolist() == [f"{p},0\u00a0%" for p in (40, 30, 20, 10)]
    assert table["Critères en désaccord"].tolist() == ["J01", "J01", "J01, J02", "J01"]
    assert ("4 dossiers ont deux notes d'un même critère écartées d'au moins 2 points ; "
            "tous sont affichés, du plus contesté au moins contesté.") in _captions(at)

    at.slider(key="concertation_min_spread").set_value(4).run()
    assert _to_discuss(at)["Dossier"].tolist() == ["AMI2-P3-001"]
    assert ("1 dossier a deux notes d'un même critère écartées d'au moins 4 points ; il est affiché."
            in _captions(at))
    at.slider(key="concertation_min_spread").set_value(0).run()
    assert _to_discuss(at)["Dossier"].tolist()[-1] == "AMI2-P3-003"
    assert _to_discuss(at)["Critères en désaccord"].tolist()[-1] == ""   # no criterion where all agree
    assert any("au moins 0 point ;" in c for c in _captions(at))
    assert not at.exception
