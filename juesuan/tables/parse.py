"""Turn a recognised table region into cells: header rows → measures, data rows → (code, name, measure, value).

One function per layout (two_sided, coded, economic, sangong), all driven by the table's spec. Nothing is lost: a
number that does not become a cell (行次, 栏次, a column whose header we cannot read, text that is not an amount) is
recorded in ``dropped`` with the reason, and anything we do not understand also becomes a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from ..codes import class_code_for_name, level_of, parent_of
from ..raw import Line
from ..textnorm import TO_WANYUAN, clean_name, decimals_of, is_amount, match_key, parse_amount, squash, strip_ordinal
from ..textnorm import is_colnum_row as textnorm_colnum_row
from ..validate.ledger import make_finding
from .recognise import TableRegion
from .spec import MeasureSpec, TableSpec, basis_of_header, canonical_item, is_breakdown, is_sub_item, load_labels

if TYPE_CHECKING:  # only ``ParsedTable.printed`` makes a DataFrame: parsing itself runs without pandas
    import pandas as pd

# Numbers printed in a table that are not money: their drops do not make a table non-empty
NOT_MONEY = frozenset({"栏次 (column number)", "行次 (row number)", "header text", "repeated header"})
# An amount of the table's area that no layout rule read or dropped (the accounting after the layout ran)
UNREAD = "amount not read: no column of the layout holds it"
_CODE_PART = re.compile(r"^\d{2,7}$")
_GLUED = re.compile(r"\d{1,3}(?:,\d{3})+|\d+\.\d{2}")
_CODE_AND_NAME = re.compile(r"^(\d{3}(?:\s?\d{2}){0,2})\s*(\D.*)$")


def half_unit_of(printed: str | None, unit: str | None) -> float:
    """Half a unit of a printed amount's last digit, in 万元 ("53.24" 万元 → 0.005; "22,118,861" 元 → 0.00005)."""
    scale = TO_WANYUAN.get(unit or "万元", Decimal(1))
    try:
        decimals = decimals_of(printed) if printed and parse_amount(printed) is not None else 2
    except ValueError:
        decimals = 2
    return _half(decimals, scale)


@lru_cache(maxsize=256)
def _half(decimals: int, scale: Decimal) -> float:
    """Half a unit of the last of ``decimals`` digits, scaled to 万元 (a handful of values, asked for every cell)."""
    return float(Decimal("0.5") * Decimal(10) ** -decimals * scale)


@dataclass
class ParsedTable:
    """A table read into cells, with the printed shape and everything that did not become a cell."""

    table: str  # the family (01–09 or a named family); "05_2" for a second table of one family
    title: str
    label: str
    unit: str
    page: int
    last_page: int
    spec: str = ""  # the layout spec read with (kinds.csv)
    variant: str = ""
    n_amounts: int = 0  # amounts printed in the table's area, counted apart from the layout (= cells + dropped)
    cells: list[dict] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    amounts_at: set[tuple[int, int, int]] = field(default_factory=set, repr=False)  # (page, row, column) printed
    printed_rows: list[dict] = field(default_factory=list, repr=False)
    printed_columns: list[str] = field(default_factory=list, repr=False)
    note: str = ""

    def set_printed(self, rows: list[dict], columns: list[str]) -> None:
        self.printed_rows, self.printed_columns = rows, list(dict.fromkeys(columns))

    @property
    def printed(self) -> pd.DataFrame:
        """The table as printed (built when asked for: most reads never look at it)."""
        import pandas as pd

        return pd.DataFrame(self.printed_rows).reindex(columns=self.printed_columns)

    @property
    def empty(self) -> bool:
        """No amount in the table's area (``n_amounts``: amounts printed, counted apart from what was read)."""
        return self.n_amounts == 0 and not self.cells

    @property
    def n_rows(self) -> int:
        return len({(c["page"], c["row"]) for c in self.cells})


@dataclass
class _Ctx:
    spec: TableSpec
    region: TableRegion
    kind: str
    scale: Decimal
    out: ParsedTable
    line_numbers: bool = True  # the source has lines (text, HTML): cells say which
    last_half: float = 0.005  # half unit of the amount read last

    @property
    def family(self) -> str:
        return self.out.table

    @property
    def default_basis(self) -> str:
        return self.kind or "决算"

    def where(self, line: Line, col: int) -> dict:
        """Provenance of cell ``col`` of ``line``: page, box, sheet and cell, source line (contract v2)."""
        box = line.box(col)
        out = {
            "page": line.page,
            "row": line.row,
            "column": col,
            "sheet": line.sheet or None,
            "cell": line.address(col) or None,
            "line": line.row if self.line_numbers and not line.sheet and not line.boxes else None,
        }
        if box is not None:
            out.update(x0=box[0], top=box[1], x1=box[2], bottom=box[3])
        return out

    def drop(self, line: Line, col: int, text: str, reason: str) -> None:
        self.out.dropped.append({"table": self.family, **self.where(line, col), "text": text, "reason": reason})

    def finding(
        self,
        check: str,
        severity: str,
        message: str,
        code: str = "",
        measure: str = "",
        line: Line | None = None,
        col: int | None = None,
        item: str = "",
    ) -> None:
        at, evidence = None, ""
        if line is not None:
            at = self.where(line, col if col is not None else 0)
            evidence = (line.cells[col] or "") if col is not None and col < len(line.cells) else line.text
        rec = make_finding(
            check,
            severity,
            message,
            table=self.family,
            subject=code or item,
            measure=measure,
            at=at,
            page=None if at else self.out.page,
            evidence=evidence,
        )
        self.out.findings.append(rec)

    def amount(self, line: Line, col: int, text: str | None, what: str) -> float | None:
        """The value of a printed amount in 万元; None for a blank; an unreadable text is dropped and reported."""
        try:
            value = parse_amount(text)
        except ValueError:
            self.drop(line, col, text or "", f"not an amount ({what})")
            self.finding(
                "unreadable_value",
                "warning",
                f"page {line.page} row {line.row}: {text!r} in {what} is not an amount",
                measure=what,
                line=line,
                col=col,
            )
            return None
        if value is None:
            return None
        self.last_half = _half(decimals_of(text or ""), self.scale)
        return float(value * self.scale)

    def label(self, role: tuple[str, str, str]) -> str:
        """A column's name in the printed table: the measure (or item), with its basis when not the document's."""
        _, name, basis = role
        return f"{name}（{basis}）" if basis and basis != self.default_basis else name

    def cell(
        self,
        line: Line,
        col: int,
        value: float,
        *,
        classification: str = "",
        code: str = "",
        name: str = "",
        measure: str = "",
        basis: str = "",
        side: str = "",
        item: str = "",
    ) -> None:
        """One cell of the contract (v2): the row item, what the column measures, on which basis, where printed."""
        level = level_of(code, classification) if code else ""
        if code and not level:
            self.finding(
                "code_shape",
                "warning",
                f"code {code!r} has no known {classification} shape",
                code=code,
                line=line,
                col=col,
            )
        text = line.cells[col] if col < len(line.cells) else ""
        self.out.cells.append(
            {
                "table": self.family,
                "title": self.out.title or None,
                "variant": self.out.variant or None,
                "side": side or None,
                "classification": classification if code else None,
                "code": code or None,
                "level": level or None,
                "parent": (parent_of(code, classification) or None) if code else None,
                "name": name,
                "item": None if code else (item or canonical_item(self.spec.family, side, name)),
                "measure": measure,
                "basis": basis or self.default_basis,
                "value": value,
                "printed": (text or "").strip(),
                "unit": self.out.unit,
                **self.where(line, col),
                "confidence": line.conf(col),
                "_half": self.last_half,  # half a unit of the value's last printed digit, in 万元 (not in the contract)
            }
        )


