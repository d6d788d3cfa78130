"""Department identity: canonical names across abbreviations, renames and years; proposals and confirmed matches."""

from __future__ import annotations

import pandas as pd
import pytest

from juesuan.departments import load_confirmed, normalise_department, parse_department, propose_matches, save_confirmed
from juesuan.regions import region_of

JIANGSU = region_of("江苏省")


@pytest.mark.parametrize(
    "names, canonical",
    [
        (
            ["中国共产党江苏省委员会办公厅", "中共江苏省委办公厅", "江苏省委办公厅", "省委办公厅"],
            "中国共产党江苏省委员会办公厅",
        ),
        (
            ["中国人民政治协商会议江苏省委员会办公厅", "江苏省政协办公厅", "省政协办公厅"],
            "中国人民政治协商会议江苏省委员会办公厅",
        ),
        (["江苏省人民检察院", "省检察院", "江苏省检察院"], "江苏省人民检察院"),
        (["江苏省高级人民法院", "省法院"], "江苏省高级人民法院"),
        (
            ["江苏省人大常委会办公厅", "江苏省人大办公厅", "省人大办公厅", "江苏省人大常委会"],
            "江苏省人民代表大会常务委员会办公厅",
        ),
    ],
)
def test_full_and_short_names_of_one_jiangsu_department(names, canonical):
    assert {normalise_department(n, JIANGSU) for n in names} == {canonical}


def test_a_bare_level_takes_the_documents_place_and_says_so():
    d = parse_department("省检察院", JIANGSU)
    assert d.canonical == "江苏省人民检察院" and d.region.code == "320000"
    assert any("江苏省" in h for h in d.how)
    assert normalise_department("省检察院") == "省人民检察院"  # without a region nothing is invented


def test_the_place_is_written_one_way():
    assert normalise_department("石峰区医保局") == "株洲市石峰区医疗保障局"
    assert normalise_department("湖南省株洲市石峰区医疗保障局") == "株洲市石峰区医疗保障局"
    assert normalise_department("政协平潭县委员会") == normalise_department("中国人民政治协商会议福建省平潭县委员会")
    assert normalise_department("中共上海市普陀区委社会工作部") == "中国共产党上海市普陀区委员会社会工作部"
    assert normalise_department("西南大学") == "西南大学"


def test_a_rename_of_the_2018_reform_is_one_department():
    d = parse_department("株洲市卫生和计划生育委员会")
    assert d.canonical == "株洲市卫生健康委员会" == normalise_department("株洲市卫健委")
    assert any(h.startswith("rename") and "2018" in h for h in d.how)


def test_a_successor_is_proposed_never_merged():
    assert normalise_department("株洲市国土资源局") != normalise_department("株洲市自然资源局")
    pairs = propose_matches(["株洲市国土资源局", "株洲市自然资源局"])
    row = pairs[(pairs.name_a == "株洲市国土资源局") & (pairs.name_b == "株洲市自然资源局")].iloc[0]
    assert row.score == 0.6 and row.reason.startswith("successor")


def test_propose_matches_reports_what_matches_nothing():
    pairs = propose_matches(["江苏省委办公厅", "中共江苏省委办公厅", "西南大学", "株洲市石峰区医疗保障局"])
    same = pairs[pairs.name_b == "中共江苏省委办公厅"].iloc[0]
    assert same.score == 1.0 and same.canonical_a == same.canonical_b == "中国共产党江苏省委员会办公厅"
    unmatched = pairs[pairs.reason == "no match"]
    assert set(unmatched.name_a) == {"西南大学", "株洲市石峰区医疗保障局"} and (unmatched.name_b == "").all()
    assert list(pairs.columns[:2]) == ["name_a", "name_b"]


def test_different_places_are_not_proposed():
    pairs = propose_matches(["株洲市财政局", "衡阳市财政局"])
    assert set(pairs.reason) == {"no match"}


def test_confirmed_matches_win_over_every_rule(tmp_path):
    path = tmp_path / "matches.csv"
    pd.DataFrame({"name": ["石峰医保"], "canonical": ["株洲市石峰区医疗保障局"]}).to_csv(path, index=False)
    assert normalise_department("石峰医保") == "石峰医保"
    assert normalise_department("石峰医保", confirmed=path) == "株洲市石峰区医疗保障局"
    assert normalise_department("石峰医保", confirmed=load_confirmed(path)) == "株洲市石峰区医疗保障局"


def test_save_confirmed_writes_what_normalise_reads_back(tmp_path):
    pairs = propose_matches(["株洲市国土资源局", "株洲市自然资源局"])
    kept = pairs[pairs.reason.str.startswith("successor")]
    path = tmp_path / "confirmed.csv"
    assert save_confirmed(kept, path) == 2
    assert normalise_department("株洲市自然资源局", confirmed=path) == "株洲市国土资源局"


def test_a_confirmed_file_without_its_columns_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("名称,标准名\n甲,乙\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.csv"):
        load_confirmed(path)
