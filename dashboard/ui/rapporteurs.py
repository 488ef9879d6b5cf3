"""« Rapporteurs » on /administration: share a call's dossiers between rapporteurs (what
`jury assign` does), see each juror's load, replace one rapporteur by hand, and reserve the
rating to rapporteurs. The rules and their refusals are the store's."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.core.formatting import fr_count, fr_datetime, fr_number
from dashboard.core.text import md, md_format
from dashboard.errors import JuryError
from dashboard.services.meeting import CallData
from dashboard.services.rapporteurs import assign_rapporteurs, rule_breaks
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.store.rapporteurs import RapporteurPlan
from dashboard.ui.server import show_refusal

NOTICE_KEY = "rapporteurs_notice"


def _plan_caption(plan: RapporteurPlan | None) -> str:
    if plan is None:
        return "Aucun rapporteur n'est désigné pour cet appel : chaque juré note tous les dossiers qu'il peut noter."
    cap = ("sans plafond" if plan.max_load is None
           else f"au plus {fr_count(plan.max_load, 'dossier')} chacun")
    return (f"{fr_number(plan.per_dossier)} rapporteur(s) par dossier éligible, {cap}, présidence "
            f"{'comprise' if plan.with_president else 'non comprise'} ; répartition du {fr_datetime(plan.set_at)} "
            f"par {plan.set_by}.")


def _render_assign_form(store: Store, actor: Actor, call_id: str, plan: RapporteurPlan | None) -> None:
    """« Répartir les rapporteurs »: k, the cap, the president, a reset; solved and stored whole."""
    with st.form("rapporteurs_assign"):
        left, middle = st.columns(2)
        per_dossier = left.number_input("Rapporteurs par dossier", min_value=1, max_value=20, step=1,
                                        value=plan.per_dossier if plan else 2, key="rapporteurs_k")
        max_load = middle.number_input("Plafond par rapporteur (0 : sans plafond)", min_value=0, step=1,
                                       value=plan.max_load or 0 if plan else 0, key="rapporteurs_cap")
        with_president = st.checkbox("La présidence est aussi rapporteur", key="rapporteurs_president",
                                     value=plan.with_president if plan else False)
        reset = st.checkbox("Repartir de zéro (les remplacements faits à la main ne sont pas gardés)",
                            key="rapporteurs_reset")
        if st.form_submit_button("Répartir les rapporteurs", type="primary"):
            try:
                report = assign_rapporteurs(store, actor, call_id, int(per_dossier), int(max_load) or None,
                                            bool(with_president), bool(reset))
            except JuryError as exc:
                show_refusal(exc)
            else:
                st.session_state[NOTICE_KEY] = ("success", " ".join(report.lines()[:2]))
                st.rerun()


def _render_loads(rapporteurs: pd.DataFrame, juror_names: dict[str, str]) -> None:
    """Each juror's load, and how many of their dossiers were given by hand."""
    loads = rapporteurs.groupby("juror_id").agg(dossiers=("dossier_id", "size"), manual=("manual", "sum"))
    st.dataframe(pd.DataFrame({
        "Juré": [juror_names.get(j, j) for j in juror_names],
        "Dossiers": [int(loads["dossiers"].get(j, 0)) for j in juror_names],
        "Dont désignés à la main": [int(loads["manual"].get(j, 0)) for j in juror_names]}),
        hide_index=True, width="stretch", key="rapporteurs_loads")


def _render_assignment(rapporteurs: pd.DataFrame, names: dict[str, str]) -> None:
    by_dossier = rapporteurs.groupby("dossier_id")
    st.dataframe(pd.DataFrame({
        "Dossier": list(by_dossier.groups),
        "Nom": [names.get(str(d), "") for d in by_dossier.groups],
        "Rapporteurs": [", ".join(group["juror_name"] + group["manual"].map({True: " (à la main)", False: ""}))
                        for _, group in by_dossier]}),
        hide_index=True, width="stretch", key="rapporteurs_table")


def _render_swap(store: Store, actor: Actor, rapporteurs: pd.DataFrame, juror_names: dict[str, str],
                 names: dict[str, str]) -> None:
    """Replace one rapporteur of a dossier by another juror (refused by the store when a rule forbids it)."""
    st.markdown("#### Remplacer un rapporteur")
    dossiers = sorted(set(rapporteurs["dossier_id"]))
    left, middle, right = st.columns(3)
    dossier = left.selectbox("Dossier", dossiers, key="rapporteurs_swap_dossier",
                             format_func=lambda d: f"{d} — {names.get(d, '')}")
    current = rapporteurs.loc[rapporteurs["dossier_id"] == dossier, "juror_id"].tolist()
    leaving = middle.selectbox("Rapporteur remplacé", current, key=f"rapporteurs_swap_out_{dossier}",
                               format_func=lambda j: juror_names.get(j, j))
    others = [j for j in juror_names if j not in current]
    joining = right.selectbox("Par", others, key=f"rapporteurs_swap_in_{dossier}",
                              format_func=lambda j: juror_names.get(j, j))
    if st.button("Remplacer", key="rapporteurs_swap_go") and leaving and joining:
        try:
            store.swap_rapporteur(actor, dossier, leaving, joining)
        except JuryError as exc:
            show_refusal(exc)
        else:
            st.session_state[NOTICE_KEY] = ("success", f"Dossier {dossier} : {juror_names.get(joining, joining)} "
                                            f"remplace {juror_names.get(leaving, leaving)} (désigné·e à la main, "
                                            "inscrit au journal ; une nouvelle répartition garde ce choix, sauf "
                                            "« Repartir de zéro »).")
            st.rerun()


def _render_only(store: Store, actor: Actor, call_id: str, plan: RapporteurPlan) -> None:
    """« Rapporteurs seulement »: only a dossier's rapporteurs may rate it (the store refuses the others)."""
    def changed() -> None:
        try:
            store.set_rapporteurs_only(actor, call_id, bool(st.session_state["rapporteurs_only"]))
        except JuryError as exc:
            st.session_state[NOTICE_KEY] = ("error", str(exc))
    st.session_state["rapporteurs_only"] = plan.rapporteurs_only
    st.toggle("Rapporteurs seulement : seuls les rapporteurs d'un dossier peuvent le noter", key="rapporteurs_only",
              on_change=changed)


def render_rapporteurs(store: Store, actor: Actor, call: CallData, juror_names: dict[str, str],
                       names: dict[str, str]) -> None:
    """The section: the plan, the assignment form, the loads, the assignment, a swap, the reading rule."""
    kind, notice = st.session_state.pop(NOTICE_KEY, (None, ""))
    if kind == "success":
        st.success(md(notice))
    elif kind == "error":
        st.error(md(notice))
    plan = store.rapporteur_plan(call.call_id)
    st.caption(md(_plan_caption(plan)))
    _render_assign_form(store, actor, call.call_id, plan)
    rapporteurs = store.rapporteurs(actor, call.call_id)
    if plan is None or rapporteurs.empty:
        return
    breaks = rule_breaks(store, actor, call.call_id)
    if breaks:
        st.warning(md(" ".join(breaks) + " Remplacez-les ci-dessous, ou répartissez de nouveau."))
    _render_only(store, actor, call.call_id, plan)
    st.markdown(md_format("#### Charges ({} affectations)", fr_number(len(rapporteurs))))
    _render_loads(rapporteurs, juror_names)
    _render_assignment(rapporteurs, names)
    _render_swap(store, actor, rapporteurs, juror_names, names)
