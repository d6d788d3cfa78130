"""Broken input: every bad file gives a JuesuanError naming the file and the problem, never a raw exception."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from juesuan.corpus import printable
from juesuan.errors import Encrypted, JuesuanError, NoTextLayer, Unreadable, UnsupportedFormat
from juesuan.limits import LimitExceeded
from juesuan.readers import read_raw

from .hostile import CASES, NAMES, dense_sheet, encrypted_pdf, zero_pages


def _text_pdf(path: Path, text: str = "收入决算表 公开02表", pages: int = 1) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    for _ in range(pages):
        c.setFont("STSong-Light", 12)
        c.drawString(72, 700, text)
        c.showPage()
    c.save()
    return path


def _image_pdf(path: Path) -> Path:
    """A 'scan': a page holding only an image."""
    from PIL import Image
    from reportlab.pdfgen import canvas

    img = path.with_suffix(".png")
    Image.new("RGB", (200, 100), (230, 230, 230)).save(img)
    c = canvas.Canvas(str(path))
    c.drawImage(str(img), 72, 600, 200, 100)
    c.showPage()
    c.save()
    return path


def _encrypted_pdf(path: Path) -> Path:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt=StandardEncryption("secret", ownerPassword="owner", canPrint=0))
    c.drawString(72, 700, "locked")
    c.showPage()
    c.save()
    return path


def _assert_names_file(err: JuesuanError, path: Path) -> None:
    assert str(path) in str(err)
    assert err.problem


def test_truncated_pdf_is_unreadable(tmp_path):
    good = _text_pdf(tmp_path / "good.pdf", pages=3)
    bad = tmp_path / "truncated.pdf"
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3])
    try:
        raw = read_raw(bad)
    except Unreadable as err:
        _assert_names_file(err, bad)
    else:  # pdfium may rebuild a damaged xref: then what it recovered must be real text
        assert raw.lines and "收入决算表" in raw.text


def test_garbage_with_pdf_header_is_unreadable(tmp_path):
    bad = tmp_path / "corrupt.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    with pytest.raises(Unreadable) as err:
        read_raw(bad)
    _assert_names_file(err.value, bad)


def test_encrypted_pdf_says_password(tmp_path):
    path = _encrypted_pdf(tmp_path / "locked.pdf")
    with pytest.raises(Encrypted) as err:
        read_raw(path)
    _assert_names_file(err.value, path)
    assert "password" in err.value.problem


def test_image_only_pdf_asks_for_ocr(tmp_path):
    path = _image_pdf(tmp_path / "scan.pdf")
    with pytest.raises(NoTextLayer) as err:
        read_raw(path)
    _assert_names_file(err.value, path)
    assert "OCR" in err.value.problem


def test_zero_pages_pdf_is_unreadable(tmp_path):
    path = tmp_path / "nopages.pdf"
    zero_pages(path)  # a syntactically valid PDF whose page tree is empty
    with pytest.raises(Unreadable) as err:
        read_raw(path)
    _assert_names_file(err.value, path)


def test_empty_file_is_unreadable(tmp_path):
    for suffix in (".pdf", ".xlsx", ".xls"):
        path = tmp_path / f"empty{suffix}"
        path.write_bytes(b"")
        with pytest.raises(Unreadable) as err:
            read_raw(path)
        _assert_names_file(err.value, path)


def test_pdf_named_xlsx_is_read_as_pdf(tmp_path):
    path = _text_pdf(tmp_path / "x.pdf")
    renamed = tmp_path / "really_a_pdf.xlsx"
    renamed.write_bytes(path.read_bytes())
    raw = read_raw(renamed)
    assert raw.format == "pdf"
    assert "收入决算表" in raw.text


def test_text_named_pdf_is_unreadable(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_text("收入决算表\n这不是PDF", encoding="utf-8")
    with pytest.raises(Unreadable) as err:
        read_raw(path)
    _assert_names_file(err.value, path)


def test_unknown_suffix_is_unsupported(tmp_path):
    path = tmp_path / "budget.pages"
    path.write_bytes(b"\x00\x01binary")
    with pytest.raises(UnsupportedFormat):
        read_raw(path)


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "report.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises((UnsupportedFormat, Unreadable)) as err:
        read_raw(path)
    _assert_names_file(err.value, path)


def test_truncated_xlsx_is_unreadable(tmp_path):
    from openpyxl import Workbook

    good = tmp_path / "good.xlsx"
    wb = Workbook()
    for i in range(30):
        wb.active.append([f"科目{i}", i * 1.5])
    wb.save(good)
    bad = tmp_path / "truncated.xlsx"
    bad.write_bytes(good.read_bytes()[:300])
    with pytest.raises(Unreadable) as err:
        read_raw(bad)
    _assert_names_file(err.value, bad)


def test_ole_garbage_named_xls_is_unreadable(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises((Unreadable, UnsupportedFormat)) as err:
        read_raw(path)
    _assert_names_file(err.value, path)


def test_garbled_pdf_text_is_reported(tmp_path):
    """Private-use code points (fonts without ToUnicode) on every character: the text cannot be decoded."""
    path = _text_pdf(tmp_path / "garbled.pdf", text="\ue001\ue002\ue003\ue004\ue005\ue006")
    from juesuan.errors import GarbledText

    try:
        raw = read_raw(path)
    except GarbledText as err:
        _assert_names_file(err, path)
    else:  # the font may drop unmapped glyphs: then nothing garbled may come through silently
        assert not any("\ue001" in ln.text for ln in raw.lines)


def test_radicals_are_normalised(tmp_path):
    path = _text_pdf(tmp_path / "radicals.pdf", text="公务用⻋运行维护费 ⻓期")
    raw = read_raw(path)
    assert "公务用车运行维护费" in raw.text.replace(" ", "")
    assert "⻋" not in raw.text


# ---------------------------------------------------------------------------------------------------- hostile files


def _in_child(fn) -> tuple[int, float, object]:
    """Run ``fn()`` in a forked child: (its exit status, its peak memory growth in MB, what it returned)."""
    import json
    import os
    import resource

    from juesuan.pool import rss_mb
    from juesuan.readers import stop_reader_process

    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(r)
        base = rss_mb(os.getpid()) or 0.0
        try:
            result = fn()
        except BaseException as err:  # noqa: BLE001 - reported to the parent
            result = ["raised", type(err).__name__, str(err)]
        stop_reader_process()  # the guarded reader's peak is counted in RUSAGE_CHILDREN once it has ended
        peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        os.write(w, json.dumps([result, peak / 1024 - base]).encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        data = fh.read()
    _, status = os.waitpid(pid, 0)
    result, growth = json.loads(data) if data else (None, 0.0)
    return status, growth, result


def _problem_of(path: Path):
    try:
        read_raw(path)  # as check and show read: pre-checks, then PDFs and workbooks in a guarded child
    except JuesuanError as err:
        return [type(err).__name__, err.problem, str(path) in str(err)]
    return ["no error"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_gives_its_clear_error_within_its_bound(case, tmp_path):
    import time

    name, write, error, words = CASES[case]
    path = tmp_path / name
    write(path)
    assert path.stat().st_blocks * 512 < 110 * 2**20  # small on disk whatever it claims
    t0 = time.perf_counter()
    status, growth, result = _in_child(lambda: _problem_of(path))
    seconds = time.perf_counter() - t0
    assert status == 0, f"{case}: the process ended with status {status} (an abort?)"
    assert result[0] == error.__name__ and words in result[1] and result[2], (case, result)
    assert "\n" not in result[1]
    assert growth < 1024, f"{case}: {growth:.0f} MB"
    assert seconds < 10, f"{case}: {seconds:.1f} s"


def test_a_reader_that_aborts_the_process_fails_its_file_only(tmp_path):
    """A native reader's abort (the spreadsheet library panicked on a far cell) is one clear error in read/check/show
    and one failed row in a build, never the end of the calling process.

    Run in a fresh interpreter: a guarded reader forks only from a single-threaded process (forking a threaded one can
    deadlock), and the test session has threads by now (dask, plotting)."""
    import subprocess
    import sys

    from juesuan.pool import FORK_OK

    if not FORK_OK:
        pytest.skip("guarded readers need fork")
    script = f"""
