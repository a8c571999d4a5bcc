"""Search terms: jieba tokens and structural terms, hashed to signed 64-bit integers.

Index side (`index_terms`): every word jieba's search mode finds in the title, brand, model,
manufacturer and the names (zh and en) of the category and its ancestors, folded (NFKC +
casefold, so full-width and upper case agree); plus prefixed structural terms —
`brand:<key>`, `model:<key>`, `cat:<code>` for the category and each ancestor, `div:<code>`
for the supplier's division and its ancestors, `dlv:<code>` per delivery division (`dlv:*` for
nationwide), `attr:<key>=<value>` per filterable attribute.

Query side (`query_words`): jieba's accurate mode on the folded query, punctuation and spaces
dropped. Every query word must be among a row's terms; independently the whole query, folded
as a brand or model key, matches `brand:`/`model:` (so "LaserJet-Pro M404dn" or "ＭＦ２３２Ｗ"
find their model).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from govmall.catalog.normalise import fold

USER_DICT = Path(__file__).resolve().parent.parent / "data" / "userdict.txt"

# A token is kept when it has a letter, a digit or a CJK character: drops spaces, hyphens,
# slashes and other punctuation.
_WORDLIKE = re.compile(r"[0-9a-z\u3400-\u9fff\uf900-\ufaff]", re.IGNORECASE)

# Words that people use for one another; the index adds the others of a group when it sees one.
SYNONYMS: tuple[frozenset[str], ...] = (
    frozenset({"电脑", "计算机"}),
    frozenset({"笔记本", "笔记本电脑", "便携式计算机"}),
    frozenset({"台式机", "台式电脑", "台式计算机"}),
    frozenset({"投影仪", "投影机"}),
    frozenset({"空调", "空调机"}),
)
_SYNONYM_OF: dict[str, frozenset[str]] = {w: group for group in SYNONYMS for w in group}

_lock = threading.Lock()
_tokenizer: Any = None


def tokenizer() -> Any:
    """jieba's tokenizer, initialised once (lazily, under a lock) with our user words."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                if USER_DICT.exists():
                    tok.load_userdict(str(USER_DICT))
                _tokenizer = tok
    return _tokenizer


def fold_text(text: str) -> str:
    """NFKC + casefold, spaces kept (jieba needs them as separators)."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def _keep(token: str) -> bool:
    return bool(token.strip()) and _WORDLIKE.search(token) is not None


def search_words(text: str) -> list[str]:
    """jieba search mode (words and their sub-words) of the folded text, in order, unique."""
    folded = fold_text(text)
    if not folded.strip():
        return []
    seen: dict[str, None] = {}
    for token in tokenizer().lcut_for_search(folded):
        token = token.strip()
        if _keep(token):
            seen[token] = None
            for other in _SYNONYM_OF.get(token, ()):
                seen[other] = None
    return list(seen)


def query_words(q: str) -> list[str]:
    """jieba accurate mode of the folded query: the words that must all match."""
    folded = fold_text(q)
    seen: dict[str, None] = {}
    for token in tokenizer().lcut(folded):
        token = token.strip()
        if _keep(token):
            seen[token] = None
    return list(seen)


def term_hash(kind: str, value: str) -> int:
    """A signed 64-bit hash of `kind:value` (kind "w" for words)."""
    digest = hashlib.blake2b(f"{kind}:{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def word_hashes(words: Iterable[str]) -> list[int]:
    return [term_hash("w", w) for w in words]


def norm_value(value: Any) -> str:
    """An attribute value as a term: numbers canonical ("16" == "16.0"), booleans "true" /
    "false", text folded."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = fold(str(value))
    if text in ("true", "yes", "是"):
        return "true"
    if text in ("false", "no", "否"):
        return "false"
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if not number.is_finite():
        return text
    number = number.normalize()
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number, "f")


