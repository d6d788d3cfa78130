"""How long the code catalog takes to be ready in a fresh process (issue 14).

    python bench/bench_codes.py [--runs 5] [--baseline SRC_DIR]

Each probe runs in a new interpreter (median of ``--runs``) and prints seconds:

- ``pandas``: ``import pandas`` alone (every juesuan command pays it anyway; shown so the rest can be read net of it)
- ``lookup``: ``import juesuan.codes; juesuan.codes.lookup("2101501")`` after pandas is imported
- ``check``: ``check_code`` over every (code, name) pair seed 000 prints, from ``import juesuan.codes`` on,
  without pandas imported first: the catalog ready for validation
- ``resolve``: ``resolve_subject`` on one 类/款/项 citation, from import on
- ``rebuild``: (this checkout only) building the catalog from the CSVs in-process, what a stale index costs

``--baseline SRC_DIR`` runs the same probes with another source tree first on ``PYTHONPATH`` (for example a
``git archive`` of the commit before the prebuilt index) and prints the ratios of this checkout to it, measured in
the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from juesuan.textnorm import is_amount

ROOT = Path(__file__).resolve().parents[1]
SEED = next((ROOT / "data" / "raw").glob("000_*.txt"))

PROBES = {
    "pandas": "import pandas",
    "lookup": "import pandas\nT0 = time.perf_counter()\nimport juesuan.codes as c\nc.lookup('2101501')",
    "check": "import juesuan.codes as c\nfor k, code, name in PAIRS:\n    c.check_code(code, name, k, 2021)",
    "resolve": "import juesuan.codes as c\nc.resolve_subject('卫生健康（类）医疗保障管理事务（款）行政运行（项）', 2021)",
    "rebuild": "from juesuan.codes import build\nbuild.build_rows(build.read_data())",
}


def seed_pairs() -> list[tuple[str, str, str]]:
    """(classification, code, name) for every code printed in seed 000 (as tests/test_codes.py reads them)."""
    out = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        for i, cell in enumerate(cells[:-1]):
            code, name = cell.strip(), cells[i + 1].strip()
            if code.isdigit() and len(code) in (3, 5, 7) and name and not is_amount(name):
                out.append(("功能分类" if code.startswith("2") else "经济分类", code, name))
    return out


def run_probe(body: str, src: Path, pairs: list) -> float:
    """Seconds from just before ``body`` (or from its T0 mark) to its end, in a fresh interpreter."""
    script = (
        "import json, sys, time\n"
        f"PAIRS = json.loads({json.dumps(json.dumps(pairs, ensure_ascii=False))})\n"
        "T0 = time.perf_counter()\n"
        f"{body}\n"
        "print(time.perf_counter() - T0)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(src))
    # cwd=src: "-c" puts the current directory first on sys.path
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=src, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def measure(src: Path, runs: int, pairs: list, probes: list[str]) -> dict[str, float]:
    return {name: statistics.median(run_probe(PROBES[name], src, pairs) for _ in range(runs)) for name in probes}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--baseline", type=Path, help="another source tree to compare with (its juesuan/ inside)")
    args = ap.parse_args()
    pairs = seed_pairs()
    here = measure(ROOT, args.runs, pairs, list(PROBES))
    base = measure(args.baseline, args.runs, pairs, ["pandas", "lookup", "check", "resolve"]) if args.baseline else {}
    print(f"{len(pairs)} (code, name) pairs from {SEED.name}; median of {args.runs} fresh processes, seconds")
    print(f"{'probe':<10}{'this':>10}" + (f"{'baseline':>10}{'ratio':>8}" if base else ""))
    for name, secs in here.items():
        line = f"{name:<10}{secs:>10.4f}"
        if name in base:
            line += f"{base[name]:>10.4f}{secs / base[name]:>8.2f}"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
