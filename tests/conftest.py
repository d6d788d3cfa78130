"""Shared fixtures: paths to the sample inputs and to ../shared (real files; tests using it skip when absent)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SHARED = ROOT.parent / "shared"


def seed(prefix: str) -> Path:
    return next(RAW.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def seed000():
    import juesuan

    return juesuan.read(seed("000"))


@pytest.fixture
def shared_real() -> Path:
    real = SHARED / "real"
    if not real.is_dir():
        pytest.skip("../shared/real is not present")
    return real


REAL_SUFFIXES = (".pdf", ".xlsx", ".xls", ".txt", ".html", ".htm", ".docx")


@functools.cache
def read_real(path: Path):
    """``juesuan.read`` of a real file, once per test session (reading the real files is the slow part of the suite;
    the modules that check them share the Documents and must not modify them)."""
    import juesuan

    return juesuan.read(path)


@pytest.fixture(scope="session")
def real_docs() -> dict:
    """Every real file of ../shared/real read once for the session: name → Document (or the error it raised)."""
    from juesuan.errors import JuesuanError

    real = SHARED / "real"
    if not real.is_dir():
        pytest.skip("../shared/real is not present")
    out = {}
    for p in sorted(q for q in real.rglob("*") if q.suffix.lower() in REAL_SUFFIXES and q.is_file()):
        try:
            out[p.name] = read_real(p)
        except JuesuanError as err:
            out[p.name] = err
    return out
