"""Failed sign-ins (P3: every action is taken by a known person), on top of django-axes.

axes locks one username from one address after ``AXES_FAILURE_LIMIT`` failures. Two more rules:
- one address is locked after ``ORDERTAKING_LOGIN_ADDRESS_FAILURE_LIMIT`` failures over all
  usernames together, so spraying many usernames from one place is limited too (the limit is
  higher than the per-user one: an office behind one NAT address shares it);
- failures while locked out are not recorded (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT``
  off), so the cool-off runs from the failure that caused the lock and hammering cannot keep
  an account locked for ever.
The client's address comes from ``common.net.client_ip`` (trusted proxies only).
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext_lazy

# The messages axes itself shows (settings.AXES_COOLOFF_MESSAGE / AXES_PERMALOCK_MESSAGE use the same
# text): here so that they are in this app's catalogue and shown in Chinese and English.
COOLOFF_MESSAGE = gettext_lazy("Too many failed sign-ins: sign-in is locked for a while. Try again later.")
PERMALOCK_MESSAGE = gettext_lazy("Too many failed sign-ins: sign-in is locked. Ask an administrator.")


class LoginThrottle(AxesDatabaseHandler):
    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return self.address_failures(request) >= settings.ORDERTAKING_LOGIN_ADDRESS_FAILURE_LIMIT

    def address_failures(self, request: Any) -> int:
        """Failures from this address within the cool-off, whatever the username."""
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)
