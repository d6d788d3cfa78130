"""Charts with Chinese labels that render: a CJK font found (or installed from a package) before anything is drawn.

``setup_cjk_font`` looks for an installed font that has the glyphs (Noto Sans CJK, Source Han Sans, SimHei, Microsoft
YaHei, PingFang, WenQuanYi …), else registers the font file a Python package ships (``pip install 'juesuan[plot]'``
brings noto-cjk-sans-otc), and puts it first in matplotlib's sans-serif list; if nothing has the glyphs it raises
``CJKFontMissing`` saying what to install, rather than letting matplotlib draw empty boxes. ``missing_glyphs`` checks
a drawn figure: every character of every label must be in a font matplotlib will use for it.

The chart helpers take the tidy frames of ``juesuan.analysis`` and return the matplotlib Figure. Every bar is labelled
with its own value through matplotlib's ``bar_label`` (the label is attached to its bar, never placed by row index),
and ``unlabelled_bars(fig)`` checks a drawn figure for bars without one.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import matplotlib
import matplotlib.font_manager as fm
import numpy as np
import pandas as pd
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Annotation, Text

from .errors import JuesuanError

# Families tried in order: simplified-Chinese faces first, then the common system fonts of each platform.
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans CJK JP",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK TC",
    "Source Han Sans TW",
    "Arial Unicode MS",
)
# (module, file inside it): fonts PyPI packages ship, tried when no CJK font is installed on the system.
PACKAGED_FONTS: tuple[tuple[str, str], ...] = (
    ("noto_cjk_sans_otc", "NotoSansCJK-Regular.ttc"),
    ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf"),
)
# Characters a chart of a 决算 is sure to use; a font that lacks any of them is not taken.
SAMPLE = "决算预部门医疗保障局收入支出合计基本项目人员公用三公经费类款项占比年度表格情况说明万元（）"
INSTALL_HINT = (
    "no font with Chinese glyphs found: pip install 'juesuan[plot]' (installs the noto-cjk-sans-otc "
    "font package), or install a system CJK font (Debian/Ubuntu: apt-get install fonts-noto-cjk or "
    "fonts-wqy-microhei) and remove matplotlib's font cache"
)
SOURCE_LABELS = {"cells": "表格", "facts": "情况说明", "empty_table": "空表", "Σ parts": "各项之和"}


class CJKFontMissing(JuesuanError):
    """No font with Chinese glyphs is installed or shipped by an installed package."""

    problem_kind = "no CJK font"


def covers(family: str, text: str = SAMPLE) -> bool:
    """True when matplotlib resolves ``family`` to a font file (not a fallback) holding a glyph for every char."""
    try:
        path = fm.findfont(fm.FontProperties(family=family), fallback_to_default=False)
    except ValueError:
        return False
    font = fm.get_font(path)
    return all(font.get_char_index(ord(c)) for c in set(text) if not c.isspace())


def _installed_families() -> set[str]:
    return {f.name for f in fm.fontManager.ttflist}


def _register_packaged_fonts() -> list[str]:
    """Add the font files of installed font packages to matplotlib; returns the paths added."""
    added = []
    for module, rel in PACKAGED_FONTS:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            continue
        path = Path(next(iter(spec.submodule_search_locations))) / rel
        if path.is_file():
            fm.fontManager.addfont(str(path))
            added.append(str(path))
    return added


def find_cjk_font() -> str | None:
    """The first family of ``CJK_FAMILIES`` (then any family named CJK/Hei/Han) that has the glyphs, or None.

    Looks at the system's fonts first; only when none fits are fonts shipped by Python packages registered.
    """
    for attempt in range(2):
        installed = _installed_families()
        candidates = [f for f in CJK_FAMILIES if f in installed]
        candidates += sorted(
            f
            for f in installed - set(candidates)
            if any(w in f for w in ("CJK", "Hei", "Han Sans", "YaHei", "Song", "Kai", "WenQuanYi"))
        )
        for family in candidates:
            if covers(family):
                return family
        if attempt == 0 and not _register_packaged_fonts():
            break
    return None


_CHOSEN: list[str] = []


def setup_cjk_font() -> str:
    """Make matplotlib draw Chinese: put a CJK family first in ``font.sans-serif``; returns the family.

    Idempotent (the font is looked up once per process). Raises ``CJKFontMissing`` with what to install when no font
    with the glyphs exists.
    """
    if not _CHOSEN:
        family = find_cjk_font()
        if family is None:
            raise CJKFontMissing(None, INSTALL_HINT)
        _CHOSEN.append(family)
    family = _CHOSEN[0]
    rest = [f for f in matplotlib.rcParams["font.sans-serif"] if f != family]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [family, *rest]
    # CJK fonts often lack U+2212 MINUS SIGN; the ASCII hyphen is in every font
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family


def figure_texts(fig: Figure) -> list[Text]:
    """Every visible, non-empty text artist of a figure (titles, axis and tick labels, legends, annotations)."""
    fig.canvas.draw()  # tick labels exist only once drawn
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _families_for(prop: fm.FontProperties) -> list[str]:
    out = []
    for fam in prop.get_family():
        generic = f"font.{fam}"
        out += list(matplotlib.rcParams[generic]) if generic in matplotlib.rcParams else [fam]
    return out


def missing_glyphs(fig: Figure) -> dict[str, str]:
    """Text → the characters of it that no font matplotlib would use for it can draw ({} when all render).

    Follows matplotlib's own fallback: the families of the text's font properties, generic names (sans-serif)
    expanded from rcParams, each resolved to its file; a character counts as drawn when any of them has its glyph.
    """
    out: dict[str, str] = {}
    fonts: dict[tuple, list] = {}
    for text in figure_texts(fig):
        prop = text.get_fontproperties()
        key = (tuple(prop.get_family()), prop.get_style(), prop.get_weight())
        if key not in fonts:
            fonts[key] = []
            for fam in _families_for(prop):
                try:
                    path = fm.findfont(
                        fm.FontProperties(family=fam, style=prop.get_style(), weight=prop.get_weight()),
                        fallback_to_default=False,
                    )
                except ValueError:
                    continue
                fonts[key].append(fm.get_font(path))
        s = text.get_text()
        lost = "".join(
            dict.fromkeys(
                c
                for c in s
                if not c.isspace() and c.isprintable() and not any(f.get_char_index(ord(c)) for f in fonts[key])
            )
        )
        if lost:
            out[s] = lost
    return out


# ------------------------------------------------------------------------------------------ labels bound to bars

_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def money(value: float) -> str:
    """An amount in 万元 as a label: thousands separated, two decimals ("18,330.37")."""
    return f"{value:,.2f}"


def _label_anchor(text: Text, ax) -> tuple[float, float]:
    """Where a label is attached, in display pixels: an annotation's point (``bar_label`` attaches it to the bar's
    end or centre), else the text's own position."""
    if isinstance(text, Annotation):
        if text.xycoords == "data":
            return tuple(ax.transData.transform(text.xy))
        return tuple(text._get_xy_display())  # other coordinate systems: matplotlib's own resolution
    return tuple(text.get_transform().transform(text.get_position()))


