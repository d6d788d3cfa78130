"""Start-up of ``juesuan show FILE``: the command's time beyond the read itself, and what it is made of.

    python bench/bench_startup.py [FILE ...] [--runs 5]

For each FILE (default: one real PDF of ../shared/real, else the first sample of data/raw), in one run: the wall and
CPU time of ``python -m juesuan.cli show FILE`` in a fresh process (best of --runs), and of the same read done in a
warm process (``juesuan.read(FILE)`` a second time, so imports and the data loaded once are already there; the
per-text memo caches emptied first, so the file is not faster for having been read). The
difference is the start-up (issue 14's target: ≤ 0.5 s); beside it the same against ``read_records`` (the rows
without the frames, all that ``show FILE`` reads now). Beside it, for scale, fresh processes that only start
Python, import pandas, import what ``show`` imports, and ``juesuan codes 2010101``; and the modules ``show`` imports
that it need not (pandas, numpy, pyarrow, matplotlib, opencc, lxml, docx, openpyxl, calamine, camelot, pdfplumber,
reportlab).

Every child runs with bytecode caching on, in a private cache folder (PYTHONPYCACHEPREFIX), warmed by one run first:
an installed package has its .pyc files, and this environment sets PYTHONDONTWRITEBYTECODE, which would otherwise
make every child compile juesuan from source. CPU seconds are the children's user + system time (``RUSAGE_CHILDREN``):
the machine is shared, so the wall clock also counts the time spent waiting for a core.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_NEEDED = (
    "pandas",
    "numpy",
    "pyarrow",
    "matplotlib",
    "opencc",
    "lxml",
    "docx",
    "openpyxl",
    "python_calamine",
    "camelot",
    "pdfplumber",
    "reportlab",
)


def child(args: list[str], env: dict) -> tuple[float, float]:
    """(wall, CPU) seconds of ``python ARGS`` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, *args], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def best(args: list[str], env: dict, runs: int) -> tuple[float, float]:
    child(args, env)  # warm: writes the bytecode cache, fills the OS file cache
    results = [child(args, env) for _ in range(runs)]
    return min(w for w, _ in results), min(c for _, c in results)


_IN_PROCESS = """
import json, resource, sys, time
import juesuan
from juesuan.document import read_records
def cpu():  # this process, its ended children and the guarded reader process (juesuan.read reads a PDF there)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime + reader_cpu()
def reader_cpu():  # as bench_pdf.live_children_cpu: the running reader's nanoseconds on a CPU
    import glob
    from juesuan import readers
    pid = readers.reader_process_id() if hasattr(readers, "reader_process_id") else None
    return sum(int(open(f).read().split()[0]) for f in glob.glob(f"/proc/{pid}/task/*/schedstat")) / 1e9 if pid else 0
def cold():  # the per-text memo caches emptied, as bench_pdf.cold_text_caches does: a first read of the file
    for name, module in list(sys.modules.items()):
        for obj in list(vars(module).values()) if name.startswith("juesuan") else ():
            params = getattr(obj, "cache_parameters", None)
            if params and (params()["maxsize"] or 0) > 64:
                obj.cache_clear()
path, fn = sys.argv[1], {"read": juesuan.read, "read_records": read_records}[sys.argv[3]]
fn(path)
wall, cpus = [], []
for _ in range(int(sys.argv[2])):
    cold()
    t, c = time.perf_counter(), cpu()
    fn(path)
    wall.append(time.perf_counter() - t)
    cpus.append(cpu() - c)
print(json.dumps([min(wall), min(cpus)]))
"""


def in_process(path: Path, env: dict, runs: int, fn: str = "read") -> tuple[float, float]:
    """(wall, CPU) seconds of ``juesuan.read(path)`` (``fn="read_records"``: of ``read_records``, the rows without the
    frames, what ``show FILE`` does) in a process that has read it once already (best of runs)."""
    out = subprocess.run(
        [sys.executable, "-c", _IN_PROCESS, str(path), str(runs), fn],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    wall, cpu = json.loads(out.strip().splitlines()[-1])
    return wall, cpu


def shown_modules(path: Path, env: dict) -> list[str]:
    """The top-level packages of NOT_NEEDED that ``juesuan show FILE`` has imported by its end."""
    code = (
        "import sys, os\nfrom juesuan import cli\nsys.stdout = open(os.devnull, 'w')\n"
        f"cli.main(['show', {str(path)!r}])\nsys.stdout = sys.__stdout__\n"
        f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(NOT_NEEDED)!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().split(",") if m]


def default_files() -> list[Path]:
    real = ROOT.parent / "shared" / "real" / "shanghai-putuo" / "上海市普陀区商务委员会25年预算.pdf"
    if real.exists():
        return [real]
    return sorted((ROOT / "data" / "raw").glob("*"))[:1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, PYTHONPYCACHEPREFIX=cache)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        print(f"fresh processes, best of {args.runs} (wall s / CPU s), bytecode cached in {cache}")
        scale = {
            "python -c pass": ["-c", "pass"],
            "import pandas": ["-c", "import pandas"],
            "import juesuan.cli, .document, .readers.pdf": [
                "-c",
                "import juesuan.cli, juesuan.document, juesuan.readers.pdf",
            ],
            "juesuan codes 2010101": ["-m", "juesuan.cli", "codes", "2010101"],
        }
        for name, cmd in scale.items():
            w, c = best(cmd, env, args.runs)
            print(f"  {name:46} {w:6.3f} / {c:6.3f}")
        for path in args.files or default_files():
            w, c = best(["-m", "juesuan.cli", "show", str(path)], env, args.runs)
            rw, rc = in_process(path, env, args.runs)
            qw, qc = in_process(path, env, args.runs, "read_records")
            print(f"\n{path.name}")
            print(f"  juesuan show FILE (fresh process)              {w:6.3f} / {c:6.3f}")
            print(f"  juesuan.read(FILE) in a warm process           {rw:6.3f} / {rc:6.3f}")
            print(f"  read_records(FILE) in a warm process           {qw:6.3f} / {qc:6.3f}")
            print(f"  start-up beyond the read                       {w - rw:6.3f} / {c - rc:6.3f}   (target ≤ 0.5 s)")
            print(f"  start-up beyond read_records (what show reads) {w - qw:6.3f} / {c - qc:6.3f}")
            extra = shown_modules(path, env)
            print(f"  imported by show and not needed for it: {', '.join(extra) or 'none'}")


if __name__ == "__main__":
    main()
