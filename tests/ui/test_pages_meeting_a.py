"""AppTest of /ponderation, /classement and /comparer on the demo call AMI1."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import scoring
from dashboard.core import ahp, decision
from dashboard.core import views as mv
from dashboard.core.decision import AggregationSettings, WeightProfile
from dashboard.core.labels import JURY_PROFILE
from dashboard.services import meeting
from dashboard.store import Store
from dashboard.store.access import OPERATOR
from tests.helpers.apptest import PAGES, account, signed_in_page
from tests.helpers.rendered import displayed_frame, rendered

CALL = "AMI1"


@pytest.fixture
def demo(demo_app_store: Store) -> Store:
    return demo_app_store


def _actor(store: Store, role: str):
    login = next(u.login for u in store.users(OPERATOR).itertuples() if u.role == role)
    return account(store, login)


def _page(name: str, actor, profile: WeightProfile | None = None) -> AppTest:
    at = signed_in_page(PAGES / f"{name}.py", actor, CALL)
    if profile is not None:
        at.session_state[f"profile_{CALL}"] = profile
    return at


def _tab(at: AppTest, label: str) -> AppTest:
    """The page again with the tab `label` of « Profils enregistrés » open, as a click on it leaves it."""
    at.session_state["pond_profiles_tab"] = label
    return at.run()


def _inputs(store: Store, actor=OPERATOR) -> decision.DecisionInputs:
    """The call's inputs as `actor` sees them (a juror's ratings view leaves out their recused dossiers)."""
    return meeting.call_inputs(store, actor, meeting.load_call(store, actor, CALL), AggregationSettings())


def _ranking(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Rang" in d.value.columns)


def _shown_ranking(at: AppTest) -> pd.DataFrame:
    """The ranking table as its cells read (the score in French)."""
    return displayed_frame(next(d for d in at.dataframe if "Rang" in d.value.columns))


def _leader(at: AppTest) -> str:
    """The name /classement shows as « En tête : **name** »."""
    text = next(rendered(c.value) for c in at.caption if c.value.startswith("En tête"))
    return re.search(r"\*\*(.+?)\*\*", text).group(1)


def _frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _numbers(encoded) -> np.ndarray:
    """A plotly array from the figure JSON: a list, or plotly's typed array {dtype, bdata}."""
    if isinstance(encoded, dict):
        return np.frombuffer(base64.b64decode(encoded["bdata"]), dtype=np.dtype(encoded["dtype"]))
    return np.asarray(encoded, dtype=float)


def _enable(at: AppTest, criteria: list[str]) -> None:
    """Switch on exactly `criteria` in the editor (every other criterion off)."""
    for toggle in at.toggle:
        if toggle.key.startswith("pond_w_on_"):
            toggle.set_value(toggle.key.removeprefix("pond_w_on_") in criteria)


