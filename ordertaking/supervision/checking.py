"""The inspection's side of the automatic process checks (P6.1.a): runs the checks engine
(`supervision/checks.py`, `supervision/rules.py`) over the sampled orders and reads its stored results
back as words — each check's label, clause, outcome and evidence in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import checks as engine_checks
from . import rules as engine_rules


def _engine() -> tuple[Any, Any]:
    """The checks engine (its own module pair; tests may stand in for it)."""
    return engine_checks, engine_rules


def run(order_ids: Sequence[int], *, today: date | None = None) -> dict[int, list[dict[str, Any]]]:
    """Each order's check results, as stored (CheckResult.as_json)."""
    checks, _rules = _engine()
    results = checks.order_checks(list(order_ids), today=today)
    return {pk: [r.as_json() for r in results.get(pk, [])] for pk in order_ids}


def definitions() -> dict[str, Any]:
    _checks, rules = _engine()
    return {d.code: d for d in rules.CHECKS}


@dataclass(frozen=True)
class Shown:
    """One stored check result as the reader sees it."""

    code: str
    label: str
    clause: str
    description: str
    outcome: str
    outcome_label: str
    evidence: list[tuple[str, str]]  # (sentence, url)

    @property
    def failed(self) -> bool:
        return self.outcome == "fail"


def show(data: dict[str, Any], defs: dict[str, Any] | None = None) -> Shown:
    _checks, rules = _engine()
    defs = defs if defs is not None else definitions()
    r = rules.CheckResult.from_json(data)
    d = defs.get(r.code)
    return Shown(code=r.code, label=str(d.label) if d else "", clause=d.clause if d else "",
                 description=str(d.description) if d else "", outcome=r.outcome,
                 outcome_label=str(rules.outcome_label(r.outcome)),
                 evidence=[(e.text(), e.url) for e in r.evidence])


def show_all(results: list[dict[str, Any]], defs: dict[str, Any] | None = None) -> list[Shown]:
    defs = defs if defs is not None else definitions()
    return [show(d, defs) for d in results]


def failed_count(results: list[dict[str, Any]]) -> int:
    return sum(1 for d in results if d.get("outcome") == "fail")
