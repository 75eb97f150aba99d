"""Whistleblowing fixtures: two designated investigators, a report received on the public page."""

from __future__ import annotations

from typing import Any

import pytest

from ordertaking.accounts.roles import Role


@pytest.fixture
def investigator(make_user):  # type: ignore[no-untyped-def]
    return make_user("inv1", Role.INVESTIGATOR, display_name="赵调查")


@pytest.fixture
def investigator2(make_user):  # type: ignore[no-untyped-def]
    return make_user("inv2", Role.INVESTIGATOR, display_name="孙调查")


@pytest.fixture
def submitted(investigator, investigator2) -> tuple[Any, str]:  # type: ignore[no-untyped-def]
    from ordertaking.whistleblowing.services import report_submit

    return report_submit(what="销售员把订单拆成两单，绕过特别审批。", when="2026年11月", order_numbers="SO-1",
                         persons="王某（销售部）", anonymous=True)


@pytest.fixture
def report(submitted):  # type: ignore[no-untyped-def]
    return submitted[0]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
