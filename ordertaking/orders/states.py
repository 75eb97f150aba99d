"""The order state table: every allowed move, in one place (CONVENTIONS.md).

A state is never edited directly; services call `check_move()` and then set it.
Later chapters (execution P2.4, delivery P2.5) extend this table.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ordertaking.common.errors import InvalidTransition


class OrderState(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草稿
    SUBMITTED = "submitted", _("Pending review")  # 待审核
    RETURNED = "returned", _("Returned")  # 已退回
    CREDIT_HOLD = "credit_hold", _("Credit hold")  # 信用冻结 (P5.1)
    APPROVED = "approved", _("Approved")  # 已通过
    CANCELLED = "cancelled", _("Cancelled")  # 已取消


S = OrderState

# verb -> (from states, to state, clause)
MOVES: dict[str, tuple[frozenset[str], str, str]] = {
    "submit": (frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, "P2.2.a"),
    "approve": (frozenset({S.SUBMITTED}), S.APPROVED, "P2.3.c"),
    "return": (frozenset({S.SUBMITTED, S.CREDIT_HOLD}), S.RETURNED, "P2.3.c"),
    "hold": (frozenset({S.SUBMITTED}), S.CREDIT_HOLD, "P5.1"),
    "release": (frozenset({S.CREDIT_HOLD}), S.SUBMITTED, "P5.1"),
    "cancel": (frozenset({S.DRAFT, S.RETURNED, S.CREDIT_HOLD}), S.CANCELLED, "P2.2"),
}

EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
OPEN_STATES = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, S.CREDIT_HOLD})


VERB_LABELS = {
    "submit": _("submit"),  # 提交
    "approve": _("approve"),  # 审核通过
    "return": _("return"),  # 退回
    "hold": _("put on credit hold"),  # 信用冻结
    "release": _("release from credit hold"),  # 解除冻结
    "cancel": _("cancel"),  # 取消
}


def can_move(state: str, verb: str) -> bool:
    sources, _to, _clause = MOVES[verb]
    return state in sources


def check_move(state: str, verb: str) -> str:
    """The target state of `verb` from `state`, or InvalidTransition."""
    sources, target, _clause = MOVES[verb]
    if state not in sources:
        label = OrderState(state).label if state in OrderState.values else state
        raise InvalidTransition(
            _("Cannot %(verb)s an order that is %(state)s.") % {"verb": VERB_LABELS.get(verb, verb), "state": label},
            code="invalid_transition", field="state")
    return target
