"""The one VAT rule (common.money.vat_split, docs/conventions.md "VAT"): per line, tax =
round(amount × rate / (1 + rate)) half-up to the fen, amount without tax = amount − tax; a
document's figures are the sums of its lines'."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ordertaking.catalog.models import TaxRate
from ordertaking.common.money import line_amount, money, vat_split, vat_totals

D = Decimal
amounts = st.integers(min_value=0, max_value=99_999_999_999_99).map(lambda fen: D(fen) / 100)
rates = st.sampled_from(TaxRate.values)


@given(amount=amounts, rate=rates)
def test_net_plus_tax_is_the_line_amount_to_the_fen(amount, rate):
    net, tax = vat_split(amount, rate)
    assert net + tax == amount
    assert net >= 0 and tax >= 0
    assert tax == tax.quantize(D("0.01")) and net == net.quantize(D("0.01"))
    # the tax is the exact tax rounded: never more than half a fen away from it
    exact = amount * rate / (100 + rate)
    assert abs(tax - exact) <= D("0.005")


@given(lines=st.lists(st.tuples(amounts, rates), min_size=1, max_size=30))
def test_a_documents_net_and_tax_are_the_sums_of_its_lines_and_add_up_to_its_total(lines):
    splits = [vat_split(a, r) for a, r in lines]
    net, tax, total = vat_totals(splits)
    assert net == sum((n for n, _t in splits), D("0.00"))
    assert tax == sum((t for _n, t in splits), D("0.00"))
    assert total == net + tax == sum((a for a, _r in lines), D("0.00"))


@pytest.mark.parametrize(("amount", "rate", "net", "tax"), [
    ("113.00", 13, "100.00", "13.00"),   # the textbook case: ¥100 + 13%
    ("109.00", 9, "100.00", "9.00"),
    ("106.00", 6, "100.00", "6.00"),
    ("103.00", 3, "100.00", "3.00"),
    ("100.00", 0, "100.00", "0.00"),     # zero-rated: all of it is net
    ("0.00", 13, "0.00", "0.00"),
    ("0.01", 13, "0.01", "0.00"),        # 0.00115… → 0.00
    ("1.00", 13, "0.88", "0.12"),        # 0.11504… → 0.12
    ("3.00", 13, "2.65", "0.35"),        # 0.34513… → 0.35
    ("0.50", 6, "0.47", "0.03"),         # 0.02830… → 0.03
])
def test_known_splits(amount, rate, net, tax):
    assert vat_split(D(amount), rate) == (D(net), D(tax))


def test_the_half_fen_cases_round_half_up():
    """A line amount that is exactly half a fen rounds up (四舍五入) before it is split: 1.5 × ¥3.31
    = ¥4.965 → ¥4.97; and the split of the closest-to-half taxes rounds by the same rule.

    The tax itself is never *exactly* half a fen for these rates: amount × r / (100 + r) with the
    amount in whole fen would need 2·r·fen = (100 + r)·(odd), and 113, 109, 53 (106/2) and 103 are odd.
    This checks that claim over every amount up to ¥1,000.00, then the nearest cases either side."""
    assert line_amount(D("1.5"), D("3.31")) == D("4.97")
    assert vat_split(line_amount(D("1.5"), D("3.31")), 13) == (D("4.40"), D("0.57"))  # 0.57119…
    assert line_amount(D("0.5"), D("0.01")) == D("0.01")  # ¥0.005 → ¥0.01
    for rate in (13, 9, 6, 3):
        nearest_below = nearest_above = None
        for fen in range(1, 100_001):
            exact_fen = D(fen) * rate / (100 + rate)
            frac = exact_fen - int(exact_fen)
            assert frac != D("0.5"), (fen, rate)
            if frac < D("0.5") and (nearest_below is None or frac > nearest_below[1]):
                nearest_below = (fen, frac)
            if frac > D("0.5") and (nearest_above is None or frac < nearest_above[1]):
                nearest_above = (fen, frac)
        assert nearest_below is not None and nearest_above is not None
        below = D(nearest_below[0]) / 100
        above = D(nearest_above[0]) / 100
        # just under half a fen: rounded down; just over: rounded up
        assert vat_split(below, rate)[1] * 100 == int(D(nearest_below[0]) * rate / (100 + rate))
        assert vat_split(above, rate)[1] * 100 == int(D(nearest_above[0]) * rate / (100 + rate)) + 1


def test_per_line_rounding_is_chosen_because_its_lines_add_up_to_the_document():
    """Why per line, not per document. Three lines of ¥1.00 at 13%:

    - per line (our rule): each line's tax is ¥0.12 (0.11504… rounded), the document's tax is their
      sum, ¥0.36, and the printed lines add up to the printed total, as on a fapiao, whose every
      line carries its own 税额 and whose total tax is the sum of the lines;
    - per document: 13/113 of ¥3.00 is ¥0.35 (0.34513… rounded), but the three printed lines still
      say ¥0.12 each: the lines no longer add up to the total, a difference a reader cannot check.
    The difference is at most half a fen per line (here one fen); the document's total (价税合计)
    is the same either way, only its split between net and tax moves."""
    lines = [(D("1.00"), 13)] * 3
    per_line = vat_totals(vat_split(a, r) for a, r in lines)
    assert per_line == (D("2.64"), D("0.36"), D("3.00"))
    per_document_tax = money(D("3.00") * 13 / 113)
    assert per_document_tax == D("0.35")
    assert per_line[1] - per_document_tax == D("0.01")
    assert sum(vat_split(a, r)[1] for a, r in lines) == per_line[1] != per_document_tax
    # Either way the tax-inclusive total is the same: credit and exposure never move.
    assert per_line[2] == D("3.00")


def test_a_negative_rate_or_a_float_is_refused():
    with pytest.raises(ValueError):
        vat_split(D("1.00"), -1)
    with pytest.raises(TypeError):
        vat_split(1.0, 13)  # type: ignore[arg-type]