import faulthandler, pathlib
import juesuan.readers as readers
from juesuan.corpus import read_all
from juesuan.testing.synth import make_document, to_text
from tests.aborting_reader import assert_reader_died, register
register(readers)
faulthandler.disable()
tmp = pathlib.Path({str(tmp_path)!r})
path = tmp / "table.boom"
path.write_bytes(b"anything")
assert_reader_died(readers, path)
(tmp / "good.txt").write_text(to_text(make_document(seed=3)), encoding="utf-8")
for workers in (1, 2):
    c = read_all(tmp, workers=workers, cache=False)
    status = dict(zip(c.documents.file, c.documents.status))
    assert status == {{"good.txt": "ok", "table.boom": "failed"}}, (workers, status)
print("survived")
"""
    root = Path(__file__).resolve().parents[1]
    r = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "survived" in r.stdout, r.stderr[-2000:]


def test_a_precheck_that_aborts_cannot_take_the_caller_down(tmp_path):
    """check_pdf opens the file with pdfium before any reader runs: a crash at open must fail that file only, as a
    crash in the reader does (the pre-checks of an isolated format run in the guarded reader process)."""
    import subprocess
    import sys

    from juesuan.pool import FORK_OK

    if not FORK_OK:
        pytest.skip("guarded readers need fork")
    script = f"""
