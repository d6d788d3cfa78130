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
        "kind": "医疗保障局",
        "department": ["株洲市石峰区医疗保障局", "衡南县医疗保障局", "井研县医疗保障局"],
        "region": ["株洲市石峰区", "衡南县", "井研县"],
        "year": [2021, 2020, 2021],
        "key": "机关运行经费",
        "value": [26.69, 100.51, 85.79],
        "source": ["cells", "facts", "facts"],
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
    assert "机关运行经费：各地区比较" in texts and "株洲市石峰区医疗保障局（2021）" in texts
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
            "key": "机关运行经费",
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
