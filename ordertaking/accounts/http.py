"""The request a page view gets behind `login_required`: its `user` is our User, so a view passes
`actor=request.user` to a service without a cast or a `type: ignore`.

(It lives here and not in common because common sits below accounts and may not name User.)
"""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthedRequest(HttpRequest):
    user: User  # type: ignore[assignment]  # narrower than HttpRequest's: login_required guarantees it
