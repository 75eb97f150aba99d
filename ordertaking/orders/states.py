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
    IN_EXECUTION = "in_execution", _("In execution")  # 执行中 (P2.4)
    PARTLY_SHIPPED = "partly_shipped", _("Partly shipped")  # 部分发货 (P2.4.c)
    SHIPPED = "shipped", _("Shipped")  # 已发货 (P2.4.c)
    DELIVERED = "delivered", _("Delivered")  # 已交付 (P2.5.b)
    ACCEPTED = "accepted", _("Accepted")  # 已验收 (P2.5.c)
    CLOSED = "closed", _("Closed")  # 已关闭 (accepted and paid)
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
    # After approval (P2.4, P2.5). "start": the first task of the order is started.
    "start": (frozenset({S.APPROVED}), S.IN_EXECUTION, "P2.4.a"),
    "ship_part": (frozenset({S.APPROVED, S.IN_EXECUTION, S.PARTLY_SHIPPED}), S.PARTLY_SHIPPED, "P2.4.c"),
    "ship_all": (frozenset({S.APPROVED, S.IN_EXECUTION, S.PARTLY_SHIPPED}), S.SHIPPED, "P2.4.c"),
    "deliver": (frozenset({S.SHIPPED}), S.DELIVERED, "P2.5.b"),
    "accept": (frozenset({S.DELIVERED}), S.ACCEPTED, "P2.5.c"),
    "close": (frozenset({S.ACCEPTED}), S.CLOSED, "P3.6"),
    # Cancel after approval: agreed by the order center (leadership above an amount), exposure released.
    "cancel_approved": (frozenset({S.APPROVED, S.IN_EXECUTION, S.PARTLY_SHIPPED}), S.CANCELLED, "P2.4"),
    # Change after approval: the changed order goes back through review (P2.3) as a new revision.
    "change": (frozenset({S.APPROVED, S.IN_EXECUTION, S.PARTLY_SHIPPED}), S.SUBMITTED, "P2.3"),
    # A returned change withdrawn: the approved content is restored, the order approved again as it was
    # (and moved on to the execution state it came from by "start"/"ship_part").
    "change_withdraw": (frozenset({S.RETURNED}), S.APPROVED, "P2.3"),
}

# The states of an approved order on its way to the customer (P2.4): its tasks are live.
EXECUTION_STATES = frozenset({S.APPROVED, S.IN_EXECUTION, S.PARTLY_SHIPPED, S.SHIPPED})

EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
OPEN_STATES = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, S.CREDIT_HOLD})


VERB_LABELS = {
    "submit": _("submit"),  # 提交
    "approve": _("approve"),  # 审核通过
    "return": _("return"),  # 退回
    "hold": _("put on credit hold"),  # 信用冻结
    "release": _("release from credit hold"),  # 解除冻结
    "cancel": _("cancel"),  # 取消
    "start": _("start executing"),  # 开始执行
    "ship_part": _("ship part of"),  # 部分发货
    "ship_all": _("ship"),  # 发货
    "deliver": _("deliver"),  # 交付
    "accept": _("accept"),  # 验收
    "close": _("close"),  # 关闭
    "cancel_approved": _("cancel"),  # 取消
    "change": _("change"),  # 变更
    "change_withdraw": _("withdraw the change of"),  # 撤回变更
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
