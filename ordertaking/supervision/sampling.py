"""How an inspection draws its orders (P6.1.a): plain functions over plain facts, no database.

Reproducible: the candidates are sorted by their id and drawn with `random.Random(seed)`, so the same
period, scope and seed always give the same orders, whoever draws them and whenever. A stratified
sample draws up to `size` orders from each stratum, the strata taken in the order of their keys, with
the one generator (so the seed alone fixes the whole sample)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from ordertaking.common.templatetags.ot import money

RANDOM = "random"
STRATIFIED = "stratified"
MAX_SAMPLE = 500  # per stratum, and in all for a simple random sample
MAX_BANDS = 8
FLAG_STRATA = ("special", "returned", "credit_hold")


@dataclass(frozen=True)
class Candidate:
    """An order of the period within the inspection's scope, with what the strata look at."""

    pk: int
    region: str = ""
    amount: Decimal = Decimal("0")
    special: bool = False
    returned: bool = False
    credit_hold: bool = False


def band_index(amount: Decimal, bands: Sequence[Decimal]) -> int:
    """0 below the first limit, 1 from the first up to the second, … len(bands) from the last one on."""
    return sum(1 for limit in bands if amount >= limit)


def stratum_of(c: Candidate, stratify_by: str, bands: Sequence[Decimal] = ()) -> str:
    """The stratum's key (a code; `stratum_label` gives its words)."""
    if stratify_by == "region":
        return f"region:{c.region}"
    if stratify_by == "amount":
        return f"amount:{band_index(c.amount, bands)}"
    if stratify_by in FLAG_STRATA:
        return f"{stratify_by}:{'yes' if getattr(c, stratify_by) else 'no'}"
    return ""


def draw(candidates: Iterable[Candidate], *, method: str, size: int, seed: int, stratify_by: str = "",
         bands: Sequence[Decimal] = ()) -> list[tuple[int, str]]:
    """P6.1.a: the sampled orders as (order id, stratum key), in the order they were drawn."""
    pool = sorted(candidates, key=lambda c: c.pk)
    rng = random.Random(seed)
    size = max(0, min(int(size), MAX_SAMPLE))
    if method != STRATIFIED or not stratify_by:
        return [(c.pk, "") for c in rng.sample(pool, min(size, len(pool)))]
    groups: dict[str, list[Candidate]] = {}
    for c in pool:
        groups.setdefault(stratum_of(c, stratify_by, bands), []).append(c)
    out: list[tuple[int, str]] = []
    for key in sorted(groups):
        members = groups[key]
        out += [(c.pk, key) for c in rng.sample(members, min(size, len(members)))]
    return out


def strata_counts(candidates: Iterable[Candidate], stratify_by: str, bands: Sequence[Decimal] = ()) -> dict[str, int]:
    counts: dict[str, int] = {}
    for c in candidates:
        key = stratum_of(c, stratify_by, bands)
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def clean_bands(values: Iterable[Any]) -> list[Decimal]:
    """Amount band limits, ascending, positive, distinct: ValueError on anything else."""
    out = []
    for v in values:
        d = Decimal(str(v).replace(",", "").strip())
        if not d.is_finite() or d <= 0 or d >= Decimal("1e12"):
            raise ValueError(v)
        out.append(d.quantize(Decimal("0.01")))
    if out != sorted(set(out)) or len(out) > MAX_BANDS:
        raise ValueError(values)
    return out


def stratum_label(key: str, bands: Sequence[Decimal] = ()) -> str:
    """A stratum in the reader's words (never its key)."""
    kind, _sep, value = key.partition(":")
    if kind == "region":
        return value or _("No region")
    if kind == "amount":
        i = int(value) if value.isdigit() else 0
        if not bands:
            return _("All amounts")
        if i == 0:
            return _("Below %(limit)s") % {"limit": money(bands[0])}
        if i >= len(bands):
            return _("%(limit)s and above") % {"limit": money(bands[-1])}
        return _("%(low)s to below %(high)s") % {"low": money(bands[i - 1]), "high": money(bands[i])}
    yes = value == "yes"
    if kind == "special":
        return _("With a special approval") if yes else _("Without a special approval")
    if kind == "returned":
        return _("Returned in review") if yes else _("Never returned")
    if kind == "credit_hold":
        return _("Put on credit hold") if yes else _("Never on credit hold")
    return ""
