"""Production's fixtures: an approved order (through the real services) whose motor line needs production,
so fulfilment made its tasks and production its production order; a tidy media root for attachments."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def approved(make_order, customer):  # type: ignore[no-untyped-def]
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=customer.created_by)

    def make(**kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("lines", [{"product": "motor", "quantity": "10"}, {"product": "reducer", "quantity": "2"}])
        return make_order(customer, state="approved", **kwargs)

    return make


@pytest.fixture
def po(approved):  # type: ignore[no-untyped-def]
    """The production order of an approved order's motor line (10 pieces)."""
    from ordertaking.production.models import ProductionOrder

    order = approved()
    return ProductionOrder.objects.select_related("order", "line").get(order=order)


@pytest.fixture
def inspector(production_user):  # type: ignore[no-untyped-def]
    return production_user


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
