"""Shared builders for the credit-list tests (no tests here; named for the test_credit* files)."""

from __future__ import annotations

import itertools

from django.test import Client

from govmall.suppliers.codes import make_credit_code

HEADER = "list_type,credit_code,name,reason,source,listed_date,expiry_date"
_serial = itertools.count(500_000)


def code(prefix: str = "91", division: str = "150202") -> str:
    """A valid credit code nobody else in the tests uses."""
    return make_credit_code(prefix, division, next(_serial))


def row(
    credit_code: str,
    *,
    list_type: str = "dishonest_judgment",
    name: str = "包头市某某商贸有限公司",
    reason: str = "未履行生效判决",
    source: str = "最高人民法院",
    listed: str = "2026-01-05",
    expiry: str = "",
) -> str:
    return ",".join([list_type, credit_code, name, reason, source, listed, expiry])


def csv_bytes(*rows: str, header: str = HEADER, bom: bool = False, crlf: bool = False) -> bytes:
    newline = "\r\n" if crlf else "\n"
    text = newline.join([header, *rows]) + newline
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data


def english(client: Client) -> Client:
    """Pages in English, so assertions on English msgids hold once the catalogue is built."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
