"""The one rounding rule for money: half-up to the fen (分), everywhere.

Orders, invoices, credit limits and exposure all round through here, so an order line and the
invoice line that bills it can never differ by a fen (1.5 × ¥3.31 is ¥4.97 on both; half-even
would make the invoice ¥4.96 and leave the fen in the customer's exposure).
Half-up (四舍五入) is how Chinese invoices and accounting round amounts.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    """An amount rounded half-up to the fen. Floats are refused: they carry binary noise."""
    if isinstance(value, float):
        raise TypeError("money() takes Decimal, int or str, never float")
    d = value if isinstance(value, Decimal) else Decimal(value)
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount(quantity: Decimal | None, unit_price: Decimal | None) -> Decimal:
    """Quantity × unit price, rounded to the fen; zero while either is unknown."""
    if quantity is None or unit_price is None:
        return ZERO
    return money(quantity * unit_price)


def money_sum(amounts: Iterable[Decimal | None]) -> Decimal:
    """The sum of amounts (None counts as zero), rounded to the fen."""
    return money(sum((a for a in amounts if a is not None), ZERO))


def percent_of(amount: Decimal, percent: Decimal | int) -> Decimal:
    """``percent`` % of an amount, rounded to the fen (a limit cut, a deposit)."""
    return money(amount * Decimal(percent) / 100)


def vat_split(amount_incl: Decimal, rate_percent: Decimal | int) -> tuple[Decimal, Decimal]:
    """(amount without tax, tax) of a tax-inclusive (含税) line amount at ``rate_percent`` % VAT.

    The one VAT rule (docs/conventions.md, "VAT"): per line, tax = round(amount × rate / (1 + rate))
    half-up to the fen, and the amount without tax is what is left, so net + tax is the line amount
    to the fen. A document's net, tax and total are the sums of its lines' figures: the lines always
    add up to the document (per-document rounding can differ from the sum of the lines by a fen or
    more; see common/tests/test_vat.py).
    """
    amount = money(amount_incl)
    rate = Decimal(rate_percent)
    if rate < 0:
        raise ValueError("a VAT rate is never negative")
    tax = money(amount * rate / (100 + rate))
    return amount - tax, tax


def vat_totals(lines: Iterable[tuple[Decimal, Decimal]]) -> tuple[Decimal, Decimal, Decimal]:
    """(net, tax, total) of a document: the sums of its lines' (net, tax) figures."""
    net = tax = ZERO
    for n, t in lines:
        net += n
        tax += t
    return net, tax, net + tax


def half_up(value: Decimal, places: int = 2) -> Decimal:
    """The same rule for figures that are not amounts (percentages, ratios, score points)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
