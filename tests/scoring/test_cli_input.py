"""The CLI's CSV input: French-Excel files (« ; », decimal commas, BOM, Windows-1252), duplicate
column names, plain numbers in messages, ids read as text, and the tie case end to end."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scoring.cli import main
from tests.scoring.test_cli import ATTRIBUTES

ROOT = Path(__file__).resolve().parents[2]

# Accented criterion ids, so that the Windows-1252 file differs from the UTF-8 one.
MATRIX = """id,Accès,Coût,C3
01001,5.5,8,4.25
01002,7,6.5,8
01003,8,8,6
01004,7.75,4,6
"""
SPEC = {
    "method": "topsis",
    "criteria": [
        {"id": "Accès", "direction": "max", "weight": 0.3},
        {"id": "Coût", "direction": "min", "weight": 0.4},
        {"id": "C3", "direction": "max", "weight": 0.3},
    ],
}
RATINGS = """juror,dossier,criterion,score
j1,01001,C3,3.5
j1,01002,C3,4
j1,01003,C3,2
j2,01001,C3,4.5
j2,01002,C3,3
j2,01003,C3,2.5
j2,01004,C3,5
"""
PAIRWISE = "id,Accès,Coût\nAccès,1,2\nCoût,0.5,1\n"


def french(text: str, separator: str = ";") -> str:
    """`text` as French Excel writes it: `separator` between cells, decimal commas, CRLF line ends."""
    return text.replace(",", separator).replace(".", ",").replace("\n", "\r\n")


def with_column(text: str, name: str) -> str:
    """`text` with one more column `name`, worth 1 on every row."""
    header, *rows = text.splitlines()
    return "\n".join([f"{header},{name}", *(f"{row},1" for row in rows)]) + "\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def both(tmp_path: Path, name: str, text: str, separator: str = ";", encoding: str = "utf-8-sig") -> tuple[str, str]:
    """The plain CSV and its French-Excel twin."""
    return write(tmp_path, f"plain-{name}", text), write(tmp_path, f"fr-{name}", french(text, separator), encoding)


@pytest.fixture
def spec(tmp_path: Path) -> str:
    return write(tmp_path, "S.json", json.dumps(SPEC))


# --------------------------------------------------------------------------- French-Excel CSV


@pytest.mark.parametrize(("separator", "encoding"), [(";", "utf-8-sig"), (";", "cp1252"), ("\t", "utf-8")])
def test_a_french_excel_matrix_ranks_as_the_plain_csv(separator, encoding, spec, tmp_path, capsys) -> None:
    plain, fr = both(tmp_path, "M.csv", MATRIX, separator, encoding)
    expected = run(["rank", "--matrix", plain, "--spec", spec], capsys)
    assert expected[0] == 0 and expected[2] == ""
    assert run(["rank", "--matrix", fr, "--spec", spec], capsys) == expected


def test_every_command_reads_french_excel_files_as_plain_ones(spec, tmp_path, capsys) -> None:
    matrix = both(tmp_path, "M.csv", MATRIX)
    attributes = both(tmp_path, "A.csv", ATTRIBUTES)
    ratings = both(tmp_path, "R.csv", RATINGS)
    pairwise = both(tmp_path, "P.csv", PAIRWISE)
    commands = [
        lambda k: ["rank", "--matrix", matrix[k], "--spec", spec],
        lambda k: ["weights", "--method", "entropy", "--matrix", matrix[k], "--spec", spec],
        lambda k: ["weights", "--method", "critic", "--matrix", matrix[k]],
        lambda k: ["weights", "--method", "ahp", "--pairwise", pairwise[k]],
        lambda k: ["sensitivity", "--matrix", matrix[k], "--spec", spec, "--samples", "300", "--seed", "2",
                   "--top", "2", "--ratings", ratings[k], "--bootstrap-jurors"],
        lambda k: ["shortlist", "--matrix", matrix[k], "--spec", spec, "--attributes", attributes[k],
                   "--size", "2"],
    ]
    for argv in commands:
        expected = run(argv(0), capsys)
        assert expected[0] == 0 and expected[2] == "", (argv(0), expected)
        assert run(argv(1), capsys) == expected, argv(1)
    # The decimal commas were read as numbers, not as text nor dropped.
    payload = json.loads(run(["weights", "--method", "ahp", "--pairwise", pairwise[1]], capsys)[1])
    assert payload["weights"] == {"Accès": pytest.approx(2 / 3), "Coût": pytest.approx(1 / 3)}


def test_a_value_that_cannot_be_read_is_named_with_file_row_column_and_value(spec, tmp_path, capsys) -> None:
    bad = write(tmp_path, "M.csv", french(MATRIX).replace("6,5", "6,5 €"), "utf-8-sig")
    code, out, err = run(["rank", "--matrix", bad, "--spec", spec], capsys)
    assert (code, out) == (2, "")
    assert f"Matrice « {bad} », ligne 3" in err and "« Coût »" in err and "'6,5 €'" in err, err
    # A quoted decimal comma in a « , » file is ambiguous (1,234): named, with the way out.
    quoted = write(tmp_path, "Q.csv", MATRIX.replace("6.5", '"6,5"'))
    code, out, err = run(["rank", "--matrix", quoted, "--spec", spec], capsys)
    assert (code, out) == (2, "")
    assert f"Matrice « {quoted} », ligne 3" in err and "« Coût »" in err and "'6,5'" in err, err
    assert "« ; »" in err, err
    # A juror's score too, and an empty one is not reported as « nan ».
    ratings = write(tmp_path, "R.csv", french(RATINGS).replace("j2;01002;C3;3", "j2;01002;C3;trois"))
    argv = ["sensitivity", "--matrix", write(tmp_path, "M2.csv", MATRIX), "--spec", spec, "--samples", "10",
            "--ratings", ratings, "--bootstrap-jurors"]
    code, out, err = run(argv, capsys)
    assert (code, out) == (2, "")
    assert f"Notes des jurés « {ratings} », ligne 6" in err and "« score »" in err and "'trois'" in err, err
    write(tmp_path, "R.csv", french(RATINGS).replace("j2;01002;C3;3", "j2;01002;C3;"))
    code, out, err = run(argv, capsys)
    assert code == 2 and f"Notes des jurés « {ratings} », ligne 6" in err and "« score »" in err, err
    assert "nan" not in err, err


def test_excel_s_separator_line_blank_lines_and_trailing_separators(spec, tmp_path, capsys) -> None:
    plain = write(tmp_path, "M.csv", MATRIX)
    rows = french(MATRIX).replace("\r\n", ";;\r\n").splitlines(keepends=True)
    excel = write(tmp_path, "X.csv", "sep=;\r\n" + rows[0] + "\r\n" + "".join(rows[1:]) + ";;;;;\r\n")
    expected = run(["rank", "--matrix", plain, "--spec", spec], capsys)
    assert expected[0] == 0 and run(["rank", "--matrix", excel, "--spec", spec], capsys) == expected
    # Lines are counted in the file: « sep=; » is line 1, the header line 2, the blank line 3.
    bad = write(tmp_path, "B.csv", "sep=;\r\n" + rows[0] + "\r\n" + "".join(rows[1:]).replace("6,5", "six"))
    code, _, err = run(["rank", "--matrix", bad, "--spec", spec], capsys)
    assert code == 2 and f"Matrice « {bad} », ligne 5 : " in err and "'six'" in err, err


# --------------------------------------------------------------------------- duplicate column names


@pytest.mark.parametrize(
    ("option", "text", "column"),
    [
        ("--matrix", with_column(MATRIX, "Coût"), "Coût"),
        ("--matrix", french(with_column(MATRIX, " Accès ")), "Accès"),
        ("--matrix", with_column(with_column(MATRIX, "note"), "note"), "note"),
        ("--attributes", with_column(ATTRIBUTES, "region"), "region"),
        ("--ratings", with_column(RATINGS, "score"), "score"),
    ],
)
def test_a_duplicate_column_name_is_refused(option, text, column, spec, tmp_path, capsys) -> None:
    files = {
        "--matrix": write(tmp_path, "M.csv", MATRIX),
        "--attributes": write(tmp_path, "A.csv", ATTRIBUTES),
        "--ratings": write(tmp_path, "R.csv", RATINGS),
    }
    files[option] = write(tmp_path, "dup.csv", text)
    commands = {
        "--matrix": ["rank", "--matrix", files["--matrix"], "--spec", spec],
        "--attributes": ["shortlist", "--matrix", files["--matrix"], "--spec", spec,
                         "--attributes", files["--attributes"], "--size", "2"],
        "--ratings": ["sensitivity", "--matrix", files["--matrix"], "--spec", spec, "--samples", "10",
                      "--ratings", files["--ratings"], "--bootstrap-jurors"],
    }
    code, out, err = run(commands[option], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("Erreur : ") and "Traceback" not in err
    assert f"« {files[option]} »" in err and f"colonne « {column} » en double" in err, err
    assert re.search(r"colonnes \d+ et \d+", err) and "np." not in err, err


# --------------------------------------------------------------------------- plain numbers in messages


@pytest.mark.parametrize(
    ("argv", "plain"),
    [
        (["weights", "--method", "points", "--points", "a=-3,b=1"], "-3.0"),
        (["sensitivity", "--matrix", "{matrix}", "--spec", "{spec}", "--concentration", "-1"], "-1.0"),
        (["shortlist", "--matrix", "{matrix}", "--spec", "{spec}", "--attributes", "{attributes}", "--size", "9"],
         "(9)"),
        (["shortlist", "--matrix", "{matrix}", "--spec", "{spec}", "--attributes", "{attributes}", "--size", "2",
          "--constraints", "{constraints}"], "1.5"),
        (["weights", "--method", "ahp", "--pairwise", "{pairwise}"], "2.0"),
    ],
)
def test_numbers_in_messages_are_plain(argv, plain, spec, tmp_path, capsys) -> None:
    paths = {
        "matrix": write(tmp_path, "M.csv", MATRIX), "spec": spec, "attributes": write(tmp_path, "A.csv", ATTRIBUTES),
        "constraints": write(tmp_path, "C.json", json.dumps({"min_share": {"overseas": 1.5}})),
        "pairwise": write(tmp_path, "P.csv", PAIRWISE.replace("0.5", "0.25")),
    }
    code, _, err = run([arg.format(**paths) for arg in argv], capsys)
    assert code == 2 and err.startswith("Erreur : ")
    assert plain in err and "np." not in err and "float64" not in err and "int64" not in err, err


# --------------------------------------------------------------------------- ids are text


def _sensitivity(tmp_path: Path, spec: str, ratings: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    matrix = write(tmp_path, "M.csv", MATRIX)
    return run(["sensitivity", "--matrix", matrix, "--spec", spec, "--samples", "50", "--seed", "3",
                "--ratings", write(tmp_path, "R.csv", ratings), "--bootstrap-jurors"], capsys)


def test_juror_ids_are_text_never_numbers(spec, tmp_path, capsys) -> None:
    # 1, 01 and 1.0 are three jurors: each rating the same cell is no duplicate.
    distinct = "juror,dossier,criterion,score\n1,01001,C3,3\n01,01001,C3,4\n1.0,01001,C3,5\n"
    code, _, err = _sensitivity(tmp_path, spec, distinct, capsys)
    assert code == 0, err
    # 1 and "1" (quoted) are the same juror: a second rating of the same cell is refused.
    same = 'juror,dossier,criterion,score\n1,01001,C3,3\n"1",01001,C3,4\n'
    code, _, err = _sensitivity(tmp_path, spec, same, capsys)
    assert code == 2 and "le juré « 1 » a déjà noté le dossier « 01001 »" in err, err


def test_juror_ids_of_a_french_file_are_not_read_as_decimal_numbers(spec, tmp_path, capsys) -> None:
    # 1,5 and 1,50 would be one number; they are two jurors.
    ratings = french("juror,dossier,criterion,score\n1.5,01001,C3,3\n1.50,01001,C3,4\n")
    code, _, err = _sensitivity(tmp_path, spec, ratings, capsys)
    assert code == 0, err
    code, _, err = _sensitivity(tmp_path, spec, ratings.replace("1,50", "1,5"), capsys)
    assert code == 2 and "le juré « 1,5 » a déjà noté le dossier « 01001 »" in err, err


def test_id_cells_are_text_as_given_only_trimmed(spec, tmp_path, capsys) -> None:
    # A juror whose initials are NA is a juror, not a missing cell.
    code, _, err = _sensitivity(tmp_path, spec, "juror,dossier,criterion,score\nNA,01001,C3,3\nnan,01001,C3,4\n",
                                capsys)
    assert code == 0, err
    # Spaces around an id are not part of it, in the ratings as in the matrix.
    code, _, err = _sensitivity(tmp_path, spec, "juror,dossier,criterion,score\nj1 ,01001 , C3 ,3\n", capsys)
    assert code == 0, err
    code, _, err = _sensitivity(tmp_path, spec, "juror,dossier,criterion,score\nj1 ,01001,C3,3\nj1,01001,C3,4\n",
                                capsys)
    assert code == 2 and "le juré « j1 » a déjà noté le dossier « 01001 »" in err, err
    # A dossier named NA in the matrix keeps its name.
    matrix = write(tmp_path, "NA.csv", MATRIX.replace("01004,", "NA,"))
    code, out, err = run(["rank", "--matrix", matrix, "--spec", spec], capsys)
    assert code == 0 and "\nNA," in out, err


# --------------------------------------------------------------------------- the tie case, end to end


def test_sensitivity_on_a_tie_for_the_third_place_gives_an_interval_around_one_half(tmp_path: Path) -> None:
    # Min-max values at equal weights: A 1, B 4/7, C 2/7, D 2/7, so C and D tie for the 3rd place;
    # any other weight of c0 separates them (C wins above 0,5, D below).
    plain = "id,c0,c1\nA,10,10\nB,8,6\nC,7,3\nD,3,7\n"
    spec = write(tmp_path, "S.json", json.dumps({"method": "wsm", "criteria": [
        {"id": "c0", "direction": "max", "weight": 0.5}, {"id": "c1", "direction": "max", "weight": 0.5}]}))
    # The same case as French Excel writes it, scaled by 1/4 so that it has decimal commas (2,5; 0,75).
    scaled = "id,c0,c1\nA,2.5,2.5\nB,2,1.5\nC,1.75,0.75\nD,0.75,1.75\n"
    for name, text, encoding in (("M.csv", plain, "utf-8"), ("fr.csv", french(scaled), "utf-8-sig")):
        done = subprocess.run(
            [sys.executable, "-m", "scoring", "sensitivity", "--matrix", write(tmp_path, name, text, encoding),
             "--spec", spec, "--top", "3", "--samples", "200", "--seed", "1"],
            capture_output=True, text=True, encoding="utf-8", cwd=ROOT, check=False,
        )
        assert done.returncode == 0 and done.stderr == "", done.stderr
        payload = json.loads(done.stdout)
        low, high = payload["stability"]["c0"]
        assert [low, high] != [0.0, 1.0]
        assert 0.49 <= low <= 0.5 <= high <= 0.51, (name, low, high)
        assert payload["current_top"] == ["A", "B", "C", "D"] and payload["boundary_tie"] == ["C", "D"]
