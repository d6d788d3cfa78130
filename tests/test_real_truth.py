"""Hand-read truth for the real files (tests/data/truth/*.json, in the format of ../shared/real's *.truth.json):
every cell read by hand is found, scored the way ../shared/tools/score_real.py scores (its own functions, loaded
from there). The truth files name their document relative to ../shared/real, since documents are never copied into
the project. Skipped without ../shared."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from .conftest import SHARED, read_real

TRUTH = Path(__file__).resolve().parent / "data" / "truth"
pytestmark = pytest.mark.skipif(not (SHARED / "tools" / "score_real.py").is_file(), reason="../shared not present")


def _scorer():
    """../shared/tools/score_real.py, scoring on the session's reads of the real files (``conftest.read_real``)."""
    from types import SimpleNamespace

    spec = importlib.util.spec_from_file_location("score_real", SHARED / "tools" / "score_real.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.juesuan = SimpleNamespace(read=read_real)
    return module


def truth_pairs(real: Path) -> list[tuple[Path, Path]]:
    """(truth file, document) for every truth file of the project whose document is in ``real``."""
    out = []
    for tf in sorted(TRUTH.glob("*.json")):
        doc = real / json.loads(tf.read_text(encoding="utf-8"))["file"]
        if doc.exists():
            out.append((tf, doc))
    return out


PAIRS = truth_pairs(SHARED / "real") if (SHARED / "real").is_dir() else []


def test_truth_files_hold_thirty_cells_each_and_name_their_document():
    assert len(list(TRUTH.glob("*.json"))) >= 3
    for tf in TRUTH.glob("*.json"):
        truth = json.loads(tf.read_text(encoding="utf-8"))
        assert {"file", "kind", "year", "unit", "rows"} <= set(truth), tf.name
        assert len([r for r in truth["rows"] if r.get("value") is not None]) >= 30, tf.name


@pytest.mark.parametrize("truth_file,path", PAIRS, ids=[p[0].stem for p in PAIRS])
def test_every_hand_read_cell_is_found(truth_file, path):
    scorer = _scorer()
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    (cells_ok, cells_n, *_), misses = scorer.score_doc(truth, path)
    assert cells_n >= 30
    assert cells_ok == cells_n, [m for m in misses if m.startswith("cell")]
