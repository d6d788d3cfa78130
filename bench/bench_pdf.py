"""Speed and memory of juesuan's PDF reading next to the pypdfium2 text floor and camelot's default lattice.

    python bench/bench_pdf.py [--runs 5] [--pdf FILE ...]

Without --pdf it renders a synthetic document (juesuan.synth seed 0) as a ruled PDF with the nine tables, one per
page, and the narrative dropped, so the file is 9 ruled table pages. Prints, in one run: seconds per page (median of
--runs) for the pypdfium2 text read (the floor: every code, name and amount is in it), juesuan's PDF reader alone
(read_raw), juesuan.read (reader + recognition + checks), pdfplumber extract_tables and camelot lattice (default and
vector/split_text), the ratio of juesuan.read to the floor, and peak Python memory (tracemalloc) for each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


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


def juesuan_read(path: Path) -> None:
    import juesuan

    juesuan.read(path)


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


def measure(fn, path: Path, runs: int) -> tuple[float, float]:
    """(median seconds, peak MiB of Python allocations)."""
    fn(path)  # warm: imports, font caches
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn(path)
        times.append(time.perf_counter() - t)
    tracemalloc.start()
    fn(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20


def synthetic_pdf(folder: Path) -> Path:
    from juesuan.testing import render
    from juesuan.testing.synth import make_document

    doc = make_document(seed=0, n_items=6)
    doc.narrative = []
    return render.to_pdf(doc, folder / "bench_9_tables_ruled.pdf", ruled=True, cover=False, font_size=6.5)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pdf", nargs="*", type=Path)
    ap.add_argument("--no-camelot", action="store_true", help="skip camelot (slow)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = args.pdf or [synthetic_pdf(Path(tmp))]
        methods = [
            ("pypdfium2 text (floor)", floor_text),
            ("juesuan read_raw (reader)", juesuan_raw),
            ("juesuan.read (full)", juesuan_read),
            ("pdfplumber extract_tables", plumber),
        ]
        if not args.no_camelot:
            methods += [("camelot lattice default", camelot_default), ("camelot lattice vector+split", camelot_vector)]
        for path in files:
            n = _pages(path)
            print(f"\n{path.name}: {n} pages, median of {args.runs} runs")
            print(f"{'method':32} {'s/page':>9} {'s/file':>8} {'peak MiB':>9}")
            results = {}
            for name, fn in methods:
                try:
                    sec, peak = measure(fn, path, args.runs)
                except Exception as err:  # a tool failing on a file is a result too
                    print(f"{name:32} failed: {err}")
                    continue
                results[name] = sec
                print(f"{name:32} {sec / n:9.4f} {sec:8.3f} {peak:9.1f}")
            floor = results.get("pypdfium2 text (floor)")
            if floor:
                for name in ("juesuan read_raw (reader)", "juesuan.read (full)", "camelot lattice default"):
                    if name in results:
                        print(f"{name} / floor = {results[name] / floor:.1f}x")


if __name__ == "__main__":
    main()
