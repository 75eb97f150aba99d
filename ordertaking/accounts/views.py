"""The shell's own pages: sign in/out, the profile with API tokens (P3). The home page with each
role's queues is the project-level `ordertaking.home` app."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ordertaking.common.errors import DomainError

from . import services
from .models import ApiToken, User


def _me(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    return cast(User, request.user)


class LoginView(auth_views.LoginView):
    """django-axes locks a username+address out after AXES_FAILURE_LIMIT failures (settings.py)."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        context["cooloff_minutes"] = round(settings.AXES_COOLOFF_TIME * 60)
        return context


def _profile(request: HttpRequest, *, new_token: str | None = None, name: str = "", error: str = "",
             status: int = 200) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=_me(request))
    return render(request, "accounts/profile.html", {"tokens": tokens, "new_token": new_token,
                                                     "token_name": name, "token_error": error}, status=status)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return _profile(request)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """The raw token is rendered in this response only: it is never stored, so it cannot be shown again."""
    name = request.POST.get("name", "")
    try:
        _token, raw = services.api_token_issue(user=_me(request), name=name, actor=_me(request))
    except DomainError as e:
        return _profile(request, name=name, error=_("Give the token a name."), status=422) \
            if e.field == "name" else _profile(request, name=name, error=str(e.message), status=e.status)
    messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    return _profile(request, new_token=raw)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(token=token, actor=_me(request))
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")
