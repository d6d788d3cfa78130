"""The gazetteer and region_of: places read from department names, titles and a document's text."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from juesuan.regions import division, load_gazetteer, region_in_text, region_of
from juesuan.textnorm import to_simplified


@pytest.mark.parametrize(
    "text, province, city, county, code",
    [
        ("株洲市石峰区医疗保障局", "湖南省", "株洲市", "石峰区", "430204"),
        ("朔州市朔城区医疗保障局", "山西省", "朔州市", "朔城区", "140602"),
        ("上海市普陀区司法局", "上海市", "市辖区", "普陀区", "310107"),
        ("江苏省人大办公厅", "江苏省", "", "", "320000"),
        ("平潭综合实验区行政审批局", "福建省", "福州市", "平潭县", "350128"),
        ("平潭县", "福建省", "福州市", "平潭县", "350128"),
        ("中国人民政治协商会议福建省平潭县委员会", "福建省", "福州市", "平潭县", "350128"),
        ("中共江苏省委办公厅", "江苏省", "", "", "320000"),
        ("衡南县医疗保障局", "湖南省", "衡阳市", "衡南县", "430422"),
        ("乐山市金口河区医疗保障局", "四川省", "乐山市", "金口河区", "511113"),
        ("重庆市石柱土家族自治县财政局", "重庆市", "县", "石柱土家族自治县", "500240"),
        ("上海市普陀區司法局", "上海市", "市辖区", "普陀区", "310107"),  # a traditional 區
    ],
)
def test_region_of_names(text, province, city, county, code):
    r = region_of(text)
    assert (r.province, r.city, r.county, r.code) == (province, city, county, code)
    assert r.source == "name" and r.printed in to_simplified(text)


def test_a_county_is_never_the_tail_of_its_city():
    # today's regex split 朔州市朔城区 into city 朔州 and county 市朔城区
    r = region_of("朔州市朔城区医疗保障局")
    assert r.county == "朔城区" and r.city == "朔州市"
    assert r.name == "山西省朔州市朔城区"


def test_a_name_without_a_place_has_no_region():
    r = region_of("西南大学")
    assert not r and r.code == "" and not r.ambiguous


def test_shared_names_stay_ambiguous_without_context():
    r = region_of("朝阳区财政局")
    assert not r and r.ambiguous and set(r.candidates) == {"110105", "220104"}
    assert region_of("朝阳区财政局", context=region_of("北京市")).code == "110105"
    assert region_of("朝阳区财政局", context=region_of("长春市")).code == "220104"
    assert region_of("长春市朝阳区财政局").code == "220104"  # a parent printed before it decides


def test_a_former_county_is_placed_with_its_code_of_the_time():
    r = region_of("株洲县财政局", year=2017)
    assert (r.code, r.county, r.former) == ("430221", "株洲县", True)
    assert division("430221").last_seen == "201801"
    assert division("430212").name == "渌口区"  # its successor, 2018


def test_short_forms_of_provinces_count_in_names_only():
    assert region_of("江苏政协").code == "320000"
    assert not region_in_text(["江苏政协的委员"])  # in free text a short form is too often a word


def test_region_in_text_prefers_an_address():
    lines = [
        "学校是教育部、重庆市共建的重点综合大学",
        "与重庆市石柱土家族自治县开展县校合作",
        "学校主体位于重庆市北碚区，坐落于缙云山麓",
    ]
    r = region_in_text(lines)
    assert (r.code, r.source) == ("500109", "text line 3")


def test_region_in_text_ignores_words_that_are_county_names():
    # 城区 and 郊区 are counties of 阳泉; 和县 is in 安徽: in sentences they are words
    assert not region_in_text(["老城区和郊区的道路", "城乡和县域经济"])


def test_gazetteer_is_consistent():
    gaz = load_gazetteer()
    rows = list(csv.DictReader((resources.files("juesuan") / "data" / "divisions.csv").open(encoding="utf-8")))
    current = [r for r in rows if r["status"] == "current"]
    assert sum(r["level"] == "province" for r in current) == 34  # 31 + 台湾, 香港, 澳门 (民政部 table)
    assert 2800 < sum(r["level"] == "county" for r in current) < 3000
    for r in rows:
        assert len(r["code"]) == 6 and r["code"].isdigit()
        if r["level"] == "county" and r["status"] != "former":
            assert gaz.division(r["code"][:2] + "0000"), r
            assert gaz.division(r["code"][:4] + "00"), r
        assert not (r["level"] == "county" and r["name"] == "市辖区")
    assert len({(r["code"], r["name"]) for r in rows}) == len(rows)


def test_a_name_that_only_looks_like_a_place_is_not_one():
    assert not region_of("中山大学") and not region_of("中山大学").ambiguous
    assert region_of("广东省中山大学").code == "440000"
    assert region_of("中山市财政局").code == "442000"
    assert not region_of("江西路街道办事处")  # a street named after a province