def _says(text: str, value: float) -> bool:
    """Whether the first number of a label is ``value`` at the label's own precision."""
    found = _NUMBER.search(text)
    if not found:
        return False
    printed = found.group().replace(",", "")
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(float(printed) - value) <= 0.5 * 10**-decimals + 1e-9


def _is_stacked(container: BarContainer) -> bool:
    horizontal = container.orientation == "horizontal"
    return any((p.get_x() if horizontal else p.get_y()) != 0 for p in container.patches)


def unlabelled_bars(fig: Figure, slack: float = 2.0) -> list[str]:
    """Bars of a figure that carry no label stating their own value: [] when every bar is labelled.

    A bar is labelled when a text of its axes is attached inside the bar's box (or within ``slack`` pixels of it)
    and the first number of the text is the bar's value at the text's precision — so a label beside the wrong bar
    counts as missing. Zero-length segments of stacked bars are not bars; every other bar, 0 included, needs one.
    """
    fig.canvas.draw()
    problems = []
    for ax in fig.axes:
        texts = [(t, _label_anchor(t, ax)) for t in ax.texts if t.get_visible() and t.get_text().strip()]
        bars = [c for c in ax.containers if isinstance(c, BarContainer)]
        stacked = any(_is_stacked(c) for c in bars)  # the first layer of a stack starts at 0 like plain bars
        for container in bars:
            for patch, value in zip(container.patches, container.datavalues):
                if np.ma.is_masked(value) or not np.isfinite(value) or (stacked and value == 0):
                    continue
                box = patch.get_window_extent()
                inside = [
                    t
                    for t, (x, y) in texts
                    if box.x0 - slack <= x <= box.x1 + slack and box.y0 - slack <= y <= box.y1 + slack
                ]
                if not any(_says(t.get_text(), float(value)) for t in inside):
                    where = ax.get_title() or "axes"
                    problems.append(f"{where}: the bar of {float(value):g} has no label with its value")
    return problems


