"""The shared Plotly figures: at most eight distinguishable colours in a stacked chart, legends a
room can read, and an acceptability scale where a few per cent already show."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.colors

from dashboard.core import charts


def _contributions(criteria: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame(rng.uniform(0, 1, (5, criteria)) * np.arange(criteria, 0, -1),
                        index=[f"D{i}" for i in range(5)], columns=[f"C{j:02d}" for j in range(criteria)])


def test_eighteen_criteria_stack_in_seven_colours_and_a_grey_rest() -> None:
    frame = _contributions(18)
    grouped = charts.grouped_contributions(frame)
    assert list(grouped.columns)[-1] == charts.OTHERS and grouped.shape[1] == 8
    # The seven kept are the largest totals; the rest add up to the same scores.
    totals = frame.abs().sum().sort_values(ascending=False)
    assert list(grouped.columns[:7]) == list(totals.index[:7])
    pd.testing.assert_series_equal(grouped.sum(axis=1), frame.sum(axis=1))
    figure = charts.contributions_bar(frame, list(frame.index), {c: c for c in frame.columns})
    colours = [trace.marker.color for trace in figure.data]
    assert len(figure.data) == 8 and len(set(colours)) == 8 and colours[-1] == charts.OTHERS_COLOUR
    assert figure.data[-1].name == "Autres critères" and figure.layout.legend.font.size >= 14


def test_few_criteria_keep_each_their_own_segment() -> None:
    frame = _contributions(8)
    assert charts.grouped_contributions(frame) is frame


def test_five_per_cent_is_visibly_blue_on_the_acceptability_scale() -> None:
    acceptability = pd.DataFrame([[0.95, 0.05, 0.0], [0.05, 0.95, 0.0]], index=["a", "b"], columns=[1, 2, 3])
    heatmap = charts.rank_acceptability_heatmap(acceptability).data[0]
    scale = [(float(stop), colour) for stop, colour in heatmap.colorscale]
    five = 5 / heatmap.zmax
    colour = plotly.colors.find_intermediate_color(
        *[plotly.colors.hex_to_rgb(c) for c in (scale[1][1], scale[2][1])],
        (five - scale[1][0]) / (scale[2][0] - scale[1][0]))
    # Far from white: red at most 190 (plotly's « Blues », used before, gave about 237, 245, 252 there).
    assert colour[0] <= 190 and sum(255 - channel for channel in colour) >= 80
    assert scale[0] == (0.0, "#ffffff")
