"""Text exports in the encodings Chinese Windows tools write, read without being told: every cell exact and the
narrative's facts the same; bytes that decode only to mojibake are refused, never read silently wrong."""

from __future__ import annotations

import pytest

import juesuan
from juesuan.errors import Unreadable
from juesuan.readers import read_raw
from juesuan.readers.text import PLAUSIBLE, codec_name, decode_best, plausibility
from juesuan.testing import render_web
from juesuan.testing.synth import make_document

from .roundtrip import cell_mismatches
from .test_read_html import narrative_facts, text_export


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "utf-8"])
@pytest.mark.parametrize("seed, variant", [(0, {}), (1, {"unit": "元"})])
def test_text_export_in_any_encoding_round_trips(tmp_path, encoding, seed, variant):
    synth = make_document(seed=seed, **variant)
    path = render_web.to_encoded_text(synth, tmp_path / "export.txt", encoding, rows_per_page=5)
    got = juesuan.read(path)
    bad = cell_mismatches(synth.expected, got.cells)
    assert bad.empty, bad.head(20).to_string()
    assert got.meta["format"] == "text" and got.meta["department"] == synth.department
    assert narrative_facts(got).equals(narrative_facts(text_export(tmp_path, synth)))


SENTENCE = "2022年度收入合计3892.73万元，其中：财政拨款收入3891.73万元，与上年相比减少15.15万元。"


@pytest.mark.parametrize("length", [8, 16, 40, len(SENTENCE)])
@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-16"])
def test_short_texts_decode_right(tmp_path, length, encoding):
    text = SENTENCE[:length]
    got, _codec, _ = decode_best(text.encode(encoding), tmp_path / "x.txt")
    assert got == text


def test_traditional_characters_in_big5():
    text = "二零二二年度部門決算：收入合計三千八百萬元，財政撥款收入。"
    got, codec, _ = decode_best(text.encode("big5"), None)
    assert got == text and codec == "big5hkscs"


def test_wrong_codec_scores_as_mojibake():
    assert plausibility(SENTENCE) > 0.95
    assert plausibility(SENTENCE.encode("utf-8").decode("gb18030", errors="replace")) < PLAUSIBLE
    assert plausibility(SENTENCE.encode("gb18030").decode("big5hkscs", errors="replace")) < PLAUSIBLE


def test_bytes_that_only_decode_to_mojibake_are_refused(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(("Résumé des comptes — élève à côté, façade " * 20).encode("cp1252"))
    with pytest.raises(Unreadable, match="latin.txt"):
        read_raw(path)


def test_gb2312_labels_mean_gb18030():
    assert codec_name("GB2312") == codec_name("gbk") == codec_name("x-gbk") == "gb18030"
    assert codec_name("big5") == "big5hkscs"
    assert codec_name("no-such-charset") == ""