# --------------------------------------------------------------------------------------------------- charts


def _sources(values: Iterable[str]) -> list[str]:
    return [SOURCE_LABELS.get(v, v) for v in values]


def _new(nrows: int = 1, height: float = 3.5, width: float = 8.0, ncols: int = 1):
    import matplotlib.pyplot as plt

    setup_cjk_font()
    return plt.subplots(nrows, ncols, figsize=(width, height), squeeze=False)


def _row_label(department: str, year, scope=None) -> str:
    extra = f"，{scope}" if isinstance(scope, str) and scope and scope != "部门" else ""
    return f"{department}（{year}{extra}）"


def _palette(keys: Iterable[str]) -> dict[str, tuple]:
    import matplotlib.pyplot as plt

    cmap = plt.get_cmap("tab10")
    return {k: cmap(i % 10) for i, k in enumerate(dict.fromkeys(keys))}


def plot_key_figure(cross: pd.DataFrame, concept: str, title: str | None = None, colour_by: str = "province") -> Figure:
    """One concept (万元) per disclosure as ranked horizontal bars, coloured by province (``colour_by``), hatched
    where the figure comes from the narrative; every bar labelled with its value.

    ``cross`` is ``analysis.cross_region`` output. Raises KeyError when no row has ``concept``.
    """
    rows = cross[cross["concept"] == concept].sort_values(["value", "disclosure"])
    if rows.empty:
        raise KeyError(f"no disclosure has {concept!r}")
    fig, axes = _new(height=0.42 * len(rows) + 1.6, width=9)
    ax = axes[0, 0]
    groups = rows[colour_by].fillna("（未知）")
    colours = _palette(sorted(groups.unique()))
    labels = [_row_label(d, y, s) for d, y, s in zip(rows["department"], rows["year"], rows["scope"])]
    bars = ax.barh(range(len(rows)), rows["value"], color=[colours[g] for g in groups])
    for bar, source in zip(bars, rows["source"]):
        if source == "facts":
            bar.set_hatch("//")
    texts = [money(v) + ("（情况说明）" if s == "facts" else "") for v, s in zip(rows["value"], rows["source"])]
    ax.bar_label(bars, labels=texts, padding=3, fontsize=8)
    ax.set_yticks(range(len(rows)), labels)
    ax.set_xlabel("万元")
    ax.set_title(title or f"{concept}：各地区比较（斜线为情况说明中的数）")
    ax.margins(x=0.25)
    handles = [Patch(color=c, label=g) for g, c in colours.items()]
    ax.legend(handles=handles, frameon=False, fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def _year_bars(ax, part: pd.DataFrame) -> None:
    """Bars over fiscal years, each labelled with its value and the change on the bar before it."""
    part = part.sort_values("fiscal_year")
    years = [f"{int(y)}" for y in part["fiscal_year"]]
    colours = ["#4c72b0" if s == "cells" else "#dd8452" for s in part["source"]]
    bars = ax.bar(years, part["value"], color=colours)
    for bar, period in zip(bars, part["period"]):
        if period != "本年":
            bar.set_hatch("//")
            bar.set_alpha(0.6)
    values, fiscal = list(part["value"]), [int(y) for y in part["fiscal_year"]]
    texts = []
    for i, v in enumerate(values):
        follows = i and fiscal[i] == fiscal[i - 1] + 1 and values[i - 1]  # a change on the year just before only
        texts.append(money(v) + (f"\n{100 * (v - values[i - 1]) / values[i - 1]:+.1f}%" if follows else ""))
    ax.bar_label(bars, labels=texts, padding=2, fontsize=7)
    ax.margins(y=0.3)
    ax.tick_params(labelsize=8)


def _panels(rows: pd.DataFrame, by: str) -> list[tuple[str, pd.DataFrame]]:
    if by == "concept":
        return [(str(c), p) for c, p in rows.groupby("concept", sort=False)]
    scope = rows["scope"].fillna("")
    keys = rows["department"] + "（" + rows["kind"] + scope.map(lambda s: f"，{s}" if s and s != "部门" else "") + "）"
    return [(str(k), p) for k, p in rows.groupby(keys, sort=True)]


def plot_series_grid(
    series: pd.DataFrame,
    by: str = "department",
    concept: str | None = None,
    department: str | None = None,
    ncols: int = 3,
    max_panels: int = 12,
    title: str | None = None,
) -> Figure:
    """Small multiples of ``analysis.series``: one panel per department (``by="department"``, for one ``concept``) or
    per concept (``by="concept"``, for one ``department``), bars over fiscal years, each labelled with its value
    (万元) and the change on the year before. Blue: from the tables; orange: from the narrative; hatched: a later
    narrative's 上年 statement. A department's concepts are drawn for one kind and scope (the one it has most
    figures of; the title says which). At most ``max_panels`` panels. Raises KeyError when nothing is left to draw."""
    rows = series
    if concept is not None:
        rows = rows[rows["concept"] == concept]
    if department is not None:
        rows = rows[rows["department"] == department]
    if rows.empty:
        raise KeyError(f"no series for {concept or ''} {department or ''}".strip())
    if by == "concept" and rows["department"].nunique() > 1:
        raise ValueError("by='concept' draws one department's concepts: give department=")
    if by == "concept":  # one department's concepts: of one kind and scope, never two in one panel
        which = rows.assign(scope=rows["scope"].fillna("")).groupby(["kind", "scope"]).size().idxmax()
        rows = rows[(rows["kind"] == which[0]) & (rows["scope"].fillna("") == which[1])]
        department = f"{department or rows['department'].iloc[0]}（{which[0]}{'，' + which[1] if which[1] not in ('', '部门') else ''}）"
    panels = _panels(rows, by)[:max_panels]
    ncols = min(ncols, len(panels))
    nrows = -(-len(panels) // ncols)
    fig, axes = _new(nrows, height=2.9 * nrows + 0.8, width=3.6 * ncols, ncols=ncols)
    for ax, (name, part) in zip(axes.flat, panels):
        _year_bars(ax, part)
        ax.set_title(name, fontsize=9)
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    axes[0, 0].set_ylabel("万元")
    what = concept if by == "department" else department
    fig.suptitle(title or f"{what or ''}：逐年（蓝为表格，橙为情况说明，斜线为次年情况说明中的上年数）", fontsize=10)
    fig.tight_layout()
    return fig


def plot_changes(
    yoy: pd.DataFrame, department: str | None = None, ncols: int = 2, max_panels: int = 8, title: str | None = None
) -> Figure:
    """Small multiples of ``analysis.year_over_year``: one panel per department (kind and scope), a horizontal bar
    per concept for the change on the prior year in percent, labelled with the percentage and both values (万元) and
    where the prior came from. Rows without a percentage (no prior, or a prior of 0) are left out. Raises KeyError
    when no row has a percentage."""
    rows = yoy.dropna(subset=["change_pct"])
    if department is not None:
        rows = rows[rows["department"] == department]
    if rows.empty:
        raise KeyError(f"no year-over-year change{' for ' + department if department else ''}")
    panels = _panels(rows, "department")[:max_panels]
    ncols = min(ncols, len(panels))
    nrows = -(-len(panels) // ncols)
    tallest = max(len(p) for _, p in panels)
    fig, axes = _new(nrows, height=(0.5 * tallest + 1.2) * nrows + 0.5, width=5.6 * ncols, ncols=ncols)
    for ax, (name, part) in zip(axes.flat, panels):
        _change_bars(ax, part)
        ax.set_title(name, fontsize=9)
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    fig.suptitle(title or "与上年相比（%）", fontsize=10)
    fig.tight_layout()
    return fig


def _change_bars(ax, part: pd.DataFrame) -> None:
    """One bar per concept: its change in percent as the bar's label, both values and the prior's source beside
    the concept's name."""
    part = part.iloc[::-1]
    pct = part["change_pct"]
    where = {"disclosure": "", "上年 fact": "，上年数取自情况说明"}
    names = [
        f"{c}（{int(y) - 1}→{int(y)}）\n{money(a)}→{money(b)}{where.get(s, '')}"
        for c, y, a, b, s in zip(
            part["concept"], part["year"], part["prior_value"], part["value"], part["prior_source"]
        )
    ]
    bars = ax.barh(range(len(part)), pct, color=["#c44e52" if v < 0 else "#55a868" for v in pct])
    ax.bar_label(bars, labels=[f"{v:+.2f}%" for v in pct], padding=3, fontsize=7)
    ax.axvline(0, color="#444444", linewidth=0.8)
    span = max(float(pct.abs().max()), 1.0)
    ax.set_xlim(-1.5 * span, 1.5 * span)
    ax.set_yticks(range(len(part)), names, fontsize=7)
    ax.set_xlabel("%", fontsize=8)


def plot_series(series: pd.DataFrame, concept: str, title: str | None = None) -> Figure:
    """One concept over fiscal years, a line per department (``analysis.series``), every point labelled.

    A filled marker is a year's own account (本年 of that year's document), a hollow one a later narrative's 上年
    statement. Raises KeyError when no row has ``concept``.
    """
    rows = series[series["concept"] == concept].sort_values("fiscal_year")
    if rows.empty:
        raise KeyError(f"no series for {concept!r}")
    fig, axes = _new(height=4.0)
    ax = axes[0, 0]
    for department, part in rows.groupby("department", sort=True):
        years = part["fiscal_year"].astype(int)
        (line,) = ax.plot(years, part["value"], label=department)
        own = part["period"] == "本年"
        ax.scatter(years[own], part["value"][own], color=line.get_color(), zorder=3)
        ax.scatter(years[~own], part["value"][~own], facecolors="white", edgecolors=line.get_color(), zorder=3)
        for x, y in zip(years, part["value"]):
            ax.annotate(money(y), (x, y), xytext=(0, 5), textcoords="offset points", ha="center", fontsize=7)
    years = sorted(rows["fiscal_year"].astype(int).unique())
    ax.set_xticks(years, [f"{y}年" for y in years])
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    ax.set_ylabel("万元")
    ax.set_title(title or f"{concept}：逐年（实心为当年文件，空心为次年情况说明中的上年数）", fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    return fig


@lru_cache(maxsize=1)
def province_tiles() -> pd.DataFrame:
    """The tile grid of China's 34 provincial divisions (``data/province_tiles.csv``: code, short name, row, col),
    one square per province placed roughly where it lies."""
    with resources.files("juesuan").joinpath("data/province_tiles.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={"code": str})


def plot_tile_map(values: pd.DataFrame, value: str = "median", title: str = "", fmt=money) -> Figure:
    """A tile-grid map of China: one square per province, coloured by ``values[value]`` where ``values`` has a row
    for the province (``code``: the province's 6-digit code, as ``analysis.by_region`` gives), grey elsewhere; each
    tile labelled with the province and its value (and ``n`` when given). Raises KeyError when ``values`` lacks
    ``code`` or ``value``."""
    import matplotlib.pyplot as plt

    for col in ("code", value):
        if col not in values:
            raise KeyError(f"plot_tile_map needs a {col!r} column")
    tiles = province_tiles().merge(values.drop_duplicates("code"), on="code", how="left")
    known = tiles[value].dropna()
    norm = plt.Normalize(known.min(), known.max() if len(known) and known.max() > known.min() else known.min() + 1)
    cmap = plt.get_cmap("YlGnBu")
    fig, axes = _new(height=6.2, width=7.6)
    ax = axes[0, 0]
    for t in tiles.itertuples():
        has = pd.notna(getattr(t, value))
        colour = cmap(0.25 + 0.75 * norm(getattr(t, value))) if has else "#eeeeee"
        ax.add_patch(Rectangle((t.col, -t.row), 0.94, 0.94, color=colour))
        text = t.short + (f"\n{fmt(getattr(t, value))}" if has else "")
        if has and "n" in tiles and pd.notna(t.n):
            text += f"\nn={int(t.n)}"
        dark = has and sum(colour[:3]) < 1.5  # white text on the darker tiles
        ax.text(
            t.col + 0.47,
            -t.row + 0.47,
            text,
            ha="center",
            va="center",
            fontsize=7 if has else 8,
            color="white" if dark else "black",
        )
    ax.set_xlim(-0.1, tiles["col"].max() + 1)
    ax.set_ylim(-tiles["row"].max() - 0.1, 1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_structure(structure: pd.DataFrame, split: str = "基本/项目", title: str | None = None) -> Figure:
    """Each disclosure's split (``analysis.structure``) as 100 % stacked bars, every part labelled with its share."""
    rows = structure[structure["split"] == split].dropna(subset=["share"])
    if rows.empty:
        raise KeyError(f"no disclosure has the split {split!r}")
    rows = rows.assign(label=[_row_label(d, y, s) for d, y, s in zip(rows["department"], rows["year"], rows["scope"])])
    wide = rows.pivot_table(index="label", columns="part", values="share", aggfunc="first", sort=False).fillna(0)
    wide = wide[[p for p in dict.fromkeys(rows["part"]) if p in wide.columns]]
    rest = (100 - wide.sum(axis=1)).clip(lower=0)
    if (rest > 0.5).any():
        wide["其余（未分项）"] = rest.where(rest > 0.5, 0)
    fig, axes = _new(height=0.5 * len(wide) + 1.8, width=9)
    ax = axes[0, 0]
    left = pd.Series(0.0, index=wide.index)
    for part in wide.columns:
        bars = ax.barh(
            list(wide.index), wide[part], left=left, label=part, color="#cccccc" if part.startswith("其余") else None
        )
        ax.bar_label(bars, labels=[f"{v:.1f}%" if v else "" for v in wide[part]], label_type="center", fontsize=7)
        left = left + wide[part]
    ax.set_xlim(0, 100)
    ax.set_xlabel("占比（%）")
    ax.set_title(title or f"支出结构：{split}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=len(wide.columns), frameon=False)
    fig.tight_layout()
    return fig


def plot_shares(shares: pd.DataFrame, title: str | None = None, top: int = 6) -> Figure:
    """功能分类 shares (``analysis.functional_shares``) per disclosure as stacked bars of 支出合计, every part labelled.

    Bars use ``share_of_total``, so a narrative that names only some subjects leaves a grey 未列明 remainder rather
    than passing its few subjects off as the whole (``share`` stands in where 支出合计 is unknown). The ``top``
    subjects by total value get their own colour; the rest are pooled as 其他.
    """
    if shares.empty:
        raise KeyError("no 功能分类 shares to plot")
    label = shares["code"] + " " + shares["name"]
    order = shares.assign(label=label).groupby("label")["value"].sum().sort_values(ascending=False).index
    keep = set(order[:top])
    pct = shares["share_of_total"].fillna(shares["share"])
    rows = [_row_label(d, y, s) for d, y, s in zip(shares["department"], shares["year"], shares["scope"])]
    data = shares.assign(label=[lb if lb in keep else "其他" for lb in label], pct=pct, row=rows)
    wide = data.pivot_table(index="row", columns="label", values="pct", aggfunc="sum", sort=False).fillna(0)
    wide = wide[[c for c in list(order[:top]) + ["其他"] if c in wide.columns]]
    rest = (100 - wide.sum(axis=1)).clip(lower=0)
    if (rest > 0.5).any():
        wide["未列明"] = rest.where(rest > 0.5, 0)
    fig, axes = _new(height=0.5 * len(wide) + 2.4, width=9)
    ax = axes[0, 0]
    left = pd.Series(0.0, index=wide.index)
    for col in wide.columns:
        bars = ax.barh(list(wide.index), wide[col], left=left, label=col, color="#dddddd" if col == "未列明" else None)
        ax.bar_label(bars, labels=[f"{v:.1f}" if v else "" for v in wide[col]], label_type="center", fontsize=6)
        left = left + wide[col]
    level = shares["level"].iloc[0]
    ax.set_xlim(0, max(100, float(left.max())))
    ax.set_xlabel("占本部门支出合计的比例（%）")
    ax.set_title(title or f"支出按功能分类（{level}）")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def plot_counts(counts: pd.Series, title: str, xlabel: str = "个数") -> Figure:
    """A count per label (a Series: label → count) as horizontal bars, largest at the top, each labelled."""
    counts = counts.sort_values()
    fig, axes = _new(height=0.4 * len(counts) + 1.4)
    ax = axes[0, 0]
    bars = ax.barh([str(i) for i in counts.index], counts.to_numpy(), color="#4c72b0")
    ax.bar_label(bars, labels=[f"{int(v)}" for v in counts], padding=3, fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.margins(x=0.15)
    fig.tight_layout()
    return fig


def plot_findings(summary: pd.DataFrame, title: str = "各文件的检查结果") -> Figure:
    """Findings per file and severity (``analysis.findings_summary``) as stacked bars, each part labelled with its
    count; files without findings are listed with no bar."""
    colours = {"error": "#c44e52", "warning": "#dd8452", "info": "#8c8c8c"}
    names = {"error": "错误", "warning": "警告", "info": "提示"}
    # findings are per file: one bar per file (a disclosure's tables and narrative are two bars)
    data = summary.assign(label=[Path(f).name if isinstance(f, str) else "?" for f in summary["file"]])
    wide = data.pivot_table(index="label", columns="severity", values="n", aggfunc="sum").fillna(0)
    wide = wide.reindex(columns=[s for s in colours if s in wide.columns])
    labels = list(dict.fromkeys(data["label"]))
    wide = wide.reindex(labels).fillna(0)
    fig, axes = _new(height=0.45 * len(wide) + 1.8, width=9)
    ax = axes[0, 0]
    left = pd.Series(0.0, index=wide.index)
    for sev in wide.columns:
        bars = ax.barh(list(wide.index), wide[sev], left=left, label=names[sev], color=colours[sev])
        ax.bar_label(bars, labels=[f"{int(v)}" if v else "" for v in wide[sev]], label_type="center", fontsize=7)
        left = left + wide[sev]
    ax.set_xlabel("条数")
    ax.set_title(title)
    if len(wide.columns):
        ax.legend(frameon=False)
    fig.tight_layout()
    return fig


__all__ = [
    "CJKFontMissing",
    "CJK_FAMILIES",
    "PACKAGED_FONTS",
    "covers",
    "figure_texts",
    "find_cjk_font",
    "missing_glyphs",
    "money",
    "plot_changes",
    "plot_counts",
    "plot_findings",
    "plot_key_figure",
    "plot_series",
    "plot_series_grid",
    "plot_shares",
    "plot_structure",
    "plot_tile_map",
    "province_tiles",
    "setup_cjk_font",
    "unlabelled_bars",
]
