"""Offline map of the candidate towns: département outlines and markers, plain plotly lines.

No map tiles and no plotly geo (both fetch data from the internet, which the jury's server
does not have): the outlines come from the package data `departements.geojson` (built by
`data/build_contours.py`) and are drawn as `go.Scatter` lines on ordinary axes, in a simple
equirectangular projection (x = longitude × cos(latitude of the panel), y = latitude) with
equal scales, so the shapes keep their proportions.

Metropolitan France (with Corsica) is the main panel; each overseas territory that has at
least one candidate gets a small inset panel, titled with its name, on the right.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.core.formatting import fr_number, is_missing
from dashboard.core.text import chart_text
from dashboard.resources import CONTOURS, resource

DECISION_COLOURS = {"lauréat": "#c1002a", "non retenu": "#7a8599", "sans décision": "#2b6cb0"}
NO_DECISION = "sans décision"
OUTLINE_COLOUR = "#98a2b3"
OUTLINE_WIDTH = 0.7
FRAME_COLOUR = "#d0d5dd"
MARKER_SIZE = {"main": 9, "inset": 8}

METRO_LAT = 46.5  # reference latitude of the metropolitan panel's projection

# Overseas territories, in the order of their insets: code -> name. The code is the
# département code (INSEE), 978 for Saint-Martin (collectivité d'outre-mer).
TERRITORIES = {
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "Guyane",
    "974": "La Réunion",
    "976": "Mayotte",
    "978": "Saint-Martin",
}

MAIN_DOMAIN_WITH_INSETS = (0.0, 0.7)
INSET_AREA = (0.73, 1.0)

Domains = tuple[tuple[float, float], tuple[float, float]]  # (x domain, y domain) of a panel, in paper units


@dataclass(frozen=True)
class Panel:
    """Outline polyline (projected, None-separated) and extent of one panel."""

    cos_lat: float
    x: tuple[float | None, ...]
    y: tuple[float | None, ...]
    x_range: tuple[float, float]
    y_range: tuple[float, float]


# --------------------------------------------------------------------------- outlines


@lru_cache(maxsize=1)
def load_contours() -> dict[str, Any]:
    """The GeoJSON of the département outlines (read once per process)."""
    with resource(CONTOURS).open(encoding="utf-8") as handle:
        contours: dict[str, Any] = json.load(handle)
    return contours


def _rings(codes: set[str] | None, exclude_prefix: str | None = None) -> Iterator[list[list[float]]]:
    """Every ring (a list of [lon, lat] positions) of the chosen départements' polygons."""
    for feature in load_contours()["features"]:
        code = feature["properties"]["code"]
        if codes is not None and code not in codes:
            continue
        if exclude_prefix is not None and code.startswith(exclude_prefix):
            continue
        for polygon in feature["geometry"]["coordinates"]:
            yield from polygon


@cache
def _panel(key: str) -> Panel:
    """`"metro"` or a territory code. Each border shared by two départements is drawn once."""
    if key == "metro":
        rings = list(_rings(None, exclude_prefix="97"))
        cos_lat = math.cos(math.radians(METRO_LAT))
    else:
        rings = list(_rings({key}))
        if not rings:
            raise KeyError(f"pas de contour pour le territoire {key}")
        lats = [lat for ring in rings for _, lat in ring]
        cos_lat = math.cos(math.radians((min(lats) + max(lats)) / 2))
    xs: list[float | None] = []
    ys: list[float | None] = []
    drawn: set[tuple[tuple[float, ...], tuple[float, ...]]] = set()
    for ring in rings:
        pen_down = False
        for a, b in pairwise(ring):
            edge = (tuple(a), tuple(b)) if tuple(a) <= tuple(b) else (tuple(b), tuple(a))
            if edge in drawn:
                pen_down = False
                continue
            drawn.add(edge)
            if not pen_down:
                if xs:
                    xs.append(None)
                    ys.append(None)
                xs.append(a[0] * cos_lat)
                ys.append(a[1])
                pen_down = True
            xs.append(b[0] * cos_lat)
            ys.append(b[1])
    all_x = [x for x in xs if x is not None]
    all_y = [y for y in ys if y is not None]
    return Panel(cos_lat, tuple(xs), tuple(ys), (min(all_x), max(all_x)), (min(all_y), max(all_y)))


# --------------------------------------------------------------------------- towns


