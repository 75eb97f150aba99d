from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, _user_has_perm  # type: ignore[attr-defined]
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import ROLE_LABELS, Role, is_business_capability


class User(AbstractUser):
    """A member of staff. Roles are the groups of P3 (see roles.py)."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    region = models.CharField(_("region"), max_length=50, blank=True, help_text=_("Sales region (P2.4.a)."))
    # The person a risk is escalated to (P5.2.a: an order at risk without a contingency plan goes to
    # the rep's leader); kept by the administrator. Unset: every leadership user is told.
    leader = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="team",
                               verbose_name=_("leader"),
                               help_text=_("Who is told when this person's order is at risk without a plan."))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def role_names(self) -> list[str]:
        cached = getattr(self, "_role_names", None)
        if cached is None:
            cached = sorted(self.groups.values_list("name", flat=True))
            self._role_names = cached
        return cached

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Django's rule (a superuser has every permission), except the business capabilities of
        roles.py: those come from the business role only, whatever `is_superuser` says (P3, issue 8)."""
        if self.is_active and self.is_superuser and not is_business_capability(perm):
            return True
        return _user_has_perm(self, perm, obj)

    def has_role(self, role: Role | str) -> bool:
        return str(role) in self.role_names

    @property
    def role_labels(self) -> list[str]:
        return [str(ROLE_LABELS.get(Role(r), r)) for r in self.role_names if r in Role._value2member_map_]


class Policy(models.Model):
    """No table: it only carries the capabilities of roles.py as permissions."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("policy")


class ApiToken(models.Model):
    """A bearer token for /api/v1. Only its SHA-256 is stored; the token is shown once."""

    PREFIX = "ot_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="first characters, to tell tokens apart")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Every token ends (settings.ORDERTAKING_TOKEN_DAYS after issue, 90 by default); expired → 401.
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_expired(self) -> bool:
        from django.utils import timezone

        return self.expires_at <= timezone.now()

    @staticmethod
    def lifetime() -> timedelta:
        return timedelta(days=settings.ORDERTAKING_TOKEN_DAYS)

    @classmethod
    def generate(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
