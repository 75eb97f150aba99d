"""The credit tests' helpers (evaluated customers, orders from the shared factory) reused here."""

from ordertaking.credit.tests.conftest import approve, evaluate, held_order, make_order  # noqa: F401
