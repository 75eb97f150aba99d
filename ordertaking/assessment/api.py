"""/api/v1/assessment: see the package docstring. Mounted in ordertaking/api.py."""

from ninja import Router

router = Router()