# ---------------------------------------------------------------------------------------------------------------
# rows and headers


def _cells(line: Line, ncols: int) -> list[str | None]:
    cells = list(line.cells) + [""] * (ncols - len(line.cells))
    return cells[:ncols]


def is_colnum_row(line: Line) -> bool:
    """The 栏次 row ("栏次 | | 1 | 2 | 3") or a bare row of column numbers (1 2 3 … 12): numbers that are not money."""
    return _colnum_cells(line.cells)


@lru_cache(maxsize=4096)
def _colnum_cells(cells: tuple[str | None, ...]) -> bool:
    return textnorm_colnum_row(cells)


def _code_of(cells: list[str | None]) -> tuple[str, str]:
    """(code, name) from a row's key cells: codes split over 类/款/项 columns are joined, "301 01" becomes 30101."""
    digits: list[str] = []
    names: list[str] = []
    parts = load_labels()["codepart"]
    for c in cells:
        s = squash(c or "")
        if not s or (not digits and not names and match_key(s) in parts):
            continue  # empty, or the 类 | 款 | 项 sub-header printed in the row (教育部 高校's 表4 合计 row)
        if not names and (_CODE_PART.match(s) or (digits and s.isdigit() and len(s) == 1)):
            # a 款/项 part printed without its leading zero ("301 | 2" in 上海 万里 24's 06) is still two digits
            digits.append(s.zfill(2) if digits and len(s) < 2 else s)
        elif names and is_amount(s):
            break  # after the name come the amounts ("合计 | | 65000" in a workbook written in 元)
        else:
            names.append(c or "")
    code = "".join(digits)
    name = clean_name(" ".join(names))
    if not code and name:
        m = _CODE_AND_NAME.match(" ".join(n.strip() for n in names))
        if m:
            code, name = squash(m.group(1)), clean_name(m.group(2))
    return code, name


def _key_cells(line: Line, ncols: int) -> list[str | None]:
    """The cells a row's code and name can stand in: the first three, or up to the first amount when the name comes
    after three split code columns (类 | 款 | 项 | 科目名称)."""
    cells = _cells(line, ncols)
    first = next((i for i, c in enumerate(cells) if c and is_amount(c) and not _CODE_PART.match(squash(c))), ncols)
    keys = cells[: max(3, min(first, 4))]
    return [c for c in keys if not is_amount(c) or _CODE_PART.match(squash(c or ""))]


def header_paths(rows: list[Line], ncols: int, key=match_key) -> list[list[str]]:
    """For each column, the header texts above it, top to bottom (match keys), merged group headers filled in.

    A header cell with sub-headers below it spans the empty cells to its right that also have sub-headers ("本年支出"
    over 小计/基本支出/项目支出; "预算数" over the six 三公 columns). Cells covered by a merge (None) count as empty.
    Spans nest: a cell never spans past the end of the cell above it (上海's 决算 07 prints 公务接待费 over its own
    预算数/决算数 pair, beside 公务用车运行维护费's pair: that label does not run over 公务接待费's columns).
    """
    grid = [[(c or "") for c in _cells(r, ncols)] for r in rows if not is_colnum_row(r)]
    for r in range(len(grid) - 1):
        below = grid[r + 1 :]
        printed = list(grid[r])
        for c in range(ncols):
            if not printed[c] or not any(b[c] for b in below):
                continue
            k = c + 1
            while (
                k < ncols
                and not printed[k]
                and any(b[k] for b in below)
                and (r == 0 or grid[r - 1][k] == grid[r - 1][c])
            ):
                grid[r][k] = grid[r][c]
                k += 1
    paths: list[list[str]] = []
    for c in range(ncols):
        path: list[str] = []
        for row in grid:
            word = key(row[c])
            if word and (not path or path[-1] != word):
                path.append(word)
        paths.append(path)
    return paths


def _alias_fits(alias: tuple[str, ...], path: list[str], level: int) -> bool:
    """The alias's last word is in header row ``level``; its earlier words stand, in order, in the rows above."""
    if alias[-1] not in path[level]:
        return False
    k = 0
    for word in alias[:-1]:
        while k < level and word not in path[k]:
            k += 1
        if k == level:
            return False
        k += 1
    return True


