"""The command line: build, show, check, codes; bad input gives one clear line, never a traceback."""

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from juesuan.cli import main

from .conftest import RAW, seed


def run(*args):
    return subprocess.run([sys.executable, "-m", "juesuan.cli", *args], capture_output=True, text=True)


def test_build_writes_bom_csvs_and_is_byte_identical(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "notes").mkdir()
    (raw / "notes" / "empty.txt").write_bytes(b"")
    (raw / "image.pdf").write_bytes(b"not a pdf at all")
    (raw / "scan.txt").write_text("会议纪要\n今天天气很好。\n", encoding="utf-8")
    out1, out2 = tmp_path / "c1", tmp_path / "c2"
    assert main(["build", str(raw), str(out1)]) == 1  # files failed: listed, exit 1 (their rows are written)
    assert main(["build", str(raw), str(out2), "--keep-going"]) == 0
    for name in ("documents", "tables", "cells", "facts", "findings", "dropped"):
        b1, b2 = (out1 / f"{name}.csv").read_bytes(), (out2 / f"{name}.csv").read_bytes()
        assert b1 == b2 and b1.startswith(b"\xef\xbb\xbf")
    docs = pd.read_csv(out1 / "documents.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    status = dict(zip(docs.file, docs.status))
    assert status["000_8f3e29accc7952d2.txt"] == "ok" and status["notes/empty.txt"] == "failed"
    assert status["scan.txt"] == "failed" and status["image.pdf"] == "failed"
    err = dict(zip(docs.file, docs.error))
    assert "empty file" in err["notes/empty.txt"] and "not a 决算/预算" in err["scan.txt"]
    assert "PDF" in err["image.pdf"] and "/" not in err["image.pdf"]  # the problem, without a machine's path
    cells = pd.read_csv(out1 / "cells.csv", encoding="utf-8-sig", dtype={"code": str})
    assert len(cells) == 167 and "2101501" in set(cells.code)


def test_build_prints_one_line_per_document(tmp_path, capsys):
    assert main(["build", str(RAW), str(tmp_path)]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if not ln.startswith("wrote ")]
    assert len(lines) == 5 and lines[0].startswith("000_8f3e29accc7952d2.txt: ok 决算 2021")


@pytest.mark.parametrize(
    "content, suffix, problem",
    [
        (None, ".txt", "no such file"),
        (b"", ".txt", "empty file"),
        (b"abc", ".docx", "unsupported format"),
        ("会议纪要：今天讨论绿化。".encode(), ".txt", "not a 决算/预算"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, content, suffix, problem):
    path = tmp_path / f"bad{suffix}"
    if content is not None:
        path.write_bytes(content)
    r = run("check", str(path))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0 and str(path) in r.stderr and problem in r.stderr


def test_check_exit_status_follows_errors(tmp_path):
    from juesuan.testing.synth import make_document, to_text

    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(to_text(make_document(seed=1)), encoding="utf-8")
    bad.write_text(to_text(make_document(seed=1, wrong_total=True)), encoding="utf-8")
    assert run("check", str(good)).returncode == 0
    r = run("check", str(bad))
    assert r.returncode == 1 and "hierarchy_sum" in r.stdout and "error" in r.stdout


def test_show_table_and_unknown_table():
    r = run("show", str(seed("000")), "--table", "05")
    assert r.returncode == 0 and "2101599" in r.stdout and "76.65" in r.stdout
    r = run("show", str(seed("001")), "--table", "05")
    assert r.returncode == 2 and "no table 05" in r.stderr and "Traceback" not in r.stderr


def test_codes_command():
    r = run("codes", "2101501")
    assert r.returncode == 0 and "行政运行" in r.stdout and "医疗保障管理事务" in r.stdout
