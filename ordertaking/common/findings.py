"""A finding: one thing a rule found wrong with an order, citing its clause.

Completeness (P2.2.a/b), review (P2.3), credit (P5.1) and legal (P5.3) all speak this one shape so
the page's findings panel and the API show them alike.

A finding keeps its code and its parameters (plain JSON values: the line number, a price as a decimal
string, a date in ISO form), never its sentence: the sentence is rendered from the code's template when
it is read, in the language active then, so a finding stored while a Chinese-speaking rep submitted
reads in English for an English-speaking reviewer, and the checks run once, not once per language
(issue 14). Each chapter keeps the words of its findings beside its rules (`FindingText` tables in
orders, review, credit and legal `rules.py`) and hands them down here once when the apps start
(`finding_texts_add` in their `AppConfig.ready`): common sits below them all.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import translation

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class FindingText:
    """How one finding code reads."""

    # The sentence, with the finding's parameters as %(name)s placeholders (a lazy translation).
    template: Any
    # The sentence without one order's figures, for where only the code was kept (a special approval
    # names the findings it covers; timelines, statistics, supervision). None: the template, which then
    # has no placeholders.
    label: Any = None
    # Parameters holding an amount as a decimal string ("12345.6"), shown as 12,345.60 (the template
    # writes the ¥): the amount is formatted when read, not stored formatted.
    money: tuple[str, ...] = ()
    # Parameters that need the chapter's own words (legal's reasons for a review): given the stored
    # parameters, the values to put in the template.
    words: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None

    def placeholders(self) -> set[str]:
        return set(_PLACEHOLDER.findall(str(self.template)))

    def render(self, params: Mapping[str, Any]) -> str:
        """The sentence in the active language. A placeholder without its parameter raises KeyError: a
        rule and its template that disagree fail the tests (tests/test_finding_texts.py), not a page."""
        values = dict(params)
        for name in self.money:
            if values.get(name) not in (None, ""):
                values[name] = f"{Decimal(str(values[name])):,.2f}"
        if self.words is not None:
            values.update(self.words(params))
        text = str(self.template)
        return text % values if _PLACEHOLDER.search(text) else text


_TEXTS: dict[str, FindingText] = {}


def finding_texts_add(texts: Mapping[str, FindingText]) -> None:
    """A chapter hands down the words of its findings (its AppConfig.ready). A code belongs to one chapter."""
    for code, text in texts.items():
        if _TEXTS.get(code, text) is not text:
            raise ValueError(f"finding code {code!r} is already worded by another chapter")
        _TEXTS[code] = text


def finding_text(code: str) -> FindingText:
    return _TEXTS[code]


def finding_texts() -> Mapping[str, FindingText]:
    return dict(_TEXTS)


def finding_message(code: str, params: Mapping[str, Any]) -> str:
    """The finding's sentence in the active language."""
    return _TEXTS[code].render(params)


@dataclass(frozen=True)
class Finding:
    code: str  # stable machine code, e.g. "price_below_floor"
    clause: str  # policy clause, e.g. "P2.3.b"
    # what the sentence needs: plain JSON values (amounts as decimal strings, dates ISO)
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict, hash=False)
    field: str | None = None  # e.g. "delivery_date" or "lines.2.unit_price"
    line: int | None = None  # 1-based line number when the finding is about a line
    blocking: bool = True  # blocks approval unless covered by a special approval
    # A finding stored before its parameters were kept (review before issue 14): its sentence as then
    # written, per language ({"zh-hans": …, "en": …}); read only when the parameters are missing.
    stored_text: Mapping[str, str] = dataclasses.field(default_factory=dict, hash=False, compare=False,
                                                       repr=False)

    @property
    def message(self) -> str:
        """The human sentence, in the language active when it is read."""
        text = _TEXTS.get(self.code)
        if self.stored_text and (text is None or (not self.params and text.placeholders())):
            lang = translation.get_language() or ""
            return self.stored_text.get(lang) or next(iter(self.stored_text.values()))
        if text is None:
            raise KeyError(f"finding code {self.code!r} has no words: its chapter did not hand them down")
        return text.render(self.params)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "clause": self.clause, "message": self.message, "field": self.field,
                "line": self.line, "blocking": self.blocking}


class _Labels(Mapping[str, Any]):
    """Each finding's code in words, without the figures of one order (read-only, from the chapters'
    tables)."""

    def __getitem__(self, code: str) -> Any:
        text = _TEXTS[code]
        return text.template if text.label is None else text.label

    def __iter__(self) -> Iterator[str]:
        return iter(_TEXTS)

    def __len__(self) -> int:
        return len(_TEXTS)


FINDING_LABELS: Mapping[str, Any] = _Labels()
