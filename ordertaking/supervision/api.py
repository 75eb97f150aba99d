"""/api/v1/supervision: see the package docstring. Mounted in ordertaking/api.py."""

from ninja import Router

router = Router()
