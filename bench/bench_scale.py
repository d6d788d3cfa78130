"""Memory at scale: the main process's peak memory for ``juesuan build`` over 10 … 10,000 generated documents.

    .venv/bin/python bench/bench_scale.py                    # 10, 100, 1,000 documents
    .venv/bin/python bench/bench_scale.py --n 10 1000 10000  # the goal: main process under 500 MB at 10,000

Each build runs in a fresh Python process (``juesuan build RAW CLEAN --workers W --no-cache``), so its peak resident
memory (``ru_maxrss``) is that build's own; the workers' peaks come from the build's own stats. The corpus is made of
text exports from ``juesuan.testing.synth`` (documents of 6–15 coded items, all nine tables): the reading cost per
document is what it is, the point is whether the main process grows with the corpus. It should not: workers write
each document's entry as it is read, the main process keeps one documents row per file and streams the outputs.
Also printed: wall time, documents per second, output sizes, and the ratio of main-process peaks between sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEPARTMENTS = ["湘潭市雨湖区民政局", "株洲市石峰区卫生健康局", "长沙市财政局", "岳阳县农业农村局", "常德市武陵区教育局"]


def make_corpus(folder: Path, n: int, start: int = 0) -> None:
    """Documents ``start`` … ``n`` - 1 as text exports (a folder per 1,000), written once and reused."""
    from juesuan.testing.synth import make_document, to_text

    for i in range(start, n):
        path = folder / f"{i // 1000:03d}" / f"doc{i:05d}.txt"
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = make_document(
            seed=5000 + i,
            department=DEPARTMENTS[i % len(DEPARTMENTS)],
            year=2019 + i % 5,
            n_items=6 + i % 10,
            with_fund=i % 3 != 0,
        )
        path.write_text(to_text(doc), encoding="utf-8")


def one_build(raw: Path, out: Path, workers: int) -> dict:
    """Run in a fresh process (``--one``): the build, as the CLI does it, and its figures."""
    import resource

    from juesuan.corpus import read_all, write_clean

    t0 = time.perf_counter()
    corpus = read_all(raw, workers=workers, cache=False)
    after_read = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    write_clean(corpus, out)
    wall = time.perf_counter() - t0
    st = corpus.stats
    return {
        "files": st["files"],
        "failed": st["failed"],
        "wall_s": round(wall, 1),
        "main_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "main_peak_after_read_mb": round(after_read, 1),
        "worker_peak_mb": max(st["peak_rss_mb"].values(), default=0.0),
        "cells_csv_mb": round((out / "cells.csv").stat().st_size / 2**20, 1),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, nargs="+", default=[10, 100, 1000], help="corpus sizes (default 10 100 1000)")
    p.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    p.add_argument("--keep", help="folder to keep the corpus in (reused between runs; default a temporary folder)")
    p.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.one:
        raw, out, workers = args.one
        print(json.dumps(one_build(Path(raw), Path(out), int(workers))))
        return 0
    base = Path(args.keep or tempfile.mkdtemp(prefix="juesuan-scale-"))
    print(f"{os.cpu_count()} cores; Python {sys.version.split()[0]}; corpora in {base}", flush=True)
    rows = []
    for n in sorted(args.n):
        raw = base / f"raw-{n}"
        t0 = time.perf_counter()
        make_corpus(raw, n)
        print(f"  {n} documents generated in {time.perf_counter() - t0:.0f} s", flush=True)
        cmd = [sys.executable, __file__, "--one", str(raw), str(base / f"out-{n}"), str(args.workers)]
        r = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
        r["n"] = n
        rows.append(r)
        print(f"  {n} documents built: {r}", flush=True)
    print()
    print(
        f"{'docs':>6} {'wall s':>7} {'docs/s':>7} {'main MB':>8} {'after read':>10} {'worker MB':>9} {'cells.csv MB':>12}"
    )
    for r in rows:
        print(
            f"{r['n']:>6} {r['wall_s']:>7.1f} {r['n'] / r['wall_s']:>7.1f} {r['main_peak_mb']:>8.0f} "
            f"{r['main_peak_after_read_mb']:>10.0f} {r['worker_peak_mb']:>9.0f} {r['cells_csv_mb']:>12.1f}"
        )
    small, large = rows[0], rows[-1]
    print()
    print(
        f"main-process peak, {large['n']} vs {small['n']} documents: {large['main_peak_mb'] / small['main_peak_mb']:.2f}x "
        f"for {large['n'] / small['n']:.0f}x the documents; under 500 MB at {large['n']}: "
        f"{'yes' if large['main_peak_mb'] < 500 else 'NO'}"
    )
    return 0 if large["main_peak_mb"] < 500 and all(r["failed"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
