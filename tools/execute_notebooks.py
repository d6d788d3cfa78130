"""Run the notebooks on this checkout's data/clean (the sample's build) and save them with their outputs.

    python tools/execute_notebooks.py [notebooks/01_quickstart.ipynb …]

The committed notebooks carry the outputs of the sample, so a reader sees the charts without running anything; run
this after changing a notebook, juesuan.analysis or juesuan.plotting (and after `juesuan build` when data/clean
changed). Figures are PNG at the notebooks' own modest dpi, to keep the files small.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import nbclient
import nbformat

ROOT = Path(__file__).resolve().parents[1]
_ADDRESS = re.compile(r" at 0x[0-9a-f]+(?=>)")


def main(paths: list[str]) -> int:
    env = {k: v for k, v in os.environ.items() if k not in ("JUESUAN_CLEAN", "JUESUAN_RAW")}
    os.environ.clear()
    os.environ.update(env)  # the kernel reads this checkout's data/clean, whatever the shell points at
    books = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for path in books:
        book = nbformat.read(path, as_version=4)
        nbclient.NotebookClient(
            book, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        ).execute()
        for cell in book.cells:
            cell.get("metadata", {}).pop("execution", None)  # run timestamps: not part of the result
            for out in cell.get("outputs", []):
                plain = out.get("data", {}).get("text/plain")
                if isinstance(plain, str):  # "<…Styler at 0x7f…>": an address, new each run
                    out["data"]["text/plain"] = _ADDRESS.sub("", plain)
        nbformat.write(book, path)
        print(f"{path.name}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
