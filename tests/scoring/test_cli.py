"""The CLI `python -m scoring`: outputs on CSV/JSON files, French errors and exit status 2."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring import rank
from scoring.cli import main

ROOT = Path(__file__).resolve().parents[2]

MATRIX = """id,C1,C2,C3
01001,5,8,4
01002,7,6,8
01003,8,8,6
01004,7,4,6
"""
SPEC = {
    "method": "topsis",
    "criteria": [
        {"id": "C1", "direction": "max", "weight": 0.3},
        {"id": "C2", "direction": "max", "weight": 0.4},
        {"id": "C3", "direction": "max", "weight": 0.3},
    ],
}
ATTRIBUTES = """id,region,overseas,ti,eligible
01001,ARA,0,1,1
01002,ARA,0,0,1
01003,IDF,1,1,1
01004,IDF,0,1,1
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    paths = {
        "matrix": tmp_path / "M.csv",
        "spec": tmp_path / "S.json",
        "attributes": tmp_path / "A.csv",
        "pairwise": tmp_path / "P.csv",
        "ratings": tmp_path / "R.csv",
    }
    paths["matrix"].write_text(MATRIX, encoding="utf-8")
    paths["spec"].write_text(json.dumps(SPEC), encoding="utf-8")
    paths["attributes"].write_text(ATTRIBUTES, encoding="utf-8")
    # Saaty's judgements as they are usually written, with fractions.
    paths["pairwise"].write_text("id,C1,C2,C3\nC1,1,3,5\nC2,1/3,1,2\nC3,1/5,1/2,1\n", encoding="utf-8")
    ratings = ["juror,dossier,criterion,score"]
    for juror, shift in (("j1", 0), ("j2", 1), ("j3", -1)):
        for dossier, base in (("01001", 3), ("01002", 4), ("01003", 2), ("01004", 3)):
            ratings.append(f"{juror},{dossier},C3,{min(5, max(1, base + shift))}")
    paths["ratings"].write_text("\n".join(ratings) + "\n", encoding="utf-8")
    return {name: str(path) for name, path in paths.items()}


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_rank_reproduces_the_engine(files, capsys) -> None:
    code, out, err = run(["rank", "--matrix", files["matrix"], "--spec", files["spec"]], capsys)
    assert code == 0 and err == ""
    table = pd.read_csv(io.StringIO(out), dtype={"id": str})
    assert table.columns.tolist() == ["id", "score", "rank"]
    assert table["id"].tolist() == ["01003", "01002", "01001", "01004"]  # best first, leading zeros kept
    matrix = pd.read_csv(io.StringIO(MATRIX), dtype={"id": str}).set_index("id")
    expected = rank(matrix, SPEC).scores
    np.testing.assert_allclose(table.set_index("id")["score"].loc[expected.index], expected, rtol=1e-15)
    # Tzeng & Huang (2011) closeness coefficients.
    np.testing.assert_allclose(table["score"], [0.7482, 0.6581, 0.5037, 0.3340], atol=5e-5)
    assert table["rank"].tolist() == [1, 2, 3, 4]


def test_rank_vikor_lists_lowest_q_first(files, tmp_path, capsys) -> None:
    spec = dict(SPEC, method="vikor")
    code, out, _ = run(
        ["rank", "--matrix", files["matrix"], "--spec", write(tmp_path, "v.json", json.dumps(spec))], capsys
    )
    table = pd.read_csv(io.StringIO(out), dtype={"id": str})
    assert code == 0
    assert table["score"].is_monotonic_increasing and table["rank"].iloc[0] == 1


def test_weights_ahp_with_fractions(files, capsys) -> None:
    code, out, _ = run(["weights", "--method", "ahp", "--pairwise", files["pairwise"]], capsys)
    payload = json.loads(out)
    assert code == 0
    assert list(payload["weights"]) == ["C1", "C2", "C3"]
    assert sum(payload["weights"].values()) == pytest.approx(1.0)
    assert {"lambda_max", "ci", "cr"} <= set(payload)
    assert payload["cr"] < 0.10


