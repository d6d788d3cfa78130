"""Turn a recognised table region into cells: header rows → measures, data rows → (code, name, measure, value).

One function per layout (two_sided, coded, economic, sangong), all driven by the table's spec. Nothing is lost: a
number that does not become a cell (行次, 栏次, a column whose header we cannot read, text that is not an amount) is
recorded in ``dropped`` with the reason, and anything we do not understand also becomes a finding.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from ..codes import class_code_for_name, level_of, parent_of
from ..raw import Line
from ..textnorm import clean_name, decimals_of, is_amount, match_key, parse_amount, squash
from .recognise import TableRegion
from .spec import MeasureSpec, TableSpec, load_labels

SCALE_TO_WANYUAN = {"万元": Decimal(1), "元": Decimal("0.0001"), "千元": Decimal("0.1"), "亿元": Decimal(10000)}
_CODE_PART = re.compile(r"^\d{2,7}$")
_CODE_AND_NAME = re.compile(r"^(\d{3}(?:\s?\d{2}){0,2})\s*(\D.*)$")


@dataclass
class ParsedTable:
    """A table read into cells, with the printed shape and everything that did not become a cell."""

    table: str
    title: str
    label: str
    unit: str
    page: int
    last_page: int
    cells: list[dict] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    printed_rows: list[dict] = field(default_factory=list, repr=False)
    printed_columns: list[str] = field(default_factory=list, repr=False)
    note: str = ""
    half_unit: float = 0.005  # half of the last printed digit, in 万元: what rounding one printed value can explain

    def set_printed(self, rows: list[dict], columns: list[str]) -> None:
        self.printed_rows, self.printed_columns = rows, list(dict.fromkeys(columns))

    @property
    def printed(self) -> pd.DataFrame:
        """The table as printed (built when asked for: most reads never look at it)."""
        return pd.DataFrame(self.printed_rows).reindex(columns=self.printed_columns)

    @property
    def empty(self) -> bool:
        return not self.cells

    @property
    def n_rows(self) -> int:
        return len({c["row"] for c in self.cells})


@dataclass
class _Ctx:
    spec: TableSpec
    region: TableRegion
    kind: str
    scale: Decimal
    out: ParsedTable
    max_decimals: int = -1  # -1 until an amount is read

    def drop(self, line: Line, col: int, text: str, reason: str) -> None:
        self.out.dropped.append({"table": self.spec.id, "page": line.page, "row": line.row, "column": col,
                                 "text": text, "reason": reason})

    def finding(self, check: str, severity: str, message: str, code: str = "", measure: str = "") -> None:
        self.out.findings.append({"check": check, "severity": severity, "table": self.spec.id, "code": code,
                                  "measure": measure, "message": message})

    def amount(self, line: Line, col: int, text: str | None, what: str) -> float | None:
        """The value of a printed amount in 万元; None for a blank; an unreadable text is dropped and reported."""
        try:
            value = parse_amount(text)
        except ValueError:
            self.drop(line, col, text or "", f"not an amount ({what})")
            self.finding("unreadable_value", "warning", f"page {line.page} row {line.row}: {text!r} in {what} "
                         "is not an amount", measure=what)
            return None
        if value is None:
            return None
        self.max_decimals = max(self.max_decimals, decimals_of(text or ""))
        return float(value * self.scale)

    def cell(self, line: Line, classification: str, code: str, name: str, measure: str, value: float) -> None:
        level = level_of(code, classification) if code else ""
        if code and not level:
            self.finding("code_shape", "warning", f"code {code!r} has no known {classification} shape", code=code)
        self.out.cells.append({
            "table": self.spec.id, "classification": classification if code else "none", "code": code,
            "level": level, "parent": parent_of(code, classification) if code else "", "name": name,
            "measure": measure, "value": value, "page": line.page, "row": line.row,
        })


# ---------------------------------------------------------------------------------------------------------------
# rows and headers


def _cells(line: Line, ncols: int) -> list[str | None]:
    cells = list(line.cells) + [""] * (ncols - len(line.cells))
    return cells[:ncols]


def is_colnum_row(line: Line) -> bool:
    """The 栏次 row ("栏次 | | 1 | 2 | 3") or a bare row of column numbers (1 2 3 … 12): numbers that are not money."""
    filled = [squash(c) for c in line.cells if c and squash(c)]
    if not filled:
        return False
    if any("栏次" in c for c in filled):
        return True
    if len(filled) >= 3 and all(c.isdigit() for c in filled):
        nums = [int(c) for c in filled]
        return nums == list(range(nums[0], nums[0] + len(nums))) and nums[0] <= 1 + len(nums)
    return False


def _code_of(cells: list[str | None]) -> tuple[str, str]:
    """(code, name) from a row's key cells: codes split over 类/款/项 columns are joined, "301 01" becomes 30101."""
    digits: list[str] = []
    names: list[str] = []
    for c in cells:
        s = squash(c or "")
        if not s:
            continue
        if _CODE_PART.match(s) and not names:
            digits.append(s)
        else:
            names.append(c or "")
    code = "".join(digits)
    name = clean_name(" ".join(names))
    if not code and name:
        m = _CODE_AND_NAME.match(" ".join(n.strip() for n in names))
        if m:
            code, name = squash(m.group(1)), clean_name(m.group(2))
    return code, name


