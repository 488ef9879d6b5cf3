"""AppTest of /sensibilite and /liste-restreinte on the demo call (AMI 1)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import plotly.io
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import decision
from dashboard.core.decision import INELIGIBLE, AggregationSettings
from dashboard.services import meeting
from dashboard.store import Store
from dashboard.store.access import OPERATOR
from tests.helpers.apptest import account, catch_downloads, signed_in_page
from tests.helpers.rendered import rendered, rendered_frame

PAGES = Path(__file__).resolve().parents[2] / "dashboard" / "pages"
SENSITIVITY = str(PAGES / "sensibilite.py")
SHORTLIST = str(PAGES / "liste_restreinte.py")
CALL = "AMI1"


@pytest.fixture
def demo(demo_app_store: Store) -> Store:
    return demo_app_store


def _page(path: str, actor) -> AppTest:
    return signed_in_page(path, actor, CALL)


def _eligible(store: Store) -> pd.DataFrame:
    """Eligible dossiers of the call with their région and overseas flag, from the store."""
    dossiers = store.dossiers(OPERATOR, CALL)
    status = decision.eligibility(pd.Index(dossiers["dossier_id"]), store.criterion_values(OPERATOR, CALL),
                                  store.criteria())["status"]
    frame = dossiers.set_index("dossier_id")
    return frame.loc[status.index[status != INELIGIBLE], ["display_name", "region_code", "region_name", "overseas"]]


def _table(at: AppTest, column: str) -> pd.DataFrame:
    """The first table (interactive or static) of the page that has `column` (a static one as it reads)."""
    for value in [*(rendered_frame(t.value) for t in at.table), *(d.value for d in at.dataframe)]:
        if column in value.columns:
            return value
    raise AssertionError(f"no table with a « {column} » column")


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


# --------------------------------------------------------------------------- /sensibilite


def test_sensitivity_top_n_probabilities_are_bounded_and_seeded(demo: Store) -> None:
    direction = account(demo, "direction")
    at = _page(SENSITIVITY, direction).run()
    _no_exception(at)
    eligible = _eligible(demo)
    at.number_input(key="sens_top").set_value(20)
    at.run()
    first = _table(at, "Probabilité")
    assert len(first) == len(eligible) and set(first.index) == set(eligible.index)
    assert first["Probabilité"].between(0, 1).all()
    # P(rank ≤ 20) summed over the dossiers is the expected size of the top 20: at least 20.
    assert first["Probabilité"].sum() == pytest.approx(20, abs=0.5)
    assert first["Probabilité"].min() < 0.5 < first["Probabilité"].max()
    assert len(at.get("plotly_chart")) == 2

    again = _page(SENSITIVITY, direction).run()
    again.number_input(key="sens_top").set_value(20)
    again.run()
    pd.testing.assert_frame_equal(_table(again, "Probabilité"), first)

    again.number_input(key="sens_seed").set_value(2).run()
    other = _table(again, "Probabilité")
    assert not other["Probabilité"].equals(first.loc[other.index, "Probabilité"])
    assert other["Probabilité"].between(0, 1).all()


def test_sensitivity_concentration_and_draws(demo: Store) -> None:
    president = account(demo, "helene.marchetti")
    at = _page(SENSITIVITY, president).run()
    _no_exception(at)
    uniform = _table(at, "Probabilité")["Probabilité"]
    at.select_slider(key="sens_draws").set_value(10_000)
    at.number_input(key="sens_concentration").set_value(200.0)
    at.run()
    _no_exception(at)
    concentrated = _table(at, "Probabilité")["Probabilité"]
    assert concentrated.between(0, 1).all()
    # Close to the current weights, the top N is far more certain than with uniform weights.
    def certain(p: pd.Series) -> int:
        return int(((p < 0.05) | (p > 0.95)).sum())

    assert certain(concentrated) > certain(uniform.loc[concentrated.index])
    assert "10\u202f000 tirages" in " ".join(rendered(c.value) for c in at.caption)
    tornado = plotly.io.from_json(at.get("plotly_chart")[0].proto.spec)
    assert [trace.name for trace in tornado.data] == ["Intervalle de stabilité", "Poids actuel"]
    bars, marker = tornado.data
    assert len(bars.y) == len(at.session_state["profile_AMI1"].enabled) > 1
    low, high = np.asarray(bars.base, dtype=float), np.asarray(bars.base, dtype=float) + np.asarray(bars.x)
    weight = np.asarray(marker.x, dtype=float)
    assert (low >= 0).all() and (high <= 100 + 1e-9).all() and (low <= weight + 1e-9).all() \
        and (weight <= high + 1e-9).all()


def test_a_tie_for_the_last_place_of_the_top_n_is_named(demo: Store) -> None:
    direction = account(demo, "direction")
    inputs = meeting.call_inputs(demo, direction, meeting.load_call(demo, direction, CALL), AggregationSettings())
    # All the weight on D03 (a count with few distinct values): its equal values tie.
    d03 = inputs.matrix.loc[inputs.eligible_ids, "D03"]
    groups = d03.value_counts().sort_index(ascending=False)
    tied_group = next(k for k in range(1, len(groups)) if groups.iloc[k] > 1)
    top = int(groups.iloc[:tied_group].sum()) + 1
    tied = set(d03.index[d03 == groups.index[tied_group]])
    at = _page(SENSITIVITY, direction).run()
    at.session_state["profile_AMI1"] = replace(at.session_state["profile_AMI1"], enabled=("D03", "C03"),
                                               weights={"D03": 1.0, "C03": 0.0}, weighting={"mode": "points"})
    at.run()
    at.number_input(key="sens_top").set_value(top).run()
    _no_exception(at)
    notices = [rendered(i.value) for i in at.info if "Égalité" in i.value]
    assert len(notices) == 1, [i.value for i in at.info]
    names = inputs.display_names
    assert notices[0].startswith(f"Égalité pour la {top}e place entre ")
    assert all(names[i] in notices[0] for i in tied)
    in_top = top - 1 + len(tied)
    assert notices[0].endswith(f"les {top} premiers comptent donc {in_top} dossiers.")
    table = _table(at, "Dans les N premiers aujourd'hui")
    assert set(table.index[table["Dans les N premiers aujourd'hui"] == "oui"]) \
        == set(d03.index[d03 >= groups.index[tied_group]])

    at.number_input(key="sens_top").set_value(top - 1).run()  # the boundary between two values: no tie
    assert not [i.value for i in at.info if "Égalité" in i.value]


# --------------------------------------------------------------------------- /liste-restreinte


def test_every_region_puts_each_region_with_an_eligible_dossier_in_the_selection(demo: Store) -> None:
    president = account(demo, "helene.marchetti")
    at = _page(SHORTLIST, president).run()
    _no_exception(at)
    eligible = _eligible(demo)
    # The 18 régions as the programme counts them: Saint-Martin (978) is a collectivité, not one.
    regions = set(eligible.loc[eligible["region_code"] != "978", "region_name"])
    assert len(regions) == 18
    assert at.toggle(key=f"sl_every_metro_region_{CALL}").value  # the 2019 proportions by default
    assert at.toggle(key=f"sl_every_region_{CALL}").label == "Toutes les régions (18)"
    assert at.toggle(key=f"sl_every_metro_region_{CALL}").label == "Toutes les régions métropolitaines (13)"
    at.number_input(key=f"sl_size_{CALL}").set_value(20)
    at.toggle(key=f"sl_every_region_{CALL}").set_value(False)
    at.toggle(key=f"sl_every_metro_region_{CALL}").set_value(False)
    at.number_input(key=f"sl_min_overseas_{CALL}").set_value(0)
    at.slider(key=f"sl_ti_share_{CALL}").set_value(0)
    at.run()
    plain = _table(at, "Région")
    assert len(plain) == 20 and not regions <= set(plain["Région"])

    at.toggle(key=f"sl_every_region_{CALL}").set_value(True).run()
    _no_exception(at)
    selection = _table(at, "Région")
    assert len(selection) == 20 and regions <= set(selection["Région"])
    swaps = _table(at, "Contrainte en cause")
    assert len(swaps) > 0 and swaps["Contrainte en cause"].str.contains("par région").all()
    lost = next(m.value for m in at.metric if m.label == "Score cédé")
    assert lost != "0,000" and "," in lost
    state = at.session_state[f"shortlist_{CALL}"]
    assert state["selected"] == list(selection.index)
    assert state["constraints"]["min_per_group"] == {"region": 1}
    assert next(m.value for m in at.metric if m.label == "Régions représentées") == "18 / 18"


def test_impossible_constraint_shows_the_conflict_in_french(demo: Store) -> None:
    president = account(demo, "helene.marchetti")
    at = _page(SHORTLIST, president).run()
    at.number_input(key=f"sl_size_{CALL}").set_value(5)
    at.number_input(key=f"sl_min_overseas_{CALL}").set_value(6)
    at.run()
    _no_exception(at)
    messages = [rendered(e.value) for e in at.error]
    assert any(m.startswith("Contraintes incompatibles") and "au moins 6 dossiers : outre-mer" in m
               and "taille de la sélection : 5 dossiers" in m for m in messages), messages
    assert at.session_state[f"shortlist_{CALL}"]["selected"] == []
    assert not at.get("download_button")


def test_forcing_needs_a_justification_then_enters_the_selection_and_the_log(demo: Store) -> None:
    president = account(demo, "helene.marchetti")
    at = _page(SHORTLIST, president).run()
    at.number_input(key=f"sl_size_{CALL}").set_value(10)
    at.toggle(key=f"sl_every_metro_region_{CALL}").set_value(False)
    at.number_input(key=f"sl_min_overseas_{CALL}").set_value(0)
    at.toggle(key=f"sl_every_region_{CALL}").set_value(False).run()
    selection = _table(at, "Dans les N premiers")
    dossier = next(d for d in _eligible(demo).index if d not in selection.index)
    assert len(at.selectbox(key=f"forcing_dossier_{CALL}").options) == len(_eligible(demo))
    log_before = len(demo.audit_log(OPERATOR))

    at.selectbox(key=f"forcing_dossier_{CALL}").set_value(dossier)
    at.radio(key=f"forcing_kind_{CALL}").set_value("force_in")
    at.button(key=f"forcing_submit_{CALL}").click().run()
    _no_exception(at)
    assert any("justification est obligatoire" in rendered(e.value) for e in at.error)
    assert demo.forcings(president, CALL).empty
    assert len(demo.audit_log(OPERATOR)) == log_before
    assert dossier not in _table(at, "Dans les N premiers").index

    at.selectbox(key=f"forcing_dossier_{CALL}").set_value(dossier)
    at.radio(key=f"forcing_kind_{CALL}").set_value("force_in")
    at.text_area(key=f"forcing_justification_{CALL}").input("Seule candidature du bassin minier")
    at.button(key=f"forcing_submit_{CALL}").click().run()
    _no_exception(at)
    stored = demo.forcings(president, CALL)
    assert list(stored["dossier_id"]) == [dossier] and stored.iloc[0]["kind"] == "force_in"
    assert dossier in _table(at, "Dans les N premiers").index
    forced = _table(at, "Justification")
    assert forced.loc[dossier, "Par"] == "helene.marchetti" and forced.loc[dossier, "Forçage"] == "imposé"
    log = demo.audit_log(OPERATOR)
    entry = log.iloc[-1]
    assert entry["action"] == "forçage de la liste restreinte" and entry["actor"] == "helene.marchetti"
    assert "Seule candidature du bassin minier" in entry["after"]
    swaps = _table(at, "Contrainte en cause")
    assert swaps["Contrainte en cause"].str.contains("dossier imposé").any()

    at.selectbox(key=f"release_dossier_{CALL}").set_value(dossier)
    at.button(key=f"release_{CALL}").click().run()
    _no_exception(at)
    assert demo.forcings(president, CALL).empty
    assert dossier not in _table(at, "Dans les N premiers").index


def _decision_form_key(at: AppTest, dossier: str) -> str:
    """The key of the decision form drawn for `dossier` (one per recorded state of it)."""
    [radio] = [r for r in at.radio if r.key and r.key.startswith(f"decision_{CALL}_{dossier}_")]
    return str(radio.key).removesuffix("_decision")


def test_a_decision_is_recorded_one_dossier_at_a_time_and_nothing_typed_is_dropped(demo: Store) -> None:
    president = account(demo, "helene.marchetti")
    at = _page(SHORTLIST, president).run()
    _no_exception(at)
    assert not at.data_editor
    selection = _table(at, "Dans les N premiers")
    first, outside = selection.index[0], _eligible(demo).index.difference(selection.index)[0]
    chooser = at.selectbox(key=f"decision_dossier_{CALL}")
    assert chooser.value == first  # by rank
    key = _decision_form_key(at, first)
    assert at.radio(key=f"{key}_decision").value == "retenu"  # from the selection
    chooser.set_value(outside).run()
    key = _decision_form_key(at, outside)
    assert at.radio(key=f"{key}_decision").value == "non retenu"

    # without a rationale: refused, naming the dossier « Nom (dép.) »; what was chosen stays
    at.radio(key=f"{key}_decision").set_value("ajourné – accompagnement proposé")
    at.button(key=f"{key}_save").click().run()
    _no_exception(at)
    name = demo.dossier_label(outside)
    assert any(f"La motivation de la décision sur « {name} » est obligatoire" in rendered(e.value)
               for e in at.error)
    assert demo.decisions(president, CALL).empty
    assert at.radio(key=f"{key}_decision").value == "ajourné – accompagnement proposé"

    at.text_area(key=f"{key}_rationale").input("Projet à consolider avec la CCI")
    at.button(key=f"{key}_save").click().run()
    _no_exception(at)
    assert any(f"Décision enregistrée pour « {name} »" in rendered(s.value) for s in at.success)
    stored = demo.decisions(president, CALL)
    assert list(stored["dossier_id"]) == [outside]
    assert stored.iloc[0][["decision", "rationale"]].tolist() == ["ajourné – accompagnement proposé",
                                                                 "Projet à consolider avec la CCI"]
    assert pd.isna(stored.iloc[0]["seance_id"])  # no séance open
    recorded = _table(at, "Le")
    assert recorded.loc[outside, "Décision"] == "ajourné – accompagnement proposé"
    assert recorded.loc[outside, "Séance"] == "hors séance"
    # the form now starts from what was recorded
    key = _decision_form_key(at, outside)
    assert at.text_area(key=f"{key}_rationale").value == "Projet à consolider avec la CCI"
    assert any(a == "décision" for a in demo.audit_log(OPERATOR)["action"])


@pytest.mark.parametrize("login", ["direction", "celine.ravaud"])
def test_readers_see_no_write_controls(demo: Store, login: str) -> None:
    president = account(demo, "helene.marchetti")
    dossier = _eligible(demo).index[0]
    demo.record_decision(president, CALL, dossier, "retenu", "Dossier exemplaire")
    at = _page(SHORTLIST, account(demo, login)).run()
    _no_exception(at)
    assert not at.text_area and not at.data_editor and not at.radio
    assert all(b.key is None or not b.key.startswith(("forcing", "release", "decision")) for b in at.button)
    assert all(f.editing_mode == "read_only" for f in at.dataframe)
    assert _table(at, "Motivation").loc[dossier, "Motivation"] == "Dossier exemplaire"
    assert len(_table(at, "Dans les N premiers")) > 0
    assert [b.label for b in at.get("download_button")] == ["Exporter le classeur", "Télécharger en PDF"]


def _served_export(store: Store, login: str, monkeypatch: pytest.MonkeyPatch, keep: bool | None) -> bytes:
    """The workbook the page's button serves once « Anonymiser » is on (and « Garder les motifs »
    set to `keep`, None when the switch must not be offered)."""
    served = catch_downloads(monkeypatch)
    at = _page(SHORTLIST, account(store, login)).run()
    at.toggle(key=f"export_anonymise_{CALL}").set_value(True).run()
    keep_keys = [t.key for t in at.toggle if t.key == f"export_keep_motives_{CALL}"]
    if keep is None:
        assert not keep_keys
    else:
        assert keep_keys
        at.toggle(key=f"export_keep_motives_{CALL}").set_value(keep).run()
    _no_exception(at)
    return served["data"]()


@pytest.mark.parametrize(("login", "keep", "motive_shown"), [
    ("helene.marchetti", None, False), ("admin", False, False), ("admin", True, True)])
def test_an_anonymised_export_hides_the_motives_unless_the_administration_keeps_them(
        demo: Store, monkeypatch: pytest.MonkeyPatch, login: str, keep: bool | None, motive_shown: bool) -> None:
    motive = "A accompagné la préparation du dossier (témoin)"
    dossier = _eligible(demo).index[0]
    demo.add_recusal(OPERATOR, "JUR-06", dossier, motive, date(2019, 9, 1))
    workbook = openpyxl.load_workbook(io.BytesIO(_served_export(demo, login, monkeypatch, keep)))
    register = [str(c.value) for row in workbook["Conflits d'intérêts"].iter_rows() for c in row if c.value]
    assert (motive in " ".join(register)) is motive_shown
    assert ("motif non communiqué" in " ".join(register)) is not motive_shown
    assert not any("Delorme" in cell for cell in register)
    # The demo's motives name organisations (« … pour l'AdCF »): kept only when asked for.
    assert any("AdCF" in cell for cell in register) is motive_shown
