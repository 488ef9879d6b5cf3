"""Reference extract `data/communes.csv`: the seed laureates resolve, homonyms stay apart.

The expected figures are those of `shared/reference/seed_laureates_check.csv` (INSEE 2017
legal populations, haversine distance from the town hall to the nearest default university
hub), copied below so that the test runs without `shared/`; when `shared/` is beside the
repository the copy is checked against it.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from tests.helpers.workbooks import RESOURCES

COMMUNES = RESOURCES / "communes.csv"
HUBS = RESOURCES / "university_hubs.csv"

COLUMNS = [
    "insee_code", "name", "population", "population_source",
    "departement_code", "departement_name", "region_code", "region_name",
    "epci_siren", "epci_name", "epci_population",
    "lat", "lon", "overseas", "nearest_hub", "dist_hub_km",
]
OVERSEAS_DEPTS = {"971", "972", "973", "974", "976", "977", "978"}

# (call, name, département, INSEE code, population, nearest hub, distance km)
SEED_LAUREATES = [
    ("AMI1", "Aurillac", "15", "15014", 25499, "Clermont-Ferrand (63)", 106.9),
    ("AMI1", "Montélimar", "26", "26198", 39097, "Avignon (84)", 67.8),
    ("AMI1", "Roanne", "42", "42187", 34366, "Lyon (69)", 66.0),
    ("AMI1", "Chalon-sur-Saône", "71", "71076", 45096, "Dijon (21)", 61.8),
    ("AMI1", "Nevers", "58", "58194", 32990, "Clermont-Ferrand (63)", 134.5),
    ("AMI1", "Vesoul", "70", "70550", 14916, "Besançon (25)", 43.7),
    ("AMI1", "Fougères", "35", "35115", 20418, "Rennes (35)", 45.2),
    ("AMI1", "Morlaix", "29", "29151", 14559, "Brest (29)", 52.6),
    ("AMI1", "Quimper", "29", "29232", 62985, "Brest (29)", 52.3),
    ("AMI1", "Saint-Brieuc", "22", "22278", 44372, "Rennes (35)", 93.2),
    ("AMI1", "Bourges", "18", "18033", 64551, "Orléans (45)", 98.7),
    ("AMI1", "Vierzon", "18", "18279", 25903, "Orléans (45)", 76.8),
    ("AMI1", "Bastia", "2B", "2B033", 45715, "Corte (2B)", 50.3),
    ("AMI1", "Châlons-en-Champagne", "51", "51108", 44753, "Reims (51)", 41.2),
    ("AMI1", "Charleville-Mézières", "08", "08105", 46428, "Reims (51)", 75.8),
    ("AMI1", "Chaumont", "52", "52121", 21945, "Troyes (10)", 81.6),
    ("AMI1", "Colmar", "68", "68066", 69105, "Mulhouse (68)", 36.6),
    ("AMI1", "Épinal", "88", "88160", 31740, "Nancy (54)", 60.9),
    ("AMI1", "Lunéville", "54", "54329", 18287, "Nancy (54)", 25.3),
    ("AMI1", "Saint-Avold", "57", "57606", 15483, "Metz (57)", 38.6),
    ("AMI1", "Saint-Dié-des-Vosges", "88", "88413", 19607, "Mulhouse (68)", 66.4),
    ("AMI1", "Saint-Dizier", "52", "52448", 24012, "Troyes (10)", 74.7),
    ("AMI1", "Saint-Louis", "68", "68297", 21177, "Mulhouse (68)", 24.8),
    ("AMI1", "Saverne", "67", "67437", 11239, "Strasbourg (67)", 34.7),
    ("AMI1", "Thionville", "57", "57672", 40701, "Metz (57)", 26.5),
    ("AMI1", "Troyes", "10", "10387", 61652, "Troyes (10)", 0.0),
    ("AMI1", "Verdun", "55", "55545", 17475, "Metz (57)", 57.6),
    ("AMI1", "Vittel", "88", "88516", 5071, "Nancy (54)", 57.4),
    ("AMI1", "Basse-Terre", "971", "97105", 10058, "Pointe-à-Pitre (971)", 34.5),
    ("AMI1", "Saint-Laurent-du-Maroni", "973", "97311", 42612, "Cayenne (973)", 197.8),
    ("AMI1", "Beauvais", "60", "60057", 56254, "Cergy (95)", 42.1),
    ("AMI1", "Château-Thierry", "02", "02168", 15107, "Reims (51)", 51.4),
    ("AMI1", "Maubeuge", "59", "59392", 29944, "Valenciennes (59)", 33.1),
    ("AMI1", "Coulommiers", "77", "77131", 14838, "Champs-sur-Marne (77)", 35.6),
    ("AMI1", "Montereau-Fault-Yonne", "77", "77305", 20206, "Évry-Courcouronnes (91)", 47.0),
    ("AMI1", "Les Mureaux", "78", "78440", 32792, "Cergy (95)", 11.3),
    ("AMI1", "Mamoudzou", "976", "97611", 71437, "Dembeni (976)", 8.5),
    ("AMI1", "Cherbourg-en-Cotentin", "50", "50129", 79200, "Caen (14)", 104.1),
    ("AMI1", "Dieppe", "76", "76217", 29080, "Rouen (76)", 53.4),
    ("AMI1", "Saint-Lô", "50", "50502", 19116, "Caen (14)", 52.8),
    ("AMI1", "Cognac", "16", "16102", 18825, "La Rochelle (17)", 81.9),
    ("AMI1", "Marmande", "47", "47157", 17691, "Bordeaux (33)", 70.0),
    ("AMI1", "Niort", "79", "79191", 58707, "La Rochelle (17)", 55.9),
    ("AMI1", "Alès", "30", "30007", 40219, "Nîmes (30)", 39.2),
    ("AMI1", "Montauban", "82", "82121", 60810, "Toulouse (31)", 46.4),
    ("AMI1", "Sète", "34", "34301", 43229, "Montpellier (34)", 27.3),
    ("AMI1", "Châteaubriant", "44", "44036", 11974, "Rennes (35)", 47.0),
    ("AMI1", "La Roche-sur-Yon", "85", "85191", 54372, "La Rochelle (17)", 60.7),
    ("AMI1", "Saumur", "49", "49328", 26734, "Angers (49)", 42.5),
    ("AMI1", "Brignoles", "83", "83023", 17179, "Toulon (83)", 33.6),
    ("AMI1", "Grasse", "06", "06069", 50396, "Nice (06)", 28.3),
    ("AMI1", "Manosque", "04", "04112", 22333, "Aix-en-Provence (13)", 43.2),
    ("AMI1", "Le Port", "974", "97407", 34128, "Saint-Denis (974)", 17.6),
    ("AMI1", "Saint-Joseph", "974", "97412", 37644, "Saint-Denis (974)", 58.3),
    ("AMI1", "Saint-Martin", "978", "97801", 35334, "Pointe-à-Pitre (971)", 261.4),
    ("AMI2", "Arras", "62", "62041", 41019, "Arras (62)", 0.0),
    ("AMI2", "Dreux", "28", "28134", 31044, "Gif-sur-Yvette (91)", 56.1),
    ("AMI2", "Melun", "77", "77288", 40032, "Évry-Courcouronnes (91)", 19.4),
    ("AMI2", "Laon", "02", "02408", 24876, "Reims (51)", 45.3),
    ("AMI2", "Saint-Quentin", "02", "02691", 53816, "Compiègne (60)", 58.2),
    ("AMI2", "Pithiviers", "45", "45252", 8981, "Orléans (45)", 39.8),
    ("AMI2", "Dax", "40", "40088", 20681, "Pau (64)", 71.5),
    ("AMI2", "Longwy", "54", "54323", 14378, "Metz (57)", 52.9),
    ("AMI2", "Montbrison", "42", "42147", 15641, "Saint-Étienne (42)", 31.4),
    ("AMI2", "Saint-Omer", "62", "62765", 14782, "Dunkerque (59)", 32.9),
]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def communes() -> list[dict[str, str]]:
    return read_csv(COMMUNES)


@pytest.fixture(scope="module")
def by_code(communes) -> dict[str, dict[str, str]]:
    return {row["insee_code"]: row for row in communes}


def lookup(communes, name: str, dept: str) -> list[dict[str, str]]:
    return [r for r in communes if r["name"] == name and r["departement_code"] == dept]


def test_extracts_are_small():
    total = sum(p.stat().st_size for p in (COMMUNES, HUBS))
    assert total < 1_000_000, f"data extracts weigh {total} bytes"


def test_columns_and_codes(communes):
    header = list(communes[0].keys())
    assert header[:len(COLUMNS)] == COLUMNS
    codes = [r["insee_code"] for r in communes]
    assert len(codes) == len(set(codes)), "duplicate INSEE codes"
    for row in communes:
        code = row["insee_code"]
        assert len(code) == 5 and (code.isdigit() or code[:2] in ("2A", "2B")), code
        assert code.startswith(row["departement_code"][:2]), (code, row["departement_code"])
        assert int(row["population"]) > 0
        assert row["population_source"]
        lat, lon = float(row["lat"]), float(row["lon"])
        assert -90 <= lat <= 90 and -180 <= lon <= 180
        assert float(row["dist_hub_km"]) >= 0
        assert row["overseas"] == ("1" if row["departement_code"] in OVERSEAS_DEPTS else "0")
        if row["epci_siren"]:
            assert len(row["epci_siren"]) == 9 and row["epci_siren"].isdigit()
            assert int(row["epci_population"]) >= int(row["population"])


def test_extract_covers_the_eligibility_bands(communes):
    pops = [int(r["population"]) for r in communes]
    assert sum(5_000 <= p < 10_000 for p in pops) > 500  # the derogation band
    assert sum(10_000 <= p <= 100_000 for p in pops) > 900
    assert sum(p > 100_000 for p in pops) > 30  # above the ceiling, for the gate
    # Below 5 000 only the communes kept on purpose: named in the seeds (Sainte-Tulle) or
    # members of the demo's Pithiviers entente (Bazoches-les-Gallerandes).
    small = {r["insee_code"] for r, p in zip(communes, pops, strict=True) if p < 5_000}
    assert small <= {"04197", "45025"}, small


@pytest.mark.parametrize("call,name,dept,insee,pop,hub,dist", SEED_LAUREATES,
                         ids=[f"{n} ({d})" for _a, n, d, *_ in SEED_LAUREATES])
def test_seed_laureate_resolves(communes, call, name, dept, insee, pop, hub, dist):
    hits = lookup(communes, name, dept)
    assert len(hits) == 1, f"{name} ({dept}): {len(hits)} rows"
    row = hits[0]
    assert row["insee_code"] == insee
    population = int(row["population"])
    assert 3_000 <= population <= 150_000
    assert abs(population - pop) <= 0.05 * pop
    assert row["overseas"] == ("1" if dept in OVERSEAS_DEPTS else "0")
    assert row["nearest_hub"] == hub
    assert abs(float(row["dist_hub_km"]) - dist) <= 1.0


@pytest.mark.parametrize("name,codes", [
    ("Saint-Louis", {"68": "68297", "974": "97414"}),
    ("Saint-Joseph", {"974": "97412", "972": "97224"}),
    ("Saint-Denis", {"93": "93066", "974": "97411"}),
])
def test_homonyms_kept_apart(communes, name, codes):
    found = {r["departement_code"]: r["insee_code"] for r in communes if r["name"] == name}
    for dept, code in codes.items():
        assert found.get(dept) == code, (name, dept, found)
    assert len(set(found.values())) == len(found)


def test_overseas_fills(by_code):
    saint_martin = by_code["97801"]
    assert saint_martin["population"] == "35334"
    assert saint_martin["overseas"] == "1"
    assert saint_martin["nearest_hub"] == "Pointe-à-Pitre (971)"
    assert by_code["97611"]["population"] == "71437"  # Mamoudzou, INSEE census 2017
    mayotte = [r for r in by_code.values() if r["departement_code"] == "976"]
    assert len(mayotte) == 17 and sum(int(r["population"]) for r in mayotte) == 256_518


def test_epci_population_counts_every_member_commune(by_code):
    # Communauté d'agglomération du Pays de Laon: Laon is 24 876 of 42 884 inhabitants.
    laon = by_code["02408"]
    assert laon["epci_siren"] == "200043495"
    assert int(laon["epci_population"]) == 42_884


def test_hubs_file(by_code):
    hubs = read_csv(HUBS)
    assert len(hubs) == 75
    defaults = [h for h in hubs if h["default_hub"] == "True"]
    assert len(defaults) == 63
    for hub in hubs:
        assert hub["insee_code"] in by_code, hub["name"]
        row = by_code[hub["insee_code"]]
        assert row["name"] == hub["name"]
        assert math.isclose(float(row["lat"]), float(hub["lat"]), abs_tol=1e-4)
        assert math.isclose(float(row["lon"]), float(hub["lon"]), abs_tol=1e-4)
        if hub["default_hub"] == "True":
            assert float(row["dist_hub_km"]) == 0.0
