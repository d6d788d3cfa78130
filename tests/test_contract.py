"""The data contract (v2) holds for every layout juesuan reads and every real file: one meaning per column,
vocabularies respected, NA for missing text, provenance on every cell and finding, a ledger of checks."""

from __future__ import annotations

import pandas as pd
import pytest

import juesuan
from juesuan.document import Document
from juesuan.schema import TABLES, vocabulary_problems
from juesuan.testing import render
from juesuan.testing.synth import make_document, to_text

_BASIS_WORDS = ("决算数", "预算数", "决算", "预算")


def _generated(tmp_path_factory) -> dict[str, Document]:
    base = tmp_path_factory.mktemp("contract")
    docs = {}
    for seed in (0, 2):
        synth = make_document(seed=seed, unit="元" if seed else "万元")
        text = base / f"s{seed}.txt"
        text.write_text(to_text(synth), encoding="utf-8")
        docs[f"text{seed}"] = juesuan.read(text)
        docs[f"pdf{seed}"] = juesuan.read(render.to_pdf(synth, base / f"s{seed}.pdf", ruled=seed == 0))
        docs[f"xlsx{seed}"] = juesuan.read(render.to_xlsx(synth, base / f"s{seed}.xlsx"))
    return docs


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return _generated(tmp_path_factory)


def _assert_one_meaning(doc: Document, label: str) -> None:
    c = doc.cells
    sided = c["measure"].str.startswith(("收入", "支出")).fillna(False)
    assert not sided.any(), (label, sorted(set(c.loc[sided, "measure"])))
    based = c["measure"].str.endswith(_BASIS_WORDS).fillna(False)
    assert not based.any(), (label, sorted(set(c.loc[based, "measure"])))
    assert (c["name"].notna() | c["item"].notna()).all() and c["basis"].notna().all(), label
    assert (c["side"].notna() == c["table"].isin(["01", "04"])).all(), label  # sides only in two-sided tables
    assert c.loc[c["code"].isna(), "item"].notna().all(), label  # a row without a code has its canonical item
    for name in TABLES:
        frame = doc.checks if name == "checks" else getattr(doc, name, None)
        if isinstance(frame, pd.DataFrame):
            assert not vocabulary_problems(frame, name), (label, vocabulary_problems(frame, name))
            for f in TABLES[name]:
                if f.type == "string":
                    assert frame[f.name].dtype == "string", (label, name, f.name)
                    assert not (frame[f.name] == "").any(), (label, name, f.name, "empty text instead of NA")


def test_generated_layouts_keep_one_meaning_per_column(generated):
    for label, doc in generated.items():
        _assert_one_meaning(doc, label)


def test_sangong_cells_are_items_with_a_basis(generated):
    for label, doc in generated.items():
        c = doc.cells
        host = c[(c["table"] == "07") & (c["name"] == "公务接待费") & (c["basis"] == "决算")]
        assert len(host) == 1 and host["measure"].iloc[0] == "合计", label
        assert set(c.loc[c["table"] == "07", "basis"]) == {"预算", "决算"}, label


def test_every_value_keeps_where_it_was_printed(generated):
    for label, doc in generated.items():
        c = doc.cells
        assert c["printed"].notna().all() and c["unit"].notna().all() and c["page"].notna().all(), label
        if label.startswith("pdf"):
            assert c[["x0", "top", "x1", "bottom"]].notna().all().all(), label
            sizes = doc.raw.page_sizes
            for r in c.itertuples():
                w, h = sizes[r.page]
                assert 0 <= r.x0 < r.x1 <= w and 0 <= r.top < r.bottom <= h, (label, r)
        elif label.startswith("xlsx"):
            assert c["sheet"].notna().all() and c["cell"].str.fullmatch(r"[A-Z]+\d+").all(), label
        else:
            assert c["line"].notna().all() and c["x0"].isna().all(), label


