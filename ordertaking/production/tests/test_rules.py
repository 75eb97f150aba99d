"""Production's rules as pure functions (P3.4 progress, P5.2.b inspections, attachments), on known dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ordertaking.common.errors import ValidationFailed
from ordertaking.production import rules

PLANNED = date(2026, 12, 20)
TEN = Decimal("10")


def test_p3_4_forecast_is_the_planned_finish_before_any_progress():
    assert rules.forecast_finish(planned_finish=PLANNED, today=date(2026, 12, 1)) == PLANNED
    assert rules.forecast_finish(planned_finish=PLANNED, today=date(2026, 12, 1), started_on=date(2026, 12, 1),
                                 percent=0) == PLANNED


def test_p3_4_forecast_extrapolates_from_the_rate_so_far():
    # Started 1 Dec, 40 % after 4 days (1–4 Dec): 10 % a day, 10 days in all → 10 Dec.
    assert rules.forecast_finish(planned_finish=PLANNED, today=date(2026, 12, 4), started_on=date(2026, 12, 1),
                                 percent=40) == date(2026, 12, 10)
    # 25 % after 10 days: 40 days in all → 9 Jan, after the planned finish.
    assert rules.forecast_finish(planned_finish=PLANNED, today=date(2026, 12, 10), started_on=date(2026, 12, 1),
                                 percent=25) == date(2027, 1, 9)
    # 33 % on the first day: 100 / 33 = 3.03 days, rounded up to 4 (1–4 Dec), never down.
    assert rules.forecast_finish(planned_finish=PLANNED, today=date(2026, 12, 1), started_on=date(2026, 12, 1),
                                 percent=33) == date(2026, 12, 4)


def test_p3_4_forecast_is_never_before_today_while_unfinished():
    # 100 % reported a week ago but not finished: it finishes today at the earliest.
    assert rules.forecast_finish(planned_finish=PLANNED, today=date(2026, 12, 15), started_on=date(2026, 12, 1),
                                 percent=100) == date(2026, 12, 15)
    # Not started and the planned finish has passed: today, not the past.
    assert rules.forecast_finish(planned_finish=date(2026, 12, 1), today=date(2026, 12, 5)) == date(2026, 12, 5)


def test_p3_4_forecast_of_a_finished_order_is_the_day_it_finished():
    assert rules.forecast_finish(planned_finish=PLANNED, today=date(2026, 12, 30), started_on=date(2026, 12, 1),
                                 percent=100, finished_on=date(2026, 12, 22)) == date(2026, 12, 22)


def test_p3_4_progress_goes_forward_or_says_why_it_went_back():
    rules.progress_check(previous=40, percent=60, note="")
    rules.progress_check(previous=40, percent=40, note="")
    rules.progress_check(previous=60, percent=50, note="返工两台，绕组重做")
    with pytest.raises(ValidationFailed) as e:
        rules.progress_check(previous=60, percent=50, note="  ")
    assert e.value.field == "note" and e.value.code == "progress_backwards"
    for bad in (-1, 101):
        with pytest.raises(ValidationFailed) as e:
            rules.progress_check(previous=0, percent=bad, note="")
        assert e.value.field == "percent"


def figures(**kw):  # type: ignore[no-untyped-def]
    base = {"sample_size": 5, "inspected_quantity": Decimal("10"), "result": "pass", "defect_count": 0, "defects": ""}
    return rules.InspectionFigures(**{**base, **kw})


def test_p5_2_b_each_checkpoint_needs_production_to_have_reached_it():
    rules.inspection_check(checkpoint="raw_material", production_state="planned", figures=figures(), quantity=TEN)
    rules.inspection_check(checkpoint="in_process", production_state="in_progress", figures=figures(), quantity=TEN)
    rules.inspection_check(checkpoint="finished", production_state="finished", figures=figures(), quantity=TEN)
    for checkpoint, state in (("raw_material", "finished"), ("in_process", "planned"), ("finished", "in_progress")):
        with pytest.raises(ValidationFailed) as e:
            rules.inspection_check(checkpoint=checkpoint, production_state=state, figures=figures(), quantity=TEN)
        assert e.value.field == "checkpoint"


@pytest.mark.parametrize(("kw", "field"), [
    ({"sample_size": 0}, "sample_size"),
    ({"inspected_quantity": Decimal("11")}, "inspected_quantity"),
    ({"inspected_quantity": Decimal("0")}, "inspected_quantity"),
    ({"sample_size": 8, "inspected_quantity": Decimal("5")}, "sample_size"),
    ({"defect_count": 6}, "defect_count"),
    ({"result": "fail"}, "defects"),
    ({"result": "maybe"}, "result"),
])
def test_p5_2_b_inspection_figures_are_checked_field_by_field(kw, field):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as e:
        rules.inspection_check(checkpoint="finished", production_state="finished", figures=figures(**kw), quantity=TEN)
    assert e.value.field == field


def test_p5_2_b_a_failure_with_a_defect_count_or_a_description_is_enough():
    rules.inspection_check(checkpoint="finished", production_state="finished",
                           figures=figures(result="fail", defect_count=2), quantity=TEN)
    rules.inspection_check(checkpoint="finished", production_state="finished",
                           figures=figures(result="fail", defects="外壳划伤"), quantity=TEN)


def test_attachments_are_checked_by_name_content_and_size():
    assert rules.attachment_check(name="a.PNG", size=100, head=b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert rules.attachment_check(name="a.jpg", size=100, head=b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert rules.attachment_check(name="r.pdf", size=100, head=b"%PDF-1.7") == "application/pdf"
    cases = [
        ({"name": "x.html", "size": 100, "head": b"<html>"}, "attachment_type"),
        ({"name": "x.svg", "size": 100, "head": b"<svg"}, "attachment_type"),
        ({"name": "noext", "size": 100, "head": b"%PDF-"}, "attachment_type"),
        ({"name": "photo.jpg", "size": 100, "head": b"<html><script>"}, "attachment_content"),
        ({"name": "big.pdf", "size": rules.MAX_ATTACHMENT_BYTES + 1, "head": b"%PDF-"}, "attachment_too_large"),
        ({"name": "empty.png", "size": 0, "head": b""}, "attachment_empty"),
    ]
    for kw, code in cases:
        with pytest.raises(ValidationFailed) as e:
            rules.attachment_check(**kw)  # type: ignore[arg-type]
        assert (e.value.code, e.value.field) == (code, "attachments")
