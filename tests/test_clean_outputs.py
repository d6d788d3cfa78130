"""data/clean is what `juesuan build` makes of data/raw: the committed outputs are current, byte for byte."""

from __future__ import annotations

from juesuan.corpus import read_all, write_clean

from .conftest import RAW, ROOT

CLEAN = ROOT / "data" / "clean"


def test_committed_clean_outputs_match_a_fresh_build(tmp_path):
    write_clean(read_all(RAW, workers=1, cache=False), tmp_path)
    names = sorted(p.name for p in CLEAN.iterdir() if p.suffix in (".csv", ".json"))
    assert names == sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".csv", ".json"))
    stale = [n for n in names if (CLEAN / n).read_bytes() != (tmp_path / n).read_bytes()]
    assert not stale, f"data/clean is out of date ({', '.join(stale)}): run `juesuan build`"
