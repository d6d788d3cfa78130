"""Every notebook runs top to bottom on a build — the sample's and one of ../shared/real — draws charts whose Chinese
labels render and whose every bar carries its own value, and is committed with the sample's outputs, kept small.

The test builds data/raw afresh into a scratch data/ folder (clean/ beside a link to the real raw/) and points the
notebooks at it with $JUESUAN_CLEAN: the notebooks see the layout of a checkout after `juesuan build`, whatever state
the working copy's data/clean/ is in. The real build (tests/_real_build.py) is laid out the same way.

After a notebook's own cells, one more cell is run in the same kernel (the notebook file is not changed): it looks at
every figure the notebook drew (the inline backend is told to keep them open) and reports their texts, any
characters that no font matplotlib would use can draw, and any bar without a label stating its value.
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
BUDGET_SECONDS = 60  # each notebook runs in well under 20 s; the margin is for a busy CI machine
COMMITTED_KB = 400  # the committed notebook with its outputs: small PNGs only

KEEP_FIGURES = "%config InlineBackend.close_figures = False"
INSPECT = """
import json as _json
import matplotlib.pyplot as _plt
from juesuan.analysis import default_clean_dir as _clean
from juesuan.plotting import figure_texts as _texts, missing_glyphs as _missing, unlabelled_bars as _bare
print("CLEAN" + str(_clean()))
_report = []
for _n in _plt.get_fignums():
    _f = _plt.figure(_n)
    _report.append({"texts": [t.get_text() for t in _texts(_f)], "missing": _missing(_f), "bare": _bare(_f)})
print("FIGURES" + _json.dumps(_report, ensure_ascii=False))
"""


def test_the_notebooks_are_there_numbered_and_committed_with_the_samples_outputs():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04"]
    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        code = [c for c in book.cells if c.cell_type == "code"]
        assert code and all(c.execution_count is not None for c in code), f"{path.name} is not run"
        outputs = [o for c in code for o in c.outputs]
        assert not [o for o in outputs if o.output_type == "error"], f"{path.name} was saved with an error"
        images = [o for o in outputs if "image/png" in o.get("data", {})]
        assert images and not [o for o in outputs if "image/jpeg" in o.get("data", {})], path.name
        assert path.stat().st_size < COMMITTED_KB * 1024, f"{path.name}: {path.stat().st_size // 1024} KB"
        text = "".join(o.get("text", "") for o in outputs)
        assert "files in clean/" in text  # run on this checkout's data/clean (the sample), no machine's path
        source = "\n".join(c.source for c in code)
        # data/clean is found from the package, never from the working directory
        assert "default_clean_dir()" in source and "os.getcwd" not in source and "Path.cwd" not in source


def _run(path: Path, clean: Path, tmp_path: Path, monkeypatch) -> tuple[list, dict]:
    monkeypatch.setenv("JUESUAN_CLEAN", str(clean))  # the kernel inherits it
    monkeypatch.delenv("JUESUAN_RAW", raising=False)  # the sources are raw/ beside clean/
    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    book.cells.insert(0, nbformat.v4.new_code_cell(KEEP_FIGURES))
    book.cells.append(nbformat.v4.new_code_cell(INSPECT))
    t0 = time.perf_counter()
    # run from a scratch folder: the notebook must not depend on the working directory
    nbclient.NotebookClient(
        book, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    elapsed = time.perf_counter() - t0
    assert elapsed < BUDGET_SECONDS, f"{path.name} took {elapsed:.1f} s"
    outputs = [o for c in book.cells if c.cell_type == "code" for o in c.outputs]
    report_text = "".join(o.text for o in book.cells[-1].outputs if o.get("name") == "stdout")
    assert f"CLEAN{clean}\n" in report_text  # the notebook read the data/clean/ it was pointed at
    return outputs, json.loads(report_text.split("FIGURES", 1)[1])


def _check(path: Path, outputs: list, figures: list) -> None:
    assert not [o for o in outputs if o.output_type == "error"]
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert "Glyph" not in stderr and "missing from font" not in stderr, stderr
    images = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.get("data", {})]
    assert images, f"{path.name} drew no chart"
    assert len(figures) >= 1
    for fig in figures:
        assert any(HAN.search(t) for t in fig["texts"]), f"a chart in {path.name} has no Chinese label: {fig}"
        assert fig["missing"] == {}, f"{path.name}: characters without a glyph: {fig['missing']}"
        assert fig["bare"] == [], f"{path.name}: bars without their own value: {fig['bare']}"


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
def test_notebook_runs_on_the_sample_and_its_charts_render_with_every_bar_labelled(path, clean, tmp_path, monkeypatch):
    _check(path, *_run(path, clean, tmp_path, monkeypatch))


@pytest.fixture(scope="module")
def real_clean(tmp_path_factory) -> Path:
    from ._real_build import real_clean

    return real_clean(tmp_path_factory)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_on_a_build_of_the_real_documents(path, real_clean, tmp_path, monkeypatch):
    outputs, figures = _run(path, real_clean, tmp_path, monkeypatch)
    _check(path, outputs, figures)
    text = "".join(o.get("text", "") for o in outputs if o.get("name") == "stdout")
    assert "is not under" not in text  # the sources were found beside the build: the page images were drawn
