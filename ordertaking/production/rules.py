"""Production and quality rules as pure functions over plain values (P2.4.b, P3.4, P5.2.b), tested
without a database. Each raises ValidationFailed naming the field at fault, or returns a value."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from ordertaking.attachments.rules import file_check
from ordertaking.common.errors import ValidationFailed

# --- progress reports (P3.4) ---------------------------------------------------------------------------


def progress_check(*, previous: int, percent: int, note: str) -> None:
    """P3.4 progress reported to sales: a percentage 0–100 that never goes back, unless the note says
    why (rework undoes work: the report says so, and the sales rep reads it)."""
    if percent < 0 or percent > 100:
        raise ValidationFailed(_("Progress is a percentage from 0 to 100."), field="percent",
                               code="percent_out_of_range")
    if percent < previous and not note.strip():
        raise ValidationFailed(
            _("Progress was %(prev)s%%; a lower figure needs a note saying why (rework, say).")
            % {"prev": previous}, field="note", code="progress_backwards")


# --- the forecast finish (P2.4.d via tracking, P3.4) -----------------------------------------------


def forecast_finish(*, planned_finish: date, today: date, started_on: date | None = None, percent: int = 0,
                    finished_on: date | None = None) -> date:
    """When a production order will finish, as of `today` (P3.4 progress, read by P2.4.d tracking):

    - finished: the day it finished;
    - no progress yet (not started, or 0 %): the planned finish;
    - otherwise extrapolated from the rate so far: `percent` done in the calendar days from the start
      through today (both counted), so the whole takes days × 100 / percent, rounded up;
    - never before today while unfinished (work not done today is not done yesterday).
    """
    if finished_on is not None:
        return finished_on
    if started_on is None or percent <= 0:
        forecast = planned_finish
    else:
        elapsed = max(1, (today - started_on).days + 1)
        total_days = math.ceil(elapsed * 100 / min(percent, 100))
        forecast = started_on + timedelta(days=total_days - 1)
    return max(forecast, today)


# --- quality inspections (P5.2.b) ----------------------------------------------------------------------

# Where production must be for each checkpoint: raw material before or during production, in-process
# during it, finished product once it is finished.
CHECKPOINT_STATES: dict[str, frozenset[str]] = {
    "raw_material": frozenset({"planned", "in_progress"}),
    "in_process": frozenset({"in_progress"}),
    "finished": frozenset({"finished"}),
}


@dataclass(frozen=True)
class InspectionFigures:
    sample_size: int
    inspected_quantity: Decimal  # checked against the production order's quantity
    result: str
    defect_count: int
    defects: str


def inspection_check(*, checkpoint: str, production_state: str, figures: InspectionFigures,
                     quantity: Decimal) -> None:
    """P5.2.b: an inspection at a checkpoint production has reached, of a sample no larger than the
    goods inspected, of no more than the order's quantity; a failure says what the defects are."""
    allowed = CHECKPOINT_STATES.get(checkpoint)
    if allowed is None:
        raise ValidationFailed(_("Choose a checkpoint."), field="checkpoint", code="unknown_checkpoint")
    if production_state not in allowed:
        messages = {
            "raw_material": _("Raw material is inspected before or during production, not after."),
            "in_process": _("The in-process inspection needs production under way."),
            "finished": _("The finished product is inspected once production is finished."),
        }
        raise ValidationFailed(messages[checkpoint], field="checkpoint", code="checkpoint_not_reached")
    if figures.result not in ("pass", "fail"):
        raise ValidationFailed(_("Choose pass or fail."), field="result", code="unknown_result")
    if figures.sample_size <= 0:
        raise ValidationFailed(_("The sample size must be at least 1."), field="sample_size")
    q = figures.inspected_quantity
    if q <= 0:
        raise ValidationFailed(_("The inspected quantity must be greater than zero."), field="inspected_quantity")
    if q > quantity:
        raise ValidationFailed(_("No more than the production order's %(q)s can be inspected.")
                               % {"q": quantity}, field="inspected_quantity", code="over_quantity")
    if figures.sample_size > q:
        raise ValidationFailed(_("The sample cannot be larger than the quantity inspected."),
                               field="sample_size", code="sample_too_large")
    if figures.defect_count < 0:
        raise ValidationFailed(_("The number of defects cannot be negative."), field="defect_count")
    if figures.defect_count > figures.sample_size:
        raise ValidationFailed(_("More defects than samples inspected."), field="defect_count")
    if figures.result == "fail" and figures.defect_count == 0 and not figures.defects.strip():
        raise ValidationFailed(_("A failed inspection says what the defects are."), field="defects",
                               code="defects_missing")


# --- attachments ----------------------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
# An inspection's photos and reports: JPG, PNG or PDF (the attachments app's types).
INSPECTION_TYPES = ("jpeg", "png", "pdf")


def attachment_check(*, name: str, size: int, head: bytes, field: str = "attachments") -> str:
    """A photo or report: jpg, png or pdf by name AND by content (an HTML page named photo.jpg is refused),
    at most 10 MB. The one rule for uploaded files is the attachments app's (`attachments.rules.file_check`);
    this is production's choice of types and size. Returns the content type it is stored and served with."""
    return file_check(name=name, size=size, head=head, max_bytes=MAX_ATTACHMENT_BYTES, allowed=INSPECTION_TYPES,
                      field=field).content_type
