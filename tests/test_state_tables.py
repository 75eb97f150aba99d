"""Every app's state table (CONVENTIONS.md; docs/conventions.md "State tables"): each move from a
state it does not start from is refused with a message in both languages."""

from __future__ import annotations

import importlib

import pytest
from django.utils import translation

from ordertaking.common.errors import InvalidTransition


@pytest.mark.parametrize("module,table,verbs", [
    ("ordertaking.credit.states", "EVALUATION", {"approve", "reject", "supersede"}),
    ("ordertaking.credit.states", "HOLD", {"release", "close"}),
    ("ordertaking.review.states", "SPECIAL_APPROVAL", {"grant", "refuse", "withdraw"}),
    ("ordertaking.finance.states", "DUNNING_TASK", {"done"}),
])
def test_each_apps_table_refuses_every_move_from_a_state_it_does_not_start_from(module, table, verbs):
    """Every move from every state not listed as its source is refused, in both languages."""
    t = getattr(importlib.import_module(module), table)
    assert set(t.moves) == verbs
    for verb, move in t.moves.items():
        for state in set(t.states.values) - move.sources:
            for lang in ("zh-hans", "en"):
                with translation.override(lang), pytest.raises(InvalidTransition) as e:
                    t.check(state, verb)
                assert str(e.value.message).strip()
