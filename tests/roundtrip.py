"""Shared by the round-trip tests: compare what juesuan.read found with what the synthetic document printed."""

from __future__ import annotations

import pandas as pd

# What identifies a cell in the contract (v2): its table, where it sits (side, code or item), what the column
# measures and on which basis. The value is compared to the cent.
KEY = ["table", "side", "classification", "code", "level", "parent", "name", "item", "measure", "basis"]


def _keyed(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({k: df[k].astype(object).where(df[k].notna(), "").astype(str) for k in KEY})
    out["value"] = df["value"].astype(float).round(4).to_numpy()
    return out


def cell_mismatches(expected: pd.DataFrame, got: pd.DataFrame) -> pd.DataFrame:
    """Cells missing on either side (every cell, exactly: values compared to the cent)."""
    m = _keyed(expected).merge(_keyed(got), how="outer", indicator=True)
    return m[m["_merge"] != "both"]


def assert_same_cells(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Every expected cell read back, none more, each value exact."""
    bad = cell_mismatches(expected, got)
    assert bad.empty, bad.to_string()
    assert len(got) == len(expected)
