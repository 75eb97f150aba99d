"""Reads of the notifications app: who to notify, a user's inbox, their choices."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import translation

from ordertaking.accounts.roles import Role, perm
from ordertaking.common.prepared import Prepared
from ordertaking.common.refdata import refdata_models

from .models import EMAIL_BY_DEFAULT, Kind, Notification, NotificationPreference, UserSetting

User = get_user_model()


def _members(role: str, app: str = "", codename: str = "") -> QuerySet[Any]:
    qs = User.objects.filter(is_active=True, groups__name=role)
    if codename:
        qs = qs.filter(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app)
    return qs.distinct().order_by("pk")


def recipients_with_role(role: Role | str, *, capability: str | None = None) -> QuerySet[Any]:
    """The active users of a role (its group), optionally only those holding a capability through
    it (e.g. the order center's reviewers: role order_center, capability order_review)."""
    app, _dot, codename = perm(capability).partition(".") if capability is not None else ("", "", "")
    return _members(str(role), app, codename)


# Kept per process behind the reference data version (role_members): without last_login, which a sign-in
# changes without moving the version (apps.py names the tables and that column).
def _members_of(role: str) -> QuerySet[Any]:
    return _members(role).defer("last_login")


def _members_able(role: str, app: str, codename: str) -> QuerySet[Any]:
    return _members(role, app, codename).defer("last_login")


_MEMBERS_OF: Prepared[Any] = Prepared(_members_of)
_MEMBERS_ABLE: Prepared[Any] = Prepared(_members_able)


def role_members(role: Role | str, *, capability: str | None = None) -> list[Any]:
    """`recipients_with_role` read at once, by a statement compiled once per process (common/prepared.py):
    for the notifications of the busiest moves (an order submitted, its tasks assigned). Inside a block that
    adopted the reference data version (an order's submission or approval) it is read once per process and
    version (common/refdata.py); the users are the caller's own copies."""
    name = str(role)
    if capability is None:
        return refdata_models(f"notifications.role_members:{name}", lambda: _MEMBERS_OF.all(role=name))
    app, _dot, codename = perm(capability).partition(".")
    return refdata_models(f"notifications.role_members:{name}:{app}.{codename}",
                          lambda: _MEMBERS_ABLE.all(role=name, app=app, codename=codename))


def inbox(user: Any) -> QuerySet[Notification]:
    """Unread first, then newest first (the index notif_inbox_idx)."""
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return (Notification.objects.filter(recipient=user).select_related("actor").annotate(unread=unread)
            .order_by("-unread", "-created_at", "-pk"))


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def email_choices(user: Any) -> dict[str, bool]:
    """Per kind: does the user want it by e-mail too (their choice, or the default)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "by_email"))
    return {k.value: chosen.get(k.value, k in EMAIL_BY_DEFAULT) for k in Kind}


def user_language(user: Any) -> str:
    """The language the user reads in (their last switch; the site's default otherwise)."""
    from django.conf import settings

    code = UserSetting.objects.filter(user=user).values_list("language", flat=True).first()
    return code or settings.LANGUAGE_CODE


def language_supported(code: str) -> bool:
    from django.conf import settings

    return bool(code) and code in {c for c, _n in settings.LANGUAGES} and translation.check_for_language(code)
