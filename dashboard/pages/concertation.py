"""Concertation: who is behind in the reading, how far the jurors agree, and the dossiers to discuss."""

from __future__ import annotations

from typing import cast

import pandas as pd
import streamlit as st

from dashboard.core.decision import AggregationSettings, aggregate_call_ratings
from dashboard.core.formatting import fr_datetime, fr_number, fr_percent, is_missing
from dashboard.core.labels import AGGREGATION_LABELS
from dashboard.core.progress import juror_progress, under_read
from dashboard.core.seance import CONTESTED_COUNT
from dashboard.core.text import md, md_format, md_frame
from dashboard.services.meeting import CallData
from dashboard.store import Store
from dashboard.store.access import Actor
from dashboard.ui.aggregation import aggregation_settings
from dashboard.ui.session import current_call
from dashboard.ui.widgets import conflict_register
from scoring import RatingsResult, most_contested

AGREEMENT_NOTE = ("W de Kendall : 0 = aucun accord sur l'ordre des dossiers, 1 = accord parfait. "
                  "CCI (2,1) (Shrout et Fleiss, 1979) : accord absolu sur les notes d'un juré pris isolément. "
                  "Calculés sur le plus grand bloc de dossiers notés par les mêmes jurés.")
TO_DISCUSS_NOTE = ("Classés du plus contesté au moins contesté : d'abord par le plus grand écart entre deux notes "
                   "d'un même critère, puis par la part du désaccord, c'est-à-dire la part du dossier dans la "
                   "somme, sur tout l'appel, des carrés des écarts entre chaque note et la moyenne des notes "
                   "du dossier sur ce critère. Notes brutes, avant toute correction de sévérité.")

BEHIND_NOTE = ("Un dossier est complet pour un juré quand il en a noté chacun des critères du jury ; les notes "
               "écartées (juré récusé après notation) ne comptent pas.")
ALL_DOSSIERS_NOTE = " « Complets, tous dossiers » compte aussi les dossiers dont le juré n'est pas rapporteur."
NO_PLAN_NOTE = ("Aucun rapporteur n'est désigné pour cet appel (l'administration les répartit dans l'onglet "
                "« Rapporteurs » de la page « Jurés et récusations ») : voici, pour chaque juré, les dossiers qu'il "
                "a notés en entier.")


def _last_activity(values: pd.Series) -> list[str]:
    """Each juror's latest rating, as a French date and time (« – » for none)."""
    return ["–" if is_missing(v) else fr_datetime(v) for v in values]


def _render_progress_table(progress: pd.DataFrame, with_plan: bool) -> None:
    """One row per juror, the most behind first; the assigned columns only with a plan."""
    columns: dict[str, object] = {"Juré": progress["name"]}
    if with_plan:
        columns |= {"Dossiers assignés": progress["assigned"], "Complets": progress["complete"],
                    "Manquants": progress["missing"]}
    columns |= {"Complets, tous dossiers": progress["complete_total"],
                "Dernière activité": _last_activity(progress["last_activity"])}
    st.dataframe(pd.DataFrame(columns), hide_index=True, width="stretch")


def _render_under_read(ratings: pd.DataFrame, rapporteurs: pd.DataFrame, criteria: list[str], k: int,
                       names: pd.Series) -> None:
    """The dossiers with fewer complete readings than `k`, the plan's rapporteurs per dossier."""
    short = under_read(ratings, rapporteurs, criteria, k)
    per_dossier = fr_number(k)
    st.markdown(md_format("**Dossiers notés en entier par moins de {k} jurés**", k=per_dossier))
    if short.empty:
        st.caption(md_format("Chacun des {n} dossiers répartis est noté en entier par au moins {k} jurés.",
                             n=fr_number(rapporteurs["dossier_id"].nunique()), k=per_dossier))
        return
    st.caption(md_format("{short} dossier(s) sur {n} répartis, du moins lu au plus lu ; la notation complète "
                         "d'un juré qui n'est pas rapporteur du dossier compte aussi.", short=fr_number(len(short)),
                         n=fr_number(rapporteurs["dossier_id"].nunique())))
    st.dataframe(pd.DataFrame({
        "Dossier": short.index,
        "Candidat": [names.get(d, d) for d in short.index],
        "Notations complètes": short["complete"],
        "Rapporteurs": short["rapporteurs"],
        "Rapporteurs sans notation complète": short["waiting"],
    }), hide_index=True, width="stretch")


