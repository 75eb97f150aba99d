"""The credit tests' helpers (evaluated customers, orders made from the models) reused here."""

from ordertaking.credit.tests.conftest import approve, evaluate, make_order  # noqa: F401
