"""The client's address, as the login throttle (django-axes) and the audit trail should see it.

Behind nginx every request comes from 127.0.0.1, so the address must be read from the proxy's
``X-Forwarded-For`` – but only when the request really came from one of our proxies
(``ORDERTAKING_TRUSTED_PROXIES``); anyone else could write any address into that header.
nginx's ``$proxy_add_x_forwarded_for`` appends the address it saw to whatever the client sent,
so the client is the right-most address that is not itself a trusted proxy (never the
left-most, which the client chooses).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str | None, proxies: tuple[str, ...] | None = None) -> bool:
    ip = _address(address or "")
    nets = _networks(proxies if proxies is not None else tuple(settings.ORDERTAKING_TRUSTED_PROXIES))
    return ip is not None and any(ip in net for net in nets)


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or – when that is a trusted proxy – the last untrusted address it forwarded."""
    remote = request.META.get("REMOTE_ADDR")
    if not is_trusted_proxy(remote):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for candidate in reversed(forwarded):
        if _address(candidate) is None:
            break  # a malformed entry: stop rather than trust anything left of it
        if not is_trusted_proxy(candidate):
            return str(_address(candidate))
    return remote