def header_paths(rows: list[Line], ncols: int) -> list[list[str]]:
    """For each column, the header texts above it, top to bottom (match keys), merged group headers filled in.

    A header cell with sub-headers below it spans the empty cells to its right that also have sub-headers ("本年支出"
    over 小计/基本支出/项目支出; "预算数" over the six 三公 columns). Cells covered by a merge (None) count as empty.
    """
    grid = [[(c or "") for c in _cells(r, ncols)] for r in rows if not is_colnum_row(r)]
    for r in range(len(grid) - 1):
        below = grid[r + 1:]
        for c in range(ncols):
            if not grid[r][c] or not any(b[c] for b in below):
                continue
            k = c + 1
            while k < ncols and not grid[r][k] and any(b[k] for b in below):
                grid[r][k] = grid[r][c]
                k += 1
    paths: list[list[str]] = []
    for c in range(ncols):
        path: list[str] = []
        for row in grid:
            key = match_key(row[c])
            if key and (not path or path[-1] != key):
                path.append(key)
        paths.append(path)
    return paths


def _best_measure(segment: str, measures: list[MeasureSpec]) -> MeasureSpec | None:
    best: tuple[int, MeasureSpec] | None = None
    for m in measures:
        for alias in m.aliases:
            if alias and alias in segment and (best is None or len(alias) > best[0]):
                best = (len(alias), m)
    return best[1] if best else None


def column_role(path: list[str], measures: list[MeasureSpec]) -> tuple[str, str]:
    """("measure", name) | ("code", "") | ("name", "") | ("rownum", "") | ("", "") for one column's header path.

    The lowest header row decides first (小计 under 公务用车购置及运行费 is that item's subtotal, not the table's 合计);
    higher rows only where the lower ones say nothing we know.
    """
    labels = load_labels()
    for seg in reversed(path):
        m = _best_measure(seg, measures)
        if m is not None:
            return "measure", m.name
        if any(a in seg for a in labels["rownum"]):
            return "rownum", ""
        if any(a in seg for a in labels["code"]):
            return "code", ""
        if seg in labels["name"] or any(a in seg for a in labels["name"] if len(a) > 2):
            return "name", ""
    return "", ""


def _split_header(rows: list[Line], is_data) -> tuple[list[Line], list[Line]]:
    for i, r in enumerate(rows):
        if is_data(r):
            return rows[:i], rows[i:]
    return rows, []


def _is_repeat_header(line: Line, header: list[Line]) -> bool:
    key = match_key("".join(c or "" for c in line.cells))
    return bool(key) and any(key == match_key("".join(c or "" for c in h.cells)) for h in header)


