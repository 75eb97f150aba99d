"""`manage.py load_demo` (also `ordertaking load-demo`): the demo company, once.

Safe to run again: what exists is left alone, what is missing is added.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from ordertaking.accounts.roles import ROLE_LABELS, Role
from ordertaking.demo.loader import DEMO_PASSWORD, USERS, demo_load, demo_refusal


def role_words(role: Role) -> str:
    """A role as people say it, in both languages ("Sales 销售部门"), never its stored key."""
    with translation.override("en"):
        english = str(ROLE_LABELS[role])
    with translation.override("zh-hans"):
        chinese = str(ROLE_LABELS[role])
    return f"{english} {chinese}"


def _display_width(text: str) -> int:
    """Columns a terminal gives the text: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class Command(BaseCommand):
    help = "Load the demo company 华东精工机电有限公司: catalog, users per role, customers, inquiries, orders."

    def handle(self, *args: Any, **options: Any) -> None:
        refusal = demo_refusal(production=settings.ORDERTAKING_PRODUCTION)
        if refusal:
            raise CommandError(refusal)
        ctx = demo_load()
        verbosity = int(options.get("verbosity", 1))
        if ctx.created:
            # "what: n" reads right for one and for many ("tasks worked: 1", not "1 tasks worked").
            made = "; ".join(f"{what}: {n}" for what, n in ctx.created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {made}."))
        else:
            self.stdout.write("Demo data already loaded; nothing to add.")
        if verbosity >= 1:
            self.stdout.write("")
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            login_width = max(len(u[0]) for u in USERS)
            name_width = max(_display_width(u[1]) for u in USERS)
            for username, name, roles, _region, superuser in USERS:
                role_text = ", ".join(role_words(r) for r in roles) + (
                    " + Django superuser (/admin/)" if superuser else "")
                name_cell = name + " " * (name_width - _display_width(name))
                self.stdout.write(f"  {username:<{login_width}}  {name_cell}  {role_text}")