def test_every_finding_has_its_page_and_the_ledger_explains_what_did_not_run(generated, seed000):
    for label, doc in [*generated.items(), ("seed000", seed000)]:
        assert doc.findings["page"].notna().all(), (label, doc.findings[doc.findings["page"].isna()])
        ch = doc.checks
        assert len(ch) and set(ch["outcome"]) <= {"passed", "failed", "not_checked"}, label
        assert ch.loc[ch["outcome"] == "not_checked", "reason"].notna().all(), label
        assert (ch["outcome"] == "passed").sum() > 50, label
        failed = set(doc.findings.loc[doc.findings["severity"] != "info", "check"])
        assert failed <= set(ch.loc[ch["outcome"] == "failed", "check"]) | {"reader", "table_unrecognised"}, label


def test_real_files_keep_the_contract(real_docs):
    for name, doc in real_docs.items():
        if not isinstance(doc, Document):
            continue
        _assert_one_meaning(doc, name)
        assert doc.findings["page"].notna().all(), (name, doc.findings[doc.findings["page"].isna()].head())
        assert len(doc.checks) or doc.meta["status"] == "not_disclosure", name
        if doc.meta["format"] == "pdf" and len(doc.cells):
            c = doc.cells
            assert c[["x0", "top", "x1", "bottom"]].notna().all().all(), name
            for r in c.itertuples():
                w, h = doc.raw.page_sizes[r.page]
                assert 0 <= r.x0 < r.x1 <= w + 0.5 and 0 <= r.top < r.bottom <= h + 0.5, (name, r)


@pytest.mark.parametrize("kind", ["决算", "预算"])
def test_a_narrative_against_its_table_gives_the_same_finding_in_a_budget_and_a_final_account(tmp_path, kind):
    title = {"决算": "收入支出决算总表", "预算": "收支预算总表"}[kind]
    text = f"""2021年度部门{kind}
{title}
单位：万元
项目\t\t项目\t
收入\t{kind}数\t支出\t{kind}数
一、一般公共预算财政拨款收入\t100.00\t一、一般公共服务支出\t100.00
本年收入合计\t100.00\t本年支出合计\t100.00
总计\t100.00\t总计\t100.00
2021年度收入总计120.00万元。
"""
    path = tmp_path / f"{kind}.txt"
    path.write_text(text, encoding="utf-8")
    doc = juesuan.read(path)
    assert doc.meta["kind"] == kind
    f = doc.findings[doc.findings["check"] == "narrative_total"]
    assert f[["severity", "table", "item", "expected", "actual"]].values.tolist() == [
        ["error", "01", "收入总计", 100.0, 120.0]
    ]
    assert f["evidence"].iloc[0].startswith("2021年度收入总计120.00万元")


def test_documents_csv_places_the_samples_with_the_gazetteer():
    from .conftest import ROOT

    docs = pd.read_csv(ROOT / "data" / "clean" / "documents.csv", encoding="utf-8-sig", dtype=str)
    docs["prefix"] = docs["file"].str[:3]
    row = docs.set_index("prefix")
    assert tuple(row.loc["000", ["province", "city", "county", "adcode"]]) == ("湖南省", "株洲市", "石峰区", "430204")
    assert tuple(row.loc["003", ["province", "city", "county", "adcode"]]) == ("山西省", "朔州市", "朔城区", "140602")


def test_a_family_across_documents_includes_regional_layouts(shared_real):
    """Corpus.table("03") is family 03 in every region: 江苏's 支出预算总表 is there, with each document's identity."""
    from juesuan.corpus import read_all

    files = sorted(shared_real.glob("jiangsu-*/*公开表*.pdf"))[:2]
    corpus = read_all(files, workers=1, cache=False)
    t03 = corpus.table("03")
    assert len(t03) and set(t03["doc_id"]) == set(corpus.documents["doc_id"])
    assert set(t03["variant"].dropna()) == {"江苏支出总表"} and (t03["province"] == "江苏省").all()
    t02 = corpus.table("2")
    assert set(t02["variant"].dropna()) == {"江苏收入总表"} and {"year", "department", "kind"} <= set(t02.columns)