def _drop_header_numbers(ctx: _Ctx, header: list[Line]) -> None:
    for line in header:
        _drop_numbers(ctx, line, "栏次 (column number)" if is_colnum_row(line) else "header text")


def _body(ctx: _Ctx, header: list[Line], data: list[Line]):
    """The data rows, less 栏次 rows and headers repeated on continuation pages (their numbers go to dropped)."""
    for line in data:
        if is_colnum_row(line) or _is_repeat_header(line, header):
            _drop_numbers(ctx, line, "栏次 (column number)" if is_colnum_row(line) else "repeated header")
            continue
        yield line


def _drop_numbers(ctx: _Ctx, line: Line, reason: str, cols: range | None = None) -> None:
    for i, c in enumerate(line.cells):
        if (cols is None or i in cols) and c and is_amount(c):
            ctx.drop(line, i, c, reason)


# ---------------------------------------------------------------------------------------------------------------
# layouts


def _parse_coded(ctx: _Ctx, ncols: int) -> None:
    """02, 03, 05, 08, 09: a 功能分类 code and name, then one column per measure."""
    labels = load_labels()

    def is_data(line: Line) -> bool:
        if is_colnum_row(line):
            return False
        keys = [c for c in _cells(line, ncols)[:3] if not is_amount(c) or _CODE_PART.match(squash(c or ""))]
        code, name = _code_of(keys)
        return bool(code) or match_key(name) in labels["total"]

    header, data = _split_header(ctx.region.rows, is_data)
    paths = header_paths(header, ncols)
    roles = [column_role(p, ctx.spec.measures_for("measure")) for p in paths]
    measure_cols = [i for i, r in enumerate(roles) if r[0] == "measure"]
    if not measure_cols and data:
        ctx.finding("header_unrecognised", "error", f"no column header of table {ctx.spec.id} is known: "
                    + " | ".join("/".join(p) for p in paths if p))
        for line in data:
            _drop_numbers(ctx, line, "column header not recognised")
        return
    first_measure = measure_cols[0] if measure_cols else ncols
    key_cols = [i for i in range(first_measure) if roles[i][0] in ("code", "name", "")]
    _drop_header_numbers(ctx, header)
    _report_unknown_columns(ctx, paths, roles, data, key_cols)
    printed: list[dict] = []
    for line in _body(ctx, header, data):
        cells = _cells(line, ncols)
        code, name = _code_of([cells[i] for i in key_cols])
        values = {roles[i][1]: (i, cells[i]) for i in measure_cols if cells[i] and squash(cells[i])}
        if not code and not values and name and printed and match_key(name) not in labels["total"]:
            printed[-1]["name"] += name  # a name wrapped onto the next row
            continue
        for i, r in enumerate(roles):
            if r[0] == "rownum":
                _drop_numbers(ctx, line, "行次 (row number)", range(i, i + 1))
        printed.append({"line": line, "code": code, "name": name, "values": values})
    classification = ctx.spec.classification
    rows_out = []
    for p in printed:
        out = {"code": p["code"], "name": p["name"]}
        for measure, (col, text) in p["values"].items():
            value = ctx.amount(p["line"], col, text, measure)
            if value is None:
                continue
            ctx.cell(p["line"], classification, p["code"], p["name"], measure, value)
            out[measure] = value
        rows_out.append(out | {"page": p["line"].page, "row": p["line"].row})
    order = ["code", "name"] + [roles[i][1] for i in measure_cols] + ["page", "row"]
    ctx.out.set_printed(rows_out, order)


def _report_unknown_columns(ctx: _Ctx, paths, roles, data: list[Line], key_cols: list[int]) -> None:
    """Columns that hold amounts under a header we cannot map: report once, drop their numbers with the reason."""
    for i, (role, _) in enumerate(roles):
        if role or i in key_cols:
            continue
        hits = [ln for ln in data if i < len(ln.cells) and ln.cells[i] and is_amount(ln.cells[i])]
        if not hits:
            continue
        header = "/".join(paths[i]) or "(no header)"
        ctx.finding("header_unrecognised", "warning", f"column {i} header {header!r} of table {ctx.spec.id} is not "
                    f"a known measure; {len(hits)} numbers in it are not read")
        for ln in hits:
            ctx.drop(ln, i, ln.cells[i] or "", f"column header not recognised: {header}")


