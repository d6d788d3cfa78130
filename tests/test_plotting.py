"""juesuan.plotting: a CJK font is found or the error says what to install; charts' Chinese labels have glyphs."""

from __future__ import annotations

import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.font_manager as fm  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402

from juesuan import plotting as P  # noqa: E402

CROSS = pd.DataFrame(
    {
        "department_kind": "医疗保障局",
        "kind": "决算",
        "scope": "部门",
        "department": ["株洲市石峰区医疗保障局", "衡南县医疗保障局", "井研县医疗保障局"],
        "province": ["湖南省", "湖南省", "四川省"],
        "year": [2021, 2020, 2021],
        "concept": "机关运行经费",
        "value": [26.69, 100.51, 85.79],
        "source": ["cells", "facts", "facts"],
        "disclosure": ["a", "b", "c"],
        "doc_id": ["a", "b", "c"],
    }
)
HAN = re.compile(r"[\u4e00-\u9fff]")


def _cmap_of(path) -> set[int]:
    index = getattr(path, "face_index", 0)
    fname = getattr(path, "path", path)
    with TTFont(fname, fontNumber=index, lazy=True) as font:
        return set(font.getBestCmap())


def test_setup_finds_a_font_with_the_glyphs_and_puts_it_first():
    family = P.setup_cjk_font()
    assert matplotlib.rcParams["font.sans-serif"][0] == family
    path = fm.findfont(fm.FontProperties(family=family), fallback_to_default=False)
    assert {ord(c) for c in P.SAMPLE} <= _cmap_of(path)  # checked with fontTools, not matplotlib's own lookup


def test_a_chart_draws_its_chinese_labels_without_missing_glyphs(tmp_path):
    fig = P.plot_key_figure(CROSS, "机关运行经费")
    texts = [t.get_text() for t in P.figure_texts(fig)]
    assert "机关运行经费：各地区比较（斜线为情况说明中的数）" in texts and "株洲市石峰区医疗保障局（2021）" in texts
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(tmp_path / "chart.png")
    assert not [w for w in caught if "missing" in str(w.message).lower()], [str(w.message) for w in caught]
    assert P.missing_glyphs(fig) == {}
    # the font the title is drawn with holds every Chinese character of every label
    title = fig.axes[0].title
    path = fm.findfont(title.get_fontproperties())
    chars = {ord(c) for t in texts for c in t if HAN.match(c)}
    assert chars and chars <= _cmap_of(path)
    plt.close(fig)


def test_missing_glyphs_reports_a_label_in_a_latin_only_font():
    P.setup_cjk_font()
    fig, ax = plt.subplots()
    ax.set_title("支出 total", fontfamily="DejaVu Sans")
    ax.set_xlabel("万元")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lost = P.missing_glyphs(fig)
    assert lost == {"支出 total": "支出"}
    plt.close(fig)


def test_no_cjk_font_raises_naming_what_to_install(monkeypatch):
    monkeypatch.setattr(P, "_CHOSEN", [])
    monkeypatch.setattr(P, "PACKAGED_FONTS", ())
    monkeypatch.setattr(P, "_installed_families", lambda: {"DejaVu Sans", "DejaVu Serif"})
    assert P.find_cjk_font() is None
    with pytest.raises(P.CJKFontMissing, match=r"pip install 'juesuan\[plot\]'.*fonts-noto-cjk"):
        P.setup_cjk_font()


def test_a_family_without_the_glyphs_is_not_taken():
    assert not P.covers("DejaVu Sans")
    assert not P.covers("No Such Family 不存在")


def test_series_chart_marks_stated_prior_years_hollow():
    series = pd.DataFrame(
        {
            "department": ["衡南县医疗保障局"] * 2 + ["井研县医疗保障局"] * 2,
            "kind": "决算",
            "concept": "机关运行经费",
            "fiscal_year": [2019, 2020, 2020, 2021],
            "value": [93.83, 100.51, 104.31, 85.79],
            "period": ["上年", "本年", "上年", "本年"],
            "source": "facts",
            "doc_id": ["b", "b", "c", "c"],
        }
    )
    fig = P.plot_series(series, "机关运行经费")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["井研县医疗保障局", "衡南县医疗保障局"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2019年", "2020年", "2021年"]
    hollow = [c for c in ax.collections if len(c.get_offsets()) and (c.get_facecolor()[:, :3] == 1).all()]
    assert sorted(float(c.get_offsets()[0][1]) for c in hollow) == [93.83, 104.31]
    assert P.missing_glyphs(fig) == {}
    with pytest.raises(KeyError, match="三公经费"):
        P.plot_series(series, "三公经费")
    plt.close(fig)


def test_every_bar_carries_its_own_value_and_a_label_beside_the_wrong_bar_is_caught():
    fig = P.plot_key_figure(CROSS, "机关运行经费")
    assert P.unlabelled_bars(fig) == []
    labels = sorted(t.get_text() for t in fig.axes[0].texts)
    assert labels == ["100.51（情况说明）", "26.69", "85.79（情况说明）"]
    plt.close(fig)
    # the old way: labels placed by row number over bars drawn in another order
    fig, ax = plt.subplots()
    values = [26.69, 100.51, 85.79]
    ax.barh(["c", "a", "b"], sorted(values))
    for i, v in enumerate(values):
        ax.annotate(f"{v:,.2f}", (v, i), xytext=(3, 0), textcoords="offset points", va="center")
    assert len(P.unlabelled_bars(fig)) == 2  # 26.69 happens to sit on its own bar; the two others do not
    plt.close(fig)


SERIES = pd.DataFrame(
    {
        "department": ["中国共产党江苏省委员会办公厅"] * 3 + ["江苏省人民检察院"] * 2,
        "kind": "预算",
        "scope": "部门",
        "concept": "支出合计",
        "fiscal_year": [2017, 2018, 2019, 2016, 2017],
        "value": [20849.45, 24458.43, 27664.22, 7667.76, 17996.68],
        "period": ["本年", "本年", "本年", "上年", "本年"],
        "source": ["cells", "cells", "cells", "facts", "cells"],
        "disclosure": list("abcde"),
        "doc_id": list("abcde"),
    }
)


def test_small_multiples_one_panel_per_department_each_bar_labelled_with_its_value_and_change():
    fig = P.plot_series_grid(SERIES, by="department", concept="支出合计")
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == ["中国共产党江苏省委员会办公厅（预算）", "江苏省人民检察院（预算）"]
    assert P.unlabelled_bars(fig) == []
    office = sorted(t.get_text() for t in panels[0].texts)
    assert office == ["20,849.45", "24,458.43\n+17.3%", "27,664.22\n+13.1%"]
    hatched = [p.get_hatch() for p in panels[1].patches]
    assert hatched == ["//", None]  # 2016 is the 2017 narrative's 上年 statement
    assert P.missing_glyphs(fig) == {}
    with pytest.raises(KeyError):
        P.plot_series_grid(SERIES, concept="三公经费")
    plt.close(fig)


def test_tile_map_colours_the_provinces_with_values_and_labels_them():
    values = pd.DataFrame({"code": ["320000", "310000"], "median": [18330.37, 37151.47], "n": [13, 2]})
    fig = P.plot_tile_map(values, title="支出合计")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "江苏\n18,330.37\nn=13" in texts and "上海\n37,151.47\nn=2" in texts and "西藏" in texts
    assert len(fig.axes[0].patches) == 34
    grey = [p for p in fig.axes[0].patches if matplotlib.colors.to_hex(p.get_facecolor()) == "#eeeeee"]
    assert len(grey) == 32
    assert P.missing_glyphs(fig) == {}
    plt.close(fig)