def _best_measure(path: list[str], level: int, measures: list[MeasureSpec]) -> MeasureSpec | None:
    best: tuple[int, MeasureSpec] | None = None
    for m in measures:
        for alias in m.aliases:
            score = sum(map(len, alias))
            if (best is None or score > best[0]) and _alias_fits(alias, path, level):
                best = (score, m)
    return best[1] if best else None


def column_role(path: list[str], measures: list[MeasureSpec], kind: str = "") -> tuple[str, str, str]:
    """(role, name, basis) for one column's header path: ("measure", 合计, 年初预算) | ("item", 公务接待费, 决算) |
    ("code", "", "") | ("name", "", "") | ("rownum", "", "") | ("", "", ""). ``basis`` is what the header says
    (决算数 → 决算, 年初预算数 → 年初预算), "" when it says nothing (the document's kind applies).

    The lowest header row decides first (小计 under 公务用车购置及运行费 is that item's subtotal, not the table's 合计);
    higher rows only where the lower ones say nothing we know.
    """
    labels = load_labels()
    for level in range(len(path) - 1, -1, -1):
        seg = path[level]
        m = _best_measure(path, level, measures)
        if m is not None:
            return ("item" if m.role == "item" else "measure"), m.name, m.basis or basis_of_header(path)
        if any(a in seg for a in labels["rownum"]):
            return "rownum", "", ""
        if any(a in seg for a in labels["code"]):
            return "code", "", ""
        if seg in labels["name"] or any(a in seg for a in labels["name"] if len(a) > 2):
            return "name", "", ""
    return "", "", ""


def _dedupe_roles(
    ctx: _Ctx, roles: list[tuple[str, str, str]], paths: list[list[str]], groups: list[list[int]] | None = None
) -> list[tuple[str, str, str]]:
    """Two columns read as the same measure (a group header filled over columns we do not know): the first keeps
    it, the others become unknown columns, reported and their numbers dropped, never added twice."""
    out = list(roles)
    for cols in groups or [list(range(len(roles)))]:
        seen: dict[tuple[str, str], int] = {}
        for i in cols:
            role, measure, basis = out[i]
            if role != "measure":
                continue
            if (measure, basis) in seen:
                ctx.finding(
                    "header_ambiguous",
                    "warning",
                    f"columns {seen[(measure, basis)]} and {i} of table {ctx.family} both read as {measure} "
                    f"({'/'.join(paths[seen[(measure, basis)]])} | {'/'.join(paths[i])}); column {i} is not read",
                )
                out[i] = ("", "", "")
            else:
                seen[(measure, basis)] = i
    return out


def _split_header(rows: list[Line], is_data) -> tuple[list[Line], list[Line]]:
    for i, r in enumerate(rows):
        if is_data(r):
            return rows[:i], rows[i:]
    return rows, []


def _row_key(line: Line) -> str:
    return match_key("".join(c or "" for c in line.cells))


def _drop_header_numbers(ctx: _Ctx, header: list[Line]) -> None:
    for line in header:
        _drop_numbers(ctx, line, "栏次 (column number)" if is_colnum_row(line) else "header text")


def _body(ctx: _Ctx, header: list[Line], data: list[Line]):
    """The data rows, less 栏次 rows and headers repeated on continuation pages (their numbers go to dropped)."""
    header_keys = {k for k in map(_row_key, header) if k}
    for line in data:
        colnum = is_colnum_row(line)
        if colnum or _row_key(line) in header_keys:
            _drop_numbers(ctx, line, "栏次 (column number)" if colnum else "repeated header")
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
        code, name = _code_of(_key_cells(line, ncols))
        return bool(code) or match_key(name) in labels["total"]

    header, data = _split_header(ctx.region.rows, is_data)
    paths = header_paths(header, ncols)
    roles = _dedupe_roles(ctx, [column_role(p, ctx.spec.measures_for("measure"), ctx.kind) for p in paths], paths)
    measure_cols = [i for i, r in enumerate(roles) if r[0] == "measure"]
    if not measure_cols and data:
        ctx.finding(
            "header_unrecognised",
            "error",
            f"no column header of table {ctx.spec.id} is known: " + " | ".join("/".join(p) for p in paths if p),
        )
        for line in data:
            _drop_numbers(ctx, line, "column header not recognised")
        return
    first_measure = measure_cols[0] if measure_cols else ncols
    key_cols = [i for i in range(first_measure) if roles[i][0] in ("code", "name", "")]
    _drop_header_numbers(ctx, header)
    _report_unknown_columns(ctx, paths, roles, data, key_cols)
    printed = _coded_rows(ctx, header, data, ncols, roles, key_cols, measure_cols)
    _emit_coded(ctx, printed, roles, measure_cols)


def _coded_rows(ctx: _Ctx, header, data, ncols: int, roles, key_cols: list[int], measure_cols: list[int]) -> list[dict]:
    """The body's rows as (line, code, name, values by column); rows that cannot be read are dropped with a finding,
    a name wrapped onto the next row is joined to its row."""
    totals = load_labels()["total"]
    printed: list[dict] = []
    for line in _body(ctx, header, data):
        cells = _cells(line, ncols)
        code, name = _code_of([cells[i] for i in key_cols])
        if _unreadable_coded_row(ctx, line, cells, key_cols, name):
            continue
        values = {i: cells[i] for i in measure_cols if cells[i] and squash(cells[i])}
        if not code and not values and name and printed and match_key(name) not in totals:
            printed[-1]["name"] += name  # a name wrapped onto the next row
            continue
        for i, r in enumerate(roles):
            if r[0] == "rownum":
                _drop_numbers(ctx, line, "行次 (row number)", range(i, i + 1))
        printed.append({"line": line, "code": code, "name": name, "values": values})
    return printed


