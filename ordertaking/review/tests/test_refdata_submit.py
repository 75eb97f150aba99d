"""P2.3, issue 14: a submission tells the order center's reviewers, read once per process behind the reference
data version its lock reads (common/refdata.py). A reviewer who leaves (deactivated, out of the order center,
or their role no longer reviewing) is not told of the next submission, however the change was written."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ordertaking.notifications.models import Notification
from ordertaking.review.services import order_submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _hits_are_real(settings):  # type: ignore[no-untyped-def]
    settings.ORDERTAKING_REFDATA_CHECK = False


def told(order) -> set[int]:  # type: ignore[no-untyped-def]
    return set(Notification.objects.filter(kind="order_submitted", params__order=order.number)
               .values_list("recipient_id", flat=True))


@pytest.mark.parametrize("how", ["deactivated", "raw_sql", "out_of_the_order_center", "role_no_longer_reviews"])
def test_p2_3_a_a_reviewer_who_left_is_not_told_of_the_next_submission(make_order, sales_rep, reviewer, reviewer2,
                                                                       how):
    first = make_order(state="draft")
    second = make_order(state="draft")
    order_submit(order=first, actor=sales_rep)
    assert {reviewer.pk, reviewer2.pk} <= told(first)
    if how == "deactivated":
        type(reviewer2).objects.filter(pk=reviewer2.pk).update(is_active=False)
    elif how == "raw_sql":
        with connection.cursor() as cur:
            cur.execute("UPDATE accounts_user SET is_active = %s WHERE id = %s", [False, reviewer2.pk])
    elif how == "out_of_the_order_center":
        reviewer2.groups.remove(Group.objects.get(name="order_center"))
    else:
        Group.objects.get(name="order_center").permissions.remove(
            Permission.objects.get(codename="order_review", content_type__app_label="accounts"))
    order_submit(order=second, actor=sales_rep)
    if how == "role_no_longer_reviews":
        assert told(second) == set()
    else:
        assert reviewer.pk in told(second) and reviewer2.pk not in told(second)


def test_p2_3_a_the_reviewers_are_read_once_per_version(make_order, sales_rep, reviewer):
    first, second = make_order(state="draft"), make_order(state="draft")
    order_submit(order=first, actor=sales_rep)
    with CaptureQueriesContext(connection) as q:
        order_submit(order=second, actor=sales_rep)
    assert not any("accounts_user" in x["sql"] and "auth_group" in x["sql"] for x in q.captured_queries)
    assert reviewer.pk in told(second)
