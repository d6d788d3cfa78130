"""OCR speed and exactness: a scanned document against its text layer, measured in one run.

    python bench/bench_ocr.py [--dpi 150 200] [--borderless] [--seed 0]

Renders juesuan.synth seed 0 (the nine tables, narrative and cover: 12 landscape A4 pages) as a PDF with a text
layer (``render.to_pdf``, ruled unless --borderless), scans it at each --dpi (``render_scan.to_scan_pdf``: pages
turned by ~1.5°, grain and specks, image-only PDF), then reads the printed PDF and every scan with ``juesuan.read``
and prints per document: seconds per page (wall and CPU of this process, which is single-threaded OCR:
``JUESUAN_OCR_THREADS`` unset), the ratio of OCR to the text layer, the one-off model load, and cells read exactly
against the generator's known values. The machine's load average is printed too: other sessions share its 2 cores
and the wall figures move with them; the CPU seconds move much less.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def timed(fn):
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t, time.process_time() - c


def read_here(path: Path):
    """``juesuan.read`` in this process (a PDF is otherwise read in a guarded child, whose CPU time this process
    would not see), as a build's worker reads it."""
    from juesuan.document import raw_to_document
    from juesuan.readers import read_raw

    return raw_to_document(read_raw(path, isolate=False), str(path))


def exact(doc, got) -> str:
    from tests.roundtrip import cell_mismatches

    bad = cell_mismatches(doc.expected, got.cells)
    wrong = int((bad["_merge"] == "left_only").sum())
    extra = int((bad["_merge"] == "right_only").sum())
    n = len(doc.expected)
    return f"{n - wrong}/{n}" + (f" (+{extra} not expected)" if extra else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dpi", type=int, nargs="+", default=[150, 200])
    ap.add_argument("--borderless", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    from juesuan.readers import ocr
    from juesuan.testing import render, render_scan
    from juesuan.testing.synth import make_document

    if not ocr.available():
        sys.exit(f"the ocr extra is not installed: {ocr.EXTRA}")
    doc = make_document(seed=args.seed)
    tmp = Path(tempfile.mkdtemp())
    ruled = not args.borderless
    printed = render.to_pdf(doc, tmp / "printed.pdf", ruled=ruled)
    scans = {
        dpi: render_scan.to_scan_pdf(doc, tmp / f"scan{dpi}.pdf", dpi=dpi, skew=1.5, ruled=ruled) for dpi in args.dpi
    }

    _, load_wall, _ = timed(ocr.engine)
    text, t_wall, t_cpu = timed(lambda: read_here(printed))
    pages = text.meta["pages"]
    rows = [("text layer", pages, t_wall, t_cpu, exact(doc, text))]
    for dpi, path in scans.items():
        got, wall, cpu = timed(lambda path=path: read_here(path))
        rows.append((f"OCR {dpi} dpi ({got.meta['format']})", got.meta["pages"], wall, cpu, exact(doc, got)))

    print(f"synth seed {args.seed}, {'ruled' if ruled else 'borderless'}, {pages} pages of landscape A4")
    print(f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"model load (once per process / worker): {load_wall:.2f} s")
    print(f"{'read':<26} {'pages':>5} {'s/page wall':>12} {'s/page CPU':>11} {'× text (CPU)':>13}  cells exact")
    base = t_cpu / pages
    for name, n, wall, cpu, cells in rows:
        ratio = (cpu / n) / base if base else float("nan")
        print(f"{name:<26} {n:>5} {wall / n:>12.3f} {cpu / n:>11.3f} {ratio:>13.0f}  {cells}")


if __name__ == "__main__":
    main()
