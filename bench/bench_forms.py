"""Reading the forms besides PDF: time per document of each form against the text export of the same document, and
how often encoding detectors decode short Chinese texts right.

    .venv/bin/python bench/bench_forms.py                 # 6 documents (seeds 0-5, 14 项), 5 repeats
    .venv/bin/python bench/bench_forms.py --docs 3 --repeat 3 --no-detectors

Part 1, for each form (text export = 1; HTML in UTF-8 and in GB2312 inside layout tables; a browser copy with one
cell per line and one tab-separated with merged cells once; .docx; a GB18030 text export): the median over repeats of ``read_raw`` (the reader alone) and of
``juesuan.read`` (the whole pipeline) per document, and both as ratios to the text export's, measured in this run.
Every form is checked to read back every cell of the synthetic document first.

Part 2: snippets of Chinese disclosure text (8 to 256 characters, from the synthetic narrative and, when present,
../shared/real) encoded in GB18030, UTF-8, UTF-16 and Big5 (traditional characters); the share that each detector
decodes to exactly the original text: juesuan's ``decode_best`` (usual-character scoring), charset-normalizer and
chardet (when installed).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import juesuan  # noqa: E402
from juesuan.readers import read_raw  # noqa: E402
from juesuan.testing import render_web  # noqa: E402
from juesuan.testing.synth import make_document, to_text  # noqa: E402

FORMS = {
    "text export (UTF-8)": lambda doc, p: _write(p.with_suffix(".txt"), to_text(doc).encode("utf-8")),
    "html UTF-8, layout tables": lambda doc, p: render_web.to_html(doc, p.with_suffix(".html")),
    "html GB2312, layout tables": lambda doc, p: render_web.to_html(doc, p.with_suffix(".htm"), charset="gb2312"),
    "browser copy (cell per line)": lambda doc, p: render_web.to_webcopy(doc, p.with_suffix(".copy.txt")),
    "browser copy (tabs, merges once)": lambda doc, p: render_web.to_webcopy(
        doc, p.with_suffix(".tabs.txt"), tabs=True
    ),
    "docx": lambda doc, p: render_web.to_docx(doc, p.with_suffix(".docx")),
    "text export (GB18030)": lambda doc, p: render_web.to_encoded_text(doc, p.with_suffix(".gb.txt"), "gb18030"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_forms(n_docs: int, repeat: int) -> None:
    from roundtrip import cell_mismatches

    docs = [make_document(seed=s, n_items=14) for s in range(n_docs)]
    tmp = Path(tempfile.mkdtemp(prefix="bench-forms-"))
    rows = []
    for form, render in FORMS.items():
        raw_t, read_t = [], []
        for i, doc in enumerate(docs):
            path = render(doc, tmp / f"d{i}")
            bad = cell_mismatches(doc.expected, juesuan.read(path).cells)
            if not bad.empty:
                raise SystemExit(f"{form}: document {i} does not read back ({len(bad)} cells differ)")
            raw_t.append(_median_time(lambda p=path: read_raw(p), repeat))
            read_t.append(_median_time(lambda p=path: juesuan.read(p), repeat))
        rows.append((form, statistics.mean(raw_t), statistics.mean(read_t)))
    base_raw, base_read = rows[0][1], rows[0][2]
    print(f"Part 1: {n_docs} documents (14 项 each), median of {repeat} per document, mean over documents")
    print(f"{'form':32} {'read_raw ms':>12} {'× text':>7} {'juesuan.read ms':>16} {'× text':>7}")
    for form, r, d in rows:
        print(f"{form:32} {r * 1e3:12.1f} {r / base_raw:7.2f} {d * 1e3:16.1f} {d / base_read:7.2f}")


def _snippets() -> list[str]:
    texts = [" ".join(make_document(seed=s).narrative) for s in range(3)]
    real = ROOT.parent / "shared" / "real" / "pingtan-2016-2017"
    for path in sorted(real.glob("*.txt"))[:4]:
        texts.append(path.read_text(encoding="utf-8")[1200:4000])
    out = []
    for text in texts:
        for n in (8, 16, 32, 64, 256):
            out += [text[i : i + n] for i in range(0, min(len(text) - n, 8 * n), n)]
    return [s for s in out if s.strip()]


def _traditional(text: str) -> str:
    table = str.maketrans(
        "门决说财拨总计务员费单预项经济类数据办会议为与发实际开资产这报构规划",
        "門決說財撥總計務員費單預項經濟類數據辦會議為與發實際開資產這報構規劃",
    )
    return text.translate(table)


def bench_detectors() -> None:
    from juesuan.readers.text import decode_best

    detectors = {"juesuan decode_best": lambda b: decode_best(b, Path("x"))[0]}
    try:
        import charset_normalizer

        detectors["charset-normalizer"] = lambda b: str(charset_normalizer.from_bytes(b).best())
    except ImportError:
        pass
    try:
        import chardet

        detectors["chardet"] = lambda b: b.decode(chardet.detect(b)["encoding"] or "ascii")
    except ImportError:
        pass
    snippets = _snippets()
    print(f"\nPart 2: {len(snippets)} snippets of 8-256 characters; share decoded exactly")
    header = f"{'encoding':10} {'length':>6} {'n':>5} " + " ".join(f"{name:>20}" for name in detectors)
    print(header)
    for enc in ("gb18030", "utf-8", "utf-16", "big5"):
        for n in (8, 16, 32, 64, 256):
            cases = []
            for s in (x for x in snippets if len(x) == n):
                s = _traditional(s) if enc == "big5" else s
                try:
                    cases.append((s, s.encode(enc)))
                except UnicodeEncodeError:
                    continue
            if not cases:
                continue
            scores = []
            for fn in detectors.values():
                ok = 0
                for s, b in cases:
                    try:
                        ok += fn(b) == s
                    except Exception:  # a detector that names no codec or a wrong one: not decoded
                        pass
                scores.append(ok / len(cases))
            print(f"{enc:10} {n:6} {len(cases):5} " + " ".join(f"{x:20.0%}" for x in scores))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=6)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-detectors", action="store_true")
    args = ap.parse_args()
    bench_forms(args.docs, args.repeat)
    if not args.no_detectors:
        bench_detectors()


if __name__ == "__main__":
    main()
