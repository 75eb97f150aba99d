"""The words of the codes other apps store that a reason carries (a task's kind, a shipping exception's
kind, an inspection's checkpoint): the owning model's own choice labels, so one thing has one word."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ordertaking.fulfilment.models import Task
from ordertaking.logistics.models import ShippingException
from ordertaking.production.models import QualityInspection

# The owning apps' choices (fulfilment's task kinds, logistics' exception kinds, production's checkpoints);
# an unknown code reads as a neutral word, never as the code.
TASK_KINDS: dict[str, Any] = dict(Task.Kind.choices)
EXCEPTION_KINDS: dict[str, Any] = dict(ShippingException.Kind.choices)
CHECKPOINTS: dict[str, Any] = dict(QualityInspection.Checkpoint.choices)


def task_word(code: str) -> str:
    return str(TASK_KINDS.get(code) or _("task"))


def exception_word(code: str) -> str:
    return str(EXCEPTION_KINDS.get(code) or _("exception"))


def checkpoint_word(code: str) -> str:
    return str(CHECKPOINTS.get(code) or _("Inspection"))
