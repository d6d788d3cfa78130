"""Charts with Chinese labels that render: a CJK font found (or installed from a package) before anything is drawn.

``setup_cjk_font`` looks for an installed font that has the glyphs (Noto Sans CJK, Source Han Sans, SimHei, Microsoft
YaHei, PingFang, WenQuanYi …), else registers the font file a Python package ships (``pip install 'juesuan[plot]'``
brings noto-cjk-sans-otc), and puts it first in matplotlib's sans-serif list; if nothing has the glyphs it raises
``CJKFontMissing`` saying what to install, rather than letting matplotlib draw empty boxes. ``missing_glyphs`` checks
a drawn figure: every character of every label must be in a font matplotlib will use for it.

The chart helpers take the tidy frames of ``juesuan.analysis`` and return the matplotlib Figure.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from pathlib import Path

import matplotlib
import matplotlib.font_manager as fm
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.text import Text

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


def _sources(values: Iterable[str]) -> list[str]:
    return [SOURCE_LABELS.get(v, v) for v in values]


def _new(nrows: int = 1, height: float = 3.5, width: float = 8.0):
    import matplotlib.pyplot as plt

    setup_cjk_font()
    return plt.subplots(nrows, 1, figsize=(width, height), squeeze=False)


def plot_key_figure(cross: pd.DataFrame, key: str, title: str | None = None) -> Figure:
    """One key figure (万元) per department as horizontal bars, hatched where it comes from the narrative.

    ``cross`` is ``analysis.cross_region`` output. Raises KeyError when no row has ``key``.
    """
    rows = cross[cross["key"] == key].sort_values("value")
    if rows.empty:
        raise KeyError(f"no department has {key!r}")
    fig, axes = _new(height=0.5 * len(rows) + 1.5)
    ax = axes[0, 0]
    labels = [f"{d}（{y}）" for d, y in zip(rows["department"], rows["year"])]
    bars = ax.barh(labels, rows["value"], color=["#4c72b0" if s == "cells" else "#dd8452" for s in rows["source"]])
    for bar, v, s in zip(bars, rows["value"], _sources(rows["source"])):
        ax.annotate(
            f"{v:,.2f}（{s}）",
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_xlabel("万元")
    ax.set_title(title or f"{key}：各地区比较")
    ax.margins(x=0.3)
    fig.tight_layout()
    return fig


def plot_structure(structure: pd.DataFrame, split: str = "基本/项目", title: str | None = None) -> Figure:
    """Each department's split (``analysis.structure``) as 100 % stacked bars, parts labelled with their share."""
    rows = structure[structure["split"] == split].dropna(subset=["share"])
    if rows.empty:
        raise KeyError(f"no document has the split {split!r}")
    wide = rows.pivot_table(index=["department", "year"], columns="part", values="share", aggfunc="first").fillna(0)
    wide = wide[[p for p in dict.fromkeys(rows["part"]) if p in wide.columns]]
    rest = (100 - wide.sum(axis=1)).clip(lower=0)
    if (rest > 0.5).any():
        wide["其余（未分项）"] = rest.where(rest > 0.5, 0)
    fig, axes = _new(height=0.5 * len(wide) + 1.8)
    ax = axes[0, 0]
    left = pd.Series(0.0, index=wide.index)
    labels = [f"{d}（{y}）" for d, y in wide.index]
    for part in wide.columns:
        ax.barh(labels, wide[part], left=left, label=part, color="#cccccc" if part.startswith("其余") else None)
        for i, (lft, v) in enumerate(zip(left, wide[part])):
            if v >= 6:
                ax.text(lft + v / 2, i, f"{v:.1f}%", ha="center", va="center", fontsize=8, color="white")
        left = left + wide[part]
    ax.set_xlim(0, 100)
    ax.set_xlabel("占比（%）")
    ax.set_title(title or f"支出结构：{split}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=len(wide.columns), frameon=False)
    fig.tight_layout()
    return fig


def plot_shares(shares: pd.DataFrame, title: str | None = None, top: int = 6) -> Figure:
    """功能分类 shares (``analysis.functional_shares``) per department as stacked bars of 支出合计.

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
    data = shares.assign(label=[lb if lb in keep else "其他" for lb in label], pct=pct)
    wide = data.pivot_table(index=["department", "year"], columns="label", values="pct", aggfunc="sum").fillna(0)
    wide = wide[[c for c in list(order[:top]) + ["其他"] if c in wide.columns]]
    rest = (100 - wide.sum(axis=1)).clip(lower=0)
    if (rest > 0.5).any():
        wide["未列明"] = rest.where(rest > 0.5, 0)
    fig, axes = _new(height=0.5 * len(wide) + 2.4, width=9)
    ax = axes[0, 0]
    left = pd.Series(0.0, index=wide.index)
    for col in wide.columns:
        ax.barh(
            [f"{d}（{y}）" for d, y in wide.index],
            wide[col],
            left=left,
            label=col,
            color="#dddddd" if col == "未列明" else None,
        )
        left = left + wide[col]
    level = shares["level"].iloc[0]
    ax.set_xlim(0, max(100, float(left.max())))
    ax.set_xlabel("占本部门支出合计的比例（%）")
    ax.set_title(title or f"支出按功能分类（{level}）")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def plot_year_over_year(yoy: pd.DataFrame, department: str | None = None, title: str | None = None) -> Figure:
    """Change on the prior year in percent, one bar per key, for one department (``analysis.year_over_year``).

    Percentages keep 三公经费 of a few 万元 and 支出合计 of a thousand on one axis; each bar is labelled with both
    values in 万元 and where the prior value came from. A key whose prior value is 0 has no percentage: it is listed
    with its values and no bar. Raises KeyError when no row has a prior value.
    """
    rows = yoy.dropna(subset=["prior_value"])
    if department is not None:
        rows = rows[rows["department"] == department]
    if rows.empty:
        raise KeyError(f"no year-over-year rows{' for ' + department if department else ''}")
    department = rows["department"].iloc[0]
    rows = rows[rows["department"] == department].iloc[::-1]
    fig, axes = _new(height=0.45 * len(rows) + 1.6, width=9)
    ax = axes[0, 0]
    pct = rows["change_pct"].fillna(0)
    labels = [f"{k}（{int(a)}→{int(b)}）" for k, a, b in zip(rows["key"], rows["prior_year"], rows["year"])]
    ax.barh(labels, pct, color=["#c44e52" if v < 0 else "#55a868" for v in pct])
    ax.axvline(0, color="#444444", linewidth=0.8)
    span = max(float(pct.abs().max()), 1.0)
    for i, r in enumerate(rows.itertuples()):
        where = "上年文件" if r.prior_source == "document" else "情况说明上年数"
        text = (
            f"{r.prior_value:,.2f} → {r.value:,.2f} 万元（{where}）"
            if pd.notna(r.change_pct)
            else f"{r.prior_value:,.2f} → {r.value:,.2f} 万元，上年为0，无增减率"
        )
        ax.annotate(
            text,
            (0, i),
            xytext=(4 if (r.change_pct or 0) < 0 else -4, 0),
            textcoords="offset points",
            va="center",
            ha="left" if (r.change_pct or 0) < 0 else "right",
            fontsize=8,
        )
    ax.set_xlim(-1.6 * span, 1.6 * span)
    ax.set_xlabel("与上年相比（%）")
    ax.set_title(title or f"{department}：与上年相比")
    fig.tight_layout()
    return fig


def plot_series(series: pd.DataFrame, key: str, title: str | None = None) -> Figure:
    """One key figure over fiscal years, a line per department (``analysis.series``).

    A filled marker is a year's own account (本年 of that year's document), a hollow one a later narrative's 上年
    statement. Raises KeyError when no row has ``key``.
    """
    rows = series[series["key"] == key].sort_values("fiscal_year")
    if rows.empty:
        raise KeyError(f"no series for {key!r}")
    fig, axes = _new(height=4.0)
    ax = axes[0, 0]
    for department, part in rows.groupby("department", sort=True):
        years = part["fiscal_year"].astype(int)
        (line,) = ax.plot(years, part["value"], label=department)
        own = part["period"] == "本年"
        ax.scatter(years[own], part["value"][own], color=line.get_color(), zorder=3)
        ax.scatter(years[~own], part["value"][~own], facecolors="white", edgecolors=line.get_color(), zorder=3)
    years = sorted(rows["fiscal_year"].astype(int).unique())
    ax.set_xticks(years, [f"{y}年" for y in years])
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    ax.set_ylabel("万元")
    ax.set_title(title or f"{key}：逐年（实心为当年决算，空心为次年情况说明中的上年数）", fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    return fig


def plot_findings(summary: pd.DataFrame, title: str = "各文件的检查结果") -> Figure:
    """Findings per document and severity (``analysis.findings_summary``) as stacked bars; 0 for clean documents."""
    colours = {"error": "#c44e52", "warning": "#dd8452", "info": "#8c8c8c"}
    names = {"error": "错误", "warning": "警告", "info": "提示"}
    data = summary.assign(label=[f"{d}（{y}）" for d, y in zip(summary["department"], summary["year"])])
    wide = data.pivot_table(index="label", columns="severity", values="n", aggfunc="sum").fillna(0)
    wide = wide.reindex(columns=[s for s in colours if s in wide.columns])
    labels = list(dict.fromkeys(data["label"]))
    wide = wide.reindex(labels).fillna(0)
    fig, axes = _new(height=0.5 * len(wide) + 1.8)
    ax = axes[0, 0]
    left = pd.Series(0.0, index=wide.index)
    for sev in wide.columns:
        ax.barh(wide.index, wide[sev], left=left, label=names[sev], color=colours[sev])
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
    "plot_findings",
    "plot_key_figure",
    "plot_series",
    "plot_shares",
    "plot_structure",
    "plot_year_over_year",
    "setup_cjk_font",
]
