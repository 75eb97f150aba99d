"""The archive endpoints of the JSON API, mounted in ordertaking/api.py."""

from __future__ import annotations

from ninja import Router

router = Router()