def _sides(paths: list[list[str]], roles) -> list[str]:
    """收入/支出 for each column of a two-sided table: from the top header row, else from the second 项目 column."""
    tops = [p[0] if p else "" for p in paths]
    if any(t in ("收入", "支出") for t in tops):
        sides, current = [], "收入"
        for t in tops:
            if t in ("收入", "支出"):
                current = t
            sides.append(current)
        return sides
    name_cols = [i for i, r in enumerate(roles) if r[0] == "name"]
    split = name_cols[1] if len(name_cols) > 1 else len(paths) // 2
    return ["收入" if i < split else "支出" for i in range(len(paths))]


def _parse_two_sided(ctx: _Ctx, ncols: int) -> None:
    """01, 04: income items on the left, expenditure items (类 with their codes) on the right."""
    rows = ctx.region.rows
    colnum_at = next((i for i, r in enumerate(rows[:8]) if is_colnum_row(r)), None)
    if colnum_at is not None:
        header, data = rows[: colnum_at + 1], rows[colnum_at + 1:]
    else:
        header, data = _split_header(rows, lambda r: any(is_amount(c) for c in r.cells[1:]))
    paths = header_paths(header, ncols)
    generic = [column_role(p, []) for p in paths]
    sides = _sides(paths, generic)
    roles = [column_role(p, ctx.spec.measures_for("measure", sides[i])) for i, p in enumerate(paths)]
    _drop_header_numbers(ctx, header)
    side_cols: dict[str, dict] = {}
    for side in ("收入", "支出"):
        cols = [i for i in range(ncols) if sides[i] == side]
        if not cols:
            continue
        names = [i for i in cols if roles[i][0] == "name"] or cols[:1]
        side_cols[side] = {"name": names[0], "rownum": [i for i in cols if roles[i][0] == "rownum"],
                           "measures": [i for i in cols if roles[i][0] == "measure"]}
    known = {i for s in side_cols.values() for i in [s["name"], *s["rownum"], *s["measures"]]}
    _report_unknown_columns(ctx, paths, [r if i not in known else ("x", "") for i, r in enumerate(roles)], data, [])
    rows_out = []
    for line in _body(ctx, header, data):
        cells = _cells(line, ncols)
        out: dict = {}
        for side, sc in side_cols.items():
            name = clean_name(cells[sc["name"]])
            for i in sc["rownum"]:
                _drop_numbers(ctx, line, "行次 (row number)", range(i, i + 1))
            code = class_code_for_name(name) if side == "支出" else ""
            out[f"{side}项目"] = name
            if side == "支出":
                out["支出code"] = code
            for i in sc["measures"]:
                text = cells[i]
                if not text or not squash(text):
                    continue
                if not name:
                    ctx.drop(line, i, text, "amount without an item name")
                    ctx.finding("row_unlabelled", "warning", f"page {line.page} row {line.row}: {text} printed "
                                f"without an item name on the {side} side")
                    continue
                value = ctx.amount(line, i, text, roles[i][1])
                if value is None:
                    continue
                ctx.cell(line, "功能分类", code, name, roles[i][1], value)
                out[roles[i][1]] = value
        if any(out.get(f"{s}项目") for s in side_cols) or len(out) > len(side_cols) + 1:
            rows_out.append(out | {"page": line.page, "row": line.row})
    order = [c for side, sc in side_cols.items()
             for c in [f"{side}项目"] + (["支出code"] if side == "支出" else []) + [roles[i][1] for i in sc["measures"]]]
    order += ["page", "row"]
    ctx.out.set_printed(rows_out, order)


