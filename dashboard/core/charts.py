"""Plotly figures shared by the pages (French labels).

Plotly reads a subset of HTML in every label and hover text (``<a href>``,
``<b>``, ``<br>``): the names and labels drawn here (dossiers, criteria, from an
import) go through `dashboard.core.text.chart_text`, and no hover template is
built by concatenating them (a ``%{…}`` in a name would be read as a field).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard.core.formatting import fr_number
from dashboard.core.text import chart_text

# --------------------------------------------------------------------------- selection meeting

CRITERION_PALETTE = px.colors.qualitative.Dark24
# Seven colours told apart on a projector and by colour-blind readers (Okabe & Ito 2008), and a
# grey for « autres critères »: a stacked chart never has more than eight.
DISTINCT_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#8C6D1F")
OTHERS = "autres critères"
OTHERS_COLOUR = "#9A9A9A"
LEGEND_FONT = {"size": 14}


def criterion_colours(criteria: list[str]) -> dict[str, str]:
    """Each criterion's colour, in the order given (the pages' charts and the PDF reports agree)."""
    return {c: CRITERION_PALETTE[i % len(CRITERION_PALETTE)] for i, c in enumerate(criteria)}


def grouped_contributions(contributions: pd.DataFrame, keep: int = len(DISTINCT_PALETTE)) -> pd.DataFrame:
    """The `keep` criteria that contribute most (by total absolute contribution over the rows), in
    that order, and the others summed into one column « autres critères » (only when there are
    more than `keep` + 1 criteria: otherwise every criterion keeps its column)."""
    if contributions.shape[1] <= keep + 1:
        return contributions
    weight = contributions.abs().sum(axis=0).sort_values(ascending=False, kind="stable")
    kept = list(weight.index[:keep])
    others = contributions.drop(columns=kept).sum(axis=1)
    return contributions[kept].assign(**{OTHERS: others})


def distinct_colours(columns: list[str]) -> dict[str, str]:
    """The colours of a grouped chart's columns: the distinct palette in order, grey for the others."""
    return {c: OTHERS_COLOUR if c == OTHERS else DISTINCT_PALETTE[i % len(DISTINCT_PALETTE)]
            for i, c in enumerate(columns)}


def weights_bar(weights: pd.Series, labels: dict[str, str], height: int | None = None) -> go.Figure:
    """Horizontal bar of normalised weights (in %), heaviest on top."""
    ordered = weights.sort_values(ascending=True)
    names = [chart_text(labels.get(c, c)) for c in ordered.index]
    colours = criterion_colours(list(labels))
    figure = go.Figure(go.Bar(
        x=(100 * ordered).tolist(), y=names, orientation="h",
        marker={"color": [colours.get(c) for c in ordered.index]},
        text=[fr_number(100 * v, 1) + "\u00a0%" for v in ordered], textposition="auto",
        hovertemplate="%{y}<br>%{text}<extra></extra>",
    ))
    figure.update_layout(height=height or max(220, 26 * len(ordered) + 60), margin={"l": 0, "r": 10, "t": 10, "b": 30},
                         xaxis={"title": "Poids (%)", "ticksuffix": "\u00a0%"}, showlegend=False,
                         separators=", ")
    return figure


def contributions_bar(contributions: pd.DataFrame, names: list[str], labels: dict[str, str],
                      axis_title: str = "Contribution au score") -> go.Figure:
    """Stacked horizontal bars: one row per dossier (first on top), one segment per criterion; the
    seven criteria that contribute most keep their own colour, the others are one grey segment
    « autres critères » (`grouped_contributions`).

    `contributions` is dossiers × criteria in display order; `names` the row
    labels. Negative values stack to the left (barmode « relative »).
    """
    contributions = grouped_contributions(contributions)
    colours = distinct_colours(list(contributions.columns))
    labels = {**labels, OTHERS: "Autres critères"}
    rows = [chart_text(name) for name in names]
    traces = []
    for criterion in contributions.columns:
        values = contributions[criterion].to_numpy(dtype=float)
        traces.append(go.Bar(
            name=chart_text(labels.get(criterion, criterion)), x=values, y=rows, orientation="h",
            marker={"color": colours.get(criterion)},
            customdata=[fr_number(v, 3) for v in values],
            hovertemplate="%{y}<br>%{fullData.name} : %{customdata}<extra></extra>",
        ))
    figure = go.Figure(traces)
    figure.update_layout(
        barmode="relative", height=max(260, 24 * len(names) + 120),
        margin={"l": 0, "r": 10, "t": 10, "b": 30},
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"title": axis_title}, separators=", ",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "font": LEGEND_FONT},
    )
    return figure


RADAR_COLOURS = ("#c1002a", "#2b6cb0", "#2f855a", "#b7791f")


def radar_chart(values: pd.DataFrame, names: list[str], labels: dict[str, str],
                value_range: tuple[float, float] = (0.0, 1.0)) -> go.Figure:
    """Scatterpolar of 2–4 dossiers (rows of `values`) over the criteria (columns)."""
    axes = [chart_text(labels.get(c, c)) for c in values.columns]
    figure = go.Figure()
    for i, (name, (_, row)) in enumerate(zip(names, values.iterrows(), strict=True)):
        r = row.to_numpy(dtype=float).tolist()
        colour = RADAR_COLOURS[i % len(RADAR_COLOURS)]
        figure.add_trace(go.Scatterpolar(
            r=r + r[:1], theta=axes + axes[:1], name=chart_text(name), fill="toself", opacity=0.5,
            line={"color": colour, "width": 2}, fillcolor=colour,
            customdata=[fr_number(v, 2) for v in r + r[:1]],
            hovertemplate="%{theta}<br>%{customdata}<extra>%{fullData.name}</extra>",
        ))
    figure.update_layout(
        polar={"radialaxis": {"range": list(value_range), "tickformat": ".1f"}},
        height=460, margin={"l": 110, "r": 110, "t": 30, "b": 30}, separators=", ",
        legend={"orientation": "h", "y": -0.08, "font": LEGEND_FONT},
    )
    return figure


