"""Writes for accounts: users with roles, API tokens."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import OuterRef, QuerySet
from django.utils import timezone

from ordertaking.audit.services import event_record
from ordertaking.common.errors import PermissionDenied, ValidationFailed
from ordertaking.common.prepared import Prepared
from ordertaking.common.sql import dotted, joined_set, joined_text

from .models import ApiToken, User
from .roles import Role


def user_create(*, username: str, password: str, roles: Iterable[str], display_name: str = "",
                email: str = "", region: str = "", actor: User | None = None,
                is_superuser: bool = False) -> User:
    """Create a staff user holding one or more roles of P3."""
    role_values = list(dict.fromkeys(roles))
    unknown = [r for r in role_values if r not in Role._value2member_map_]
    if unknown:
        raise ValidationFailed(f"unknown role(s): {', '.join(unknown)}; known: "
                               f"{', '.join(r.value for r in Role)}", field="roles")
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(f"user {username!r} already exists", field="username", code="duplicate")
    with transaction.atomic():
        user = User(username=username, display_name=display_name, email=email, region=region,
                    is_staff=is_superuser or Role.ADMIN in role_values, is_superuser=is_superuser)
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=role_values))
        event_record(actor=actor, action="user.created", subject=user, clause="P3",
                     after={"username": username, "roles": role_values})
    return user


def _role_values(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def user_roles_set(*, user: User, roles: Iterable[str], actor: User | None) -> User:
    """Grant and revoke roles (P3): the user holds exactly `roles` afterwards; audited with the actor."""
    wanted = sorted(dict.fromkeys(roles))
    unknown = [r for r in wanted if r not in Role._value2member_map_]
    if unknown:
        raise ValidationFailed(f"unknown role(s): {', '.join(unknown)}", field="roles")
    with transaction.atomic():
        before = _role_values(user)
        user.groups.set(Group.objects.filter(name__in=wanted))
        user_roles_recorded(user=user, before=before, actor=actor)
    return user


def user_roles_recorded(*, user: User, before: list[str], actor: User | None) -> None:
    """Audit a change of roles already made (the Django admin saves the groups itself)."""
    after = _role_values(user)
    if before != after:
        event_record(actor=actor, action="user.roles_changed", subject=user, clause="P3",
                     before={"roles": before}, after={"roles": after})


def user_active_recorded(*, user: User, was_active: bool, actor: User | None) -> None:
    """Audit an activation or deactivation (P3) by whoever made it."""
    if was_active != user.is_active:
        event_record(actor=actor, action="user.activated" if user.is_active else "user.deactivated",
                     subject=user, clause="P3", before={"active": was_active}, after={"active": user.is_active})


def user_active_set(*, user: User, active: bool, actor: User | None) -> User:
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        was = locked.is_active
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        user_active_recorded(user=locked, was_active=was, actor=actor)
    user.is_active = active
    return user


def api_token_issue(*, user: User, name: str, actor: User) -> tuple[ApiToken, str]:
    """Issue a token for `user`; returns the record and the raw token, shown only once."""
    if actor.pk != user.pk and not actor.has_perm("accounts.user_manage"):
        raise PermissionDenied("only an administrator may issue tokens for another user")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("a token needs a name", field="name")
    raw = ApiToken.generate()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name[:100], key_hash=ApiToken.hash(raw),
                                        hint=raw[:10], expires_at=timezone.now() + ApiToken.lifetime())
        event_record(actor=actor, action="api_token.issued", subject=user, clause="P3",
                     after={"token": token.hint, "name": token.name, "expires": token.expires_at.date()})
    return token, raw


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    if actor.pk != token.user_id and not actor.has_perm("accounts.user_manage"):
        raise PermissionDenied("not your token")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            event_record(actor=actor, action="api_token.revoked", subject=token.user, clause="P3",
                         after={"token": token.hint})
    return token


_PERM_NAME = dotted("content_type__app_label", "codename")  # "app.codename", as Django names a permission


def _token_with_user(key_hash: str) -> QuerySet[ApiToken]:
    return (ApiToken.objects.select_related("user").filter(key_hash=key_hash, revoked_at__isnull=True)
            .annotate(direct_perms=joined_text(Permission.objects.filter(user=OuterRef("user_id")), _PERM_NAME),
                      role_perms=joined_text(Permission.objects.filter(group__user=OuterRef("user_id")), _PERM_NAME),
                      roles=joined_text(Group.objects.filter(user=OuterRef("user_id")), "name")))


# Every API request's first read: built and compiled once per process (common/prepared.py).
_TOKEN: Prepared[ApiToken] = Prepared(_token_with_user)


def api_token_authenticate(raw: str) -> User | None:
    """The user behind a bearer token, or None. Touches last_used_at at most once a minute."""
    if not raw or not raw.startswith(ApiToken.PREFIX):
        return None
    # One statement: the token, its user, the user's permissions (direct and through roles) and role
    # names, so the request's permission checks (accounts.backends.RoleBackend) read nothing more.
    token = _TOKEN.first(key_hash=ApiToken.hash(raw))
    now = timezone.now()
    if token is None or not token.user.is_active or token.expires_at <= now:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = token.user
    user._perm_cache = joined_set(token.direct_perms) | joined_set(token.role_perms)  # type: ignore[attr-defined]
    user._role_names = sorted(joined_set(token.roles))  # type: ignore[attr-defined]
    return user
