"""AppTest of /notation on the demo call: progress, rating, recusal, stale writes."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store import RatingEntry, Store
from dashboard.store.access import OPERATOR
from tests.helpers.apptest import PAGES, account, signed_in_page
from tests.helpers.rendered import rendered

PAGE = PAGES / "notation.py"


@pytest.fixture
def demo(demo_app_store: Store) -> Store:
    return demo_app_store


def _page(actor, dossier: str | None = None, call: str = "AMI2-P3") -> AppTest:
    at = signed_in_page(PAGE, actor, call)
    if dossier:
        at.query_params["dossier"] = dossier
    return at


def _option_ids(at: AppTest) -> list[str]:
    """The dossier ids of the choice's options (AppTest gives their labels: « ✓ id — name »)."""
    return [o.removeprefix("✓ ").split(" — ")[0] for o in at.selectbox(key="notation_dossier").options]


def test_juror_rates_a_dossier_and_progress_moves(demo: Store) -> None:
    juror = account(demo, "celine.ravaud")
    at = _page(juror).run()
    assert not at.exception
    total = len(demo.dossiers_to_rate(juror, "AMI2-P3"))
    assert at.metric[0].value == f"0 / {total}"
    dossier = at.selectbox(key="notation_dossier").value
    for c in ("J01", "J02", "J03", "J04", "J05", "J06"):
        at.radio(key=f"score_{dossier}_{c}").set_value(4)
    at.text_input(key=f"comment_{dossier}_J01").input("Partenariat large et concret")
    at.button[0].click().run()
    assert not at.exception
    assert at.metric[0].value == f"1 / {total}"
    saved = demo.own_ratings(juror, "AMI2-P3").set_index("criterion_id")
    assert saved.loc["J01", "score"] == 4 and saved.loc["J01", "comment"] == "Partenariat large et concret"
    assert (saved["version"] == 1).all()
    at.toggle(key="notation_todo").set_value(True).run()
    assert dossier not in _option_ids(at) and len(_option_ids(at)) == total - 1


def test_stale_form_is_refused_with_the_current_value(demo: Store) -> None:
    juror = account(demo, "celine.ravaud")
    at = _page(juror).run()
    dossier = at.selectbox(key="notation_dossier").value
    # Another window of the same juror saves first.
    demo.save_ratings(juror, dossier, [RatingEntry("J01", 2, "autre fenêtre", None)])
    at.radio(key=f"score_{dossier}_J01").set_value(5)
    at.button[0].click().run()
    refusal = rendered(at.error[0].value) if at.error else ""
    assert "modifiées ailleurs" in refusal and "J01 : 2" in refusal
    assert demo.own_ratings(juror, "AMI2-P3").set_index("criterion_id").loc["J01", "score"] == 2
    at.button(key="notation_reload").click().run()
    assert at.radio(key=f"score_{dossier}_J01").value == 2


def test_recused_dossier_cannot_be_opened_by_url(demo: Store) -> None:
    recusals = demo.recusals(OPERATOR, "AMI1")
    juror_id, dossier = recusals.iloc[0]["juror_id"], recusals.iloc[0]["dossier_id"]
    login = next(u.login for u in demo.users(OPERATOR).itertuples() if u.juror_id == juror_id)
    juror = account(demo, login)
    at = _page(juror, dossier=dossier, call="AMI1").run()
    assert at.error and "récusé" in rendered(at.error[0].value)
    assert not at.get("radio")
    assert "notation_dossier" not in [s.key for s in at.selectbox]
    allowed = _page(juror, call="AMI1").run()
    options = _option_ids(allowed)
    assert dossier not in options and len(options) == len(demo.dossiers_to_rate(juror, "AMI1"))


