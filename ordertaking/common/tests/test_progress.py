"""The progress hand-off (common/progress.py): reports inside a batch run the handlers once per order, at
the batch's end, with the last report's actor; nothing runs when the batch raises."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from ordertaking.common import progress


@pytest.fixture
def heard(monkeypatch):  # type: ignore[no-untyped-def]
    calls: list[tuple[Any, Any]] = []
    monkeypatch.setattr(progress, "_handlers", [lambda order, actor, first: calls.append((order.pk, actor))])
    return calls


def test_p2_4_d_outside_a_batch_every_report_runs_the_handlers(heard):  # type: ignore[no-untyped-def]
    a = SimpleNamespace(pk=1)
    progress.order_progress_changed(order=a, actor="x")
    progress.order_progress_changed(order=a, actor="y")
    assert heard == [(1, "x"), (1, "y")]


def test_p2_4_d_a_batch_runs_the_handlers_once_per_order_at_its_end(heard):  # type: ignore[no-untyped-def]
    a, b = SimpleNamespace(pk=1), SimpleNamespace(pk=2)
    with progress.progress_batch():
        progress.order_progress_changed(order=a, actor="x")
        with progress.progress_batch():  # a nested service joins the outer batch
            progress.order_progress_changed(order=b, actor="x")
            progress.order_progress_changed(order=a, actor="y")
        assert heard == []
    assert heard == [(2, "x"), (1, "y")]
    progress.order_progress_changed(order=a, actor="z")  # the batch is over
    assert heard[-1] == (1, "z")


def test_p2_4_d_a_batch_that_raises_runs_nothing(heard):  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), progress.progress_batch():
        progress.order_progress_changed(order=SimpleNamespace(pk=1), actor="x")
        raise RuntimeError("refused")
    assert heard == []
    progress.order_progress_changed(order=SimpleNamespace(pk=1), actor="x")
    assert heard == [(1, "x")]
