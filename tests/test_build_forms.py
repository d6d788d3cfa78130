"""Issue 13: one build over a folder mixing every form juesuan reads, with bad files beside them.

Each good file is printed from a synthetic document of its own (``juesuan.testing``: known values), in one form:
text exports (UTF-8, GB18030, UTF-16 and UTF-8 with a BOM, space-aligned flush left or as ``pdftotext -layout``
prints, CSV saved as .txt), a browser copy, web pages (UTF-8, GB2312 declared and undeclared), Word and Excel files,
legacy .doc/.wps/.et/.xls (LibreOffice writes them), PDFs with a text layer (ruled, borderless) and scans (an
image-only PDF and a PNG of one table each, read through OCR). The bad files are a format juesuan does not read, an
encrypted and a truncated PDF, a truncated workbook and Word file, a text and a PDF that are no disclosure and an
empty file; and a copy of a good file under another name.

The folder is built three times: ``juesuan build`` on the command line in one process, ``juesuan.read_all`` with two
workers, and the command line again on the warm cache with ``--keep-going``. Asserted: one documents row per file;
every good form ok with every cell equal to the values it was printed from; every bad file failed (skipped, not a
disclosure, as the contract says) with its problem in one line; the exit status README documents (1 when files
failed, 0 with ``--keep-going``); the same bytes from all three builds.

What needs an outside program is made only when it is there: without LibreOffice the legacy forms are not in the
folder and their tests skip saying so; without a CJK font the scans cannot be drawn and skip; without the ``ocr``
extra the scans must be failed rows naming it (the last test checks that case whatever is installed).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import juesuan
from juesuan import analysis
from juesuan.corpus import write_clean
from juesuan.readers import ocr, office
from juesuan.testing import render, render_scan, render_web
from juesuan.testing.render import tabs_to_csv, tabs_to_spaces
from juesuan.testing.synth import SynthDoc, make_document, to_text

from .hostile import encrypted_pdf
from .roundtrip import cell_mismatches
from .test_bad_files import _text_pdf

DEPARTMENTS = ["湘潭市雨湖区民政局", "株洲市石峰区卫生健康局", "长沙市财政局", "岳阳县农业农村局"]


@dataclass(frozen=True)
class Form:
    """A good file of the folder: its label, the ``documents.format`` it must read as, the seed of the SynthDoc it
    prints, how it is written, the tables kept (a scan holds one, so OCR stays cheap) and what it needs to be made."""

    label: str
    format: str
    seed: int  # of its SynthDoc (each file its own document)
    write: Callable[[SynthDoc, Path], object]
    tables: tuple[str, ...] = ()
    needs: str = ""  # "soffice" (LibreOffice writes it), "scan" (a CJK font to draw it)


def _text(transform: Callable[[str], str]) -> Callable[[SynthDoc, Path], object]:
    return lambda doc, path: path.write_text(transform(to_text(doc)), encoding="utf-8")


def _encoded(encoding: str) -> Callable[[SynthDoc, Path], object]:
    return lambda doc, path: render_web.to_encoded_text(doc, path, encoding)


def _undeclared_gb2312(doc: SynthDoc, path: Path) -> None:
    """A GB2312 page without its ``<meta charset>``: the reader must find the encoding from the bytes."""
    page = render_web.html_page(doc, charset="gb2312")
    page = "\n".join(line for line in page.splitlines() if "charset=" not in line)
    path.write_bytes(page.encode("gb2312"))


def _scan_pdf(doc: SynthDoc, path: Path) -> None:
    render_scan.to_scan_pdf(doc, path, dpi=150, skew=1.0, seed=3, ruled=True, cover=False)


def _png(doc: SynthDoc, path: Path) -> None:
    render_scan.to_png(doc, path, dpi=150, ruled=True)


# the LibreOffice forms: written as .docx/.xlsx by the renderers, converted to the Word 97 / Excel 97 files WPS
# also writes (a .wps is a Word 97 file, an .et an Excel 97 one); the label's suffix says what the file is named
_SOURCE = {"doc": ("docx", render_web.to_docx), "xls": ("xlsx", render.to_xlsx)}
LEGACY_TARGET = {"doc": "doc", "wps": "doc", "et": "xls", "xls": "xls"}

GOOD = [
    Form("导出/utf8.txt", "text", 500, _text(lambda t: t)),
    Form("导出/utf8 - 副本.txt", "text", 500, _text(lambda t: t)),  # the same bytes again: a row of its own
    Form("导出/gb18030.txt", "text", 501, _encoded("gb18030")),
    Form("导出/utf16-bom.txt", "text", 502, _encoded("utf-16")),
    Form("导出/utf8-bom.txt", "text", 503, _encoded("utf-8-sig")),
    Form("导出/空格对齐.txt", "text", 504, _text(tabs_to_spaces)),  # each cell flush with its column's left edge
    Form("导出/pdftotext-layout.txt", "text", 505, _text(lambda t: tabs_to_spaces(t, layout=True))),  # labels centred
    Form("导出/csv-like.txt", "text", 506, _text(tabs_to_csv)),
    Form("网页/浏览器复制.txt", "webcopy", 507, lambda doc, path: render_web.to_webcopy(doc, path)),
    Form("网页/utf8.html", "html", 508, lambda doc, path: render_web.to_html(doc, path)),
    Form("网页/gb2312.htm", "html", 509, lambda doc, path: render_web.to_html(doc, path, charset="gb2312")),
    Form("网页/gb2312 no charset.shtml", "html", 510, _undeclared_gb2312),
    Form("office/决算.docx", "docx", 511, lambda doc, path: render_web.to_docx(doc, path)),
    Form("office/决算.xlsx", "xlsx", 512, lambda doc, path: render.to_xlsx(doc, path)),
    Form("office/2022年 部门决算.doc", "doc", 513, render_web.to_docx, needs="soffice"),
    Form("office/公开.wps", "wps", 514, render_web.to_docx, needs="soffice"),
    Form("office/报表.et", "et", 515, render.to_xlsx, needs="soffice"),
    Form("office/old.xls", "xls", 516, render.to_xlsx, needs="soffice"),
    Form("pdf/ruled.pdf", "pdf", 519, lambda doc, path: render.to_pdf(doc, path, ruled=True)),
    Form("pdf/borderless.pdf", "pdf", 520, lambda doc, path: render.to_pdf(doc, path, ruled=False)),
    # OCR is not exact on every drawing: seed 518's 05 loses the first 7 of 774.29 (a low-confidence warning and
    # two sum errors say so). These scans are ones it reads whole; what OCR gets wrong is test_read_ocr's business.
    Form("scan/image-only.pdf", "pdf+ocr", 517, _scan_pdf, tables=("05",), needs="scan"),
    Form("scan/公开03表.png", "ocr", 518, _png, tables=("03",), needs="scan"),
]
SCANS = [f.label for f in GOOD if f.needs == "scan"]

# label → (status, words the error must hold)
BAD = {
    "bad/figures.csv": ("skipped", "'.csv' files are not a format juesuan reads"),
    "bad/locked.pdf": ("failed", "encrypted PDF: a password is needed"),
    "bad/truncated.pdf": ("failed", "not a readable PDF (truncated or corrupt)"),
    "bad/truncated.xlsx": ("failed", "truncated or corrupt"),
    "bad/会议纪要.txt": ("not_disclosure", "not a 决算/预算 document"),
    "bad/会议纪要.pdf": ("not_disclosure", "not a 决算/预算 document"),
    "bad/empty.txt": ("failed", "empty file (0 bytes)"),
    "bad/truncated.doc": ("failed", "not a readable .doc file (damaged, truncated or password-protected)"),
}
BAD_NEEDS = {"bad/truncated.doc": "soffice"}


def _missing(needs: str) -> str:
    """Why a form that needs ``needs`` cannot be made here ("" when it can)."""
    if needs == "soffice" and office.soffice() is None:
        return "LibreOffice (soffice) is not installed: the legacy .doc/.wps/.et/.xls forms are not made"
    if needs == "scan" and importlib.util.find_spec("noto_cjk_sans_otc") is None:
        return "no CJK font to draw the scans with: pip install noto-cjk-sans-otc (in the dev extra)"
    return ""


def _synth(form: Form) -> SynthDoc:
    seed = form.seed
    doc = make_document(seed=seed, department=DEPARTMENTS[seed % len(DEPARTMENTS)], n_items=6 + seed % 4)
    return render_scan.only_tables(doc, form.tables) if form.tables else doc


def _legacy(made: list[tuple[Form, SynthDoc]], root: Path, stage: Path) -> None:
    """The LibreOffice forms: each source written in ``stage``, converted in one soffice run per target."""
    by_target: dict[str, list[tuple[Path, Path]]] = {}
    for i, (form, doc) in enumerate(made):
        target = LEGACY_TARGET[form.format]
        suffix, writer = _SOURCE[target]
        source = writer(doc, stage / f"{i}.{suffix}")
        by_target.setdefault(target, []).append((Path(source), root / form.label))
    # a profile of its own per run: a LibreOffice already running on the default profile (another test, the
    # user's) would take the job over and return before the files are written; the two runs go side by side
    runs = []
    for target, pairs in by_target.items():
        profile = f"-env:UserInstallation={(stage / f'profile-{target}').as_uri()}"
        cmd = [office.soffice(), profile, "--headless", "--convert-to", target, "--outdir", str(stage)]
        runs.append(
            subprocess.Popen([*cmd, *(str(s) for s, _ in pairs)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        )
    for run in runs:
        assert run.wait(timeout=180) == 0, run.stdout.read()
    for target, pairs in by_target.items():
        for source, dest in pairs:
            shutil.move(stage / f"{source.stem}.{target}", dest)


def _write_bad(root: Path, stage: Path, legacy_doc: Path | None) -> None:
    bad = root / "bad"
    (bad / "figures.csv").write_text("科目编码,科目名称,决算数\n2010301,行政运行,12.00\n", encoding="utf-8")
    encrypted_pdf(bad / "locked.pdf")
    whole = render.to_pdf(make_document(seed=590), stage / "whole.pdf").read_bytes()
    (bad / "truncated.pdf").write_bytes(whole[: len(whole) // 3])
    book = render.to_xlsx(make_document(seed=591), stage / "whole.xlsx").read_bytes()
    (bad / "truncated.xlsx").write_bytes(book[: len(book) // 2])
    (bad / "会议纪要.txt").write_text(
        "会议纪要\n2022年3月1日，局办公室召开会议，讨论绿化和卫生工作。\n", encoding="utf-8"
    )
    _text_pdf(bad / "会议纪要.pdf", "会议纪要：局办公室召开会议，讨论绿化和卫生工作。")
    (bad / "empty.txt").write_bytes(b"")
    if legacy_doc is not None:  # a Word 97 file cut to a third: its directory (the stream names) is gone
        data = legacy_doc.read_bytes()
        (bad / "truncated.doc").write_bytes(data[: len(data) // 3])


def make_folder(root: Path, stage: Path) -> tuple[dict[str, tuple[Form, SynthDoc]], dict[str, str]]:
    """Write every form and bad file under ``root``; returns label → (form, its SynthDoc) of the good files made
    and label → why not for the files that could not be made here."""
    made: dict[str, tuple[Form, SynthDoc]] = {}
    absent: dict[str, str] = {}
    for form in GOOD:
        why = _missing(form.needs)
        if why:
            absent[form.label] = why
            continue
        made[form.label] = (form, _synth(form))
        (root / form.label).parent.mkdir(parents=True, exist_ok=True)
        if form.needs != "soffice":
            form.write(made[form.label][1], root / form.label)
    legacy = [m for m in made.values() if m[0].needs == "soffice"]
    if legacy:
        _legacy(legacy, root, stage)
    (root / "bad").mkdir()
    doc_label = next((f.label for f, _ in legacy if f.format == "doc"), None)
    _write_bad(root, stage, root / doc_label if doc_label else None)
    absent.update({label: _missing(n) for label, n in BAD_NEEDS.items() if _missing(n)})
    return made, absent


def _cli(*args: str, env: dict[str, str]) -> subprocess.Popen:
    """``juesuan build …`` started in a process of its own (``communicate()`` waits for it)."""
    cmd = [sys.executable, "-m", "juesuan.cli", *args]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env})


def _finished(proc: subprocess.Popen) -> subprocess.CompletedProcess:
    out, err = proc.communicate(timeout=600)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@dataclass
class Built:
    root: Path
    made: dict[str, tuple[Form, SynthDoc]]
    absent: dict[str, str]
    cli: subprocess.CompletedProcess  # the command line, one process, fresh cache
    api: juesuan.Corpus  # read_all, two workers, no cache
    warm: subprocess.CompletedProcess  # the command line again on the warm cache, --keep-going
    out: dict[str, Path]
    docs: pd.DataFrame  # documents.csv of the command-line build, as text

    @functools.cached_property
    def cells(self) -> pd.DataFrame:
        """cells of the command-line build, read back with the contract's types."""
        return analysis.read_clean(self.out["cli"])["cells"]

    def row(self, label: str) -> pd.Series:
        rows = self.docs[self.docs.file == label]
        assert len(rows) == 1, (label, rows)
        return rows.iloc[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    base = tmp_path_factory.mktemp("forms")
    root, stage = base / "raw", base / "stage"
    root.mkdir()
    stage.mkdir()
    made, absent = make_folder(root, stage)
    out = {name: base / name for name in ("cli", "api", "warm")}
    env = {"JUESUAN_CACHE_DIR": str(base / "cache")}
    # the one-process build runs beside the two-worker one (the machine's two cores, half the wall time)
    running = _cli("build", str(root), str(out["cli"]), "--workers", "1", env=env)
    api = juesuan.read_all(root, workers=2, cache=False)
    write_clean(api, out["api"])
    cli = _finished(running)
    warm = _finished(_cli("build", str(root), str(out["warm"]), "--workers", "2", "--keep-going", env=env))
    docs = pd.read_csv(out["cli"] / "documents.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return Built(root, made, absent, cli, api, warm, out, docs)


def _all_labels(b: Built) -> set[str]:
    return {p.relative_to(b.root).as_posix() for p in b.root.rglob("*") if p.is_file()}


# ---------------------------------------------------------------------------------------------------- the rows


def test_every_file_has_exactly_one_row(built):
    labels = _all_labels(built)
    assert set(built.made) | (set(BAD) - set(built.absent)) == labels  # the folder holds what was meant, no more
    assert sorted(built.docs.file) == sorted(labels)  # one row per file: none missing, none twice
    assert list(built.api.documents.file) == list(built.docs.file)
    # the .csv is not read, the copy is read once: two rows, one doc_id
    assert built.api.stats["files"] == len(labels) and built.api.stats["read"] == len(labels) - 2
    assert built.row("导出/utf8.txt").doc_id == built.row("导出/utf8 - 副本.txt").doc_id


@pytest.mark.parametrize("label", [f.label for f in GOOD])
def test_each_form_reads_ok_with_every_cell_exact(built, label):
    if label in built.absent:
        pytest.skip(built.absent[label])
    form, synth = built.made[label]
    row = built.row(label)
    if form.needs == "scan" and not ocr.available():
        assert row.status == "failed" and "pip install 'juesuan[ocr]'" in row.error, row.to_dict()
        return
    assert (row.status, row.format, row.error) == ("ok", form.format, ""), row.to_dict()
    assert row.tables == ",".join(t.id for t in synth.tables)
    got = built.cells[built.cells.doc_id == row.doc_id]
    bad = cell_mismatches(synth.expected, got)
    assert bad.empty and len(got) == len(synth.expected), f"{label}: {len(bad)} cells differ\n{bad.head(20)}"
    if not form.tables:
        assert (row.department, row.year, row.n_errors) == (synth.department, str(synth.year), "0")


@pytest.mark.parametrize("label", sorted(BAD))
def test_each_bad_file_is_a_row_saying_what_is_wrong(built, label):
    if label in built.absent:
        pytest.skip(built.absent[label])
    status, words = BAD[label]
    row = built.row(label)
    assert (row.status, row.n_cells) == (status, "0"), row.to_dict()
    assert words in row.error, row.error
    # one line, the problem only: no machine's path, no traceback, not an unexpected exception
    assert "\n" not in row.error and str(built.root) not in row.error
    assert "Traceback" not in row.error and "unexpected" not in row.error


# ---------------------------------------------------------------------------------------------------- the build


def test_the_build_exits_1_listing_the_failed_files_and_0_with_keep_going(built):
    assert built.cli.returncode == 1, built.cli.stderr
    failed = sorted(built.docs.file[built.docs.status == "failed"])
    assert failed and f"{len(failed)} files failed" in built.cli.stderr
    listed = [line.strip().split(": ", 1)[0] for line in built.cli.stderr.splitlines() if line.startswith("  ")]
    assert listed == failed
    assert "Traceback" not in built.cli.stderr + built.warm.stderr
    # one line per file on stdout, in file order
    printed = [line.split(": ", 1)[0] for line in built.cli.stdout.splitlines() if not line.startswith("wrote ")]
    assert printed == list(built.docs.file)
    assert built.warm.returncode == 0, built.warm.stderr
    # every file from the cache but the .csv, never read (failures that depend on the file alone are kept too)
    assert f"0 read, {len(built.docs) - 1} from the cache" in built.warm.stderr


def test_one_process_two_workers_and_the_cache_write_the_same_bytes(built):
    cli = _outputs(built.out["cli"])
    assert {"documents.csv", "cells.csv", "cells.parquet", "datapackage.json"} <= set(cli)
    assert _outputs(built.out["api"]) == cli
    assert _outputs(built.out["warm"]) == cli


def test_without_the_ocr_extra_scans_are_failed_rows_naming_it(built, monkeypatch):
    scans = [built.root / label for label in SCANS if label in built.made]
    if not scans:
        pytest.skip(built.absent[SCANS[0]])
    monkeypatch.setattr(ocr, "available", lambda: False)
    c = juesuan.read_all(scans, workers=1, cache=False)
    assert len(c.documents) == len(scans)
    for row in c.documents.itertuples():
        assert row.status == "failed" and "OCR is needed: pip install 'juesuan[ocr]'" in row.error, row
