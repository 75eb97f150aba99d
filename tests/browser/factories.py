"""Data the browser tests need that no page of this app creates."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def audit_events(actor: Any) -> None:
    from ordertaking.audit.services import event_record

    with transaction.atomic():
        for i in (1, 2):
            event_record(actor=actor, action="order.submitted", subject=actor, clause="P2.2.a",
                         label=f"SO-BROWSER-000{i}", after={"state": "submitted"})