import faulthandler, os, pathlib
import juesuan.limits as limits
import juesuan.readers as readers
from juesuan.errors import Unreadable
from juesuan.testing import render
from juesuan.testing.synth import make_document
faulthandler.disable()
tmp = pathlib.Path({str(tmp_path)!r})
good = render.to_pdf(make_document(seed=2), tmp / "good.pdf", ruled=True)
bad = tmp / "bad.pdf"
bad.write_bytes(good.read_bytes())
real = limits.PRECHECKS["pdf"]
def crash_on_bad(path, lim):
    if path.name == "bad.pdf":
        os.abort()  # as pdfium would on a hostile file
    for check in real:
        check(path, lim)
limits.PRECHECKS["pdf"] = (crash_on_bad,)
try:
    readers.read_raw(bad)
    raise SystemExit("no error")
except Unreadable as err:
    assert "died (SIGABRT" in err.problem, err.problem
assert readers.read_raw(good).lines, "the next file reads"
print("survived")
"""
    root = Path(__file__).resolve().parents[1]
    r = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "survived" in r.stdout, r.stderr[-2000:]


def test_a_stale_pdfium_error_does_not_reach_a_later_file(tmp_path):
    """pdfium's last error is global: after an encrypted PDF, a PDF without pages must not be called encrypted."""
    encrypted_pdf(tmp_path / "locked.pdf")
    zero_pages(tmp_path / "nopages.pdf")
    with pytest.raises(Encrypted):
        read_raw(tmp_path / "locked.pdf", isolate=False)
    with pytest.raises(Unreadable) as err:
        read_raw(tmp_path / "nopages.pdf", isolate=False)
    assert err.value.problem == "PDF has no pages"


def test_bounds_can_be_raised(tmp_path):
    from juesuan.limits import Limits

    dense_sheet(tmp_path / "dense.xlsx")
    with pytest.raises(LimitExceeded) as err:
        read_raw(tmp_path / "dense.xlsx", limits=Limits(max_rows=70_000))
    assert err.value.bound == "max_sheet_cells" and "--max-sheet-cells" in err.value.problem
    path = tmp_path / "rows.txt"
    path.write_text("收入决算表\n" + "2010101\t行政运行\t1.00\n" * 300, encoding="utf-8")
    with pytest.raises(LimitExceeded):
        read_raw(path, limits=Limits(max_rows=100))
    assert read_raw(path, limits=Limits(max_rows=1_000)).lines


# ---------------------------------------------------------------------------------------------------- a build over them