def attr_hashes(key: str, value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [
        term_hash("attr", f"{key}={norm_value(v)}") for v in values if v is not None and v != ""
    ]


def division_ancestors(path: str) -> list[str]:
    """Division codes from the province down ("150000/150200/150203")."""
    return [code for code in path.split("/") if code]


def index_terms(
    *,
    title: str,
    brand: str,
    model_no: str,
    manufacturer: str = "",
    category_names: Iterable[str] = (),
    category_codes: Iterable[str] = (),
    division_codes: Iterable[str] = (),
    delivery_codes: Iterable[str] = (),
    attributes: dict[str, Any] | None = None,
    filter_keys: Iterable[str] = (),
    price: Any = None,
    listed_at: datetime | None = None,
) -> tuple[list[int], list[int]]:
    """(terms, title_terms) of one listing. `category_names`: zh and en names of the category
    and its ancestors; `category_codes`, `division_codes`: the codes with their ancestors;
    `delivery_codes`: the listing's delivery divisions (empty = nationwide)."""
    title_words = search_words(title)
    words: dict[str, None] = dict.fromkeys(title_words)
    for text in (brand, model_no, manufacturer, *category_names):
        words.update(dict.fromkeys(search_words(text)))
    terms: dict[int, None] = dict.fromkeys(word_hashes(words))
    terms[term_hash("brand", fold(brand))] = None
    terms[term_hash("model", fold(model_no))] = None
    for code in category_codes:
        terms[term_hash("cat", code)] = None
    for code in division_codes:
        terms[term_hash("div", code)] = None
    delivery = list(delivery_codes)
    for code in delivery or ["*"]:
        terms[term_hash("dlv", str(code))] = None
    attributes = attributes or {}
    for key in filter_keys:
        if key in attributes:
            terms.update(dict.fromkeys(attr_hashes(key, attributes[key])))
    if price is not None:
        terms.update(dict.fromkeys(price_terms(price)))
    if listed_at is not None:
        terms[week_term(listed_at)] = None
    return list(terms), word_hashes(title_words)


class QueryTerms:
    """The text part of a query: `words` (all must match), `exact` (the whole query as a
    brand or model key: any may match instead), `title` (words for relevance)."""

    __slots__ = ("exact", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        tokens = query_words(text)
        self.words = word_hashes(tokens)
        key = fold(text)
        self.exact = [term_hash("model", key), term_hash("brand", key)] if key else []

    def __bool__(self) -> bool:
        return bool(self.words or self.exact)


def query_terms(q: str) -> QueryTerms:
    return QueryTerms(q)


# Price and time as terms, so that one GIN scan intersects everything (a btree range over
# hundreds of thousands of rows costs more than the search itself): each row carries its
# price's decade (`pd:<d>`, d = floor(log10 price)) and twentieth of a decade (`pf:<d>.<f>`),
# and the week it was listed (`w7:<n>`, UTC). The exact price is still checked on the row.
PRICE_STEPS = 20
MIN_DECADE = -2  # 0.01
MAX_DECADE = 10
_EPOCH = datetime(1970, 1, 5, tzinfo=UTC)


def price_bucket(price: Any) -> tuple[int, int]:
    value = max(float(price), 0.01)
    log = math.log10(value)
    decade = min(max(math.floor(log), MIN_DECADE), MAX_DECADE)
    step = min(max(int((log - decade) * PRICE_STEPS), 0), PRICE_STEPS - 1)
    return decade, step


def price_terms(price: Any) -> list[int]:
    decade, step = price_bucket(price)
    return [term_hash("pd", str(decade)), term_hash("pf", f"{decade}.{step}")]


def price_range_terms(low: Any | None, high: Any | None) -> list[int]:
    """Terms of which a row in [low, high] has at least one (a superset of the range)."""
    lo = price_bucket(low) if low is not None and float(low) > 0 else (MIN_DECADE, 0)
    hi = price_bucket(high) if high is not None else (MAX_DECADE, PRICE_STEPS - 1)
    if lo > hi:
        return []
    if lo[0] == hi[0]:
        return _decade_terms(lo[0], lo[1], hi[1])
    out = _decade_terms(lo[0], lo[1], PRICE_STEPS - 1)
    out += [term_hash("pd", str(d)) for d in range(lo[0] + 1, hi[0])]
    out += _decade_terms(hi[0], 0, hi[1])
    return out


def _decade_terms(decade: int, first: int, last: int) -> list[int]:
    """The terms of steps first..last of a decade: the decade's own term when that is all of
    it (one posting list instead of twenty)."""
    if first == 0 and last == PRICE_STEPS - 1:
        return [term_hash("pd", str(decade))]
    return [term_hash("pf", f"{decade}.{s}") for s in range(first, last + 1)]


def week_number(at: datetime) -> int:
    """Weeks since 1970-01-05 (a Monday), UTC."""
    return (at.astimezone(UTC) - _EPOCH).days // 7


def week_start(at: datetime) -> datetime:
    """The start (Monday 00:00 UTC) of the week of `at`."""
    return _EPOCH + timedelta(weeks=week_number(at))


def week_term(at: datetime) -> int:
    return term_hash("w7", str(week_number(at)))


def weeks_since(cutoff: datetime, until: datetime) -> list[int]:
    """Week terms from the cutoff's week to the week of `until`, both included."""
    return [term_hash("w7", str(n)) for n in range(week_number(cutoff), week_number(until) + 1)]