def territory_at(lat: float, lon: float) -> str | None:
    """The overseas territory whose outline box (plus about 30 km) holds the point, if any."""
    for key in TERRITORIES:
        panel = _panel(key)
        x = lon * panel.cos_lat
        if (panel.x_range[0] - 0.3 <= x <= panel.x_range[1] + 0.3
                and panel.y_range[0] - 0.3 <= lat <= panel.y_range[1] + 0.3):
            return key
    return None


def territories(frame: pd.DataFrame) -> pd.Series:
    """Overseas territory code of each town (None for metropolitan France): from the
    département code, else, for a town flagged overseas or without a code, from its position."""
    none = pd.Series(None, index=frame.index, dtype=object)
    codes = frame.get("departement_code", none)
    result = pd.Series([c[:3] if isinstance(c, str) and c[:3] in TERRITORIES else None
                        for c in codes], index=frame.index, dtype=object)
    flagged = frame.get("overseas", none).map(_is_flagged).astype(bool)
    no_code = codes.map(lambda c: not isinstance(c, str) or not c).astype(bool)
    lats, lons = frame["lat"], frame["lon"]
    for index in frame.index[result.isna() & (flagged | no_code)]:
        result[index] = territory_at(float(lats[index]), float(lons[index]))
    return result


def _is_flagged(value: object) -> bool:
    """A yes/no cell: true when set and truthy (missing counts as no)."""
    return False if is_missing(value) else bool(value)


def _towns(dossiers: pd.DataFrame) -> pd.DataFrame:
    frame = dossiers.dropna(subset=["lat", "lon"]).copy()
    frame["decision"] = frame["historical_decision"].where(
        frame["historical_decision"].isin(list(DECISION_COLOURS)), None).fillna(NO_DECISION)
    frame["population_fr"] = frame["population"].map(fr_number)
    names = frame["display_name"] if "display_name" in frame else pd.Series(None, index=frame.index)
    frame["display_name"] = names.fillna(frame["dossier_id"]).astype(str)
    frame["territory"] = territories(frame)
    frame["panel"] = frame["territory"].fillna("metro")
    return frame


# --------------------------------------------------------------------------- figure


def _inset_domains(count: int) -> list[Domains]:
    """(x domain, y domain) of each inset, in reading order, on the right of the figure."""
    if count == 0:
        return []
    columns = 1 if count <= 3 else 2
    rows = math.ceil(count / columns)
    left, right = INSET_AREA
    gap_x, gap_y, title_space = 0.03, 0.04, 0.07
    width = (right - left - gap_x * (columns - 1)) / columns
    height = (1.0 - gap_y * (rows - 1)) / rows
    domains = []
    for index in range(count):
        row, column = divmod(index, columns)
        x0 = left + column * (width + gap_x)
        top = 1.0 - row * (height + gap_y)
        domains.append(((round(x0, 4), round(min(x0 + width, 1.0), 4)),
                        (round(max(top - height, 0.0), 4), round(top - title_space, 4))))
    return domains


def _padded(bounds: tuple[float, float], share: float, minimum: float) -> list[float]:
    low, high = bounds
    pad = max((high - low) * share, minimum)
    return [low - pad, high + pad]


def _add_panel_traces(figure: go.Figure, key: str, refs: tuple[str, str], here: pd.DataFrame,
                      legend_shown: set[str]) -> None:
    """The outline of one panel and its towns, one trace per decision (each decision in the legend once)."""
    panel = _panel(key)
    xref, yref = refs
    figure.add_trace(go.Scatter(
        x=panel.x, y=panel.y, mode="lines", xaxis=xref, yaxis=yref,
        line={"color": OUTLINE_COLOUR, "width": OUTLINE_WIDTH},
        hoverinfo="skip", showlegend=False, name="Départements",
    ))
    for decision, colour in DECISION_COLOURS.items():
        subset = here[here["decision"] == decision]
        if subset.empty:
            continue
        figure.add_trace(go.Scatter(
            x=(subset["lon"] * panel.cos_lat).tolist(), y=subset["lat"].tolist(),
            mode="markers", xaxis=xref, yaxis=yref, name=decision,
            legendgroup=decision, showlegend=decision not in legend_shown,
            marker={"color": colour, "size": MARKER_SIZE["main" if key == "metro" else "inset"],
                    "line": {"color": "white", "width": 0.8}},
            text=[chart_text(name) for name in subset["display_name"]],
            customdata=np.column_stack([[chart_text(d) for d in subset["dossier_id"].astype(str)],
                                        subset["population_fr"], subset["decision"]]),
            hovertemplate="<b>%{text}</b><br>Population : %{customdata[1]} hab."
                          "<br>Décision : %{customdata[2]}<extra></extra>",
        ))
        legend_shown.add(decision)


