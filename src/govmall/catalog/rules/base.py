"""What every rule of the listing specification is built on: the statuses, the declaration of
a parameter, the `Rule` protocol (validate → prepare once per batch → check each candidate) and
small helpers that several rules share (emptiness, compiled word lists, lenient numbers).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from govmall.catalog.rules.context import BatchContext
from govmall.catalog.types import Candidate

PASS = "pass"  # noqa: S105 (a rule status, not a password)
FAIL = "fail"
NO_REFERENCE = "no_reference"


@dataclass(frozen=True)
class Param:
    """kind: words (list of non-empty strings), choices (list drawn from `allowed`),
    int (non-negative integer), number (non-negative decimal), regex, regexes."""

    kind: str
    allowed: tuple[str, ...] = ()


Outcome = tuple[str, dict[str, Any]]


class Rule:
    code: ClassVar[str]
    name_zh: ClassVar[str]
    name_en: ClassVar[str]
    params: ClassVar[dict[str, Param]] = {}

    def validate(self, params: dict[str, Any]) -> tuple[str, str] | None:
        """Checks across params once each has its kind: (param, message) of the first problem."""
        return None

    def prepare(self, params: dict[str, Any], ctx: BatchContext) -> Any:
        return None

    def check(
        self,
        index: int,
        candidate: Candidate,
        params: dict[str, Any],
        state: Any,
        ctx: BatchContext,
    ) -> Outcome:
        raise NotImplementedError


def is_empty(value: Any) -> bool:
    """None, blank text or an empty collection: a value not given."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict, tuple)):
        return not value
    return False


def words_pattern(words: list[str]) -> re.Pattern[str] | None:
    """One case-insensitive alternation of the words (NFKC, longest first); None if none."""
    cleaned = [unicodedata.normalize("NFKC", w) for w in words if w]
    if not cleaned:
        return None
    cleaned.sort(key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in cleaned), re.IGNORECASE)


def _find(patterns: list[re.Pattern[str]], texts: list[str]) -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        for text in texts:
            if not text:
                continue
            for match in pattern.finditer(text):
                value = match.group(0)
                if value not in found:
                    found.append(value)
    return found


@dataclass
class Matcher:
    """Compiled word lists and patterns. (One alternation of every pattern is no faster
    with Python's backtracking engine, so each runs on its own.)"""

    patterns: list[re.Pattern[str]]

    @classmethod
    def of(cls, patterns: list[re.Pattern[str]]) -> Matcher:
        return cls(patterns)

    def find(self, texts: list[str]) -> list[str]:
        """Every distinct match, pattern by pattern, in the texts' order."""
        if not self.patterns:
            return []
        # NUL never occurs in cleaned text and no pattern matches it: no match spans fields.
        return _find(self.patterns, ["\x00".join(texts)])


def loose_decimal(value: Any) -> Decimal | None:
    """`Decimal(str(value))` of a stored attribute or fee amount; None for bools and non-numbers."""
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
