"""Supervision workflow fixtures: a stand-in for the checks engine (supervision/checks.py and rules.py, tested
on their own) whose outcomes a test chooses, orders of the period, a second auditor. Imported by the tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from ordertaking.accounts.roles import Role


@dataclass(frozen=True)
class FakeEvidence:
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    url: str = ""

    def text(self) -> str:
        return f"订单缺少步骤：{self.params.get('step', '')}"


@dataclass(frozen=True)
class FakeResult:
    code: str
    outcome: str
    evidence: tuple[FakeEvidence, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "outcome": self.outcome,
                "evidence": [{"kind": e.kind, "params": e.params, "url": e.url} for e in self.evidence]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FakeResult:
        return cls(data["code"], data["outcome"], tuple(FakeEvidence(**e) for e in data.get("evidence", [])))


@dataclass(frozen=True)
class FakeDef:
    code: str
    label: str
    clause: str
    description: str = ""


class Engine:
    """Every order passes "steps" and fails "sod" when its id is in `failing`."""

    def __init__(self) -> None:
        self.failing: set[int] = set()
        self.calls: list[list[int]] = []

    def order_checks(self, order_ids: list[int], today: Any = None) -> dict[int, list[FakeResult]]:
        self.calls.append(list(order_ids))
        out = {}
        for pk in order_ids:
            bad = pk in self.failing
            out[pk] = [FakeResult("steps", "pass"),
                       FakeResult("sod", "fail" if bad else "pass",
                                  (FakeEvidence("missing", {"step": "审核"}),) if bad else ())]
        return out


@pytest.fixture
def engine(monkeypatch: Any) -> Engine:
    from ordertaking.supervision import checking

    eng = Engine()
    rules = SimpleNamespace(
        CHECKS=(FakeDef("steps", "步骤齐全且有序", "P2.2.a"), FakeDef("sod", "职责分离", "P2.3.c")),
        CheckResult=FakeResult,
        outcome_label=lambda o: {"pass": "通过", "fail": "不通过"}.get(o, "不适用"))
    monkeypatch.setattr(checking, "_engine", lambda: (eng, rules))
    return eng


@pytest.fixture
def auditor2(make_user):  # type: ignore[no-untyped-def]
    return make_user("auditor2", Role.AUDITOR, display_name="钱审计")


@pytest.fixture
def orders(make_order, customer, finance_user):  # type: ignore[no-untyped-def]
    """Six submitted orders of today."""
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=finance_user)
    return [make_order(state="submitted") for _ in range(6)]


def period() -> dict[str, Any]:
    today = timezone.localdate()
    return {"period_from": today - timedelta(days=30), "period_to": today}