def _parse_economic(ctx: _Ctx, ncols: int) -> None:
    """06: 经济分类 (code, name, amount) blocks printed side by side, and the 人员经费/公用经费 footer."""
    footers = ctx.spec.measures_for("footer")

    def is_data(line: Line) -> bool:
        return not is_colnum_row(line) and bool(_code_of(_cells(line, ncols)[:2])[0])

    header, data = _split_header(ctx.region.rows, is_data)
    paths = header_paths(header, ncols)
    roles = [column_role(p, ctx.spec.measures_for("measure")) for p in paths]
    blocks: list[dict] = []
    for i, (role, measure) in enumerate(roles):
        if role == "code" and (not blocks or blocks[-1]["measure"] is not None or blocks[-1]["name"] is not None):
            blocks.append({"code": [i], "name": None, "measure": None, "measure_name": ""})
        elif role == "code" and blocks:
            blocks[-1]["code"].append(i)
        elif role == "name" and blocks and blocks[-1]["name"] is None:
            blocks[-1]["name"] = i
        elif role == "measure" and blocks and blocks[-1]["measure"] is None:
            blocks[-1]["measure"], blocks[-1]["measure_name"] = i, measure
    blocks = [b for b in blocks if b["measure"] is not None]
    if not blocks:
        ctx.finding("header_unrecognised", "error", "no 经济分类 block (编码, 名称, 金额) found in the header: "
                    + " | ".join("/".join(p) for p in paths if p))
        for line in data:
            _drop_numbers(ctx, line, "column header not recognised")
        return
    _drop_header_numbers(ctx, header)
    default_measure = blocks[0]["measure_name"]
    rows_out = []
    for line in _body(ctx, header, data):
        cells = _cells(line, ncols)
        used: set[int] = set()
        # footer labels anywhere in the row: the label, then the first amount to its right
        for i, c in enumerate(cells):
            key = match_key(c)
            footer = next((f for f in footers if any(a and a in key for a in f.aliases)), None) if key else None
            if footer is None:
                continue
            used.add(i)
            for k in range(i + 1, ncols):
                if cells[k] and squash(cells[k]):
                    if is_amount(cells[k]) or not match_key(cells[k]):
                        used.add(k)
                        value = ctx.amount(line, k, cells[k], footer.name)
                        if value is not None:
                            ctx.cell(line, "none", "", footer.name, default_measure, value)
                            rows_out.append({"code": "", "name": footer.name, default_measure: value,
                                             "page": line.page, "row": line.row})
                    break
        for b in blocks:
            cols = b["code"] + ([b["name"]] if b["name"] is not None else [])
            if any(i in used for i in cols + [b["measure"]]):
                continue
            code, name = _code_of([cells[i] for i in cols])
            text = cells[b["measure"]]
            used.update(cols + [b["measure"]])
            if not text or not squash(text):
                continue
            if not code:
                ctx.drop(line, b["measure"], text, "amount without a 经济分类 code")
                ctx.finding("row_unlabelled", "warning", f"page {line.page} row {line.row}: {text} printed without "
                            f"a code (name {name!r})")
                continue
            value = ctx.amount(line, b["measure"], text, b["measure_name"])
            if value is None:
                continue
            ctx.cell(line, "经济分类", code, name, b["measure_name"], value)
            rows_out.append({"code": code, "name": name, b["measure_name"]: value, "page": line.page,
                             "row": line.row})
        for i, c in enumerate(cells):
            if i not in used and c and is_amount(c):
                ctx.drop(line, i, c, "amount outside any 经济分类 block")
                ctx.finding("row_unlabelled", "warning", f"page {line.page} row {line.row}: {c} outside any block")
    order = ["code", "name"] + [m.name for m in ctx.spec.measures_for("measure")] + ["page", "row"]
    ctx.out.set_printed(rows_out, order)


