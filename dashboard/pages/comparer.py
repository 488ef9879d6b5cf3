"""Comparer: two to four dossiers side by side under the current weight profile.

A radar of their normalised criteria, their values with the best of each row
highlighted, and one French sentence per pair saying why one ranks above
the other.
"""

from __future__ import annotations

import streamlit as st

import scoring
from dashboard.core import charts
from dashboard.core import views as mv
from dashboard.core.decision import DecisionInputs, WeightProfile
from dashboard.core.formatting import fr_number
from dashboard.core.labels import METHOD_LABELS
from dashboard.core.text import md, md_format
from dashboard.services.meeting import CallData
from dashboard.ui import meeting
from dashboard.ui.projection import hidden_in_projection
from dashboard.ui.widgets import CHART_CONFIG, ranking_or_stop


def _render_choice(call: CallData, inputs: DecisionInputs, result: scoring.RankResult) -> list[str]:
    """The dossiers to compare, best ranked first; the page stops when fewer than two are chosen."""
    ordered = result.ranks.sort_values(kind="stable").index.tolist()
    names = inputs.attributes["display_name"]
    key = f"comparer_dossiers_{inputs.call_id}"
    if key not in st.session_state:
        st.session_state[key] = ordered[:2]
    elif any(d not in ordered for d in st.session_state[key]):
        st.session_state[key] = [d for d in st.session_state[key] if d in ordered]
    chosen = st.multiselect("Dossiers à comparer (2 à 4)", ordered, max_selections=4, key=key,
                            format_func=lambda d: f"{names.get(d, d)} · {d}", placeholder="Choisissez des dossiers")
    st.caption(md_format("{} · méthode : {} · {} critères pondérés (page Pondération).", call.label,
                         METHOD_LABELS.get(result.method, result.method), fr_number(len(result.weights))))
    if len(chosen) < 2:
        st.info("Choisissez au moins deux dossiers à comparer.")
        st.stop()
    return sorted(chosen, key=lambda d: (result.ranks[d], d))


def _render_sentences(inputs: DecisionInputs, result: scoring.RankResult, chosen: list[str]) -> None:
    """One sentence per pair: why one ranks above the other."""
    st.subheader("Pourquoi l'un devance l'autre")
    for sentence in mv.pair_sentences(inputs, result, chosen):
        st.markdown(md_format("- {}", sentence))


def _render_radar(inputs: DecisionInputs, profile: WeightProfile, result: scoring.RankResult,
                  chosen: list[str]) -> None:
    """The radar of the chosen dossiers' normalised criteria."""
    st.subheader("Profil des dossiers")
    values, caption_md = mv.radar_values(inputs, profile, result, chosen)   # a caption of ours
    span = (-1.0, 1.0) if result.method == "promethee2" else (0.0, 1.0)
    columns = mv.column_names(inputs, chosen)
    legend = [f"{int(result.ranks[d])}. {name}" for d, name in zip(chosen, columns, strict=True)]
    labels = mv.criterion_labels(inputs, limit=22)
    st.plotly_chart(charts.radar_chart(values, legend, labels, span), key="comparer_radar", width="stretch",
                    config=CHART_CONFIG)
    st.caption(caption_md)


def _render_values(inputs: DecisionInputs, result: scoring.RankResult, chosen: list[str]) -> None:
    """The chosen dossiers' values, the best of each row highlighted."""
    st.subheader("Valeurs")
    table, best = mv.comparison_table(inputs, result, chosen, label_limit=50)
    # Widths that keep four towns in view at 1440 px; a name too long for its column shows in full on hover.
    widths = {str(c): st.column_config.Column(width=170, help=md(str(c))) for c in table.columns[2:]}
    widths[str(table.columns[0])] = st.column_config.Column(width=320, pinned=True)
    widths[str(table.columns[1])] = st.column_config.Column(width=70)
    st.dataframe(mv.style_comparison(table, best), hide_index=True, key="comparer_table", width="stretch",
                 height=35 * (len(table) + 1) + 3, column_config=widths)
    st.caption("En vert et en gras : la meilleure valeur de chaque ligne (selon le sens du critère). "
               "Valeurs brutes ; notes du jury agrégées.")


def main() -> None:
    """The page: the choice of dossiers, then the sentences beside the radar (both above the fold at
    1280 × 720 in projection mode), then the values."""
    page = meeting.open_meeting_page("Comparer")
    call, inputs, profile = page.call, page.inputs, page.profile
    result = ranking_or_stop(inputs, profile)
    with hidden_in_projection("comparer_choice"):
        chosen = _render_choice(call, inputs, result)
    sentences, radar = st.columns([2, 3])
    with sentences:
        _render_sentences(inputs, result, chosen)
    with radar:
        _render_radar(inputs, profile, result, chosen)
    _render_values(inputs, result, chosen)


main()
