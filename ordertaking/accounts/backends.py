"""Authentication backend: Django's ModelBackend, with a user's permissions read in one query.

P3 roles are groups (roles.py); a request that checks a permission loads the user's permissions
once. ModelBackend does that in two queries (direct, then through groups); this does it in one
UNION, which every API call and page saves.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class RoleBackend(ModelBackend):
    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        # No superuser branch: a superuser's business capabilities come from their roles, like anyone's
        # (User.has_perm grants them the rest).
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            fields = ("content_type__app_label", "codename")
            direct = Permission.objects.filter(user=user_obj).order_by().values_list(*fields)
            via_roles = Permission.objects.filter(group__user=user_obj).order_by().values_list(*fields)
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in direct.union(via_roles)}
        return user_obj._perm_cache  # type: ignore[no-any-return]
