"""Every notebook runs top to bottom on data/clean/, draws at least one chart, and its charts' Chinese labels render.

data/clean/ is not committed, so the test builds it afresh from data/raw/ into a scratch data/ folder (clean/ beside a
link to the real raw/) and points the notebooks at it with $JUESUAN_CLEAN: the notebooks see the same layout as a
checkout after `juesuan build`, whatever state the working copy's data/clean/ is in.

After a notebook's own cells, one more cell is run in the same kernel (the notebook file is not changed): it looks at
every figure the notebook drew (the inline backend is told to keep them open) and reports their texts and any
characters that no font matplotlib would use can draw.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
RAW = ROOT / "data" / "raw"
HAN = re.compile(r"[\u4e00-\u9fff]")
BUDGET_SECONDS = 30  # each notebook is meant to run in well under 20 s; the margin is for a busy CI machine

KEEP_FIGURES = "%config InlineBackend.close_figures = False"
INSPECT = """
import json as _json
import matplotlib.pyplot as _plt
from juesuan.analysis import default_clean_dir as _clean
from juesuan.plotting import figure_texts as _texts, missing_glyphs as _missing
print("CLEAN" + str(_clean()))
_report = []
for _n in _plt.get_fignums():
    _f = _plt.figure(_n)
    _report.append({"texts": [t.get_text() for t in _texts(_f)], "missing": _missing(_f)})
print("FIGURES" + _json.dumps(_report, ensure_ascii=False))
"""


def test_the_notebooks_are_there_numbered_and_committed_without_outputs():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04"]
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        code = [c for c in book.cells if c.cell_type == "code"]
        assert code and all(not c.outputs and c.execution_count is None for c in code), f"{path.name} has outputs"
        source = "\n".join(c.source for c in code)
        # data/clean is found from the package, never from the working directory
        assert "default_clean_dir()" in source and "os.getcwd" not in source and "Path.cwd" not in source


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    import juesuan
    from juesuan.corpus import assemble, write_clean

    data = tmp_path_factory.mktemp("data")
    (data / "raw").symlink_to(RAW, target_is_directory=True)
    files = sorted(p for p in RAW.iterdir() if p.is_file())
    write_clean(assemble([juesuan.read(p, file_label=p.name) for p in files]), data / "clean")
    return data / "clean"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_its_charts_have_chinese_labels_that_render(path, clean, tmp_path, monkeypatch):
    monkeypatch.setenv("JUESUAN_CLEAN", str(clean))  # the kernel inherits it
    book = nbformat.read(path, as_version=4)
    book.cells.insert(0, nbformat.v4.new_code_cell(KEEP_FIGURES))
    book.cells.append(nbformat.v4.new_code_cell(INSPECT))
    t0 = time.perf_counter()
    # run from a scratch folder: the notebook must not depend on the working directory
    nbclient.NotebookClient(
        book, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    elapsed = time.perf_counter() - t0
    outputs = [o for c in book.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert "Glyph" not in stderr and "missing from font" not in stderr, stderr
    images = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.get("data", {})]
    assert images, f"{path.name} drew no chart"
    report_text = "".join(o.text for o in book.cells[-1].outputs if o.get("name") == "stdout")
    assert f"CLEAN{clean}\n" in report_text  # the notebook read the data/clean/ it was pointed at
    figures = json.loads(report_text.split("FIGURES", 1)[1])
    assert len(figures) >= len(images) >= 1
    for fig in figures:
        assert any(HAN.search(t) for t in fig["texts"]), f"a chart in {path.name} has no Chinese label: {fig}"
        assert fig["missing"] == {}, f"{path.name}: characters without a glyph: {fig['missing']}"
    assert elapsed < BUDGET_SECONDS, f"{path.name} took {elapsed:.1f} s"