def test_weights_ahp_by_groups_from_a_json_specification(tmp_path: Path, capsys) -> None:
    spec = {"pairwise": [[1, 2], ["1/2", 1]],
            "groups": {"territoire": {"criteria": ["C1", "C2"], "pairwise": [[1, 3], ["1/3", 1]]},
                       "jury": {"criteria": ["J1"]}}}
    path = tmp_path / "H.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    code, out, _ = run(["weights", "--method", "ahp", "--ahp", str(path)], capsys)
    payload = json.loads(out)
    assert code == 0
    assert payload["weights"] == {"C1": pytest.approx(0.5), "C2": pytest.approx(1 / 6), "J1": pytest.approx(1 / 3)}
    assert payload["group_weights"] == {"territoire": pytest.approx(2 / 3), "jury": pytest.approx(1 / 3)}
    assert list(payload["blocks"]) == ["groupes", "territoire", "jury"] and payload["cr"] == 0.0


def test_weights_roc_entropy_critic_equal_points(files, capsys) -> None:
    code, out, _ = run(["weights", "--method", "roc", "--order", "C2,C3,C1"], capsys)
    assert code == 0
    assert json.loads(out) == {
        "weights": {"C2": pytest.approx(11 / 18), "C3": pytest.approx(5 / 18), "C1": pytest.approx(2 / 18)}
    }
    for method in ("entropy", "critic"):
        code, out, _ = run(
            ["weights", "--method", method, "--matrix", files["matrix"], "--spec", files["spec"]], capsys
        )
        assert code == 0 and sum(json.loads(out)["weights"].values()) == pytest.approx(1.0)
    code, out, _ = run(["weights", "--method", "equal", "--criteria", "a,b"], capsys)
    assert json.loads(out) == {"weights": {"a": 0.5, "b": 0.5}}
    code, out, _ = run(["weights", "--method", "points", "--points", "a=3,b=1"], capsys)
    assert json.loads(out) == {"weights": {"a": 0.75, "b": 0.25}}


def test_sensitivity_json_is_reproducible(files, capsys) -> None:
    argv = [
        "sensitivity", "--matrix", files["matrix"], "--spec", files["spec"],
        "--samples", "500", "--seed", "1", "--top", "2",
    ]
    code, out, _ = run(argv, capsys)
    assert code == 0
    payload = json.loads(out)
    assert set(payload["rank_acceptability"]) == {"01001", "01002", "01003", "01004"}
    for probabilities in payload["rank_acceptability"].values():
        assert len(probabilities) == 4 and sum(probabilities) == pytest.approx(1.0)
    assert sum(payload["top_probability"].values()) == pytest.approx(2.0)
    low, high = payload["stability"]["C1"]
    assert 0.0 <= low <= 0.3 <= high <= 1.0
    assert run(argv, capsys)[1] == out
    with_jury = [*argv, "--ratings", files["ratings"], "--bootstrap-jurors"]
    code, out, _ = run(with_jury, capsys)
    assert code == 0 and "top_probability" in json.loads(out)