def _unreadable_coded_row(ctx: _Ctx, line: Line, cells: list, key_cols: list[int], name: str) -> bool:
    """A row whose amounts stand in its code/name columns, or are glued into its label: dropped, with a finding."""
    misplaced = [
        cells[i] for i in key_cols if cells[i] and is_amount(cells[i]) and not _CODE_PART.match(squash(cells[i]))
    ]
    if misplaced:
        # an amount where the code or name should be: the row's cells do not line up with the header (上海 万里
        # 24 prints its 02 合计 row alone on a borderless page, read as 6 cells of 9); reading it would put its
        # amounts under the wrong measures
        _drop_numbers(ctx, line, "row does not line up with the table's columns")
        ctx.finding(
            "row_misaligned",
            "warning",
            f"page {line.page} row {line.row}: amounts "
            f"{', '.join(misplaced)} stand in the code/name columns; the row is not read",
            line=line,
        )
        return True
    if _GLUED.search(name):
        # amounts run into a label ("合计156,211,123156,211,1230" on 上海 万里 24's last page): not readable
        ctx.drop(line, key_cols[0] if key_cols else 0, name, "amounts glued into a label")
        ctx.finding(
            "unreadable_value",
            "warning",
            f"page {line.page} row {line.row}: {name!r} has amounts glued into its label; they are not read",
            line=line,
        )
        return True
    return False


def _emit_coded(ctx: _Ctx, printed: list[dict], roles, measure_cols: list[int]) -> None:
    """Cells of the coded rows, and the table as printed."""
    classification = ctx.spec.classification
    rows_out = []
    for p in printed:
        out = {"code": p["code"], "name": p["name"]}
        for col, text in p["values"].items():
            _, measure, basis = roles[col]
            value = ctx.amount(p["line"], col, text, measure)
            if value is None:
                continue
            ctx.cell(
                p["line"],
                col,
                value,
                classification=classification,
                code=p["code"],
                name=p["name"],
                measure=measure,
                basis=basis,
            )
            out[ctx.label(roles[col])] = value
        rows_out.append(out | {"page": p["line"].page, "row": p["line"].row})
    order = ["code", "name"] + [ctx.label(roles[i]) for i in measure_cols] + ["page", "row"]
    ctx.out.set_printed(rows_out, order)


def _report_unknown_columns(ctx: _Ctx, paths, roles, data: list[Line], key_cols: list[int]) -> None:
    """Columns that hold amounts under a header we cannot map: report once, drop their numbers with the reason."""
    for i, (role, _, _) in enumerate(roles):
        if role or i in key_cols:
            continue
        hits = [ln for ln in data if i < len(ln.cells) and ln.cells[i] and is_amount(ln.cells[i])]
        if not hits:
            continue
        header = "/".join(paths[i]) or "(no header)"
        ctx.finding(
            "header_unrecognised",
            "warning",
            f"column {i} header {header!r} of table {ctx.spec.id} is not "
            f"a known measure; {len(hits)} numbers in it are not read",
        )
        for ln in hits:
            ctx.drop(ln, i, ln.cells[i] or "", f"column header not recognised: {header}")


def _sides(paths: list[list[str]], roles) -> list[str]:
    """收入/支出 for each column of a two-sided table: from the top header row ("收入", "本年收入", "财政拨款支出" …),
    else from the second 项目 column."""

    def side_of(top: str) -> str:
        if "收入" in top and "支出" not in top:
            return "收入"
        if "支出" in top and "收入" not in top:
            return "支出"
        return ""

    # the highest header word of each column that names a side ("收入" may stand under a shared "项目")
    tops = [next((side_of(w) for w in p if side_of(w)), "") for p in paths]
    if "收入" in tops and "支出" in tops:
        sides, current = [], "收入"
        for t in tops:
            current = t or current
            sides.append(current)
        return sides
    name_cols = [i for i, r in enumerate(roles) if r[0] == "name"]
    split = name_cols[1] if len(name_cols) > 1 else len(paths) // 2
    return ["收入" if i < split else "支出" for i in range(len(paths))]


def _groups(sides: list[str], roles, ncols: int) -> list[dict]:
    """Column groups (item name, 行次, amounts) per side. 江苏 prints two on the 支出 side: 功能分类 and 支出用途."""
    groups = []
    for side in ("收入", "支出"):
        cols = [i for i in range(ncols) if sides[i] == side]
        if not cols:
            continue
        name_cols = [i for i in cols if roles[i][0] == "name"] or cols[:1]
        for k, nc in enumerate(name_cols):
            start = cols[0] if k == 0 else nc
            end = name_cols[k + 1] if k + 1 < len(name_cols) else cols[-1] + 1
            span = [i for i in cols if start <= i < end]
            groups.append(
                {
                    "side": side,
                    "n": k,
                    "name": nc,
                    "rownum": [i for i in span if roles[i][0] == "rownum"],
                    "measures": [i for i in span if roles[i][0] == "measure"],
                }
            )
    return groups


_SUMMARY_TOTALS = {
    match_key(t)
    for t in (
        "本年收入合计",
        "本年支出合计",
        "当年收入小计",
        "当年支出小计",
        "收入总计",
        "支出总计",
        "收入合计",
        "支出合计",
        "总计",
    )
}


def _continues_item(previous: str, name: str, side: str) -> bool:
    """True when ``name`` (a row with no amounts) is the wrapped rest of the item above it: the two read together
    as a 类 name or a known total, or the item above is numbered and this piece is not."""
    if not previous or strip_ordinal(name) != name:
        return False
    joined = match_key(strip_ordinal(previous + name))
    if joined in _SUMMARY_TOTALS or (
        side == "支出" and class_code_for_name(previous + name) and not class_code_for_name(previous)
    ):
        return True
    return False


@dataclass
class _SideState:
    """What a two-sided table's reading remembers per column group: the row read last (for names wrapped onto the
    next row) and the item sub-items are printed under."""

    last: dict[int, tuple[dict, list[dict]]] = field(default_factory=dict)
    top: dict[int, str] = field(default_factory=dict)