def _render_behind(store: Store, actor: Actor, call: CallData, ratings: pd.DataFrame) -> None:
    """« Qui est en retard »: each juror's reading of their dossiers, then the dossiers read too little."""
    st.subheader("Qui est en retard")
    plan = store.rapporteur_plan(call.call_id)
    criteria = [str(c) for c in call.criteria.loc[call.criteria["criterion_group"] == "jury", "criterion_id"]]
    rapporteurs = store.rapporteurs(actor, call.call_id)
    progress = juror_progress(ratings, rapporteurs, store.jurors(), criteria)
    if plan is None:
        st.caption(NO_PLAN_NOTE)
    _render_progress_table(progress, with_plan=plan is not None)
    st.caption(BEHIND_NOTE if plan is None else BEHIND_NOTE + ALL_DOSSIERS_NOTE)
    if plan is not None:
        _render_under_read(ratings, rapporteurs, criteria, plan.per_dossier,
                           call.dossiers.set_index("dossier_id")["display_name"])


def _render_summary(ratings: pd.DataFrame, settings: AggregationSettings) -> None:
    """How many ratings, by how many jurors, aggregated how; those no longer counted."""
    not_counted = ratings[~ratings["counts"].astype(bool)]
    st.caption(f"{fr_number(int(ratings['counts'].sum()))} notes de {fr_number(ratings['juror_id'].nunique())} "
               f"jurés, agrégées par {AGGREGATION_LABELS[settings.method].lower()}"
               + (" après correction de sévérité" if settings.zscore else "")
               + (f" ; {fr_number(len(not_counted))} note(s) écartée(s) (juré récusé après notation)"
                  if len(not_counted) else ""))


def _render_register(store: Store, actor: Actor, call_id: str, names: pd.Series) -> None:
    """The conflict-of-interest register, folded."""
    with st.expander("Registre des conflits d'intérêts"):
        register = conflict_register(store, actor, call_id, store.jurors(), cast(dict[str, str], names.to_dict()))
        st.table(md_frame(register.set_index("Juré")))


def _render_agreement(result: RatingsResult, labels: pd.Series) -> None:
    """Kendall's W and the ICC per criterion; the jurors left without severity correction."""
    st.subheader("Accord entre jurés")
    agreement = result.agreement.reset_index()
    st.table(md_frame(pd.DataFrame({
        "Critère": agreement["criterion"] + " — " + agreement["criterion"].map(labels).fillna(""),
        "W de Kendall": agreement["kendall_w"].map(lambda v: fr_number(v, 2)),
        "CCI (2,1)": agreement["icc"].map(lambda v: fr_number(v, 2)),
        "Bloc complet": [f"{int(j)} jurés × {int(d)} dossiers"
                         for j, d in zip(agreement["jurors"], agreement["dossiers"], strict=True)],
    }).set_index("Critère")))
    st.caption(AGREEMENT_NOTE)
    if result.flagged_jurors:
        st.warning(md("Jurés laissés sans correction de sévérité : "
                      + " ; ".join(f"{j} : {why}" for j, why in result.flagged_jurors.items())))


def _render_recent(ratings: pd.DataFrame, names: pd.Series) -> None:
    """The twelve latest ratings."""
    st.subheader("Dernières notes enregistrées")
    recent = ratings.sort_values("rated_at", ascending=False).head(12)
    st.table(md_frame(pd.DataFrame({
        "Date": recent["rated_at"].dt.strftime("%d/%m/%Y %H:%M"),
        "Juré": recent["juror_name"],
        "Dossier": [names.get(d, d) for d in recent["dossier_id"]],
        "Critère": recent["criterion_id"],
        "Note": recent["score"],
        "Commentaire": recent["comment"].fillna(""),
    }).set_index("Date")))


def _criteria_over(spread: pd.DataFrame, min_spread: int) -> pd.Series:
    """Per dossier, the criteria whose spread reaches `min_spread` (and at least 1 point), comma-separated."""
    over = spread.ge(max(min_spread, 1))
    return pd.Series([", ".join(str(c) for c in over.columns[row]) for row in over.to_numpy()],
                     index=spread.index, dtype=object)


