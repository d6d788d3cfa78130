"""The corpus build: known values through a whole build, the cache, byte-identical outputs whatever the worker count
or file order, per-file isolation, Parquet and datapackage.json."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

import juesuan
import juesuan.readers
from juesuan import analysis
from juesuan import corpus as corpus_mod
from juesuan.cli import main
from juesuan.corpus import Cache, read_all, write_clean
from juesuan.datapackage import check_package, descriptor
from juesuan.limits import Limits
from juesuan.schema import TABLES
from juesuan.testing.synth import make_document, to_text

from .roundtrip import cell_mismatches

DEPARTMENTS = [
    "湘潭市雨湖区民政局",
    "株洲市石峰区卫生健康局",
    "长沙市财政局",
    "岳阳县农业农村局",
    "衡阳市人力资源和社会保障局",
]


def _variant(i: int) -> dict:
    return {
        "seed": 100 + i,
        "department": DEPARTMENTS[i % len(DEPARTMENTS)],
        "year": 2020 + i % 4,
        "unit": "元" if i % 3 == 0 else "万元",
        "n_items": 6 + i % 7,
        "with_fund": i % 4 != 1,
        "with_sangong": i % 5 != 2,
    }


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> tuple[Path, dict[str, pd.DataFrame], dict[str, dict]]:
    """12 text exports in three folders, one XLSX and one PDF (when the renderers' libraries are there), and two bad
    files; returns the folder, and by each good file's label its expected cells and its documents row's values."""
    root = tmp_path_factory.mktemp("corpus") / "raw"
    (root / "a").mkdir(parents=True)
    (root / "b" / "c").mkdir(parents=True)
    expected: dict[str, pd.DataFrame] = {}
    meta: dict[str, dict] = {}
    for i in range(12):
        synth = make_document(**_variant(i))
        label = f"{'a' if i % 2 else 'b/c'}/doc{i:02d}.txt"
        (root / label).write_text(to_text(synth, rows_per_page=6 if i % 3 == 1 else None), encoding="utf-8")
        expected[label] = synth.expected
        v = _variant(i)
        meta[label] = {
            "department": v["department"],
            "year": str(v["year"]),
            "unit": v["unit"],
            "kind": "决算",
            "format": "text",
        }
    try:
        from juesuan.testing.render import to_pdf, to_xlsx

        synth = make_document(**_variant(20))
        to_xlsx(synth, root / "a" / "book.xlsx")
        expected["a/book.xlsx"] = synth.expected
        synth = make_document(**_variant(21))
        to_pdf(synth, root / "b" / "ruled.pdf")
        expected["b/ruled.pdf"] = synth.expected
    except ImportError:  # reportlab/openpyxl absent: text exports only
        pass
    (root / "a" / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    (root / "b" / "empty.txt").write_bytes(b"")
    return root, expected, meta


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _build(raw: Path, out: Path, **kw) -> juesuan.Corpus:
    c = read_all(raw, **kw)
    write_clean(c, out)
    return c


@pytest.fixture(scope="module")
def serial(corpus_dir, tmp_path_factory):
    """One build in this process (workers=1) with a fresh cache: the reference outputs."""
    raw, _, _ = corpus_dir
    base = tmp_path_factory.mktemp("serial")
    c = _build(raw, base / "out", workers=1, cache=base / "cache")
    return c, base


def test_build_matches_known_values(corpus_dir, serial):
    raw, expected, meta = corpus_dir
    c, base = serial
    docs = pd.read_csv(base / "out" / "documents.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(docs.file) == sorted(docs.file)
    assert set(docs.file) == set(expected) | {"a/corrupt.pdf", "b/empty.txt"}
    status = dict(zip(docs.file, docs.status))
    assert all(status[label] == "ok" for label in expected), docs[["file", "status", "error"]]
    cells = analysis.read_clean(base / "out")["cells"]
    doc_id = dict(zip(docs.file, docs.doc_id))
    for label, exp in expected.items():
        got = cells[cells.doc_id == doc_id[label]]
        bad = cell_mismatches(exp, got)
        assert len(got) == len(exp) and bad.empty, (label, bad)
    rows = docs.set_index("file")
    for label, values in meta.items():
        assert rows.loc[label, list(values)].to_dict() == values, label
    assert (rows.loc[list(expected), "n_errors"] == "0").all()
    assert c.stats["files"] == len(expected) + 2 and c.stats["read"] == c.stats["files"]


def test_bad_files_do_not_stop_the_batch(serial):
    c, _ = serial
    failed = c.documents[c.documents.status == "failed"].set_index("file")
    assert sorted(failed.index) == ["a/corrupt.pdf", "b/empty.txt"]
    assert "PDF" in failed.loc["a/corrupt.pdf", "error"] and "empty file" in failed.loc["b/empty.txt", "error"]
    assert (c.documents.status != "failed").sum() == len(c.documents) - 2
    assert c.stats["failed"] == 2


def test_warm_cache_reads_no_file_again(corpus_dir, serial, tmp_path, monkeypatch):
    raw, _, _ = corpus_dir
    _, base = serial
    calls = []
    monkeypatch.setattr(corpus_mod, "_read", lambda *a, **k: calls.append(a) or pytest.fail("read again"))
    c = _build(raw, tmp_path / "warm", workers=1, cache=base / "cache")
    assert calls == [] and c.stats["read"] == 0 and c.stats["cached"] == c.stats["files"]
    assert _outputs(tmp_path / "warm") == _outputs(base / "out")
    # a cached Document is whole: its printed tables are there without reading the file
    any_doc = next(iter(c.docs.values()))
    assert len(any_doc.table("03")) > 0


def test_changed_file_alone_is_read_again(corpus_dir, serial, tmp_path, monkeypatch):
    raw, _, _ = corpus_dir
    _, base = serial
    copy = tmp_path / "raw"
    shutil.copytree(raw, copy)
    shutil.copytree(base / "cache", tmp_path / "cache")
    (copy / "a" / "doc01.txt").write_text(to_text(make_document(seed=999)), encoding="utf-8")
    read = []
    real = corpus_mod._read
    monkeypatch.setattr(corpus_mod, "_read", lambda path, *a, **k: read.append(Path(path).name) or real(path, *a, **k))
    c = read_all(copy, workers=1, cache=tmp_path / "cache")
    assert read == ["doc01.txt"] and c.stats["read"] == 1
    # the same content under another name comes from the cache, under its new name
    (copy / "a" / "doc01.txt").rename(copy / "a" / "renamed.txt")
    read.clear()
    c = read_all(copy, workers=1, cache=tmp_path / "cache")
    assert read == [] and "a/renamed.txt" in set(c.documents.file)
    doc_id = c.documents.set_index("file").loc["a/renamed.txt", "doc_id"]
    assert c.docs[doc_id].meta["file"] == "a/renamed.txt"  # the Document loaded from the cache has the new name


def test_code_or_data_change_invalidates_the_cache(tmp_path):
    pkg = tmp_path / "juesuan"
    (pkg / "data").mkdir(parents=True)
    (pkg / "__pycache__").mkdir()
    (pkg / "reader.py").write_text("X = 1\n")
    (pkg / "data" / "labels.csv").write_text("a,b\n")
    libs = {"pandas": "3.0"}
    key = corpus_mod.code_fingerprint(pkg, "0.1.0", libs)
    assert corpus_mod.code_fingerprint(pkg, "0.1.0", libs) == key
    (pkg / "__pycache__" / "reader.pyc").write_bytes(b"\0")
    assert corpus_mod.code_fingerprint(pkg, "0.1.0", libs) == key  # compiled files are not the code
    changed = []
    (pkg / "reader.py").write_text("X = 2\n")
    changed.append(corpus_mod.code_fingerprint(pkg, "0.1.0", libs))
    (pkg / "data" / "labels.csv").write_text("a,b,c\n")
    changed.append(corpus_mod.code_fingerprint(pkg, "0.1.0", libs))
    changed.append(corpus_mod.code_fingerprint(pkg, "0.2.0", libs))
    changed.append(corpus_mod.code_fingerprint(pkg, "0.2.0", {"pandas": "3.1"}))
    assert len({key, *changed}) == 5
    assert Cache(tmp_path / "c").folder.name == corpus_mod.fingerprint()


def test_a_wrong_damaged_or_crafted_cache_entry_is_read_again(tmp_path):
    """An entry is served only when it is intact and made for this file by this code; never unpickled."""
    import pickle
    import zlib

    from juesuan.entries import MAGIC

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(to_text(make_document(seed=5)), encoding="utf-8")
    b.write_text(to_text(make_document(seed=6)), encoding="utf-8")
    cache = tmp_path / "cache"
    c1 = read_all([a, b], workers=1, cache=cache)
    entry_a, entry_b = (Cache(cache).path(juesuan.readers.sha256_of(p)) for p in (a, b))
    good_a = entry_a.read_bytes()
    reference = c1.documents.to_csv(index=False), c1.cells.to_csv(index=False)

    ran = []

    class Boom:
        def __reduce__(self):
            return (ran.append, ("pickle ran",))

    body = bytearray(good_a)
    body[-5] ^= 0x01  # one bit of a value changed
    damaged = {
        "another file's entry": entry_b.read_bytes(),  # served under a's key, it would give b's sha256 for a
        "an edited value": bytes(body),
        "truncated": good_a[: len(good_a) // 2],
        "a pickle": zlib.compress(pickle.dumps(Boom())),
        "a pickle behind our magic": MAGIC + pickle.dumps(Boom()),
        "empty": b"",
    }
    for what, blob in damaged.items():
        entry_a.write_bytes(blob)
        c2 = read_all([a, b], workers=1, cache=cache)
        assert c2.stats["read"] == 1 and c2.stats["cached"] == 1, what
        assert (c2.documents.to_csv(index=False), c2.cells.to_csv(index=False)) == reference, what
        assert entry_a.read_bytes() == good_a, what  # read again and stored afresh
    assert ran == []


def test_two_workers_change_no_byte(corpus_dir, serial, tmp_path):
    raw, _, _ = corpus_dir
    _, base = serial
    c = _build(raw, tmp_path / "w2", workers=2, cache=False)
    assert c.stats["read"] == c.stats["files"] and len(c.stats["peak_rss_mb"]) >= 1
    assert _outputs(tmp_path / "w2") == _outputs(base / "out")
    assert not (tmp_path / "cache").exists()


@pytest.fixture(scope="module")
def subset(corpus_dir, serial, tmp_path_factory) -> tuple[Path, Path]:
    """Folder a/ of the corpus and its outputs, built from the warm cache (labels relative to a/)."""
    raw, _, _ = corpus_dir
    _, base = serial
    out = tmp_path_factory.mktemp("subset") / "out"
    c = _build(raw / "a", out, workers=1, cache=base / "cache")
    assert c.stats["read"] == 0 and "doc01.txt" in set(c.documents.file)
    return raw / "a", out


def test_file_order_changes_no_byte(subset, tmp_path, monkeypatch):
    raw, reference = subset
    real = corpus_mod.find_inputs

    def shuffled(source):
        found, root = real(source)
        found = list(found)
        random.Random(7).shuffle(found)
        assert [i.label for i in found] != sorted(i.label for i in found)
        return found, root

    monkeypatch.setattr(corpus_mod, "find_inputs", shuffled)
    with ProcessPoolExecutor(max_workers=2) as pool:
        c = _build(raw, tmp_path / "shuffled", executor=pool, cache=False)
    assert c.stats["read"] == c.stats["files"]
    assert _outputs(tmp_path / "shuffled") == _outputs(reference)


def test_dask_cluster_of_worker_processes(subset, tmp_path):
    """read_all on a dask LocalCluster of two separate worker processes, sent paths or bytes: the same bytes as
    the local build, and the entries the workers sent are this machine's cache."""
    pytest.importorskip("dask.distributed")
    from dask.distributed import Client, LocalCluster

    raw, reference = subset
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        for ship in ("paths", "bytes"):
            c = _build(
                raw, tmp_path / ship, executor=client.get_executor(), cache=tmp_path / f"cache-{ship}", ship=ship
            )
            assert c.stats["read"] == c.stats["files"], ship
            assert _outputs(tmp_path / ship) == _outputs(reference), ship
        pids = set(client.run(os.getpid).values())
    assert len(pids) == 2 and os.getpid() not in pids
    c2 = read_all(raw, workers=1, cache=tmp_path / "cache-bytes")
    assert c2.stats["read"] == 0 and c2.documents.equals(c.documents)


def test_parquet_equals_csv(serial):
    _, base = serial
    out = base / "out"
    for name in TABLES:
        csv = pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        pq = pd.read_parquet(out / f"{name}.parquet")
        assert list(pq.columns) == [f.name for f in TABLES[name]] == list(csv.columns)
        assert len(pq) == len(csv)
        for f in TABLES[name]:
            if f.type == "string":
                assert pq[f.name].fillna("").tolist() == csv[f.name].tolist(), (name, f.name)
            elif f.type in ("number", "integer"):
                a = pd.to_numeric(csv[f.name].replace("", None))
                assert ((pq[f.name].astype(float) - a).abs().fillna(0) < 1e-9).all() and (
                    pq[f.name].isna() == a.isna()
                ).all(), (name, f.name)
    import pyarrow.parquet as papq

    field = papq.read_schema(out / "cells.parquet").field("value")
    assert field.metadata[b"unit"].decode() == "万元"


def test_datapackage_describes_every_resource_and_field(serial):
    _, base = serial
    out = base / "out"
    pkg = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg == descriptor(("csv", "parquet"))
    assert [r["name"] for r in pkg["resources"]] == list(TABLES)
    for res in pkg["resources"]:
        fields = res["schema"]["fields"]
        assert [(f["name"], f["type"], f["description"], f.get("unit", "")) for f in fields] == [
            (f.name, f.type, f.description, f.unit) for f in TABLES[res["name"]]
        ]
        assert (out / res["path"]).is_file() and (out / res["parquet"]).is_file()
    assert check_package(out) == []


def test_datapackage_check_finds_problems(serial, tmp_path):
    _, base = serial
    bad = tmp_path / "bad"
    shutil.copytree(base / "out", bad)
    text = (bad / "cells.csv").read_text(encoding="utf-8-sig").splitlines()
    text[0] = text[0].replace("measure", "measures")
    (bad / "cells.csv").write_text("\n".join(text) + "\n", encoding="utf-8-sig")
    rows = (bad / "documents.csv").read_text(encoding="utf-8-sig").splitlines()
    cols = rows[0].split(",")
    first = rows[1].split(",")
    first[cols.index("year")] = "twenty"
    rows[1] = ",".join(first)
    (bad / "documents.csv").write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    (bad / "facts.parquet").unlink()
    (bad / "tables.csv").write_bytes((bad / "tables.csv").read_bytes()[3:])
    problems = "\n".join(check_package(bad))
    assert "tables.csv: no UTF-8 BOM" in problems
    assert "cells.csv: header" in problems and "year='twenty' is not a integer" in problems
    assert "facts.parquet missing" in problems


def test_frictionless_validates_the_package(serial):
    frictionless = pytest.importorskip("frictionless")
    _, base = serial
    report = frictionless.validate(str(base / "out" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_cli_build_options(corpus_dir, serial, tmp_path, monkeypatch, capsys):
    raw, _, _ = corpus_dir
    _, base = serial
    raw = raw / "b" / "c"
    monkeypatch.delenv("JUESUAN_CACHE_DIR", raising=False)
    reference = tmp_path / "reference"
    _build(raw, reference, workers=1, cache=base / "cache")
    out = tmp_path / "data" / "clean"
    out.mkdir(parents=True)
    (out / "cells.parquet").write_bytes(b"from an earlier build")
    assert main(["build", str(raw), str(out), "--workers", "2", "--format", "csv", "--no-cache"]) == 0
    assert not (tmp_path / "data" / ".juesuan-cache").exists()
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == [".clean.lock", "clean"]  # entries removed
    assert not list(out.glob("*.parquet"))
    for name in TABLES:
        assert (out / f"{name}.csv").read_bytes() == (reference / f"{name}.csv").read_bytes()
    assert check_package(out) == []
    # by default the cache is .juesuan-cache/ beside the output folder: with it warm, the build reads nothing
    shutil.copytree(base / "cache", tmp_path / "data" / ".juesuan-cache")
    calls = []
    monkeypatch.setattr(corpus_mod, "_read", lambda *a, **k: calls.append(a))
    capsys.readouterr()
    assert main(["build", str(raw), str(out), "--workers", "1", "--progress"]) == 0
    assert calls == [] and _outputs(out) == _outputs(reference)  # the Parquet files are back, too
    err = capsys.readouterr().err
    assert "100%" in err and "0 read, 6 from the cache" in err
    assert main(["build", str(raw), str(out), "--workers", "0"]) == 2


_REAL_READ = corpus_mod._read


def _misbehave_on_marked(path, *args, **kwargs):
    """Stands in for corpus._read in forked workers: on files named *crash* dies like a segfaulting reader, on
    *hang* sleeps past the time bound, on *grow* takes memory past the memory bound, on *oom* raises MemoryError."""
    import time

    name = Path(path).name
    if "crash" in name:
        import faulthandler

        faulthandler.disable()  # pytest's crash report would fill the log
        os.kill(os.getpid(), signal.SIGSEGV)
    if "hang" in name:
        time.sleep(60)
    if "grow" in name:
        hog = bytearray(800 * 2**20)
        hog[::4096] = b"x" * len(hog[::4096])  # touch every page: resident, not just reserved
        time.sleep(60)
    if "oom" in name:
        raise MemoryError
    return _REAL_READ(path, *args, **kwargs)


@pytest.mark.skipif(not corpus_mod._FORK_OK, reason="needs forked worker processes")
def test_a_crash_a_hang_or_a_memory_blowup_fails_its_file_only(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(4):
        (raw / f"doc{i}.txt").write_text(to_text(make_document(seed=300 + i)), encoding="utf-8")
    for k, name in enumerate(("zz_crash", "zz_grow", "zz_hang", "zz_oom")):
        (raw / f"{name}.txt").write_text(to_text(make_document(seed=400 + k)), encoding="utf-8")
    monkeypatch.setattr(corpus_mod, "_read", _misbehave_on_marked)  # inherited by the forked workers
    limits = Limits(timeout_s=2, max_memory_mb=_rss_now_mb() + 300)
    c = read_all(raw, workers=2, cache=tmp_path / "cache", limits=limits)
    rows = c.documents.set_index("file")
    assert set(rows.loc[[f"doc{i}.txt" for i in range(4)], "status"]) == {"ok"}
    errors = rows["error"].to_dict()
    assert "died (SIGSEGV" in errors["zz_crash.txt"]
    assert "took longer than 2 s" in errors["zz_hang.txt"] and "timeout_s" in errors["zz_hang.txt"]
    assert "MB of memory" in errors["zz_grow.txt"] and "max_memory_mb" in errors["zz_grow.txt"]
    assert errors["zz_oom.txt"] == "ran out of memory while reading"
    assert (rows.loc[[n for n in errors if n.startswith("zz_")], "status"] == "failed").all()
    assert len(list((tmp_path / "cache").rglob("*.entry"))) == 4  # none of the four failures is cached


def _rss_now_mb() -> float:
    from juesuan.pool import rss_mb

    return rss_mb(os.getpid()) or 500.0


def test_parquet_only_and_without_pyarrow(serial, tmp_path, monkeypatch):
    c, base = serial
    write_clean(c, tmp_path / "pq", formats=("parquet",))
    assert not list((tmp_path / "pq").glob("*.csv")) and check_package(tmp_path / "pq") == []
    pkg = json.loads((tmp_path / "pq" / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["format"] for r in pkg["resources"]} == {"parquet"}
    import juesuan.datapackage as dp

    monkeypatch.setattr(dp, "parquet_available", lambda: False)
    with pytest.warns(UserWarning, match="pyarrow is not installed"):
        written = write_clean(c, tmp_path / "nopq")
    assert sorted(written) == sorted([f"{n}.csv" for n in TABLES] + ["datapackage.json"])
    assert check_package(tmp_path / "nopq") == []
    for name in TABLES:
        assert (tmp_path / "nopq" / f"{name}.csv").read_bytes() == (base / "out" / f"{name}.csv").read_bytes()
    with pytest.raises(ValueError, match="unknown output format"):
        write_clean(c, tmp_path / "x", formats=("ods",))


def test_cache_keeps_the_recent_fingerprints_only(tmp_path):
    import os
    import time

    root = tmp_path / "cache"
    old = []
    for n, name in enumerate(["0" * 16, "1" * 16, "2" * 16, "3" * 16]):
        (root / name).mkdir(parents=True)
        (root / name / "abc.pkl").write_bytes(b"x")
        os.utime(root / name, (time.time() - 1000 + n, time.time() - 1000 + n))
        old.append(root / name)
    (root / "notes").mkdir()  # not a fingerprint folder: never touched
    (root / ("4" * 16)).mkdir()
    (root / ("4" * 16) / "keep.txt").write_text("not ours")  # holds a file we never write: never touched
    path = tmp_path / "doc.txt"
    path.write_text(to_text(make_document(seed=7)), encoding="utf-8")
    read_all([path], workers=1, cache=root)
    left = sorted(p.name for p in root.iterdir())
    assert left == sorted(["2" * 16, "3" * 16, "4" * 16, corpus_mod.fingerprint(), "notes"])


def test_any_spelling_of_the_input_folder_gives_the_same_bytes(subset, tmp_path, monkeypatch):
    raw, reference = subset
    monkeypatch.chdir(raw.parent.parent)
    rel = raw.relative_to(raw.parent.parent)
    for k, spelling in enumerate([str(rel), f"./{rel}//", f"{raw.resolve()}/../{rel.name}/."]):
        _build(Path(spelling), tmp_path / f"out{k}", workers=1, cache=False)
        assert _outputs(tmp_path / f"out{k}") == _outputs(reference), spelling


def test_corpus_tables_are_read_from_the_entries_when_asked(serial):
    c, _ = serial
    assert "_tables" in vars(c) and not c._tables  # nothing decoded until asked
    cells = c.cells
    assert len(cells) == int(c.documents["n_cells"].astype(int).sum()) and list(cells.columns) == list(cells.columns)
    assert c["cells"] is cells and set(c._tables) == {"cells"}
    doc_id = c.documents[c.documents.file == "a/doc01.txt"].doc_id.iloc[0]
    doc = c.docs[doc_id]
    fresh = juesuan.read(doc.raw.path, file_label="a/doc01.txt")
    pd.testing.assert_frame_equal(doc.cells, fresh.cells)  # the Document as read, not merely its rows
    assert doc.meta == fresh.meta and doc.raw.lines == fresh.raw.lines
    with pytest.raises(KeyError):
        c.docs[c.documents[c.documents.status == "failed"].doc_id.iloc[0]]


def test_spreadsheet_lines_carry_their_sheet_and_cell_addresses(corpus_dir):
    raw, expected, _ = corpus_dir
    if "a/book.xlsx" not in expected:
        pytest.skip("the XLSX renderer's libraries are not installed")
    doc = juesuan.read(raw / "a" / "book.xlsx")
    row = next(ln for ln in doc.raw.lines if ln.is_row and "2101101" in ln.cells)
    i = row.cells.index("2101101")
    assert (
        row.sheet and len(row.columns) == len(row.cells) and row.address(i) == f"{'ABCDEFGH'[row.columns[i]]}{row.row}"
    )
    from openpyxl import load_workbook

    ws = load_workbook(raw / "a" / "book.xlsx")[row.sheet]
    assert str(ws[row.address(i)].value) == "2101101"
