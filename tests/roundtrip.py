"""Shared by the round-trip tests: compare what juesuan.read found with what the synthetic document printed."""

from __future__ import annotations

import pandas as pd

KEY = ["table", "classification", "code", "name", "measure", "value"]


def cell_mismatches(expected: pd.DataFrame, got: pd.DataFrame) -> pd.DataFrame:
    """Cells missing on either side (every cell, exactly: values compared to the cent)."""
    e = expected[KEY].copy()
    g = got[KEY].copy()
    for df in (e, g):
        df["value"] = df["value"].astype(float).round(4)
        df["code"] = df["code"].fillna("").astype(str)
    m = e.merge(g, how="outer", indicator=True)
    return m[m["_merge"] != "both"]