def _no_failure(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.error, [rendered(e.value) for e in at.error]


# ---------------------------------------------------------------- /ponderation


def test_points_sliders_drive_the_classement(demo: Store) -> None:
    president = _actor(demo, "president")
    inputs = _inputs(demo, president)
    equal = _page("classement", president).run()
    _no_failure(equal)
    equal_leader = _leader(equal)

    at = _page("ponderation", president).run()
    _no_failure(at)
    at.radio(key="pond_w_mode").set_value("points").run()
    for criterion in at.session_state[f"profile_{CALL}"].enabled:
        at.slider(key=f"pond_w_points_{criterion}").set_value(10 if criterion == "C02" else 0)
    at.run()
    _no_failure(at)
    weights = _frame_with(at, "Poids").set_index("Critère")["Poids"]
    assert weights[mv.criterion_labels(inputs)["C02"]] == "100,0\u00a0%"
    assert rendered(at.slider(key="pond_w_points_C02").label).endswith("· 100,0\u00a0%")
    profile = at.session_state[f"profile_{CALL}"]
    assert profile.weighting["mode"] == "points" and profile.weighting["points"]["C02"] == 10

    # /classement picks up the session's profile: the farthest eligible town from a university now leads.
    ranked = _page("classement", president, profile).run()
    _no_failure(ranked)
    farthest = inputs.matrix.loc[inputs.eligible_ids, "C02"].idxmax()
    assert _leader(ranked) == inputs.attributes.at[farthest, "display_name"] != equal_leader
    assert _ranking(ranked).iloc[0]["N° dossier"] == farthest


def test_method_change_reorders_the_classement(demo: Store) -> None:
    juror = _actor(demo, "jure")
    at = _page("ponderation", juror).run()
    wsm_profile = at.session_state[f"profile_{CALL}"]
    at.selectbox(key="pond_w_method").set_value("topsis").run()
    _no_failure(at)
    topsis_profile = at.session_state[f"profile_{CALL}"]
    assert topsis_profile.method == "topsis" and topsis_profile.weights == wsm_profile.weights

    wsm_order = _ranking(_page("classement", juror, wsm_profile).run())["N° dossier"].tolist()
    topsis_page = _page("classement", juror, topsis_profile).run()
    _no_failure(topsis_page)
    topsis_order = _ranking(topsis_page)["N° dossier"].tolist()
    assert sorted(wsm_order) == sorted(topsis_order) and wsm_order != topsis_order
    # TOPSIS has no additive contributions: the page says what the bars show.
    assert any("pas de contributions additives" in rendered(c.value) for c in topsis_page.caption)


def test_vikor_and_promethee_settings_reach_the_profile(demo: Store) -> None:
    president = _actor(demo, "president")
    inputs = _inputs(demo, president)
    at = _page("ponderation", president).run()
    at.selectbox(key="pond_w_method").set_value("vikor").run()
    at.slider(key="pond_w_v").set_value(0.8).run()
    _no_failure(at)
    assert at.session_state[f"profile_{CALL}"].v == pytest.approx(0.8)
    at.selectbox(key="pond_w_method").set_value("promethee2").run()
    _no_failure(at)
    span = inputs.matrix.loc[inputs.eligible_ids, "C02"]
    span = span.max() - span.min()
    assert at.number_input(key="pond_w_q_C02").value == pytest.approx(0.05 * span, rel=1e-4)
    assert at.number_input(key="pond_w_p_C02").value == pytest.approx(0.30 * span, rel=1e-4)
    at.selectbox(key="pond_w_fn_C02").set_value("vshape")
    at.number_input(key="pond_w_p_C02").set_value(50.0).run()
    _no_failure(at)
    profile = at.session_state[f"profile_{CALL}"]
    assert profile.method == "promethee2"
    assert profile.preferences["C02"] == {"function": "vshape", "q": pytest.approx(0.05 * span, rel=1e-4),
                                          "p": 50.0}
    # A linear function with p below q is refused with the criterion named.
    at.selectbox(key="pond_w_fn_C02").set_value("linear")
    at.number_input(key="pond_w_q_C02").set_value(60.0).run()
    assert at.error and rendered(at.error[0].value).startswith("C02 — ")
    assert at.session_state[f"profile_{CALL}"].preferences["C02"]["function"] == "vshape"  # kept the valid one


def test_weighted_product_names_the_criteria_it_cannot_use(demo: Store) -> None:
    juror = _actor(demo, "jure")
    inputs = _inputs(demo, juror)
    at = _page("ponderation", juror).run()
    at.selectbox(key="pond_w_method").set_value("wpm").run()
    assert not at.exception
    zeros = mv.nonpositive_criteria(inputs, mv.usable_criteria(inputs))
    assert "C06" in zeros
    refusal = rendered(at.error[0].value) if at.error else ""
    assert "strictement positives" in refusal and ", ".join(zeros) in refusal
    groups = mv.criteria_by_group(inputs)
    _enable(at, [c for c in groups["objectif"] + groups["dossier"] if c not in zeros])
    at.run()
    _no_failure(at)
    ranking = _page("classement", juror, at.session_state[f"profile_{CALL}"]).run()
    _no_failure(ranking)
    assert re.fullmatch(r"0,\d{5}", _shown_ranking(ranking).iloc[0]["Score"])


def test_ahp_grid_shows_reciprocals_and_names_the_inconsistent_pair(demo: Store) -> None:
    juror = _actor(demo, "jure")
    inputs = _inputs(demo, juror)
    labels = mv.criterion_labels(inputs)
    at = _page("ponderation", juror).run()
    _enable(at, ["C01", "C02", "D01"])
    at.radio(key="pond_w_mode").set_value("ahp").run()
    assert at.radio(key="pond_w_ahp_structure").value == "groupes"  # a new AHP profile: by groups
    at.radio(key="pond_w_ahp_structure").set_value("plat").run()
    _no_failure(at)
    assert sorted(s.key for s in at.select_slider) == ["pond_w_ahp_C01_C02", "pond_w_ahp_C01_D01",
                                                       "pond_w_ahp_C02_D01"]
    assert not at.warning  # equal weights: a consistent grid of 1s
    at.select_slider(key="pond_w_ahp_C01_C02").set_value("9")
    at.select_slider(key="pond_w_ahp_C02_D01").set_value("5")
    at.select_slider(key="pond_w_ahp_C01_D01").set_value("1/3").run()
    _no_failure(at)
    grid = _frame_with(at, "C01")
    assert grid.at["C02", "C01"] == "1/9" and grid.at["D01", "C02"] == "1/5" and grid.at["D01", "C01"] == "3"
    expected = scoring.weights("ahp", pairwise=ahp.ahp_matrix(["C01", "C02", "D01"],
                                                             {"C01|C02": "9", "C02|D01": "5", "C01|D01": "1/3"}))
    assert expected.cr > 0.10
    assert at.metric[0].value == f"{expected.cr:.3f}".replace(".", ",")
    warning = rendered(at.warning[0].value)
    first, second = expected.inconsistent_pair
    assert "CR =" in warning and f"« {labels[first]} » face à « {labels[second]} »" in warning
    assert ahp.saaty_label(expected.suggested_value) in warning
    profile = at.session_state[f"profile_{CALL}"]
    assert profile.weights == pytest.approx(expected.weights.to_dict())
    # Made consistent (9 × 5 would be 45: the scale stops at 9, so 3 × 3 = 9), the warning goes.
    at.select_slider(key="pond_w_ahp_C01_C02").set_value("3")
    at.select_slider(key="pond_w_ahp_C02_D01").set_value("3")
    at.select_slider(key="pond_w_ahp_C01_D01").set_value("9").run()
    assert not at.warning and at.metric[0].value == "0,000"


def test_a_flat_ahp_grid_has_its_consistency_ratio_up_to_fifteen_criteria(demo: Store) -> None:
    juror = _actor(demo, "jure")
    usable = mv.usable_criteria(_inputs(demo, juror))
    at = _page("ponderation", juror).run()
    _enable(at, usable[:15])
    at.radio(key="pond_w_mode").set_value("ahp").run()
    at.radio(key="pond_w_ahp_structure").set_value("plat").run()
    _no_failure(at)
    assert len(at.select_slider) == 15 * 14 // 2
    assert not [w.value for w in at.warning if "ratio de cohérence" in w.value]
    assert [m.value for m in at.metric if m.label == "Ratio de cohérence (CR)"] == ["0,000"]
    _enable(at, usable[:16])
    at.run()
    page, engine = [rendered(w.value) for w in at.warning if "ratio de cohérence" in w.value]
    assert page.startswith("16 critères, soit 120 comparaisons") and "défini que jusqu'à 15 critères" in page
    assert "s'arrête à n = 15" in engine and "pas défini pour 16 critères" in engine


def _block_crs(at: AppTest) -> list[str]:
    """The consistency ratio each block of the hierarchy shows beside its sliders, in page order."""
    return [m.value for m in at.metric if m.label == "Ratio de cohérence (CR)"]


def test_ahp_by_groups_at_18_criteria_is_a_few_blocks_with_their_consistency(demo: Store) -> None:
    president = _actor(demo, "president")
    inputs = _inputs(demo, president)
    at = _page("ponderation", president).run()
    usable = mv.usable_criteria(inputs)
    _enable(at, usable)
    at.radio(key="pond_w_mode").set_value("ahp").run()
    _no_failure(at)
    groups = {g: [c for c in criteria if c in usable] for g, criteria in mv.criteria_by_group(inputs).items()}
    pairs = len(groups) * (len(groups) - 1) // 2 + sum(len(c) * (len(c) - 1) // 2 for c in groups.values())
    assert len(usable) == 18 and len(at.select_slider) == pairs == 3 + 28 + 6 + 15  # not 153
    # Equal weights to start: every block (the groups, then each group) consistent.
    assert _block_crs(at) == ["0,000"] * (1 + len(groups))
    # An inconsistent jury block: J01 ≫ J02 ≫ J03 but J03 ≫ J01.
    at.select_slider(key="pond_w_ahp_J01_J02").set_value("9")
    at.select_slider(key="pond_w_ahp_J02_J03").set_value("9")
    at.select_slider(key="pond_w_ahp_J01_J03").set_value("1/9").run()
    _no_failure(at)
    assert list(groups) == ["objectif", "dossier", "jury"]
    groups_cr, objective_cr, dossier_cr, jury_cr = _block_crs(at)
    assert (groups_cr, objective_cr, dossier_cr) == ("0,000",) * 3 and float(jury_cr.replace(",", ".")) > 0.10
    marked = [s for s in at.select_slider if s.label.startswith("⚠")]
    assert len(marked) == 1 and marked[0].key in {"pond_w_ahp_J01_J02", "pond_w_ahp_J02_J03", "pond_w_ahp_J01_J03"}
    # The weights are the hierarchic composition of the blocks.
    profile = at.session_state[f"profile_{CALL}"]
    expected = ahp.weights(usable, profile.weighting, mv.criteria_by_group(inputs))
    assert profile.weights == pytest.approx(expected.weights.to_dict(), abs=1e-9)
    assert profile.weighting["structure"] == "groupes"

    # « profil du jury » with CR > 0,10: asked to confirm, then saved and journalled.
    at.button(key="pond_save_jury").click().run()
    _no_failure(at)
    assert any("incohérentes" in rendered(w.value) for w in at.warning)
    assert JURY_PROFILE not in set(demo.weight_profiles(president, CALL)["name"])
    at.button(key="pond_confirm_jury").click().run()
    _no_failure(at)
    saved = demo.weight_profiles(president, CALL).set_index("name")
    assert saved.at[JURY_PROFILE, "profile"]["weighting"]["structure"] == "groupes"
    log = demo.audit_log(OPERATOR)
    entry = log.iloc[-1]
    assert entry["action"] == "profil AHP incohérent confirmé" and entry["actor"] == president.login
    assert "Notes du jury : CR = " in entry["after"]


def test_a_flat_ahp_profile_saved_before_the_groups_still_loads(demo: Store) -> None:
    juror = _actor(demo, "jure")
    criteria = ["C01", "C02", "D01", "J01"]
    judgements = {"C01|C02": "3", "C01|D01": "5", "C01|J01": "1/2", "C02|D01": "2", "C02|J01": "1/4",
                  "D01|J01": "1/7"}
    old = {"method": "wsm", "enabled": criteria, "weights": dict.fromkeys(criteria, 0.25), "preferences": {},
           "v": 0.5, "missing": "mean", "weighting": {"mode": "ahp", "pairwise": judgements}}
    demo.save_weight_profile(juror, CALL, "ancien profil AHP", old)
    at = _tab(_page("ponderation", juror).run(), "Charger")
    at.selectbox(key="pond_load_choice").set_value("ancien profil AHP")
    at.button(key="pond_load").click().run()
    _no_failure(at)
    assert at.radio(key="pond_w_ahp_structure").value == "plat"
    expected = scoring.weights("ahp", pairwise=ahp.ahp_matrix(criteria, judgements))
    weights = at.session_state[f"profile_{CALL}"].weights
    assert weights == pytest.approx(expected.weights.to_dict(), abs=1e-9)
    assert at.select_slider(key="pond_w_ahp_C01_J01").value == "1/2"


def test_roc_order_and_objective_modes(demo: Store) -> None:
    juror = _actor(demo, "jure")
    at = _page("ponderation", juror).run()
    _enable(at, ["C02", "C03", "C04"])
    at.radio(key="pond_w_mode").set_value("roc").run()
    at.multiselect(key="pond_w_roc_order").set_value(["C04"]).run()
    _no_failure(at)
    weights = at.session_state[f"profile_{CALL}"].weights
    assert weights["C04"] == pytest.approx(11 / 18) and weights["C02"] == pytest.approx(5 / 18)
    assert any("Placés en fin d'ordre" in rendered(c.value) for c in at.caption)
    for mode in ("entropy", "critic"):
        at.radio(key="pond_w_mode").set_value(mode).run()
        _no_failure(at)
        weights = at.session_state[f"profile_{CALL}"].weights
        assert sum(weights.values()) == pytest.approx(1.0) and len({round(w, 6) for w in weights.values()}) > 1


def _refused_and_kept(at: AppTest, previous: WeightProfile, message: str) -> None:
    """The editor's settings were refused with `message`; the page says the previous profile
    remains, and it is still the session's current profile."""
    assert not at.exception, at.exception
    assert any(message in rendered(e.value) for e in at.error), [rendered(e.value) for e in at.error]
    assert any(i.value.startswith("Le profil courant reste le précédent") for i in at.info), \
        [rendered(i.value) for i in at.info]
    assert at.session_state[f"profile_{CALL}"] == previous
    assert not at.dataframe or all("Poids" not in d.value.columns for d in at.dataframe)  # the page stopped


def test_no_criterion_enabled_keeps_the_previous_profile(demo: Store) -> None:
    juror = _actor(demo, "jure")
    at = _page("ponderation", juror).run()
    previous = at.session_state[f"profile_{CALL}"]
    _enable(at, [])
    at.run()
    _refused_and_kept(at, previous, "Aucun critère actif : activez au moins un critère.")
    # Switching a criterion back on makes the edited profile current again.
    _enable(at, ["C02"])
    at.run()
    _no_failure(at)
    assert at.session_state[f"profile_{CALL}"].enabled == ("C02",)


def test_weighting_error_keeps_the_previous_profile(demo: Store) -> None:
    juror = _actor(demo, "jure")
    at = _page("ponderation", juror).run()
    _enable(at, ["C02", "C03"])
    at.radio(key="pond_w_mode").set_value("points").run()
    _no_failure(at)
    previous = at.session_state[f"profile_{CALL}"]
    assert previous.weighting["mode"] == "points" and previous.enabled == ("C02", "C03")
    at.slider(key="pond_w_points_C02").set_value(0)
    at.slider(key="pond_w_points_C03").set_value(0).run()
    _refused_and_kept(at, previous, "la somme des points est nulle")


def test_bad_promethee_threshold_keeps_the_previous_profile(demo: Store) -> None:
    juror = _actor(demo, "jure")
    at = _page("ponderation", juror).run()
    at.selectbox(key="pond_w_method").set_value("promethee2").run()
    _no_failure(at)
    previous = at.session_state[f"profile_{CALL}"]
    assert previous.method == "promethee2"
    at.selectbox(key="pond_w_fn_C02").set_value("linear")
    at.number_input(key="pond_w_p_C02").set_value(1.0)
    at.number_input(key="pond_w_q_C02").set_value(60.0).run()
    _refused_and_kept(at, previous, "C02 — ")


def test_juror_cannot_save_the_jury_profile_but_saves_their_own(demo: Store) -> None:
    juror = _actor(demo, "jure")
    at = _page("ponderation", juror).run()
    assert "pond_save_jury" not in [b.key for b in at.button]
    at.text_input(key="pond_save_name").input(JURY_PROFILE)
    at.button(key="pond_save").click().run()
    assert at.error and "réservé" in rendered(at.error[0].value)
    assert demo.weight_profile(OPERATOR, CALL, JURY_PROFILE) is None
    at.text_input(key="pond_save_name").input("Mon essai")
    at.button(key="pond_save").click().run()
    _no_failure(at)
    assert at.success and "Mon essai" in rendered(at.success[0].value)
    saved = demo.weight_profiles(OPERATOR, CALL).set_index("name")
    assert saved.at["Mon essai", "owner"] == juror.login
    assert WeightProfile.from_dict(saved.at["Mon essai", "profile"]) == at.session_state[f"profile_{CALL}"]


def test_president_saves_the_jury_profile_and_it_becomes_the_reference(demo: Store) -> None:
    president = _actor(demo, "president")
    at = _page("ponderation", president).run()
    at.selectbox(key="pond_w_method").set_value("vikor").run()
    at.button(key="pond_save_jury").click().run()
    _no_failure(at)
    stored = demo.weight_profile(OPERATOR, CALL, JURY_PROFILE)
    assert stored is not None and WeightProfile.from_dict(stored).method == "vikor"
    # A new session starts from « profil du jury », in the editor and as /classement's reference.
    juror = _actor(demo, "jure")
    fresh = _page("ponderation", juror).run()
    assert fresh.selectbox(key="pond_w_method").value == "vikor"
    ranking = _page("classement", juror).run()
    _no_failure(ranking)
    assert ranking.selectbox(key=f"classement_reference_{CALL}").value == JURY_PROFILE
    assert set(_ranking(ranking)["Évolution"]) == {"="}


def test_direction_reads_without_save_buttons(demo: Store) -> None:
    direction = _actor(demo, "direction")
    at = _page("ponderation", direction).run()
    _no_failure(at)
    keys = [b.key for b in at.button]
    assert "pond_save" not in keys and "pond_save_jury" not in keys
    assert any("Consultation seule" in rendered(i.value) for i in at.info)
    assert "pond_load" in [b.key for b in _tab(at, "Charger").button]


def test_load_resets_the_editor_and_compare_shows_both_profiles(demo: Store) -> None:
    juror = _actor(demo, "jure")
    inputs = _inputs(demo, juror)
    saved = WeightProfile(method="topsis", weights={"C02": 3.0, "J02": 1.0}, enabled=("C02", "J02"),
                          weighting={"mode": "points", "points": {"C02": 9, "J02": 3}})
    demo.save_weight_profile(juror, CALL, "Distance d'abord", saved.to_dict())
    at = _page("ponderation", juror).run()
    assert at.selectbox(key="pond_w_method").value == "wsm"
    assert "pond_load_choice" not in [b.key for b in at.selectbox]   # the closed tabs are not drawn
    at = _tab(at, "Charger")
    at.selectbox(key="pond_load_choice").set_value("Distance d'abord")
    at.button(key="pond_load").click().run()
    _no_failure(at)
    assert "Distance d'abord" in rendered(at.success[0].value)
    assert at.selectbox(key="pond_w_method").value == "topsis"
    assert at.radio(key="pond_w_mode").value == "points"
    assert at.slider(key="pond_w_points_C02").value == 9
    assert [t.key for t in at.toggle if t.value] == ["pond_w_on_C02", "pond_w_on_J02"]
    assert at.session_state[f"profile_{CALL}"].weights == pytest.approx({"C02": 0.75, "J02": 0.25})

    at = _tab(at, "Comparer")
    at.selectbox(key="pond_compare_with").set_value("poids égaux").run()
    _no_failure(at)
    table = _frame_with(at, "Écart (points)").set_index("Critère")
    assert table.at[mv.criterion_labels(inputs)["C02"], "Profil courant"] == "75,0\u00a0%"
    metrics = {rendered(m.label): rendered(m.value) for m in at.metric}
    assert re.fullmatch(r"−?\d,\d\d", metrics["Corrélation des rangs (Spearman)"])
    overlap = metrics["Dossiers communs aux 10 premiers"]
    expected = mv.compare_profiles(inputs, at.session_state[f"profile_{CALL}"], decision.default_profile(inputs),
                                   decision.rank_call(inputs, at.session_state[f"profile_{CALL}"]),
                                   decision.rank_call(inputs, decision.default_profile(inputs)), 10)
    assert overlap == f"{expected.overlap} / 10" and expected.overlap < 10


# ---------------------------------------------------------------- /classement


def test_classement_filters_rows_not_ranks(demo: Store) -> None:
    juror = _actor(demo, "jure")
    at = _page("classement", juror).run()
    _no_failure(at)
    full = _ranking(at).set_index("N° dossier")
    region = full["Région"].value_counts().index[0]
    at.multiselect(key="classement_f_region").set_value([region]).run()
    shown = _ranking(at).set_index("N° dossier")
    assert 0 < len(shown) < len(full) and set(shown["Région"]) == {region}
    assert (shown["Rang"] == full.loc[shown.index, "Rang"]).all()
    assert _leader(at) == full.iloc[0]["Dossier"]  # the leader is the call's, not the filter's
    at.multiselect(key="classement_f_region").set_value([])
    at.selectbox(key="classement_f_overseas").set_value("Oui").run()
    overseas = _ranking(at).set_index("N° dossier")
    inputs = _inputs(demo)
    assert set(overseas.index) == {d for d in full.index if inputs.attributes.at[d, "overseas"] == 1}
    assert (overseas["Rang"] == full.loc[overseas.index, "Rang"]).all()
    at.selectbox(key="classement_f_overseas").set_value("Tous")
    at.selectbox(key="classement_f_ti").set_value("Non").run()
    assert set(_ranking(at)["N° dossier"]) == {d for d in full.index if inputs.attributes.at[d, "ti"] == 0}


def test_ineligible_dossiers_are_listed_apart_and_derogations_flagged(demo: Store) -> None:
    juror = _actor(demo, "jure")
    inputs = _inputs(demo, juror)
    at = _page("classement", juror).run()
    _no_failure(at)
    ranked = set(_ranking(at)["N° dossier"])
    ineligible = _frame_with(at, mv.INELIGIBLE_REASON)
    expected = set(inputs.eligibility.index[inputs.eligibility["status"] == decision.INELIGIBLE])
    assert expected and set(ineligible["N° dossier"]) == expected and not expected & ranked
    assert all(re.match(r"E0\d — ", reason) for reason in ineligible[mv.INELIGIBLE_REASON])
    derogations = set(inputs.eligibility.index[inputs.eligibility["status"] == decision.DEROGATION])
    assert derogations and derogations <= ranked
    table = _ranking(at).set_index("N° dossier")
    assert set(table.loc[list(derogations), "Éligibilité"]) == {decision.DEROGATION}
    assert set(_frame_with(at, mv.DEROGATION_REASON)["N° dossier"]) == derogations
    assert any("dérogation à examiner" in rendered(i.value) for i in at.info)


def test_classement_contributions_and_rank_changes(demo: Store) -> None:
    juror = _actor(demo, "jure")
    inputs = _inputs(demo, juror)
    profile = WeightProfile(weights={"C02": 5.0, "J02": 1.0, "D03": 1.0}, enabled=("C02", "J02", "D03"))
    at = _page("classement", juror, profile).run()
    _no_failure(at)
    assert at.selectbox(key=f"classement_reference_{CALL}").value == "poids égaux"
    table = _ranking(at).set_index("N° dossier")
    reference = decision.rank_call(inputs, decision.default_profile(inputs)).ranks
    for dossier in table.index[:10]:
        change = int(reference[dossier] - table.at[dossier, "Rang"])
        assert table.at[dossier, "Évolution"] == mv.rank_change_label(change)
    assert any(v.startswith("▲") for v in table["Évolution"]) and any(v.startswith("▼") for v in table["Évolution"])
    assert re.fullmatch(r"0,\d{3}", _shown_ranking(at).iloc[0]["Score"])
    # The score is a number underneath (it sorts as one), shown in French.
    assert table["Score"].dtype == float and table["Score"].is_monotonic_decreasing
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [t["type"] for t in chart["data"]] == ["bar"] * 3
    assert chart["data"][0]["name"].startswith("C02 — Distance") and chart["layout"]["barmode"] == "relative"
    # The bars are the contributions of the first 20 rows, in the table's order.
    first = table.index[0]
    shown = sum(_numbers(t["x"])[0] for t in chart["data"])
    assert shown == pytest.approx(decision.rank_call(inputs, profile).scores[first])
    assert any("s'additionnent jusqu'au score" in rendered(c.value) for c in at.caption)


# ---------------------------------------------------------------- /comparer


def test_comparer_explains_the_top_two(demo: Store) -> None:
    juror = _actor(demo, "jure")
    inputs = _inputs(demo, juror)
    at = _page("comparer", juror).run()
    _no_failure(at)
    result = decision.rank_call(inputs, decision.default_profile(inputs))
    top = result.ranks.sort_values(kind="stable").index[:2].tolist()
    assert at.multiselect(key=f"comparer_dossiers_{CALL}").value == top
    names = [inputs.attributes.at[d, "display_name"] for d in top]
    sentences = [rendered(m.value) for m in at.markdown if "devance" in m.value]
    assert len(sentences) == 1
    sentence = sentences[0]
    assert sentence.startswith(f"- {names[0]} devance {names[1]} de ")
    gap = f"{result.scores[top[0]] - result.scores[top[1]]:.3f}".replace(".", ",")
    assert f"de {gap} point" in sentence and re.search(r"\(\+\d,\d{3}\)", sentence)
    radar = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [t["type"] for t in radar["data"]] == ["scatterpolar"] * 2
    assert [t["name"] for t in radar["data"]] == [f"{i + 1}. {n}" for i, n in enumerate(names)]
    table = _frame_with(at, "Poids")
    assert list(table.columns) == ["Critère", "Poids", *names]


def test_comparer_takes_up_to_four_and_explains_other_methods(demo: Store) -> None:
    juror = _actor(demo, "jure")
    inputs = _inputs(demo, juror)
    profile = WeightProfile(method="topsis", weights=decision.default_profile(inputs).weights,
                            enabled=decision.default_profile(inputs).enabled)
    at = _page("comparer", juror, profile).run()
    picker = at.multiselect(key=f"comparer_dossiers_{CALL}")
    assert picker.proto.max_selections == 4
    chosen = decision.rank_call(inputs, profile).ranks.sort_values(kind="stable").index[[0, 5, 9]].tolist()
    picker.set_value(chosen).run()
    _no_failure(at)
    sentences = [rendered(m.value) for m in at.markdown if "devance" in m.value or "égalité" in m.value]
    assert len(sentences) == 3
    assert all("TOPSIS n'est pas additive" in s for s in sentences)
    assert len(json.loads(at.get("plotly_chart")[0].proto.spec)["data"]) == 3
    picker = at.multiselect(key=f"comparer_dossiers_{CALL}")
    picker.set_value(chosen[:1]).run()
    assert any("au moins deux" in rendered(i.value) for i in at.info)