def _parse_two_sided(ctx: _Ctx, ncols: int) -> None:
    """01, 04: income items on the left, expenditure items (类 with their codes) on the right."""
    rows = ctx.region.rows
    colnum_at = next((i for i, r in enumerate(rows[:8]) if is_colnum_row(r)), None)
    if colnum_at is not None:
        header, data = rows[: colnum_at + 1], rows[colnum_at + 1 :]
    else:
        header, data = _split_header(rows, lambda r: any(is_amount(c) for c in r.cells[1:]))
    roles, groups = _two_sided_columns(ctx, header, data, ncols)
    state = _SideState()
    rows_out = []
    for line in _body(ctx, header, data):
        out = _two_sided_row(ctx, line, _cells(line, ncols), groups, roles, state)
        if any(v for k, v in out.items() if k.endswith(("项目", "项目2", "项目3"))) or len(out) > 2:
            rows_out.append(out | {"page": line.page, "row": line.row})
    order = []
    for g in groups:
        label_col = _label_col(g)
        order += [label_col] + (["支出code"] if g["side"] == "支出" and g["n"] == 0 else [])
        order += [_two_sided_label(ctx, g, label_col, roles[i]) for i in g["measures"]]
    ctx.out.set_printed(rows_out, order + ["page", "row"])


def _two_sided_columns(ctx: _Ctx, header: list[Line], data: list[Line], ncols: int):
    """The roles of a two-sided table's columns and its column groups; unknown columns reported."""
    paths = header_paths(header, ncols)
    generic = [column_role(p, []) for p in paths]
    sides = _sides(paths, generic)
    roles = [column_role(p, ctx.spec.measures_for("measure", sides[i]), ctx.kind) for i, p in enumerate(paths)]
    _drop_header_numbers(ctx, header)
    groups = _groups(sides, roles, ncols)
    roles = _dedupe_roles(ctx, roles, paths, [g["measures"] for g in groups])
    groups = _groups(sides, roles, ncols)
    known = {i for g in groups for i in [g["name"], *g["rownum"], *g["measures"]]}
    _report_unknown_columns(ctx, paths, [r if i not in known else ("x", "", "") for i, r in enumerate(roles)], data, [])
    return roles, groups


def _label_col(group: dict) -> str:
    return f"{group['side']}项目" + (str(group["n"] + 1) if group["n"] else "")


def _two_sided_row(ctx: _Ctx, line: Line, cells: list, groups: list[dict], roles, state: _SideState) -> dict:
    """One printed row of a two-sided table, group by group; returns the printed-table row."""
    out: dict = {}
    carried = ""  # a total's label whose cell is merged across the next group ("当年支出小计" over 功能分类)
    for gi, g in enumerate(groups):
        raw_name = cells[g["name"]]
        if raw_name is None and carried:
            name = carried
        else:
            name, carried = clean_name(raw_name), ""
        for i in g["rownum"]:
            _drop_numbers(ctx, line, "行次 (row number)", range(i, i + 1))
        no_values = not any(cells[i] and squash(cells[i]) for i in g["measures"])
        if name and no_values and _join_wrapped(ctx, g, gi, name, state):
            continue
        if name and g["measures"] and all(cells[i] is None for i in g["measures"]):
            carried = name  # the label's cell spans this group's amounts: its value stands further right
            continue
        first_cell = len(ctx.out.cells)
        label_col = _label_col(g)
        code = class_code_for_name(name) if g["side"] == "支出" else ""
        if raw_name is not None or name:
            out[label_col] = name
            if g["side"] == "支出" and g["n"] == 0:
                out["支出code"] = code
        item = _two_sided_item(ctx, g, gi, name, code, state)
        for i in g["measures"]:
            value = _two_sided_amount(ctx, line, cells, i, name, g["side"], roles)
            if value is not None:
                _, measure, basis = roles[i]
                kw = dict(classification="功能分类", code=code, name=name, measure=measure, basis=basis)
                ctx.cell(line, i, value, side=g["side"], item=item, **kw)
                out[_two_sided_label(ctx, g, label_col, roles[i])] = value
        if name:
            state.last[gi] = (out, ctx.out.cells[first_cell:])
    return out


def _two_sided_amount(ctx: _Ctx, line: Line, cells: list, i: int, name: str, side: str, roles) -> float | None:
    text = cells[i]
    if not text or not squash(text):
        return None
    if not name:
        ctx.drop(line, i, text, "amount without an item name")
        ctx.finding(
            "row_unlabelled",
            "warning",
            f"page {line.page} row {line.row}: {text} printed without an item name on the {side} side",
            line=line,
            col=i,
        )
        return None
    return ctx.amount(line, i, text, roles[i][1])


def _two_sided_item(ctx: _Ctx, group: dict, gi: int, name: str, code: str, state: _SideState) -> str:
    """The canonical item of a row: a sub-item (PARENT:SUB) when printed as a breakdown of the item above it
    ("其中：捐赠收入"; the funds under 年初财政拨款结转和结余), else a top-level item that later rows may break down."""
    if not name or code:
        return ""
    family, side = ctx.spec.family, group["side"]
    parent = state.top.get(gi, "")
    if parent and (is_breakdown(name) or is_sub_item(family, side, parent, name)):
        return canonical_item(family, side, name, parent)
    item = canonical_item(family, side, name)
    state.top[gi] = item
    return item


def _join_wrapped(ctx: _Ctx, group: dict, gi: int, name: str, state: _SideState) -> bool:
    """A name without amounts that is the wrapped rest of the item above ("八、社会保障和就" + "业支出" over a page
    break): the previous row's name, item and 类 code follow. True when joined."""
    side, label_col = group["side"], _label_col(group)
    if gi not in state.last or not _continues_item(state.last[gi][0].get(label_col, ""), name, side):
        return False
    prev_row, prev_cells = state.last[gi]
    joined = prev_row[label_col] + name
    prev_row[label_col] = joined
    for c in prev_cells:
        _rename_item(ctx, c, joined, side)
    if side == "支出" and group["n"] == 0:
        prev_row["支出code"] = class_code_for_name(joined)
    return True


def _two_sided_label(ctx: _Ctx, group: dict, label_col: str, role: tuple[str, str, str]) -> str:
    """The printed table's column for a measure of a two-sided table: 收入:合计, 支出:一般公共预算财政拨款 …"""
    return f"{label_col if group['n'] else group['side']}:{ctx.label(role)}"


