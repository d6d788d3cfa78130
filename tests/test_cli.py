"""The command line: build, show, check, codes; bad input gives one clear line, never a traceback."""

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from juesuan.cli import main

from .conftest import RAW, ROOT, seed


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
    assert status["scan.txt"] == "not_disclosure" and status["image.pdf"] == "failed"
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
    assert r.returncode == 1 and "no table 05" in r.stderr and "Traceback" not in r.stderr  # not found: 1


def test_codes_command():
    r = run("codes", "2101501")
    assert r.returncode == 0 and "行政运行" in r.stdout and "医疗保障管理事务" in r.stdout


# ---------------------------------------------------------------------------- conventions: formats, pipes, folders

DOCS = ROOT / "README.md"  # its command-line section


def _commands():
    from juesuan.cli import make_parser

    parser = make_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    top = [o for a in parser._actions for o in a.option_strings if o.startswith("--") and o != "--help"]
    return top, {
        name: [o for a in p._actions for o in a.option_strings if o not in ("-h", "--help")]
        for name, p in sub.choices.items()
    }


def test_every_command_and_option_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    top, commands = _commands()
    assert set(commands) == {"build", "show", "check", "codes"}
    for option in top:
        assert option in text, option
    for name, options in commands.items():
        section = text.split(f"### {name}\n", 1)[1].split("\n### ", 1)[0]
        assert f"juesuan {name}" in text and options, name
        for option in options:
            assert option in section, f"{name} {option} is not in README.md's section on {name}"


def test_version():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("juesuan ") and "data contract" in r.stdout


def test_the_cli_prints_what_the_api_returns(capsys):
    import io
    import json

    import juesuan
    from juesuan.codes import lookup_records

    def out(*args):
        status = main(list(args))
        return status, capsys.readouterr().out

    path = seed("000")
    doc = juesuan.read(path)
    status, text = out("show", str(path), "--table", "05", "--format", "csv")
    assert status == 0 and text == doc.table("05").to_csv(index=False, lineterminator="\n")
    status, text = out("check", str(path), "--all", "--format", "json")
    rows = json.loads(text)
    assert status == 1 and len(rows) == len(doc.findings)
    assert [x["check"] for x in rows] == list(doc.findings["check"]) and {x["file"] for x in rows} == {str(path)}
    status, text = out("codes", "2101501", "--format", "json")
    assert json.loads(text) == json.loads(json.dumps(lookup_records("2101501")[:30], ensure_ascii=False))
    status, text = out("show", str(RAW), "--format", "csv", "--workers", "1")
    shown = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    built = juesuan.read_all(RAW, workers=1, cache=False).documents
    assert status == 0 and list(shown["file"]) == list(built["file"]) and list(shown.columns) == list(built.columns)


def test_csv_to_head_prints_three_lines_and_exits_0():
    r = subprocess.run(
        f"{sys.executable} -m juesuan.cli show {seed('000')} --table 05 --format csv | head -3; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0 and r.stderr == "" and len(r.stdout.splitlines()) == 3
    assert r.stdout.splitlines()[0].startswith("code,name,合计")


def test_a_reader_that_goes_away_ends_the_command_quietly():
    proc = subprocess.Popen(
        [sys.executable, "-m", "juesuan.cli", "show", str(seed("000")), "--page", "1", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout.readline().strip() == b"["
    proc.stdout.close()  # like `| head -1`: the reader is gone while more than a pipe's worth is still to come
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""


def test_check_a_folder_groups_by_file_and_page_lists_what_it_did_not_read_and_writes_csv(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (raw / "song.mp3").write_bytes(b"ID3 not a document")
    r = run("check", str(raw), "--workers", "1")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "000_8f3e29accc7952d2.txt (决算 2021 株洲市石峰区医疗保障局): 1 errors" in r.stdout
    assert "\n  page 1\n" in r.stdout and "「5、卫生健康（类）其他卫生健康支出（款）" in r.stdout  # the evidence
    assert (
        "not read: broken.pdf: failed" in r.stderr
        and "not read: song.mp3: skipped: '.mp3' files are not a format juesuan reads" in r.stderr
    )
    out = tmp_path / "findings.csv"
    r = run("check", str(raw), "--workers", "1", "-o", str(out))
    written = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert r.returncode == 1 and {"file", "check", "page", "evidence"} <= set(written.columns)
    assert (written["severity"] != "info").all() and "narrative_subject" in set(written["check"])


def test_show_a_page_and_its_image_and_not_found_is_1(tmp_path):
    path = seed("000")
    r = run("show", str(path), "--page", "1", "--format", "csv")
    assert r.returncode == 0 and "2101599" in r.stdout
    png = tmp_path / "p1.png"
    r = run("show", str(path), "--page", "1", "--png", str(png), "--highlight", "2101599")
    assert r.returncode == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and "boxes" in r.stderr
    r = run("show", str(path), "--page", "9")
    assert r.returncode == 1 and "no page 9" in r.stderr


def test_the_pipeline_import_gives_the_collector_back_as_it_was():
    """show/check/build import pandas and the pipeline with the cyclic collector paused; it is on again after (and
    stays off for a caller who had turned it off)."""
    import gc

    from juesuan import cli

    assert gc.isenabled()
    cli._import_pipeline()
    assert gc.isenabled()
    gc.disable()
    try:
        cli._import_pipeline()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_console_entry_prints_all_of_a_large_output_and_keeps_the_status(tmp_path):
    """`python -m juesuan.cli` ends without the interpreter's teardown (cli.entry): what main printed is all there,
    however long, and the exit status is main's."""
    import io
    from contextlib import redirect_stdout

    from juesuan.testing import render
    from juesuan.testing.synth import make_document

    pdf = render.to_pdf(make_document(seed=3, n_items=8), tmp_path / "doc.pdf")
    r = run("show", str(pdf), "--page", "8", "--format", "json")
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(["show", str(pdf), "--page", "8", "--format", "json"]) == 0
    assert r.returncode == 0 and len(r.stdout.encode()) > 10000 and r.stdout == buf.getvalue()
    missing = run("show", str(tmp_path / "none.pdf"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