def _view_ranges(panel: Panel, here: pd.DataFrame) -> tuple[tuple[float, float], tuple[float, float]]:
    """The panel's extent (x, y), widened so that a town slightly off the outlines stays in view."""
    x_range, y_range = panel.x_range, panel.y_range
    if not here.empty:
        x = here["lon"] * panel.cos_lat
        x_range = (min(x_range[0], x.min()), max(x_range[1], x.max()))
        y_range = (min(y_range[0], here["lat"].min()), max(y_range[1], here["lat"].max()))
    return x_range, y_range


def _panel_axes(key: str, refs: tuple[str, str], domain: Domains, here: pd.DataFrame,
                beside_insets: bool) -> dict[str, Any]:
    """The layout's x and y axes of one panel: no ticks or grid, equal scales, an inset framed."""
    xref, yref = refs
    x_domain, y_domain = domain
    x_range, y_range = _view_ranges(_panel(key), here)
    inset = key != "metro"
    axis = {"showticklabels": False, "ticks": "", "showgrid": False, "zeroline": False,
            "showline": inset, "mirror": inset, "linecolor": FRAME_COLOUR, "linewidth": 1,
            "fixedrange": inset, "constrain": "domain"}
    suffix = xref[1:]
    return {
        f"xaxis{suffix}": {**axis, "domain": list(x_domain), "anchor": yref,
                           "range": _padded(x_range, 0.06, 0.05 if inset else 0.1),
                           # the main map sits next to the insets
                           "constraintoward": "right" if beside_insets and not inset else "center"},
        f"yaxis{suffix}": {**axis, "domain": list(y_domain), "anchor": xref,
                           "range": _padded(y_range, 0.06, 0.05 if inset else 0.1),
                           "scaleanchor": xref, "scaleratio": 1,
                           "constraintoward": "top" if inset else "middle"},
    }


def _inset_title(key: str, domain: Domains) -> dict[str, Any]:
    """The territory's name above its inset."""
    x_domain, y_domain = domain
    return {
        "text": f"<b>{TERRITORIES[key]}</b>", "showarrow": False,
        "xref": "paper", "yref": "paper", "x": sum(x_domain) / 2, "y": y_domain[1] + 0.005,
        "xanchor": "center", "yanchor": "bottom", "font": {"size": 12, "color": "#333"},
    }


def candidate_map(dossiers: pd.DataFrame, height: int = 560, title: str | None = None) -> go.Figure:
    """Candidate towns on the outlines of the départements, coloured by historical decision.

    Metropolitan France is the main panel; every overseas territory with a candidate gets an
    inset panel titled with its name. Works offline (plain scatter traces, no tiles). Hover:
    « Nom (dép.) », population in French format and decision. `dossiers` needs the columns
    dossier_id, display_name, population, lat, lon, overseas, departement_code and
    historical_decision; rows without a position are left out.
    """
    towns = _towns(dossiers)
    insets = [key for key in TERRITORIES if (towns["territory"] == key).any()]
    figure = go.Figure()
    layout: dict[str, Any] = {}
    panels = [("metro", "x", "y"), *((key, f"x{i + 2}", f"y{i + 2}") for i, key in enumerate(insets))]
    domains = [((MAIN_DOMAIN_WITH_INSETS if insets else (0.0, 1.0)), (0.0, 1.0)), *_inset_domains(len(insets))]
    annotations = []
    legend_shown: set[str] = set()
    for (key, xref, yref), domain in zip(panels, domains, strict=True):
        here = towns[towns["panel"] == key]
        _add_panel_traces(figure, key, (xref, yref), here, legend_shown)
        layout.update(_panel_axes(key, (xref, yref), domain, here, beside_insets=bool(insets)))
        if key != "metro":
            annotations.append(_inset_title(key, domain))

    figure.update_layout(
        height=height, title=title, annotations=annotations,
        margin={"l": 2, "r": 2, "t": 40 if title else 8, "b": 4},
        plot_bgcolor="white", paper_bgcolor="white", hovermode="closest", dragmode="pan",
        legend={"orientation": "h", "x": 0.0, "y": 0.0, "xanchor": "left", "yanchor": "bottom",
                "bgcolor": "rgba(255,255,255,0.8)", "title": {"text": "Décision "}},
        **layout,
    )
    return figure