def test_a_full_disk_on_save_is_named_and_the_entered_scores_stay_in_the_form(
        demo: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's full-disk refusal (a real one: tests/store/test_disk_full.py) reaches the
    juror as such, never as « another window saved », and nothing they entered is lost."""
    from dashboard.errors import DiskFullError
    from dashboard.store.failures import DISK_FULL_MESSAGE

    def disk_full(*args: object) -> None:
        raise DiskFullError(DISK_FULL_MESSAGE)

    juror = account(demo, "celine.ravaud")
    at = _page(juror).run()
    dossier = at.selectbox(key="notation_dossier").value
    for c in ("J01", "J02", "J03", "J04", "J05", "J06"):
        at.radio(key=f"score_{dossier}_{c}").set_value(2)
    at.text_input(key=f"comment_{dossier}_J02").input("Budget incomplet")
    with monkeypatch.context() as patched:
        patched.setattr(Store, "save_ratings", disk_full)
        at.button[0].click().run()
    assert not at.exception
    shown = [rendered(error.value) for error in at.error]
    assert shown == [f"{DISK_FULL_MESSAGE} Vos notes restent saisies dans le formulaire : enregistrez-les à nouveau."]
    assert not any("fenêtre" in text for text in shown)
    assert at.radio(key=f"score_{dossier}_J01").value == 2
    assert at.text_input(key=f"comment_{dossier}_J02").value == "Budget incomplet"
    at.button[0].click().run()  # room made: the same entries save
    assert not at.exception and not at.error
    assert demo.own_ratings(juror, "AMI2-P3").set_index(["dossier_id", "criterion_id"]).loc[
        (dossier, "J02"), "comment"] == "Budget incomplet"


def _criteria(store: Store) -> dict[str, str]:
    criteria = store.criteria()
    jury = criteria[criteria["criterion_group"] == "jury"].sort_values("position")
    return dict(zip(jury["criterion_id"], jury["label"], strict=True))


def test_a_partial_save_says_how_many_criteria_it_wrote_and_names_the_others(demo: Store) -> None:
    juror = account(demo, "celine.ravaud")
    labels = _criteria(demo)
    at = _page(juror).run()
    dossier = at.selectbox(key="notation_dossier").value
    name = dict(zip(*demo.dossiers_to_rate(juror, "AMI2-P3")[["dossier_id", "display_name"]].T.values, strict=True))
    for criterion, score in (("J01", 4), ("J02", 3), ("J03", 5), ("J04", 2)):
        at.radio(key=f"score_{dossier}_{criterion}").set_value(score)
    at.text_input(key=f"comment_{dossier}_J06").input("Plan de financement à préciser")   # no score for J06
    at.button[0].click().run()
    assert not at.exception and not at.success and not at.toast
    (said,) = [rendered(w.value) for w in at.warning]
    assert said.startswith(f"4 critères sur 6 enregistrés pour {name[dossier]} "
                           "(J01 : 4 · J02 : 3 · J03 : 5 · J04 : 2).")
    assert f"Restent à noter : J05 — {labels['J05']} ; J06 — {labels['J06']}." in said
    assert "Commentaire non enregistré faute de note : J06" in said
    saved = demo.own_ratings(juror, "AMI2-P3")
    assert sorted(saved.loc[saved["dossier_id"] == dossier, "criterion_id"]) == ["J01", "J02", "J03", "J04"]
    # The rest, then: the save says every criterion is written.
    at.radio(key=f"score_{dossier}_J05").set_value(4)
    at.radio(key=f"score_{dossier}_J06").set_value(3)
    at.button[0].click().run()
    (said,) = [rendered(s.value) for s in at.success]
    assert said == (f"6 critères sur 6 enregistrés pour {name[dossier]} "
                    "(J01 : 4 · J02 : 3 · J03 : 5 · J04 : 2 · J05 : 4 · J06 : 3).")
    assert not at.warning
    assert demo.own_ratings(juror, "AMI2-P3").set_index(["dossier_id", "criterion_id"]).loc[
        (dossier, "J06"), "comment"] == "Plan de financement à préciser"


def test_a_save_with_no_score_writes_nothing_and_says_so(demo: Store) -> None:
    juror = account(demo, "celine.ravaud")
    at = _page(juror).run()
    at.button[0].click().run()
    assert [rendered(w.value) for w in at.warning] == [
        "Aucune note enregistrée : choisissez une note de 1 à 5 pour au moins un critère."]
    assert demo.own_ratings(juror, "AMI2-P3").empty


def test_a_dossier_shown_again_shows_its_saved_scores(demo: Store) -> None:
    """Streamlit lets go of the widgets of a dossier no longer shown; coming back to it, the
    form is filled again from the store rather than left blank beside saved scores."""
    juror = account(demo, "celine.ravaud")
    at = _page(juror).run()
    first = at.selectbox(key="notation_dossier").value
    at.radio(key=f"score_{first}_J01").set_value(4)
    at.radio(key=f"score_{first}_J02").set_value(2)
    at.button[0].click().run()
    second = demo.dossiers_to_rate(juror, "AMI2-P3")["dossier_id"].tolist()[1]
    assert second != first
    at.selectbox(key="notation_dossier").set_value(second).run()
    at.radio(key=f"score_{second}_J01").set_value(1)
    at.selectbox(key="notation_dossier").set_value(first).run()
    assert not at.exception
    assert at.radio(key=f"score_{first}_J01").value == 4
    assert at.radio(key=f"score_{first}_J02").value == 2
    assert at.radio(key=f"score_{first}_J03").value is None
