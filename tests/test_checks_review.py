"""document_checks as the pipeline runs it: every review check leaves a ledger row; a family that fails on an odd
text is a warning and the others still run; a template is not reviewed."""

from __future__ import annotations

import juesuan
from juesuan.identity import Identity
from juesuan.validate import Ledger
from juesuan.validate import review as review_module
from juesuan.validate.review import REVIEW_CHECKS, document_checks

from .checks_helpers import raw_of
from .conftest import seed


def test_every_review_check_leaves_a_ledger_row_on_each_sample():
    for prefix in ("000", "001", "002", "003", "004"):
        checks = juesuan.read(seed(prefix)).checks
        rows = checks[checks.check.isin(REVIEW_CHECKS)]
        assert set(rows.check) == set(REVIEW_CHECKS), prefix
        assert rows[rows.outcome == "not_checked"].reason.notna().all(), prefix


def test_a_failing_family_is_a_warning_and_the_others_run(monkeypatch):
    def broken(*_args, **_kwargs):
        raise ValueError("odd text")

    monkeypatch.setattr(review_module, "word_checks", broken)
    raw = raw_of("第一部分 上海市XX局概况", "本年支出合计100万元。")
    led = document_checks(raw, {}, None, Identity(kind="决算", year=2024), Ledger())
    (failed,) = [f for f in led.findings if f["check"] == "review_failed"]
    assert failed["severity"] == "warning" and "words" in failed["message"] and "odd text" in failed["message"]
    assert [f["check"] for f in led.findings if f["check"] == "placeholder"] == ["placeholder"]  # lints still ran


def test_a_template_is_not_reviewed():
    raw = raw_of("第一部分 上海市XX局概况")
    led = document_checks(raw, {}, None, Identity(kind="决算", year=2024, status="template", reason="placeholders"))
    assert not led.findings and {r["outcome"] for r in led.rows} == {"not_checked"}
    assert len(led.rows) == len(REVIEW_CHECKS)
