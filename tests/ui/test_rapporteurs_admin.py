"""AppTest of « Rapporteurs » on /administration: the assignment from the form, each juror's
load, a swap by hand, « rapporteurs seulement », and a refusal explained without a change."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from dashboard.services.rapporteurs import assign_rapporteurs, eligible_dossiers
from dashboard.store import Store
from dashboard.store.access import OPERATOR
from tests.helpers.apptest import PAGES, account, signed_in_page
from tests.helpers.rendered import rendered

CALL = "AMI2-P3"


def _page(store: Store) -> AppTest:
    return signed_in_page(PAGES / "administration.py", account(store, "admin"), CALL)


def _button(at: AppTest, label: str):
    [button] = [b for b in at.button if b.label == label]
    return button


def test_the_admin_assigns_sees_the_loads_swaps_and_reserves_the_rating(demo_app_store: Store) -> None:
    at = _page(demo_app_store).run()
    assert not at.exception
    assert "Rapporteurs" in [tab.label for tab in at.tabs]
    assert any("Aucun rapporteur n'est désigné" in rendered(c.value) for c in at.caption)
    at.number_input(key="rapporteurs_k").set_value(2)
    _button(at, "Répartir les rapporteurs").click().run()
    assert not at.exception
    eligible = eligible_dossiers(demo_app_store, OPERATOR, CALL)
    assert any(f"{len(eligible)} dossiers éligibles, 2 rapporteurs chacun" in rendered(s.value) for s in at.success)
    stored = demo_app_store.rapporteurs(OPERATOR, CALL)
    loads = next(d.value for d in at.dataframe if "Dont désignés à la main" in d.value.columns)
    assert len(loads) == len(demo_app_store.jurors())
    by_juror = stored.groupby("juror_name").size()
    for row in loads.itertuples():
        assert row.Dossiers == by_juror.get(row.Juré.split(" (")[0], 0)
    assert loads["Dossiers"].sum() == 2 * len(eligible)

    dossier = at.selectbox(key="rapporteurs_swap_dossier").value
    leaving = at.selectbox(key=f"rapporteurs_swap_out_{dossier}").value
    for joining in at.selectbox(key=f"rapporteurs_swap_in_{dossier}").options:
        at.selectbox(key=f"rapporteurs_swap_in_{dossier}").set_value(joining)
        _button(at, "Remplacer").click().run()
        assert not at.exception
        after = demo_app_store.rapporteurs(OPERATOR, CALL)
        if leaving not in set(after.loc[after["dossier_id"] == dossier, "juror_id"]):
            break
        assert at.error, "a swap that changed nothing says why"
    swapped = after[(after["dossier_id"] == dossier) & after["manual"]]
    assert len(swapped) == 1 and any("remplace" in rendered(s.value) for s in at.success)

    at.toggle(key="rapporteurs_only").set_value(True).run()
    assert not at.exception
    plan = demo_app_store.rapporteur_plan(CALL)
    assert plan is not None and plan.rapporteurs_only


def test_an_impossible_assignment_is_explained_and_changes_nothing(demo_app_store: Store) -> None:
    at = _page(demo_app_store).run()
    at.number_input(key="rapporteurs_k").set_value(2)
    at.number_input(key="rapporteurs_cap").set_value(1)
    _button(at, "Répartir les rapporteurs").click().run()
    assert not at.exception
    refusal = " ".join(rendered(e.value) for e in at.error)
    assert "Répartition impossible" in refusal and "Plafond trop bas" in refusal
    assert demo_app_store.rapporteurs(OPERATOR, CALL).empty and demo_app_store.rapporteur_plan(CALL) is None


def test_a_rapporteur_recused_after_the_assignment_is_pointed_out(demo_app_store: Store) -> None:
    assign_rapporteurs(demo_app_store, OPERATOR, CALL, 2)
    dossier, juror = demo_app_store.rapporteurs(OPERATOR, CALL)[["dossier_id", "juror_id"]].iloc[0]
    demo_app_store.add_recusal(OPERATOR, juror, dossier, "Conflit déclaré après la répartition", date(2021, 6, 1))
    at = _page(demo_app_store).run()
    assert not at.exception
    warning = " ".join(rendered(w.value) for w in at.warning)
    assert f"rapporteur du dossier « {dossier} » mais ne peut plus l'être (récusé·e)" in warning