def _hostile_folder(root: Path) -> dict[str, str]:
    """The five samples, every hostile case, hostile names, links, a pipe and files of other formats; returns the
    label → expected status of every path that must get a row."""
    import os
    import shutil

    from juesuan.testing.synth import make_document, to_text

    from .conftest import RAW

    root.mkdir()
    expected = {}
    for p in sorted(RAW.iterdir()):
        shutil.copy(p, root / p.name)
        expected[p.name] = "ok"
    bad = root / "bad"
    bad.mkdir()
    for name, write, error, _ in CASES.values():
        write(bad / name)
        expected[f"bad/{name}"] = "skipped" if error is UnsupportedFormat else "failed"
    names = root / "names"
    names.mkdir()
    for i, name in enumerate(NAMES):
        (names / name).write_text(to_text(make_document(seed=700 + i)), encoding="utf-8")
        expected["names/" + printable(name)] = "ok"
    (root / "links").mkdir()
    os.symlink("nowhere.txt", root / "links" / "dangling.txt")
    os.symlink("..", root / "links" / "loop")
    os.symlink("self.txt", root / "links" / "self.txt")
    os.mkfifo(root / "links" / "pipe.txt")
    expected.update(
        {
            "links/dangling.txt": "failed",
            "links/loop/": "failed",
            "links/self.txt": "failed",
            "links/pipe.txt": "skipped",
        }
    )
    (root / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    (root / "figures.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (root / ".hidden.txt").write_text("not a row", encoding="utf-8")
    # a picture is read through OCR (readers.ocr): a truncated one fails, naming the problem (or the ocr extra)
    expected.update({"chart.png": "failed", "figures.csv": "skipped"})
    return expected


def test_a_build_over_every_hostile_file_reads_the_samples_and_gives_each_bad_file_a_row(tmp_path, capsys, monkeypatch):
    from juesuan.cli import main
    from juesuan.corpus import read_all, write_clean

    from .conftest import ROOT

    raw = tmp_path / "raw"
    expected = _hostile_folder(raw)
    c = read_all(raw, workers=2, cache=tmp_path / "cache")
    got = dict(zip(c.documents.file, c.documents.status))
    assert got == expected, {
        k: (got.get(k), expected.get(k)) for k in set(got) | set(expected) if got.get(k) != expected.get(k)
    }
    errors = dict(zip(c.documents.file, c.documents.error))
    for name, _, error, words in CASES.values():
        words = "not a format juesuan reads" if error is UnsupportedFormat else words
        assert words in errors[f"bad/{name}"], (name, errors[f"bad/{name}"])
    assert "loop" in errors["links/loop/"] and "missing file" in errors["links/dangling.txt"]
    assert "named pipe" in errors["links/pipe.txt"] and "'.csv' files" in errors["figures.csv"]
    assert "not a readable image" in errors["chart.png"] or "juesuan[ocr]" in errors["chart.png"]
    assert c.stats["hidden"] == 1 and max(c.stats["peak_rss_mb"].values()) < 1024
    write_clean(c, tmp_path / "clean")
    # the samples' rows are those of a build of the samples alone (data/clean), the bad files adding none
    cells = (tmp_path / "clean" / "cells.csv").read_bytes()
    assert cells.count(b"\n") > (ROOT / "data" / "clean" / "cells.csv").read_bytes().count(b"\n")
    # the CLI: every row printed, the failed files listed, exit status 1 (0 with --keep-going)
    capsys.readouterr()
    monkeypatch.setenv("JUESUAN_CACHE_DIR", str(tmp_path / "cache"))  # what the build above read stays read
    assert main(["build", str(raw), str(tmp_path / "clean2")]) == 1
    out = capsys.readouterr()
    assert f"{sum(1 for s in expected.values() if s == 'failed')} files failed" in out.err
    assert "bad/liar.pdf: FAILED the PDF claims 999,999 pages" in out.out
    assert main(["build", str(raw), str(tmp_path / "clean2"), "--keep-going"]) == 0


def test_unreadable_files_and_folders_get_a_row(tmp_path, monkeypatch):
    """A folder that cannot be listed and a file that cannot be opened: rows that say so (as root, where chmod does
    not stop reading, the folder is made unlistable by refusing os.scandir on it)."""
    import os

    from juesuan import corpus as corpus_mod
    from juesuan.corpus import read_all
    from juesuan.testing.synth import make_document, to_text

    raw = tmp_path / "raw"
    (raw / "locked").mkdir(parents=True)
    (raw / "locked" / "inside.txt").write_text("x", encoding="utf-8")
    (raw / "good.txt").write_text(to_text(make_document(seed=9)), encoding="utf-8")
    secret = raw / "secret.txt"
    secret.write_text(to_text(make_document(seed=10)), encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(corpus_mod.os, "scandir", scandir)
    secret.chmod(0)
    try:
        c = read_all(raw, workers=1, cache=False)
    finally:
        secret.chmod(0o644)
    rows = dict(zip(c.documents.file, zip(c.documents.status, c.documents.error)))
    assert rows["locked/"] == ("failed", "permission denied: cannot list the folder")
    assert rows["good.txt"][0] == "ok"
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop reading (the folder's row was checked)")
    assert rows["secret.txt"] == ("failed", "permission denied: cannot read the file")


def test_check_and_show_survive_hostile_files_and_names(tmp_path):
    """`juesuan check` on a sheet with a far cell (the library used to abort the process: exit 134) and on a file
    whose name is not UTF-8: one line and exit status 2, or the findings."""
    import os
    import subprocess
    import sys

    from juesuan.testing.synth import make_document, to_text

    from .hostile import far_cell

    far_cell(tmp_path / "far.xlsx")
    gbk = tmp_path / os.fsdecode("部门决算".encode("gbk") + b".txt")
    gbk.write_text(to_text(make_document(seed=11)), encoding="utf-8")
    for args, status in ((["check", str(tmp_path / "far.xlsx")], 2), (["check", str(gbk)], 0), (["show", str(gbk)], 0)):
        r = subprocess.run([sys.executable, "-m", "juesuan.cli", *args], capture_output=True)
        err = r.stderr.decode("utf-8")
        assert r.returncode == status and "Traceback" not in err, (args, r.returncode, err)
        if status == 2:
            assert err.count("\n") == 1 and "XFD1048576" in err and "--max-rows" in err
        else:
            assert b"\\xb2\\xbf" in r.stdout  # the file name, escaped
