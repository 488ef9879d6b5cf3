"""AppTest of /notation for a rapporteur: their own progress, their dossiers first, « rapporteurs
seulement », and the calibration strip set against the store."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core.formatting import fr_number
from dashboard.services.rapporteurs import assign_rapporteurs
from dashboard.store import Store
from dashboard.store.access import OPERATOR, Actor
from tests.helpers.apptest import PAGES, account, signed_in_page
from tests.helpers.rendered import rendered

PAGE = PAGES / "notation.py"
RAPPORTEUR_METRIC = "Dossiers de rapporteur complets"
RAPPORTEUR_HEADER = "Vos dossiers en tant que rapporteur"
CALIBRATION = "Votre usage de l'échelle (calibrage)"


@pytest.fixture
def demo(demo_app_store: Store) -> Store:
    return demo_app_store


def _jury_criteria(store: Store) -> list[str]:
    criteria = store.criteria()
    return criteria.loc[criteria["criterion_group"] == "jury", "criterion_id"].astype(str).tolist()


def _complete(store: Store, actor: Actor, call: str, dossiers: list[str]) -> int:
    """How many of `dossiers` the juror has rated on every jury criterion, as the store holds it."""
    own = store.own_ratings(actor, call)
    rated = own.groupby("dossier_id")["criterion_id"].nunique()
    return sum(int(rated.get(d, 0)) >= len(_jury_criteria(store)) for d in dossiers)


def _metric(at: AppTest, label: str) -> str:
    (found,) = [m.value for m in at.metric if m.label == label]
    return found


def _option_ids(at: AppTest) -> list[str]:
    """The dossier ids of the selectbox's options (AppTest gives their labels: « ✓ Rapporteur · id — name »)."""
    return [o.removeprefix("✓ ").removeprefix("Rapporteur · ").split(" — ")[0]
            for o in at.selectbox(key="notation_dossier").options]


def _assigned(store: Store, call: str, login: str = "celine.ravaud") -> tuple[Actor, list[str]]:
    assign_rapporteurs(store, OPERATOR, call, 2)
    juror = account(store, login)
    mine = store.rapporteur_dossier_ids(juror, call)
    assert mine, "la répartition devait donner des dossiers à ce juré"
    return juror, mine


def test_a_rapporteur_sees_their_own_progress_first_and_their_dossiers_first(demo: Store) -> None:
    juror, mine = _assigned(demo, "AMI1")
    at = signed_in_page(PAGE, juror, "AMI1").run()
    assert not at.exception
    assert at.subheader[0].value == RAPPORTEUR_HEADER
    assert at.metric[0].label == RAPPORTEUR_METRIC
    done = _complete(demo, juror, "AMI1", mine)
    assert _metric(at, RAPPORTEUR_METRIC) == f"{done} / {len(mine)}"
    to_rate = demo.dossiers_to_rate(juror, "AMI1")
    assert _metric(at, "Dossiers complets") == f"{_complete(demo, juror, 'AMI1', list(to_rate['dossier_id']))} / " \
                                               f"{len(to_rate)}"
    options = at.selectbox(key="notation_dossier").options
    ids = _option_ids(at)
    assert ids[:len(mine)] == mine
    assert sorted(ids) == sorted(to_rate["dossier_id"])
    assert all("Rapporteur · " in o for o in options[:len(mine)])
    assert not any("Rapporteur · " in o for o in options[len(mine):])
    assert at.selectbox(key="notation_dossier").value == mine[0]
    assert not any("seuls les rapporteurs" in rendered(c.value) for c in at.caption)


def test_a_rapporteur_with_nothing_rated_starts_at_zero_and_moves_with_a_save(demo: Store) -> None:
    juror, mine = _assigned(demo, "AMI2-P3")
    assert demo.own_ratings(juror, "AMI2-P3").empty
    at = signed_in_page(PAGE, juror, "AMI2-P3").run()
    assert _metric(at, RAPPORTEUR_METRIC) == f"0 / {len(mine)}"
    dossier = at.selectbox(key="notation_dossier").value
    assert dossier == mine[0]
    for criterion in _jury_criteria(demo):
        at.radio(key=f"score_{dossier}_{criterion}").set_value(4)
    at.button[0].click().run()
    assert not at.exception
    assert _metric(at, RAPPORTEUR_METRIC) == f"1 / {len(mine)}"
    assert at.selectbox(key="notation_dossier").options[0].startswith("✓ Rapporteur · ")


def test_with_rapporteurs_only_the_list_holds_only_their_dossiers(demo: Store) -> None:
    juror, mine = _assigned(demo, "AMI1")
    demo.set_rapporteurs_only(OPERATOR, "AMI1", True)
    at = signed_in_page(PAGE, juror, "AMI1").run()
    assert not at.exception
    assert _option_ids(at) == mine
    assert any("seuls les rapporteurs" in rendered(c.value) for c in at.caption)
    assert _metric(at, "Dossiers complets").endswith(f"/ {len(mine)}")


def test_a_juror_who_is_no_rapporteur_sees_the_page_as_before(demo: Store) -> None:
    juror = account(demo, "celine.ravaud")
    at = signed_in_page(PAGE, juror, "AMI1").run()
    assert not at.exception
    assert RAPPORTEUR_HEADER not in [s.value for s in at.subheader]
    assert [m.label for m in at.metric] == ["Dossiers complets"]
    assert not any("Rapporteur · " in o for o in at.selectbox(key="notation_dossier").options)


def _calibration_opened(page: AppTest) -> AppTest:
    """The page with the calibration strip unfolded, as a click on its title leaves it."""
    page.session_state["notation_calibration_open"] = True
    return page


def _calibration(at: AppTest) -> pd.DataFrame:
    (expander,) = [e for e in at.expander if e.label == CALIBRATION]
    (frame,) = [d.value for d in expander.dataframe]
    return frame.set_index("Critère")


def test_the_calibration_strip_shows_the_jurors_own_mean(demo: Store) -> None:
    juror = account(demo, "celine.ravaud")
    at = _calibration_opened(signed_in_page(PAGE, juror, "AMI1")).run()
    own = demo.own_ratings(juror, "AMI1")
    assert not own.empty
    table = _calibration(at)
    criteria = _jury_criteria(demo)
    assert [c.split(" — ")[0] for c in table.index] == criteria
    for criterion in criteria:
        row = table.loc[next(c for c in table.index if c.startswith(f"{criterion} — "))]
        scores = own.loc[own["criterion_id"] == criterion, "score"]
        assert row["Votre moyenne"] == fr_number(scores.mean(), 2)
        assert row["Vos notes"] == fr_number(len(scores))


def test_the_calibration_strip_waits_for_a_first_score(demo: Store) -> None:
    juror = account(demo, "celine.ravaud")
    at = _calibration_opened(signed_in_page(PAGE, juror, "AMI2-P3")).run()
    (expander,) = [e for e in at.expander if e.label == CALIBRATION]
    assert [i.value for i in expander.info] == ["Pas encore de notes"]
    assert not expander.dataframe


def test_the_folded_calibration_strip_is_not_computed(demo: Store) -> None:
    juror = account(demo, "celine.ravaud")
    at = signed_in_page(PAGE, juror, "AMI1").run()
    (expander,) = [e for e in at.expander if e.label == CALIBRATION]
    assert not expander.dataframe and not expander.caption
    assert _calibration(_calibration_opened(at).run()).shape[0] == len(_jury_criteria(demo))