def _to_discuss_caption(reaching: int, shown: int, min_spread: int) -> str:
    """How many dossiers reach the spread and how many of the most contested are shown (plain text)."""
    points = f"{fr_number(min_spread)} point" + ("s" if min_spread > 1 else "")
    if reaching == 0:
        return f"Aucun dossier n'a deux notes d'un même critère écartées d'au moins {points}."
    if reaching == 1:
        return f"1 dossier a deux notes d'un même critère écartées d'au moins {points} ; il est affiché."
    head = f"{fr_number(reaching)} dossiers ont deux notes d'un même critère écartées d'au moins {points} ; "
    if shown == reaching:
        return head + "tous sont affichés, du plus contesté au moins contesté."
    if shown == 1:
        return head + "le plus contesté est affiché."
    return head + f"les {fr_number(shown)} plus contestés sont affichés."


def _to_discuss_settings(total: int) -> tuple[int, int]:
    """The minimal spread (slider) and how many dossiers to show (number input), side by side."""
    left, right = st.columns(2)
    min_spread = left.slider("Écart minimal entre deux notes d'un même critère", min_value=0, max_value=4,
                             value=2, step=1, key="concertation_min_spread")
    count = right.number_input("Dossiers affichés", min_value=1, max_value=total, value=min(CONTESTED_COUNT, total),
                               step=1, key="concertation_count")
    return int(min_spread), int(count)


def _render_to_discuss(result: RatingsResult, names: pd.Series) -> pd.DataFrame:
    """The most contested dossiers by the disagreement score (largest spread, then share); returns them."""
    st.subheader("À discuter")
    st.caption(TO_DISCUSS_NOTE)
    min_spread, count = _to_discuss_settings(len(result.disagreement))
    reaching = most_contested(result.disagreement, min_spread=min_spread)
    to_discuss = reaching.head(count)
    st.caption(md(_to_discuss_caption(len(reaching), len(to_discuss), min_spread)))
    if to_discuss.empty:
        return to_discuss
    st.dataframe(pd.DataFrame({
        "Rang": to_discuss["contest_rank"].astype(int),
        "Dossier": to_discuss.index,
        "Candidat": [names.get(d, d) for d in to_discuss.index],
        "Écart maximal": to_discuss["max_spread"].map(lambda v: fr_number(v)),
        "Part du désaccord": to_discuss["share"].map(lambda v: fr_percent(v, 1)),
        "Critères en désaccord": _criteria_over(result.spread, min_spread).reindex(to_discuss.index),
    }), hide_index=True, width="stretch")
    return to_discuss


def _render_detail(ratings: pd.DataFrame, to_discuss: pd.DataFrame, names: pd.Series) -> None:
    """One dossier to discuss: each juror's counted rating and comment per criterion."""
    chosen = st.selectbox("Dossier à examiner", to_discuss.index.tolist(), key="concertation_dossier",
                          format_func=lambda d: f"{d} — {names.get(d, d)}")
    detail = ratings[(ratings["dossier_id"] == chosen) & ratings["counts"].astype(bool)].copy()
    detail["cell"] = [f"{s}" + (f" — {c}" if isinstance(c, str) and c else "")
                      for s, c in zip(detail["score"], detail["comment"], strict=True)]
    table = detail.pivot(index="juror_name", columns="criterion_id", values="cell").fillna("–")
    table.index.name = "Juré"
    st.table(md_frame(table))


def main() -> None:
    """The page: who is behind, summary, register, agreement, latest ratings, dossiers to discuss."""
    store, actor, call = current_call("hold_concertation")
    st.title("Concertation")
    if call is None:
        st.stop()
    ratings = store.ratings(actor, call.call_id)
    _render_behind(store, actor, call, ratings)
    if ratings.empty:
        st.info("Aucune note pour cet appel.")
        st.stop()
    settings = aggregation_settings()
    result = aggregate_call_ratings(ratings, settings)
    names = call.dossiers.set_index("dossier_id")["display_name"]
    _render_summary(ratings, settings)
    _render_register(store, actor, call.call_id, names)
    _render_agreement(result, call.criteria.set_index("criterion_id")["label"])
    _render_recent(ratings, names)
    to_discuss = _render_to_discuss(result, names)
    if to_discuss.empty:
        st.stop()
    _render_detail(ratings, to_discuss, names)


main()
