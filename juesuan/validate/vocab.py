"""Word lists of the review checks (``data/words.csv``): relation and direction words, figure labels, placeholders,
template residue. Vocabulary is data: a new spelling is a row, not a code change."""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def words() -> dict[str, dict[str, str]]:
    """role → {word: meaning} (words.csv); words of a role are ordered longest first, so alternations built from them
    match "支出决算数" before "决算"."""
    out: dict[str, dict[str, str]] = {}
    with resources.files(__package__).joinpath("data/words.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out.setdefault(r["role"], {})[r["word"]] = r["meaning"]
    return {role: dict(sorted(ws.items(), key=lambda kv: -len(kv[0]))) for role, ws in out.items()}


def alternation(*roles: str) -> str:
    """A regex alternation of the words of ``roles``, longest first."""
    ws = sorted({w for role in roles for w in words().get(role, {})}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in ws)


def meaning(word: str, *roles: str) -> str:
    for role in roles:
        if word in words().get(role, {}):
            return words()[role][word] or role
    return ""


@lru_cache(maxsize=8)
def load_csv(name: str) -> tuple[dict[str, str], ...]:
    """The rows of ``data/<name>`` (a CSV with a header), as dicts."""
    with resources.files(__package__).joinpath(f"data/{name}").open(encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))
