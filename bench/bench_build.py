"""Build throughput: documents per minute and pages per second for ``read_all`` + ``write_clean`` on a generated corpus.

    .venv/bin/python bench/bench_build.py              # 200 documents: ~85% text exports, the rest XLSX and PDF
    .venv/bin/python bench/bench_build.py --n 400 --workers 1 2 4

For each worker count: a cold build (empty cache: every file read) and a warm build (the same cache: nothing read),
each in a fresh Python process so that peak-memory figures are that build's own. Figures: wall time, documents per
minute, pages per second, CPU seconds of the build (main process and workers) and the cores that makes on
average (below the worker count when other load takes the cores), warm-over-cold speed-up, peak RSS of the main process and of each worker process
(``resource.getrusage``; for workers=1 the reading happens in the main process). Every build's output files are
compared byte for byte with the first one's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# builds run on a snapshot of the package taken at the start, so edits made meanwhile change neither the code
# measured nor the cache key (which hashes the package's files)
sys.path.insert(0, os.environ.get("JUESUAN_BENCH_CODE") or str(ROOT))

DEPARTMENTS = [
    "湘潭市雨湖区民政局",
    "株洲市石峰区卫生健康局",
    "长沙市财政局",
    "岳阳县农业农村局",
    "衡阳市人力资源和社会保障局",
    "常德市武陵区教育局",
    "郴州市住房和城乡建设局",
    "益阳市赫山区水利局",
]


def make_corpus(folder: Path, n: int, share_binary: float = 0.15, expected: dict | None = None) -> dict[str, int]:
    """Write ``n`` synthetic 决算 documents into ``folder``: text exports, and ``share_binary`` of them as XLSX/PDF
    when juesuan.render's libraries are installed. Returns the count per format; ``expected`` (if given) receives
    each file's expected cells, keyed by its path relative to ``folder``."""
    from juesuan.testing.synth import make_document, to_text

    try:
        from juesuan.testing.render import to_pdf, to_xlsx
    except ImportError:
        to_pdf = to_xlsx = None
    every = round(1 / share_binary) if share_binary and to_pdf else 0
    counts = {"text": 0, "xlsx": 0, "pdf": 0}
    for i in range(n):
        doc = make_document(
            seed=1000 + i,
            department=DEPARTMENTS[i % len(DEPARTMENTS)],
            year=2019 + i % 5,
            unit="元" if i % 4 == 0 else "万元",
            n_items=5 + i % 10,
            with_fund=i % 3 != 0,
            with_sangong=i % 7 != 0,
        )
        sub = folder / f"{2019 + i % 5}"
        sub.mkdir(parents=True, exist_ok=True)
        if every and i % every == every - 1:
            if (i // every) % 2:
                path = to_pdf(doc, sub / f"doc{i:04d}.pdf", ruled=(i // every) % 4 == 1) or sub / f"doc{i:04d}.pdf"
                counts["pdf"] += 1
            else:
                path = to_xlsx(doc, sub / f"doc{i:04d}.xlsx")
                counts["xlsx"] += 1
        else:
            path = sub / f"doc{i:04d}.txt"
            path.write_text(to_text(doc, rows_per_page=12 if i % 2 else None), encoding="utf-8")
            counts["text"] += 1
        if expected is not None:
            expected[Path(path).relative_to(folder).as_posix()] = doc.expected
    return counts


def _burn(n: int) -> float:
    t = time.perf_counter()
    s = 0
    for i in range(n):
        s += i * i
    return time.perf_counter() - t


def available_parallelism(workers: int, n: int = 5_000_000) -> float:
    """How many cores' worth of pure-Python work ``workers`` processes get right now (other load on the machine
    lowers it): ``workers`` × one process's time alone / their mean time together."""
    from concurrent.futures import ProcessPoolExecutor

    alone = min(_burn(n) for _ in range(2))
    with ProcessPoolExecutor(workers) as pool:
        together = list(pool.map(_burn, [n] * workers))
    return workers * alone / (sum(together) / len(together))


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.iterdir()):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def one_build(raw: Path, out: Path, cache: Path, workers: int) -> dict:
    """One build in this process; returns its figures (run by ``--one`` in a fresh process)."""
    from juesuan.corpus import read_all, write_clean

    me0, kids0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    corpus = read_all(raw, workers=workers, cache=cache)
    write_clean(corpus, out)
    wall = time.perf_counter() - t0
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    st = corpus.stats
    main_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_rss = {pid: mb for pid, mb in st["peak_rss_mb"].items() if pid != os.getpid()}
    import juesuan

    assert os.environ.get("JUESUAN_BENCH_CODE", "") in juesuan.__file__, juesuan.__file__
    return {
        "workers": workers,
        "files": st["files"],
        "read": st["read"],
        "cached": st["cached"],
        "failed": st["failed"],
        "pages": st["pages"],
        "wall_s": wall,
        "read_s": st["read_seconds"],
        "docs_per_min": st["files"] / wall * 60,
        "pages_per_s": st["pages"] / wall,
        "main_peak_rss_mb": round(main_rss, 1),
        "cpu_s": sum(
            getattr(b, f) - getattr(a, f) for a, b in ((me0, me), (kids0, kids)) for f in ("ru_utime", "ru_stime")
        ),
        "worker_peak_rss_mb": sorted(workers_rss.values()),
        "digest": _digest(out),
    }


def run_in_fresh_process(raw: Path, out: Path, cache: Path, workers: int, code: Path) -> dict:
    cmd = [sys.executable, __file__, "--one", str(raw), str(out), str(cache), str(workers)]
    r = subprocess.run(
        cmd, capture_output=True, text=True, check=True, env={**os.environ, "JUESUAN_BENCH_CODE": str(code)}
    )
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=200, help="documents to generate (default 200)")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to compare (default 1 2)")
    p.add_argument("--binary-share", type=float, default=0.15, help="share of XLSX/PDF documents (default 0.15)")
    p.add_argument("--keep", help="folder to keep the corpus and outputs in (default: a temporary folder)")
    p.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.one:
        raw, out, cache, workers = args.one
        print(json.dumps(one_build(Path(raw), Path(out), Path(cache), int(workers))))
        return 0
    base = Path(args.keep or tempfile.mkdtemp(prefix="juesuan-bench-"))
    raw = base / "raw"
    code = base / "code"
    shutil.rmtree(code, ignore_errors=True)
    shutil.copytree(ROOT / "juesuan", code / "juesuan", ignore=shutil.ignore_patterns("__pycache__"))
    t0 = time.perf_counter()
    expected: dict = {}
    counts = make_corpus(raw, args.n, args.binary_share, expected)
    print(
        f"corpus: {args.n} documents ({', '.join(f'{v} {k}' for k, v in counts.items())}) in {raw}, "
        f"generated in {time.perf_counter() - t0:.0f} s; {os.cpu_count()} cores; Python "
        f"{sys.version.split()[0]}; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    for w in args.workers:
        if w > 1:
            print(
                f"available parallelism now: {available_parallelism(w):.2f} of {w} (CPU burn in {w} processes; "
                f"other load on the machine lowers it)",
                flush=True,
            )
    rows = []
    for w in args.workers:
        shutil.rmtree(base / f"cache-w{w}", ignore_errors=True)  # cold means an empty cache, also with --keep
        for state in ("cold", "warm"):
            r = run_in_fresh_process(raw, base / f"out-w{w}-{state}", base / f"cache-w{w}", w, code)
            r["state"] = state
            rows.append(r)
            print(f"  workers={w} {state}: {r['wall_s']:.1f} s, read {r['read']}, cached {r['cached']}", flush=True)
    print()
    print(
        f"{'workers':>7} {'cache':>5} {'files':>5} {'read':>4} {'pages':>5} {'wall s':>7} {'docs/min':>8} "
        f"{'pages/s':>7} {'CPU s':>6} {'cores':>5} {'main MB':>7}  worker peak RSS MB"
    )
    for r in rows:
        print(
            f"{r['workers']:>7} {r['state']:>5} {r['files']:>5} {r['read']:>4} {r['pages']:>5} {r['wall_s']:>7.1f} "
            f"{r['docs_per_min']:>8.0f} {r['pages_per_s']:>7.1f} {r['cpu_s']:>6.1f} {r['cpu_s'] / r['wall_s']:>5.2f} "
            f"{r['main_peak_rss_mb']:>7.0f}  "
            f"{', '.join(f'{m:.0f}' for m in r['worker_peak_rss_mb']) or '(in main)'}"
        )
    cold = {r["workers"]: r for r in rows if r["state"] == "cold"}
    warm = {r["workers"]: r for r in rows if r["state"] == "warm"}
    print()
    for w in args.workers:
        print(f"workers={w}: warm cache {cold[w]['wall_s'] / warm[w]['wall_s']:.1f}x faster than cold")
    if len(cold) > 1:
        w0 = args.workers[0]
        for w in args.workers[1:]:
            print(f"cold, workers={w} vs {w0}: {cold[w0]['wall_s'] / cold[w]['wall_s']:.2f}x")
    digests = {r["digest"] for r in rows}
    print(f"outputs byte-identical across all builds: {'yes' if len(digests) == 1 else 'NO: ' + str(digests)}")
    wrong = check_known_values(base / f"out-w{args.workers[0]}-cold", expected)
    print(
        f"documents whose cells match their known values exactly: {len(expected) - len(wrong)}/{len(expected)}"
        + (f" (differ: {', '.join(wrong[:10])})" if wrong else "")
    )
    return 0 if len(digests) == 1 and not wrong else 1


def check_known_values(out: Path, expected: dict) -> list[str]:
    """The files whose cells in ``out/cells.csv`` differ from the generator's known values."""
    import pandas as pd

    docs = pd.read_csv(out / "documents.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    cells = pd.read_csv(out / "cells.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    key = ["table", "classification", "code", "name", "measure"]
    by_doc = dict(tuple(cells.groupby("doc_id")))
    wrong = []
    for file, doc_id in zip(docs["file"], docs["doc_id"]):
        got = by_doc.get(doc_id, cells.iloc[0:0])
        exp = expected[file]
        a = sorted(zip(*(exp[k].astype(str) for k in key), exp["value"].round(6)))
        b = sorted(zip(*(got[k].astype(str) for k in key), got["value"].astype(float).round(6)))
        if a != b:
            wrong.append(file)
    return wrong


if __name__ == "__main__":
    sys.exit(main())
