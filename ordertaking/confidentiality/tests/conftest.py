from __future__ import annotations

import pytest

from ordertaking.accounts.roles import Role


@pytest.fixture
def team_leader(make_user, sales_rep):  # type: ignore[no-untyped-def]
    """The sales rep's leader (User.leader), a sales person without leadership's capability."""
    lead = make_user("salesleader", Role.SALES, display_name="钱组长")
    sales_rep.leader = lead
    sales_rep.save(update_fields=["leader"])
    return lead


@pytest.fixture
def leader2(make_user):  # type: ignore[no-untyped-def]
    return make_user("leader2", Role.LEADERSHIP, display_name="吴总")
