"""P2.5.b: the link's rules without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ordertaking.portal import rules

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_a_link_may_be_used_until_it_expires() -> None:
    assert rules.link_refusal(revoked=False, expires_at=NOW + timedelta(seconds=1), now=NOW) is None
    assert rules.link_refusal(revoked=False, expires_at=NOW, now=NOW) == "expired"


def test_a_revoked_link_is_refused_even_before_it_expires() -> None:
    assert rules.link_refusal(revoked=True, expires_at=NOW + timedelta(days=30), now=NOW) == "revoked"


def test_validity_is_the_setting_unless_chosen_and_never_beyond_a_year() -> None:
    assert rules.validity_days(None, 60) == 60
    assert rules.validity_days(7, 60) == 7
    assert rules.validity_days(0, 60) is None
    assert rules.validity_days(366, 60) is None
    assert rules.validity_days(365, 60) == 365