def _rename_item(ctx: _Ctx, cell: dict, name: str, side: str) -> None:
    """A name completed by its wrapped rest ("八、社会保障和就" + "业支出"): the cell's name, item and 类 code follow."""
    cell["name"] = name
    code = cell["code"] or (class_code_for_name(name) if side == "支出" else "")
    if code:
        cell.update(code=code, level="类", classification="功能分类", item=None, parent=None)
    else:
        cell["item"] = canonical_item(ctx.spec.family, side, name)


def _economic_blocks(roles: list[tuple[str, str, str]]) -> list[dict]:
    """The (code columns, name column, measure columns) blocks of a 06 header, left to right."""
    blocks: list[dict] = []
    for i, (role, _, _) in enumerate(roles):
        if role == "code" and (not blocks or blocks[-1]["measures"] or blocks[-1]["name"] is not None):
            blocks.append({"code": [i], "name": None, "measures": []})
        elif role == "code" and blocks:
            blocks[-1]["code"].append(i)
        elif role == "name" and blocks and blocks[-1]["name"] is None and not blocks[-1]["measures"]:
            blocks[-1]["name"] = i
        elif role == "measure" and blocks:
            blocks[-1]["measures"].append(i)
    return [b for b in blocks if b["measures"]]


def _economic_footers(ctx: _Ctx, line: Line, cells: list, roles, first: int, used: set[int], rows_out: list) -> None:
    """Footer labels anywhere in a 06 row (人员经费合计 | 148.03): the label, then the first amount to its right."""
    footers = ctx.spec.measures_for("footer")
    ncols = len(cells)
    for i, c in enumerate(cells):
        key = match_key(c)
        footer = next((f for f in footers if any(a[-1] in key for a in f.aliases)), None) if key else None
        if footer is None:
            continue
        used.add(i)
        k = next((k for k in range(i + 1, ncols) if cells[k] and squash(cells[k])), None)
        if k is None or not (is_amount(cells[k]) or not match_key(cells[k])):
            continue
        used.add(k)
        _, measure, basis = roles[first]
        value = ctx.amount(line, k, cells[k], footer.name)
        if value is not None:
            ctx.cell(line, k, value, name=clean_name(c), item=footer.name, measure=measure, basis=basis)
            rows_out.append(
                {"code": "", "name": clean_name(c), ctx.label(roles[first]): value, "page": line.page, "row": line.row}
            )


def _economic_block_row(ctx: _Ctx, line: Line, cells: list, block: dict, roles, rows_out: list) -> None:
    """One block of one 06 row: its code and name, then its amounts (a 合计 row without a code is kept)."""
    code, name = _code_of([cells[i] for i in block["code"] + ([block["name"]] if block["name"] is not None else [])])
    out = {"code": code, "name": name}
    is_total = not code and match_key(name) in load_labels()["total"]
    for i in block["measures"]:
        text = cells[i]
        if not text or not squash(text):
            continue
        _, measure, basis = roles[i]
        if not code and not is_total:
            ctx.drop(line, i, text, "amount without a 经济分类 code")
            ctx.finding(
                "row_unlabelled",
                "warning",
                f"page {line.page} row {line.row}: {text} printed without a code (name {name!r})",
                line=line,
                col=i,
            )
            continue
        value = ctx.amount(line, i, text, measure)
        if value is None:
            continue
        ctx.cell(
            line,
            i,
            value,
            classification="经济分类" if code else "",
            code=code,
            name=name,
            measure=measure,
            basis=basis,
        )
        out[ctx.label(roles[i])] = value
    if len(out) > 2:
        rows_out.append(out | {"page": line.page, "row": line.row})


def _parse_economic(ctx: _Ctx, ncols: int) -> None:
    """06: 经济分类 (code, name, amounts) blocks printed side by side, and the 人员经费/公用经费 footer.

    A block is its code column(s) (类 and 款 may be split), a name column and one or more amount columns (上海
    prints 合计, 人员经费, 公用经费 in one block).
    """
    totals = load_labels()["total"]

    def is_data(line: Line) -> bool:
        if is_colnum_row(line):
            return False
        keys = [c for c in _cells(line, ncols)[:3] if not is_amount(c) or _CODE_PART.match(squash(c or ""))]
        code, name = _code_of(keys[:2])
        return bool(code) or match_key(name) in totals  # 江苏 prints the 合计 row first

    header, data = _split_header(ctx.region.rows, is_data)
    paths = header_paths(header, ncols)
    roles = [column_role(p, ctx.spec.measures_for("measure"), ctx.kind) for p in paths]
    blocks = _economic_blocks(roles)
    if not blocks:
        ctx.finding(
            "header_unrecognised",
            "error",
            "no 经济分类 block (编码, 名称, 金额) found in the header: " + " | ".join("/".join(p) for p in paths if p),
        )
        for line in data:
            _drop_numbers(ctx, line, "column header not recognised")
        return
    _drop_header_numbers(ctx, header)
    rows_out: list[dict] = []
    for line in _body(ctx, header, data):
        cells = _cells(line, ncols)
        used: set[int] = set()
        _economic_footers(ctx, line, cells, roles, blocks[0]["measures"][0], used, rows_out)
        for b in blocks:
            cols = b["code"] + ([b["name"]] if b["name"] is not None else []) + b["measures"]
            if not any(i in used for i in cols):
                used.update(cols)
                _economic_block_row(ctx, line, cells, b, roles, rows_out)
        for i, c in enumerate(cells):
            if i not in used and c and is_amount(c):
                ctx.drop(line, i, c, "amount outside any 经济分类 block")
                ctx.finding(
                    "row_unlabelled",
                    "warning",
                    f"page {line.page} row {line.row}: {c} outside any block",
                    line=line,
                    col=i,
                )
    labels = [ctx.label(roles[i]) for b in blocks for i in b["measures"]]
    ctx.out.set_printed(rows_out, ["code", "name", *dict.fromkeys(labels), "page", "row"])


