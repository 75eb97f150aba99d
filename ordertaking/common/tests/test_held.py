"""common/held.py: a value held for a transaction is trusted in it and in no other, nor after a savepoint that
held it rolled back; held for a block (`savepoint=True`), not in a block opened beside it."""

from __future__ import annotations

import pytest
from django.db import transaction

from ordertaking.common.held import Held

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_held_value_lasts_as_long_as_its_transaction():
    held: Held[str, int] = Held()
    with transaction.atomic():
        held.hold("a", 1)
        assert held.get("a") == 1
        held.hold("a", 2)
        assert held.get("a") == 2 and held.get("b") is None
    assert held.get("a") is None  # committed: over
    with transaction.atomic():
        assert held.get("a") is None  # the next transaction on the same connection reads again
    with pytest.raises(RuntimeError), transaction.atomic():
        held.hold("a", 3)
        raise RuntimeError
    with transaction.atomic():
        assert held.get("a") is None


def test_nothing_is_held_outside_a_transaction():
    held: Held[str, int] = Held()
    held.hold("a", 1)
    with transaction.atomic():
        assert held.get("a") is None


def test_a_value_held_in_a_savepoint_that_rolled_back_is_not_trusted():
    held: Held[str, int] = Held()
    with transaction.atomic():
        held.hold("kept", 1)
        try:
            with transaction.atomic():
                held.hold("undone", 2)
                assert held.get("undone") == 2
                raise RuntimeError
        except RuntimeError:
            pass
        assert held.get("undone") is None and held.get("kept") == 1
        held.drop("kept")
        assert held.get("kept") is None


def test_a_value_held_for_its_block_is_not_trusted_in_a_block_beside_it():
    held: Held[str, int] = Held()
    with transaction.atomic():
        with transaction.atomic():
            held.hold("v", 1, savepoint=True)
            assert held.get("v") == 1
            with transaction.atomic():
                assert held.get("v") == 1  # inside it
        with transaction.atomic():
            assert held.get("v") is None  # beside it: another savepoint
        with transaction.atomic(savepoint=False):
            held.hold("w", 2, savepoint=True)  # no savepoint of its own: nothing to recognise its end by
            assert held.get("w") is None