# --------------------------------------------------------------------------- sensitivity (/sensibilite)

FRENCH_SEPARATORS = ",\u202f"  # plotly: decimal comma, narrow no-break space between thousands


def stability_tornado(stability: pd.DataFrame, labels: dict[str, str] | None = None,
                      height: int | None = None) -> go.Figure:
    """Weight stability intervals as a tornado: for each criterion a bar from the
    lowest to the highest weight (in %) keeping the current top N, and a marker at
    the current weight; the narrowest intervals (most sensitive criteria) on top.

    `stability` is `SensitivityResult.stability` (criteria × weight, low, high,
    fractions of 1); `labels` maps criterion ids to the names shown.
    """
    labels = labels or {}
    frame = stability.copy()
    frame["width"] = frame["high"] - frame["low"]
    frame = frame.sort_values(["width", "weight"], ascending=[True, False], kind="stable")
    names = [chart_text(labels.get(str(c), str(c))) for c in frame.index]
    low, high, weight = 100 * frame["low"], 100 * frame["high"], 100 * frame["weight"]
    hover = [f"{name}<br>poids actuel : {fr_number(w, 1)} %<br>stable de {fr_number(lo, 1)} % "
             f"à {fr_number(hi, 1)} %" for name, w, lo, hi in zip(names, weight, low, high, strict=True)]
    figure = go.Figure()
    figure.add_trace(go.Bar(
        x=(high - low).tolist(), base=low.tolist(), y=names, orientation="h",
        marker={"color": "#2b6cb0"}, opacity=0.75, name="Intervalle de stabilité",
        hovertext=hover, hoverinfo="text",
    ))
    figure.add_trace(go.Scatter(
        x=weight.tolist(), y=names, mode="markers", name="Poids actuel",
        marker={"symbol": "line-ns", "size": 20, "color": "#c1002a", "line": {"width": 4, "color": "#c1002a"}},
        hovertext=hover, hoverinfo="text",
    ))
    figure.update_layout(
        height=height or max(260, 34 * len(names) + 90), separators=FRENCH_SEPARATORS,
        margin={"l": 10, "r": 10, "t": 30, "b": 40}, barmode="overlay",
        xaxis={"title": "Poids du critère (%)", "range": [0, min(100.0, 1.08 * float(high.max()) + 1)],
               "ticksuffix": " %"},
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "y": 1.08, "x": 0},
    )
    return figure


# White for 0 only; from the first per cent a pale but visible blue, darkening to the top of the scale.
ACCEPTABILITY_SCALE = [[0.0, "#ffffff"], [0.001, "#c6dbef"], [0.25, "#6baed6"], [0.6, "#2171b5"],
                       [1.0, "#08306b"]]


def rank_acceptability_heatmap(acceptability: pd.DataFrame, names: dict[str, str] | None = None,
                               top: int | None = None, height: int | None = None) -> go.Figure:
    """Rank acceptability: dossiers (rows, in the frame's order) × ranks, the
    probability of each rank in % (`SensitivityResult.rank_acceptability`,
    possibly a subset of rows); a dashed line after rank `top`. Ranks no shown
    dossier reaches (< 0,1 %) are left out on the right."""
    names = names or {}
    probability = acceptability.to_numpy(dtype=float)
    ranks = [int(r) for r in acceptability.columns]
    reached = (probability >= 0.001).any(axis=0)
    last = int(np.flatnonzero(reached).max()) + 1 if reached.any() else len(ranks)
    if top is not None:
        last = max(last, min(int(top) + 1, len(ranks)))
    probability, ranks = probability[:, :last], ranks[:last]
    rows = [chart_text(names.get(str(i), str(i))) for i in acceptability.index]
    text = [[f"{row}<br>rang {rank} : {fr_number(100 * p, 1)} %" for rank, p in zip(ranks, line, strict=True)]
            for row, line in zip(rows, probability, strict=True)]
    # Colours span 0 to the largest probability shown (rounded up to 10 %), so that
    # spread-out acceptabilities stay readable; the scale starts at a visible blue, so that
    # 5 % stands out from the white of 0.
    zmax = min(100.0, max(10.0, 10.0 * float(np.ceil(10 * probability.max())))) if probability.size else 100.0
    figure = go.Figure(go.Heatmap(
        z=100 * probability, x=ranks, y=rows, zmin=0, zmax=zmax, colorscale=ACCEPTABILITY_SCALE,
        colorbar={"title": {"text": "%"}, "ticksuffix": " %"},
        hovertext=text, hoverinfo="text", xgap=1, ygap=1,
    ))
    if top is not None and top < len(acceptability.columns):
        figure.add_vline(x=int(top) + 0.5, line={"dash": "dash", "color": "#c1002a", "width": 2},
                         annotation_text=f"{int(top)} premiers", annotation_position="top left")
    figure.update_layout(
        height=height or max(320, 22 * len(rows) + 120), separators=FRENCH_SEPARATORS,
        margin={"l": 10, "r": 10, "t": 40, "b": 40},
        xaxis={"title": "Rang", "dtick": 5 if len(ranks) > 20 else 1},
        yaxis={"autorange": "reversed", "automargin": True},
    )
    return figure
