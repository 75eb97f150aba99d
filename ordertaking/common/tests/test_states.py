"""The shared state table (CONVENTIONS.md: the allowed moves are one table; a move it does not
allow raises InvalidTransition). Pure: no database."""

from __future__ import annotations

import pytest
from django.db import models

from ordertaking.common.errors import InvalidTransition
from ordertaking.common.states import Move, StateTable


class Door(models.TextChoices):
    SHUT = "shut", "Shut"
    OPEN = "open", "Open"
    LOCKED = "locked", "Locked"


TABLE = StateTable(Door, {
    "open": Move({Door.SHUT}, Door.OPEN, "P0.1"),
    "lock": Move({Door.SHUT}, Door.LOCKED),
}, refusal="A door that is %(state)s cannot %(verb)s.", verbs={"open": "be opened"})


def test_an_allowed_move_gives_its_target_state():
    assert TABLE.check("shut", "open") == "open"
    assert TABLE.can("shut", "lock") and not TABLE.can("open", "lock")
    assert TABLE.clause("open") == "P0.1"


def test_a_move_the_table_does_not_allow_raises_invalid_transition_with_the_states_label():
    with pytest.raises(InvalidTransition) as e:
        TABLE.check("locked", "open")
    assert e.value.code == "invalid_transition" and e.value.field == "state"
    assert str(e.value.message) == "A door that is Locked cannot be opened."


def test_a_table_naming_a_state_that_does_not_exist_fails_when_it_is_declared():
    with pytest.raises(ValueError, match="ajar"):
        StateTable(Door, {"open": Move({"ajar"}, Door.OPEN)}, refusal="")