def _parse_items(ctx: _Ctx, ncols: int) -> None:
    """Tables of named items without codes (江苏 收入预算总表, 支出预算总表): label columns, then amount columns.

    A row's name is its most specific label; a 小计 row takes the name of the group it closes. Columns whose header
    measures.csv gives the role ``label`` (政府采购's 采购组织形式) qualify a row but never name it.
    """
    header, data = _split_header(ctx.region.rows, lambda r: any(is_amount(c) for c in r.cells))
    paths = header_paths(header, ncols)
    roles = [column_role(p, ctx.spec.measures_for("measure"), ctx.kind) for p in paths]
    mcols = [i for i, r in enumerate(roles) if r[0] == "measure"]
    qualifiers = {
        i for i, p in enumerate(paths) if i not in mcols and column_role(p, ctx.spec.measures_for("label"))[1]
    }
    _drop_header_numbers(ctx, header)
    rows_out = []
    group = ""
    above: list = [""] * ncols
    for line in _body(ctx, header, data):
        # a label cell merged with the one above it (None) repeats it: 政府采购 prints one 采购物品 over two 组织形式
        cells = [above[i] if c is None and i not in mcols else c for i, c in enumerate(_cells(line, ncols))]
        above = cells
        labels = [
            clean_name(cells[i])
            for i in range(ncols)
            if i not in mcols and i not in qualifiers and cells[i] and squash(cells[i])
        ]
        labels = [x for x in labels if not is_amount(x)]
        if labels and cells[0] and squash(cells[0]):
            group = labels[0]
        name = labels[-1] if labels else ""
        if not name and len(data) == 1:
            name = "合计"  # the one row of 江苏's 支出预算总表, printed without a label, is the table's total
        elif not name and any(cells[i] and squash(cells[i]) for i in qualifiers) and rows_out:
            name = rows_out[-1]["name"]  # another 采购组织形式 of the item above (its name cell merged, printed once)
        if name in ("小计", "合计") and len(labels) > 1:
            name = labels[0]
        elif name == "小计" and group:
            name = group
        out = {"name": name}
        for i in mcols:
            value = ctx.amount(line, i, cells[i], roles[i][1]) if cells[i] and squash(cells[i]) else None
            if value is not None:
                # a row printed without a label (江苏's 支出预算总表 is one such row) is the table's whole: 合计
                ctx.cell(line, i, value, name=name, measure=roles[i][1], basis=roles[i][2])
                out[ctx.label(roles[i])] = value
        for i, c in enumerate(cells):
            if i not in mcols and c and is_amount(c):
                ctx.drop(line, i, c, "amount in a label column")
        rows_out.append(out | {"page": line.page, "row": line.row})
    ctx.out.set_printed(rows_out, ["name"] + [ctx.label(roles[i]) for i in mcols] + ["page", "row"])


def _printed_items(header: list[Line], ncols: int) -> list[str]:
    """Each column's item as printed in a 07 header: its lowest header text, or the group above a 小计
    ("公务用车购置及运行费" over "小计"). A borderless header fills a group over columns it does not span, so only
    a 小计 looks up."""
    paths = header_paths(header, ncols, key=clean_name)
    out = []
    for path in paths:
        # the basis is not part of the item: "机关运行经费预算数" (上海) is the item 机关运行经费 on basis 预算
        words = [re.sub(r"(?<=\S)(?:预算数|决算数)$", "", w) for w in path]
        words = [w for w in words if w and w not in ("预算数", "决算数", "预算", "决算")]
        if len(words) > 1 and match_key(words[-1]) == "小计":  # 合计 is the table's total, 小计 its group's
            out.append(words[-2])
        else:
            out.append(words[-1] if words else "")
    return out


def _parse_sangong(ctx: _Ctx, ncols: int) -> None:
    """07: rows of 三公 amounts (预算数/决算数) under a two- or three-row header of items.

    Cells are the items (name as printed, item canonical) with measure 合计 and the basis of the column group or of
    the row's label (江苏 prints 预算数 as a row label).
    """
    rows = ctx.region.rows

    def is_data(line: Line) -> bool:
        return not is_colnum_row(line) and any(is_amount(c) for c in line.cells)

    header, data = _split_header(rows, is_data)
    paths = header_paths(header, ncols)
    bases = ctx.spec.measures_for("basis")
    roles = [column_role(p, ctx.spec.measures_for("item")) for p in paths]
    names = _printed_items(header, ncols)
    _drop_header_numbers(ctx, header)
    _report_unknown_columns(ctx, paths, roles, data, [])
    rows_out: dict[str, dict] = {}
    for line in _body(ctx, header, data):
        cells = _cells(line, ncols)
        row_label = next((c for c in cells if c and squash(c) and not is_amount(c)), "")
        row_basis = next((bb.basis for bb in bases if any(a[-1] in match_key(row_label) for a in bb.aliases)), "")
        for i, c in enumerate(cells):
            if not c or not squash(c) or roles[i][0] != "item":
                continue
            basis = row_basis or roles[i][2] or ctx.default_basis
            value = ctx.amount(line, i, c, roles[i][1])
            if value is None:
                continue
            ctx.cell(line, i, value, name=names[i] or roles[i][1], item=roles[i][1], measure="合计", basis=basis)
            rows_out.setdefault(basis, {"basis": basis, "page": line.page, "row": line.row})[roles[i][1]] = value
    order = ["basis"] + list(dict.fromkeys(r[1] for r in roles if r[0] == "item")) + ["page", "row"]
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
            codes = sum(1 for p in paths if column_role(p, spec.columns())[0] == "code")
            scores[spec.id] = 3 if codes >= 2 else 0
            continue
        found = {column_role(p, spec.columns())[1] for p in paths} - {""}
        scores[spec.id] = len(found)
    best = max(scores.values(), default=0)
    # a regional layout that scores no more than the spec it extends shows none of its own columns: it is its base
    top = sorted(t for t, v in scores.items() if v == best and scores.get(specs[t].base, -1) != best)
    if best >= 3 and len(top) == 1:
        return top[0], top
    return "", top if best >= 3 else []


