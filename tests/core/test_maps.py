"""The offline map: département outlines (dashboard/resources/departements.geojson) and `maps.candidate_map`."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dashboard.core import maps
from dashboard.core.formatting import fr_number
from tests.helpers.workbooks import RESOURCES

GEOJSON = RESOURCES / "departements.geojson"
COMMUNES = RESOURCES / "communes.csv"

# (lon min, lon max, lat min, lat max) of each part of France, with a small margin.
BOXES = {
    "metro": (-5.3, 9.7, 41.3, 51.2),
    "971": (-61.9, -60.9, 15.8, 16.6),
    "972": (-61.3, -60.7, 14.3, 14.95),
    "973": (-54.7, -51.5, 2.0, 5.9),
    "974": (55.1, 56.0, -21.5, -20.8),
    "976": (44.9, 45.4, -13.1, -12.5),
    "978": (-63.2, -62.9, 18.0, 18.2),
}


@pytest.fixture(scope="module")
def geojson() -> dict:
    return json.loads(GEOJSON.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def communes() -> pd.DataFrame:
    return pd.read_csv(COMMUNES, dtype={"insee_code": str, "departement_code": str})


def towns(communes: pd.DataFrame, codes: dict[str, str | None]) -> pd.DataFrame:
    """A dossiers-like frame for the given INSEE codes -> historical decision."""
    rows = communes.set_index("insee_code").loc[list(codes)].reset_index()
    return pd.DataFrame({
        "dossier_id": [f"D-{code}" for code in rows["insee_code"]],
        "display_name": [f"{n} ({d})" for n, d in zip(rows["name"], rows["departement_code"], strict=True)],
        "population": rows["population"],
        "lat": rows["lat"],
        "lon": rows["lon"],
        "overseas": rows["overseas"].astype(bool),
        "departement_code": rows["departement_code"],
        "region_name": rows["region_name"],
        "historical_decision": list(codes.values()),
    })


def marker_traces(figure):
    return [t for t in figure.data if t.mode == "markers"]


# --------------------------------------------------------------------------- GeoJSON


def test_geojson_is_small(geojson):
    assert GEOJSON.stat().st_size < 400_000


def test_geojson_covers_every_reference_departement(geojson, communes):
    codes = [f["properties"]["code"] for f in geojson["features"]]
    assert len(codes) == len(set(codes))
    assert set(communes["departement_code"]) <= set(codes)
    assert {"971", "972", "973", "974", "976", "978", "2A", "2B"} <= set(codes)
    for feature in geojson["features"]:
        props = feature["properties"]
        assert set(props) == {"code", "nom", "region"} and props["nom"] and props["region"]
        assert feature["geometry"]["type"] == "MultiPolygon"
        assert feature["geometry"]["coordinates"], props["code"]


def test_geojson_names_match_the_reference(geojson, communes):
    reference = communes.drop_duplicates("departement_code").set_index("departement_code")
    for feature in geojson["features"]:
        props = feature["properties"]
        if props["code"] in reference.index:
            assert props["nom"] == reference.at[props["code"], "departement_name"]
            assert props["region"] == reference.at[props["code"], "region_name"]


def test_geojson_coordinates_are_in_france(geojson):
    for feature in geojson["features"]:
        code = feature["properties"]["code"]
        lon_min, lon_max, lat_min, lat_max = BOXES.get(code, BOXES["metro"])
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                assert len(ring) >= 4 and ring[0] == ring[-1], code
                for lon, lat in ring:
                    assert lon_min <= lon <= lon_max and lat_min <= lat <= lat_max, (code, lon, lat)
                    assert round(lon, 3) == lon and round(lat, 3) == lat


def test_reference_towns_lie_inside_their_departement_box(geojson, communes):
    """Each outline's bounding box holds the towns of its département (Saint-Martin's coarse
    outline included): the outlines are where the markers are."""
    boxes = {}
    for feature in geojson["features"]:
        points = [p for polygon in feature["geometry"]["coordinates"] for ring in polygon for p in ring]
        lons, lats = zip(*points, strict=True)
        boxes[feature["properties"]["code"]] = (min(lons), max(lons), min(lats), max(lats))
    margin = 0.02
    for town in communes.itertuples():
        lon_min, lon_max, lat_min, lat_max = boxes[town.departement_code]
        assert lon_min - margin <= town.lon <= lon_max + margin, town.name
        assert lat_min - margin <= town.lat <= lat_max + margin, town.name


# --------------------------------------------------------------------------- figure


def test_candidate_map_draws_exactly_the_towns(communes):
    frame = towns(communes, {"15014": "lauréat", "97412": "non retenu", "97611": None})
    figure = maps.candidate_map(frame)

    assert {t.type for t in figure.data} == {"scatter"}  # no scattermap / scattergeo: offline
    assert not any(t.type in ("scattermap", "scattermapbox", "scattergeo") for t in figure.data)
    markers = marker_traces(figure)
    drawn = sorted(name for t in markers for name in t.text)
    assert drawn == ["Aurillac (15)", "Mamoudzou (976)", "Saint-Joseph (974)"]
    ids = sorted(row[0] for t in markers for row in t.customdata)
    assert ids == ["D-15014", "D-97412", "D-97611"]

    by_name = {name: (t, i) for t in markers for i, name in enumerate(t.text)}
    colours = {name: t.marker.color for name, (t, _) in by_name.items()}
    assert colours == {"Aurillac (15)": "#c1002a", "Saint-Joseph (974)": "#7a8599",
                       "Mamoudzou (976)": "#2b6cb0"}
    trace, index = by_name["Aurillac (15)"]
    assert trace.customdata[index][1] == fr_number(25499) == "25\u202f499"
    assert trace.customdata[index][2] == "lauréat"
    assert by_name["Mamoudzou (976)"][0].customdata[by_name["Mamoudzou (976)"][1]][2] == "sans décision"
    assert "%{text}" in trace.hovertemplate and "%{customdata[1]}" in trace.hovertemplate

    # Metropolitan town in the main panel, each overseas town in its own inset.
    assert by_name["Aurillac (15)"][0].xaxis == "x"
    inset_axes = {by_name["Saint-Joseph (974)"][0].xaxis, by_name["Mamoudzou (976)"][0].xaxis}
    assert len(inset_axes) == 2 and "x" not in inset_axes

    titles = [a.text for a in figure.layout.annotations]
    assert titles == ["<b>La Réunion</b>", "<b>Mayotte</b>"]


def test_insets_follow_the_territories_present(communes):
    codes = {"15014": "lauréat", "97101": "lauréat", "97209": None, "97302": "non retenu",
             "97411": "lauréat", "97611": None, "97801": "lauréat"}
    figure = maps.candidate_map(towns(communes, codes))
    titles = [a.text.strip("<b>/") for a in figure.layout.annotations]
    assert titles == ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte", "Saint-Martin"]
    # One outline trace per panel (main + 6 insets), each with None separators.
    outlines = [t for t in figure.data if t.mode == "lines"]
    assert len(outlines) == 7
    assert None in outlines[0].x
    # Only metropolitan outlines in the main panel: Guyane (x < -50·cos 46.5°) is not there.
    main_x = [x for x in outlines[0].x if x is not None]
    assert min(main_x) > -6 and max(main_x) < 10

    metro_only = maps.candidate_map(towns(communes, {"15014": "lauréat"}))
    assert len(metro_only.layout.annotations) == 0
    assert len([t for t in metro_only.data if t.mode == "lines"]) == 1


def test_main_panel_keeps_its_proportions(communes):
    figure = maps.candidate_map(towns(communes, {"15014": "lauréat", "97412": None}))
    layout = figure.layout
    assert layout.yaxis.scaleanchor == "x" and layout.yaxis.scaleratio == 1
    assert layout.yaxis2.scaleanchor == "x2"
    # Aurillac (2.44 E, 44.93 N) drawn at x = lon·cos(46.5°).
    aurillac = next(t for t in marker_traces(figure) if "Aurillac (15)" in t.text)
    assert aurillac.x[0] == pytest.approx(2.4442 * 0.6884, abs=0.01)


def test_overseas_town_without_departement_code_is_placed_by_position(communes):
    frame = towns(communes, {"97412": None})
    frame["departement_code"] = None
    figure = maps.candidate_map(frame)
    assert [a.text for a in figure.layout.annotations] == ["<b>La Réunion</b>"]


def test_towns_without_position_are_left_out(communes):
    frame = towns(communes, {"15014": "lauréat", "97412": None})
    frame.loc[1, ["lat", "lon"]] = None
    figure = maps.candidate_map(frame, title="Carte")
    assert [n for t in marker_traces(figure) for n in t.text] == ["Aurillac (15)"]
    assert figure.layout.title.text == "Carte"