def _parse_sangong(ctx: _Ctx, ncols: int) -> None:
    """07: one row of 三公 amounts under a two- or three-row header of 预算数/决算数 × items."""
    rows = ctx.region.rows

    def is_data(line: Line) -> bool:
        return not is_colnum_row(line) and any(is_amount(c) for c in line.cells)

    header, data = _split_header(rows, is_data)
    paths = header_paths(header, ncols)
    measures = ctx.spec.measures_for("measure")
    bases = ctx.spec.measures_for("basis")
    roles = [column_role(p, measures) for p in paths]
    default_basis = "预算数" if ctx.kind == "预算" else "决算数"
    basis_of = []
    for p in paths:
        b = next((bb.name for seg in p for bb in bases if any(a in seg for a in bb.aliases)), "")
        basis_of.append(b)
    _drop_header_numbers(ctx, header)
    _report_unknown_columns(ctx, paths, roles, data, [])
    rows_out: dict[str, dict] = {}
    for line in _body(ctx, header, data):
        cells = _cells(line, ncols)
        row_label = next((c for c in cells if c and squash(c) and not is_amount(c)), "")
        row_basis = next((bb.name for bb in bases if any(a in match_key(row_label) for a in bb.aliases)), "")
        for i, c in enumerate(cells):
            if not c or not squash(c) or roles[i][0] != "measure":
                continue
            basis = row_basis or basis_of[i] or default_basis
            value = ctx.amount(line, i, c, roles[i][1])
            if value is None:
                continue
            ctx.cell(line, "none", "", basis, roles[i][1], value)
            rows_out.setdefault(basis, {"name": basis, "page": line.page, "row": line.row})[roles[i][1]] = value
    order = ["name"] + [m.name for m in measures] + ["page", "row"]
    ctx.out.set_printed(list(rows_out.values()), order)


def identify_by_header(region: TableRegion, specs: dict[str, TableSpec]) -> tuple[str, list[str]]:
    """The table an untitled block of rows is, judged by its header alone: (table id or "", candidates).

    Each spec scores the number of distinct measures its aliases find in the header; a table is named only when
    one spec scores at least 3 and no other scores as much (05 and 09 print the same columns and stay undecided).
    """
    rows = region.rows
    header = []
    for line in rows[:6]:
        if any(is_amount(c) for c in line.cells) and not is_colnum_row(line):
            break
        header.append(line)
    if not header:
        return "", []
    ncols = max(len(r.cells) for r in rows)
    paths = header_paths(header, ncols)
    scores: dict[str, int] = {}
    for spec in specs.values():
        if spec.layout == "economic":
            codes = sum(1 for p in paths if column_role(p, spec.measures_for("measure"))[0] == "code")
            scores[spec.id] = 3 if codes >= 2 else 0
            continue
        found = {column_role(p, spec.measures_for("measure"))[1] for p in paths} - {""}
        scores[spec.id] = len(found)
    best = max(scores.values(), default=0)
    top = sorted(t for t, v in scores.items() if v == best)
    if best >= 3 and len(top) == 1:
        return top[0], top
    return "", top if best >= 3 else []


LAYOUTS = {"coded": _parse_coded, "two_sided": _parse_two_sided, "economic": _parse_economic,
           "sangong": _parse_sangong}


def parse_region(region: TableRegion, spec: TableSpec, kind: str, default_unit: str) -> ParsedTable:
    """Read one table region into a ParsedTable (cells in 万元, the printed shape, what was dropped and why)."""
    unit = region.unit or default_unit or "万元"
    rows = region.rows
    pages = [ln.page for ln in region.lines] or [0]
    out = ParsedTable(table=spec.id, title=region.title, label=region.label, unit=unit, page=min(pages),
                      last_page=max(pages), note=region.note)
    ctx = _Ctx(spec=spec, region=region, kind=kind, scale=SCALE_TO_WANYUAN.get(unit, Decimal(1)), out=out)
    if unit not in SCALE_TO_WANYUAN:
        ctx.finding("unit_unknown", "warning", f"unit {unit!r} of table {spec.id} is not known; values read as 万元")
    ncols = max((len(r.cells) for r in rows), default=0)
    if rows:
        LAYOUTS[spec.layout](ctx, ncols)
    digits = ctx.max_decimals if ctx.max_decimals >= 0 else 2
    out.half_unit = float(Decimal("0.5") * Decimal(10) ** -digits * ctx.scale)
    return out