def choose_by_header(region: TableRegion, specs: dict[str, TableSpec]) -> str:
    """Among the table kinds printed under a region's title, the one its rows fit.

    "收入预算总表" is 江苏's list of income items (no codes) and 上海 单位's 收入预算表 (功能分类 codes): a kind
    whose layout needs codes fits only rows with codes, and a list of items only rows without; then the header's
    measures decide; a tie keeps the title's first kind.
    """
    if len(region.candidates) < 2:
        return region.table
    rows = region.rows
    ncols = max((len(r.cells) for r in rows), default=0)
    has_codes = any(
        _code_of([c for c in _cells(r, ncols)[:3] if not is_amount(c) or _CODE_PART.match(squash(c or ""))])[0]
        for r in rows
    )
    header = []
    for line in rows[:6]:
        if any(is_amount(c) for c in line.cells) and not is_colnum_row(line):
            break
        header.append(line)
    paths = header_paths(header, ncols)
    best, best_score = region.table, -1
    for table in region.candidates:
        spec = specs[table]
        if (spec.layout in ("coded", "economic")) != has_codes:
            continue
        score = len({column_role(p, spec.columns())[1] for p in paths} - {""})
        if score > best_score:
            best, best_score = table, score
    return best


LAYOUTS = {
    "coded": _parse_coded,
    "two_sided": _parse_two_sided,
    "economic": _parse_economic,
    "sangong": _parse_sangong,
    "items": _parse_items,
}


def parse_region(
    region: TableRegion, spec: TableSpec, kind: str, default_unit: str, line_numbers: bool = True
) -> ParsedTable:
    """Read one table region into a ParsedTable (cells in 万元, the printed shape, what was dropped and why).

    ``line_numbers``: the source has lines (text exports, web pages), so cells record their line.
    """
    unit = region.unit or default_unit or "万元"
    rows = region.rows
    pages = [ln.page for ln in region.lines] or [0]
    out = ParsedTable(
        table=spec.family or spec.id,
        title=region.title,
        label=region.label,
        unit=unit,
        page=min(pages),
        last_page=max(pages),
        note=region.note,
        spec=spec.id,
        variant=spec.variant,
    )
    ctx = _Ctx(
        spec=spec,
        region=region,
        kind=kind,
        scale=TO_WANYUAN.get(unit, Decimal(1)),
        out=out,
        line_numbers=line_numbers,
    )
    if unit not in TO_WANYUAN:
        ctx.finding("unit_unknown", "warning", f"unit {unit!r} of table {out.table} is not known; values read as 万元")
    ncols = max((len(r.cells) for r in rows), default=0)
    printed = amounts_printed(rows)
    if any(c and is_amount(c) for r in rows for c in r.cells):  # a blank form (the 决算 template): nothing to read
        LAYOUTS[spec.layout](ctx, ncols)
    _account(ctx, printed)
    return out


def amounts_printed(rows: list[Line]) -> set[tuple[int, int, int]]:
    """Where the amounts printed in a table's rows stand, (page, row, column), counted apart from any layout: every
    cell that reads as an amount except 栏次 rows, 行次 columns and codes (a run of 2–7 digit cells before a name:
    "201 | 13 | 01 | 行政运行", "30101 | 基本工资")."""
    rownum = load_labels()["rownum"]
    # an ASCII cell (an amount, a code) stays ASCII under NFKC, so it cannot hold a label with a Chinese character
    # (行次, 序号): its key is not asked for
    ascii_may_match = any(a.isascii() for a in rownum)
    rownum_cols = {
        i
        for r in rows
        for i, c in enumerate(r.cells)
        if c and len(c) < 8 and (ascii_may_match or not c.isascii()) and any(a in match_key(c) for a in rownum)
    }
    out: set[tuple[int, int, int]] = set()
    for line in rows:
        if is_colnum_row(line):
            continue
        cells = [squash(c or "") for c in line.cells]
        for i in _code_positions(cells):
            cells[i] = ""
        for i, c in enumerate(cells):
            if c and is_amount(c) and not (i in rownum_cols and c.isdigit()):
                out.add((line.page, line.row, i))
    return out


def _code_positions(cells: list[str]) -> list[int]:
    """Columns of a row holding code digits: runs of 2–7 digit cells (blanks between) followed by a name."""
    out: list[int] = []
    run: list[int] = []
    for i, c in enumerate(cells):
        if not c:
            continue
        if (_CODE_PART.match(c) and (run or len(c) in (3, 5, 7))) or (run and c.isdigit() and len(c) == 1):
            run.append(i)
            continue
        if run and not is_amount(c):
            out += run
        run = []
    return out


def _account(ctx: _Ctx, printed: set[tuple[int, int, int]]) -> None:
    """Every amount printed in the table's area is a cell or a drop with its reason: one the layout neither read nor
    dropped is dropped here, and a table whose amounts were not all read says how many were printed and read."""
    out = ctx.out
    read = {(c["page"], c["row"], c["column"]) for c in out.cells}
    dropped = {(d["page"], d["row"], d["column"]) for d in out.dropped}
    lines = {(ln.page, ln.row): ln for ln in ctx.region.rows}
    missed = sorted(printed - read - dropped)
    for page, row, col in missed:
        line = lines[(page, row)]
        ctx.drop(line, col, line.cells[col] or "", "amount not read: no column of the layout holds it")
    out.n_amounts, out.amounts_at = len(printed), printed
    n_dropped = len(printed & (dropped | set(missed)))
    if len(read & printed) < len(printed):
        reasons = sorted({d["reason"] for d in out.dropped if (d["page"], d["row"], d["column"]) in printed})
        ctx.finding(
            "amounts_unread",
            "error" if missed else "warning",
            f"table {out.table} ({out.title or out.label or out.spec}): {len(printed)} amounts printed, "
            f"{len(read & printed)} read into cells, {n_dropped} dropped ({'; '.join(reasons)})",
        )
