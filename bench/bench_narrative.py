"""Narrative reading time against text length: is it linear? (issue 14)

Generates narratives of growing size in two shapes — many short paragraphs (a PDF's narrative pages), and one
paragraph holding everything (a web page saved as one line, 福建 平潭's shape) — and prints, for each size, the
seconds ``juesuan.narrative.lines_to_records`` takes (best of 3), the facts read, and the ratio of time to the
previous size's: a linear reader shows ~2× per doubling, a quadratic one ~4×.

    python bench/bench_narrative.py [--sizes 100 200 400 800] [--paragraph]
"""

from __future__ import annotations

import argparse
import time

from juesuan.narrative import lines_to_records
from juesuan.readers.text import text_to_lines

# One block of sentences in the forms real narratives use (totals, a cited 类/款/项 with 年初预算/决算, changes,
# shares, 三公 with counts, 政府采购), with numbers varied per block so no two facts are equal.
_BLOCK = (
    "{i}、卫生健康（类）医疗保障管理事务（款）行政运行（项）年初预算为{a}万元，支出决算为{b}万元，完成年初预算的{p}%。"
    "2021年度收入合计{a}万元，其中：财政拨款收入{b}万元，占{p}%；其他收入1.42万元。"
    "与上年相比，减少15.15万元，下降1.5%。"
    "“三公”经费支出{b}万元，其中公务接待费{b}万元，全年共接待来访团组{i}批次、来宾{j}人次。"
    "政府采购支出总额{a}万元，其中：政府采购货物支出{b}万元。"
)


def narrative(blocks: int, one_paragraph: bool) -> str:
    parts = []
    for i in range(1, blocks + 1):
        a, b = 1000 + i + 0.25, 900 + i + 0.5
        parts.append(_BLOCK.format(i=i, j=10 * i, a=f"{a:.2f}", b=f"{b:.2f}", p=f"{100 * b / a:.2f}"))
    return ("" if one_paragraph else "\n").join(parts)


def seconds(text: str, repeat: int = 3) -> tuple[float, int]:
    lines, _ = text_to_lines(text)
    best, n = float("inf"), 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        n = len(lines_to_records(lines, 2021, "决算"))
        best = min(best, time.perf_counter() - t0)
    return best, n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 400, 800, 1600])
    ap.add_argument("--paragraph", action="store_true", help="only the one-paragraph shape")
    args = ap.parse_args(argv)
    shapes = [True] if args.paragraph else [False, True]
    for one in shapes:
        print(f"\n{'one paragraph' if one else 'one paragraph per block'}")
        print(f"{'blocks':>7} {'chars':>10} {'seconds':>9} {'facts':>7} {'× previous':>10} {'size ×':>7}")
        prev = None
        for size in args.sizes:
            text = narrative(size, one)
            s, n = seconds(text)
            ratio = f"{s / prev[0]:.2f}" if prev else ""
            grow = f"{len(text) / prev[1]:.2f}" if prev else ""
            print(f"{size:>7} {len(text):>10,} {s:>9.3f} {n:>7} {ratio:>10} {grow:>7}")
            prev = (s, len(text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