def test_shortlist_json_and_infeasible_constraints(files, tmp_path, capsys) -> None:
    constraints = write(tmp_path, "C.json", json.dumps({"min_per_group": {"region": 1}, "min_count": {"overseas": 1}}))
    argv = [
        "shortlist", "--matrix", files["matrix"], "--spec", files["spec"],
        "--attributes", files["attributes"], "--size", "2",
    ]
    code, out, _ = run([*argv, "--constraints", constraints], capsys)
    payload = json.loads(out)
    assert code == 0
    assert {"selected", "top_n", "swaps", "binding", "objective_lost"} <= set(payload)
    assert len(payload["selected"]) == 2 and "01003" in payload["selected"]
    impossible = write(tmp_path, "X.json", json.dumps({"min_count": {"overseas": 2}}))
    code, out, err = run([*argv, "--constraints", impossible], capsys)
    assert code == 2
    assert json.loads(out)["feasible"] is False
    assert err.startswith("Erreur : ")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "commande attendue"),
        (["classer"], "choix invalide 'classer'"),
        (["rank", "--matrix", "{matrix}"], "arguments obligatoires manquants : --spec"),
        (["rank", "--matrix", "/nulle/part.csv", "--spec", "{spec}"], "fichier introuvable « /nulle/part.csv »"),
        (["rank", "--matrix", "{matrix}", "--spec", "{matrix}"], "JSON invalide ligne 1, colonne 1"),
        (
            ["rank", "--matrix", "{noid}", "--spec", "{spec}"],
            "la première colonne doit s'appeler « id », reçu « code »",
        ),
        (["rank", "--matrix", "{text}", "--spec", "{spec}"], "ligne « 01002 », colonne « C2 » \\(valeur 'six'\\)"),
        (
            ["rank", "--matrix", "{hole}", "--spec", "{spec}"],
            "Valeur manquante dans la matrice : ligne « 01002 », colonne « C3 »",
        ),
        (
            ["rank", "--matrix", "{matrix}", "--spec", "{badspec}"],
            "« direction » doit valoir « max » ou « min », reçu 'haut'",
        ),
        (["rank", "--matrix", "{empty}", "--spec", "{spec}"], "le fichier est vide"),
        (["weights", "--method", "ahp"], "La méthode « ahp » exige l'option --pairwise ou --ahp"),
        (["weights", "--method", "swing"], "choix invalide 'swing'"),
        (["weights", "--method", "roc", "--order", "C1,,C2"], "--order : liste de critères"),
        (["weights", "--method", "points", "--points", "a:3"], "« critère=points » attendu, reçu « a:3 »"),
        (["weights", "--method", "ahp", "--pairwise", "{badpairwise}"], "n'est pas réciproque"),
        (
            ["sensitivity", "--matrix", "{matrix}", "--spec", "{spec}", "--samples", "0"],
            "argument --samples : entier strictement positif attendu, reçu '0'",
        ),
        (
            ["sensitivity", "--matrix", "{matrix}", "--spec", "{spec}", "--seed", "un"],
            "argument --seed : valeur invalide 'un'",
        ),
        (
            ["sensitivity", "--matrix", "{matrix}", "--spec", "{spec}", "--bootstrap-jurors"],
            "--bootstrap-jurors exige les notes des jurés",
        ),
        (
            [
                "shortlist", "--matrix", "{matrix}", "--spec", "{spec}", "--attributes", "{attributes}",
                "--size", "2", "--constraints", "{badconstraints}",
            ],
            "Contrainte inconnue : « min_region »",
        ),
        (["rank", "--matrix", "{matrix}", "--spec", "{spec}", "--verbose"], "arguments non reconnus : --verbose"),
    ],
)
def test_bad_input_exits_2_with_a_french_message(argv, message, files, tmp_path, capsys) -> None:
    paths = dict(files)
    paths["noid"] = write(tmp_path, "noid.csv", MATRIX.replace("id,", "code,", 1))
    paths["text"] = write(tmp_path, "text.csv", MATRIX.replace("01002,7,6,8", "01002,7,six,8"))
    paths["hole"] = write(tmp_path, "hole.csv", MATRIX.replace("01002,7,6,8", "01002,7,6,"))
    paths["empty"] = write(tmp_path, "empty.csv", "")
    paths["badspec"] = write(tmp_path, "bad.json", json.dumps(SPEC).replace('"max"', '"haut"', 1))
    paths["badpairwise"] = write(tmp_path, "badp.csv", "id,C1,C2\nC1,1,3\nC2,3,1\n")
    paths["badconstraints"] = write(tmp_path, "badc.json", json.dumps({"min_region": 1}))
    code, out, err = run([arg.format(**paths) for arg in argv], capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("Erreur : ") and "Traceback" not in err
    assert re.search(message, err), err


def test_python_m_scoring_in_a_subprocess(files) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "scoring", "rank", "--matrix", files["matrix"], "--spec", files["spec"]],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, check=False,
    )
    assert ok.returncode == 0 and ok.stdout.splitlines()[0] == "id,score,rank"
    bad = subprocess.run(
        [sys.executable, "-m", "scoring", "rank", "--matrix", files["spec"], "--spec", files["spec"]],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("Erreur : ") and "Traceback" not in bad.stderr
    help_ = subprocess.run(
        [sys.executable, "-m", "scoring", "--help"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert help_.returncode == 0 and "utilisation : python -m scoring" in help_.stdout
