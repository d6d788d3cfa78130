"""Speed and memory of juesuan's PDF reading next to the pypdfium2 text floor, pdfplumber and camelot.

    python bench/bench_pdf.py [--runs 5] [--pdf FILE ...] [--no-camelot] [--wall]

Without --pdf it renders a synthetic document (juesuan.synth seed 0) twice, as a ruled and as a borderless PDF with
the nine tables, one per page, and the narrative dropped, so each file is 9 table pages. Prints, in one run: seconds
per page (the best of --runs, the methods interleaved run by run) for the pypdfium2 text read (the floor: every code,
name and amount is in it), juesuan's PDF reader alone (read_raw, which reads a PDF in the guarded reader process, and with
isolate=False in this process), juesuan.read (reader + recognition + parsing + narrative + checks), pdfplumber
extract_tables and camelot lattice (default and vector/split_text), the ratios to the floor, and peak Python memory
(tracemalloc: the reader process's is not seen) for each. juesuan is measured first, before pdfplumber and camelot are
imported (forking a process that holds them costs more); their times are scaled by the floor measured beside them. Issue 14's targets: juesuan.read within 6x the floor on
the ruled file, within 10x on the borderless one.

Times are CPU seconds of this process and its children (``cpu_seconds``: juesuan.read reads a PDF in the guarded reader
process, running or ended) unless --wall, and the best of the runs (as timeit reports): the machine is shared, and neither a process waiting for a core nor one whose caches another session
flushed says anything about juesuan. Every juesuan.read starts with the per-text memo caches empty
(``cold_text_caches``), so a document is not faster for having been read before in the same process; the data
loaded once per process (catalogs, specs, gazetteer) stays loaded, as in any build.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def cpu_seconds() -> float:
    """CPU seconds of this process, of its children that have ended and of those still running: juesuan.read reads
    a PDF in a guarded child process (readers.read_raw's ``isolate``, one child kept from file to file), whose work
    ``time.process_time`` alone would not see."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime + live_children_cpu()


def live_children_cpu() -> float:
    """CPU seconds so far of juesuan's guarded reader process, while it runs (``readers.reader_process_id``): from
    /proc/PID/task/*/schedstat (nanoseconds; read while the reader waits for its next file, so up to date), 0 where
    there is none. Once it has ended its time is in RUSAGE_CHILDREN."""
    from juesuan.readers import reader_process_id

    pid = reader_process_id() if hasattr(sys.modules.get("juesuan.readers"), "reader_process_id") else None
    total = 0
    for stat in Path(f"/proc/{pid}/task").glob("*/schedstat") if pid else ():
        try:
            total += int(stat.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1e9


def _pages(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    n = len(pdf)
    pdf.close()
    return n


def floor_text(path: Path) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    for i in range(len(pdf)):
        page = pdf[i]
        tp = page.get_textpage()
        tp.get_text_range()
        tp.close()
        page.close()
    pdf.close()


def juesuan_raw(path: Path) -> None:
    from juesuan.readers import read_raw

    read_raw(path)


def juesuan_raw_here(path: Path) -> None:
    """The reader in this process (``isolate=False``, as a build's workers call it): the reader's own cost, without
    the reader process and the RawDocument's trip back."""
    from juesuan.readers import read_raw

    read_raw(path, isolate=False)


def cold_text_caches() -> None:
    """Empty juesuan's per-text memo caches (``lru_cache`` with room for many values: match_key, is_amount …); the
    load-once caches (maxsize 1: specs, catalogs, word lists) keep what they loaded. Called before the clock starts
    (``measure``: a method's ``setup``)."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("juesuan"):
            continue
        for obj in list(vars(module).values()):
            params = getattr(obj, "cache_parameters", None)
            if params and (params()["maxsize"] or 0) > 64:
                obj.cache_clear()


def juesuan_read(path: Path) -> None:
    import juesuan

    try:
        juesuan.read(path)
    except juesuan.JuesuanError:
        pass  # a file juesuan refuses (not a disclosure) costs its read too


juesuan_read.setup = cold_text_caches


def timed(fn, path: Path, clock) -> float:
    """Seconds ``fn(path)`` takes, after its ``setup`` (if any) has run outside the clock."""
    setup = getattr(fn, "setup", None)
    if setup:
        setup()
    t = clock()
    fn(path)
    return clock() - t


def plumber(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()


def camelot_default(path: Path) -> None:
    import camelot

    camelot.read_pdf(str(path), pages="all")


def camelot_vector(path: Path) -> None:
    import camelot

    camelot.read_pdf(str(path), pages="all", flavor="lattice", engine="vector", split_text=True)


def measure(methods: dict, path: Path, runs: int, clock) -> dict[str, tuple[float, float] | str]:
    """name → (best seconds, peak MiB of Python allocations), or the error a method failed with. The methods run
    in turn within each run, so a change in the machine's load touches all of them alike."""
    out: dict[str, tuple[float, float] | str] = {}
    live = {}
    for name, fn in methods.items():
        try:
            fn(path)  # warm: imports, font caches
            live[name] = fn
        except Exception as err:  # a tool failing on a file is a result too
            out[name] = f"failed: {type(err).__name__}: {err}"[:120]
    times: dict[str, list[float]] = {name: [] for name in live}
    for _ in range(runs):
        for name, fn in live.items():
            times[name].append(timed(fn, path, clock))
    for name, fn in live.items():
        if getattr(fn, "setup", None):
            fn.setup()
        tracemalloc.start()
        fn(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out[name] = (min(times[name]), peak / 2**20)
    return out


def synthetic_pdfs(folder: Path) -> list[Path]:
    """The 9 tables of synthetic seed 0 (6 项), one per page, ruled and borderless."""
    from juesuan.testing import render
    from juesuan.testing.synth import make_document

    doc = make_document(seed=0, n_items=6)
    doc.narrative = []
    return [
        render.to_pdf(doc, folder / f"bench_9_tables_{name}.pdf", ruled=ruled, cover=False, font_size=6.5)
        for name, ruled in (("ruled", True), ("borderless", False))
    ]


FLOOR, RAW, READ = "pypdfium2 text (floor)", "juesuan read_raw (reader)", "juesuan.read (full)"
RAW_HERE = "juesuan read_raw, isolate=False"
TARGETS = {"bench_9_tables_ruled.pdf": 6.0, "bench_9_tables_borderless.pdf": 10.0}


def report(path: Path, results: dict, runs: int) -> None:
    n = _pages(path)
    print(f"\n{path.name}: {n} pages, best of {runs} interleaved runs")
    print(f"{'method':32} {'s/page':>9} {'s/file':>8} {'× floor':>8} {'peak MiB':>9}")
    floor = results.get(FLOOR)
    for name, r in results.items():
        if isinstance(r, str):
            print(f"{name:32} {r}")
            continue
        sec, peak = r
        ratio = f"{sec / floor[0]:8.1f}" if isinstance(floor, tuple) else " " * 8
        print(f"{name:32} {sec / n:9.4f} {sec:8.3f} {ratio} {peak:9.1f}")
    if isinstance(floor, tuple) and isinstance(results.get(READ), tuple):
        target = TARGETS.get(path.name)
        tail = f" (target ≤ {target:g}×)" if target else ""
        print(f"juesuan.read / floor = {results[READ][0] / floor[0]:.2f}×{tail}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--pdf", nargs="*", type=Path)
    ap.add_argument("--no-camelot", action="store_true", help="skip camelot (slow)")
    ap.add_argument("--wall", action="store_true", help="wall-clock seconds instead of CPU seconds")
    args = ap.parse_args()
    clock = time.perf_counter if args.wall else cpu_seconds
    ours = {FLOOR: floor_text, RAW: juesuan_raw, RAW_HERE: juesuan_raw_here, READ: juesuan_read}
    others = {"pdfplumber extract_tables": plumber}
    if not args.no_camelot:
        others["camelot lattice default"] = camelot_default
        others["camelot lattice vector+split"] = camelot_vector
    print(f"times: {clock.__name__} seconds")
    with tempfile.TemporaryDirectory() as tmp:
        files = args.pdf or synthetic_pdfs(Path(tmp))
        # juesuan first, for every file, before pdfplumber and camelot are imported: juesuan.read forks a child to
        # read a PDF, and a process that has loaded camelot (OpenCV …) costs several times as much to fork
        results = {path: measure(ours, path, args.runs, clock) for path in files}
        for path in files:
            found = measure({FLOOR: floor_text, **others}, path, args.runs, clock)
            floor = results[path][FLOOR]
            if isinstance(floor, tuple) and isinstance(found[FLOOR], tuple):  # the others against their own floor
                scale = floor[0] / found[FLOOR][0]
                found = {k: (v[0] * scale, v[1]) if isinstance(v, tuple) else v for k, v in found.items()}
            report(path, results[path] | {k: v for k, v in found.items() if k != FLOOR}, args.runs)


if __name__ == "__main__":
    main()
