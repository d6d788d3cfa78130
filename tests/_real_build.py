"""One build of ../shared/real per test session, shared by the test modules that check the panel, the notebooks and
the workbook on real documents (built once: reading the real files is the slow part)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SHARED

_BUILT: dict[str, Path] = {}


def real_clean(tmp_path_factory) -> Path:
    """data/clean of a build of ../shared/real (one worker, a cache folder of its own under the session's tmp; the
    sources are linked as raw/ beside it, the layout `juesuan build` makes); skips when ../shared/real is absent."""
    real = SHARED / "real"
    if not real.is_dir():
        pytest.skip("../shared/real is not present")
    if "clean" not in _BUILT:
        from juesuan.corpus import read_all, write_clean

        base = tmp_path_factory.mktemp("real-build")
        (base / "raw").symlink_to(real, target_is_directory=True)
        corpus = read_all(base / "raw", workers=1, cache=base / "cache")
        write_clean(corpus, base / "clean", formats=_formats())
        _BUILT["clean"] = base / "clean"
    return _BUILT["clean"]


def _formats() -> tuple[str, ...]:
    from juesuan.corpus import FORMATS

    return tuple(f for f in ("csv", "parquet", "xlsx") if f in FORMATS)
