"""Reading a listing file (CSV or XLSX) into bulk items: the shape `listings_bulk_upsert` and
the listing API take. Headers come in Chinese or English (docs/bulk-import.md); attribute
columns are `attr:<key>` or the attribute's name in the row's category template.

A fault of the file as a whole (not CSV/XLSX, undecodable, no header, a required column missing,
too many rows) is a DomainError at the field `file`: nothing is imported. A fault of one cell is
left to the content parser, which reports it on that row while the other rows go through.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from govmall.catalog.models import AttributeSpec, Category
from govmall.core.errors import DomainError

MAX_ROWS = 10_000


@dataclass(frozen=True)
class Column:
    key: str  # the item key
    zh: str
    en: str
    required: bool = False
    aliases: tuple[str, ...] = ()


# In template order. `key` is the bulk item's key (the listing API's field name).
COLUMNS: list[Column] = [
    Column("sku", "商品编码", "sku", True, ("SKU", "商品编号")),
    Column("category", "品目编码", "category", True, ("品目", "品目代码")),
    Column("title", "商品名称", "title", True, ("标题",)),
    Column("brand", "品牌", "brand", True),
    Column("model_no", "型号", "model", True, ("model_no", "规格型号")),
    Column("manufacturer", "制造商", "manufacturer", False, ("生产厂家", "厂商")),
    Column("unit", "计量单位", "unit", True, ("单位",)),
    Column("price", "价格", "price", True, ("单价", "价格(元)", "价格（元）")),
    Column("stock", "库存", "stock", False, ("库存数量",)),
    Column("warranty_months", "质保月数", "warranty_months", False, ("质保期(月)", "质保期（月）")),
    Column("origin", "产地", "origin", False, ("国产/进口",)),
    Column("energy_cert_no", "节能认证编号", "energy_cert_no", False, ("节能证书编号",)),
    Column(
        "energy_cert_expiry", "节能认证有效期", "energy_cert_expiry", False, ("节能证书有效期",)
    ),
    Column("description", "描述", "description", False, ("商品描述",)),
    Column("after_sales", "售后服务", "after_sales", False, ("售后服务承诺",)),
    Column("no_extra_fees", "无额外费用", "no_extra_fees", False),
    Column("extra_fees", "额外费用", "extra_fees", False),
    Column("delivery_divisions", "配送区域", "delivery_divisions", False),
    Column("image_ids", "图片", "image_ids", False, ("images", "图片编号")),
]
REQUIRED = [c for c in COLUMNS if c.required]
ATTRIBUTE_PREFIX = "attr:"

_TRUE = {"1", "true", "yes", "y", "是", "有", "√", "✓", "t"}
_FALSE = {"0", "false", "no", "n", "否", "无", "×", "f"}
_ORIGIN = {"国产": "domestic", "进口": "imported", "domestic": "domestic", "imported": "imported"}
_LIST_SPLIT = re.compile(r"[;；、,，\s]+")
_FEE_SPLIT = re.compile(r"[;；\n]+")


def _header_key(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


_BY_HEADER: dict[str, Column] = {}
for _c in COLUMNS:
    for _name in (_c.zh, _c.en, _c.key, *_c.aliases):
        _BY_HEADER[_header_key(_name)] = _c


@dataclass
class ParsedRow:
    line: int  # the row's number in the sheet (the header is row 1)
    item: dict[str, Any]


@dataclass
class ParsedFile:
    rows: list[ParsedRow] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)


def _file_error(code: str, message: str, **details: Any) -> DomainError:
    return DomainError(code, message, field="file", **details)


# ---- reading cells -----------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """A cell as text: dates as YYYY-MM-DD, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).strip()


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _file_error("invalid_file", _("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return []
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            rows.append((number, cells))
            if len(rows) > MAX_ROWS + 1 + 1000:  # far too many (blank rows are skipped later)
                break
        return rows
    finally:
        book.close()


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _file_error(
            "invalid_encoding",
            _("The file is neither UTF-8 nor GB18030 text; save it as CSV UTF-8 or as XLSX."),
        ) from exc


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    if "\x00" in text:
        raise _file_error("invalid_file", _("The file is not a CSV text file."))
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            rows.append((number, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise _file_error(
            "invalid_file", _("The CSV file cannot be read: %(error)s") % {"error": exc}
        ) from exc
    return rows


def is_xlsx(data: bytes, file_name: str = "") -> bool:
    return data[:4] == b"PK\x03\x04" or file_name.lower().endswith((".xlsx", ".xlsm"))


# ---- from cells to items -----------------------------------------------------------------


def _bool(text: str) -> Any:
    folded = text.strip().casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    return text  # the content parser reports it


def _split_list(text: str) -> list[str]:
    return [part for part in _LIST_SPLIT.split(text) if part]


def _image_ids(text: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in _split_list(text)]


def _extra_fees(text: str) -> list[dict[str, str]]:
    """ "安装费:50;运费:20" → [{"name": "安装费", "amount": "50"}, …]."""
    fees = []
    for part in _FEE_SPLIT.split(text):
        part = part.strip()
        if not part:
            continue
        match = re.match(r"^(.*?)[:：=]\s*(.*)$", part)
        if match:
            name, amount = match.groups()
        else:
            name, _sep, amount = part.rpartition(" ")
        fees.append({"name": name.strip(), "amount": amount.strip()})
    return fees


def _plain(key: str, text: str) -> Any:
    if key == "no_extra_fees":
        return _bool(text)
    if key == "origin":
        return _ORIGIN.get(text.strip().casefold(), text)
    if key == "delivery_divisions":
        return _split_list(text)
    if key == "image_ids":
        return _image_ids(text)
    if key == "extra_fees":
        return _extra_fees(text)
    if key == "stock":
        return int(text) if re.fullmatch(r"[0-9]{1,9}", text) else text
    if key == "warranty_months":
        return int(text) if re.fullmatch(r"[0-9]{1,4}", text) else text
    return text


def attribute_value(kind: str, text: str) -> Any:
    """A cell's text as the attribute kind's value (the parser checks it further)."""
    if kind == "boolean":
        return _bool(text)
    if kind == "number":
        if re.fullmatch(r"[+-]?[0-9]+", text):
            return int(text)
        if re.fullmatch(r"[+-]?[0-9]*\.[0-9]+", text):
            return text  # a decimal number as text: no float rounding
    return text


@dataclass
class _Template:
    by_name: dict[str, AttributeSpec]  # folded key / name_zh / name_en → spec


def _templates(codes: set[str]) -> dict[str, _Template]:
    """For each category code in the file: its effective template by key and by names."""
    categories = {c.code: c for c in Category.objects.filter(code__in=codes)}
    ancestors: set[str] = set()
    for category in categories.values():
        ancestors.update(p for p in category.path.split("/") if p)
    specs_by_code: dict[str, list[AttributeSpec]] = {}
    for spec in AttributeSpec.objects.filter(category__code__in=ancestors).select_related(
        "category"
    ):
        specs_by_code.setdefault(spec.category.code, []).append(spec)
    result: dict[str, _Template] = {}
    for code, category in categories.items():
        by_name: dict[str, AttributeSpec] = {}
        for part in (p for p in category.path.split("/") if p):
            for spec in specs_by_code.get(part, []):
                for name in (spec.key, spec.name_zh, spec.name_en):
                    if name:
                        by_name[_header_key(name)] = spec
        result[code] = _Template(by_name)
    return result


def rows_to_items(table: list[tuple[int, list[str]]]) -> ParsedFile:
    """The header row and the data rows → items; raises for faults of the file as a whole."""
    table = [(n, cells) for n, cells in table if any(c for c in cells)]
    if not table:
        raise _file_error("empty_file", _("The file has no header row and no data."))
    _header_line, headers = table[0]
    headers = [h.strip() for h in headers]
    plain: dict[int, Column] = {}
    extra: dict[int, str] = {}
    seen: dict[str, str] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        column = _BY_HEADER.get(_header_key(header))
        if column is not None:
            if column.key in seen:
                raise _file_error(
                    "duplicate_column",
                    _("The columns “%(a)s” and “%(b)s” are the same column.")
                    % {"a": seen[column.key], "b": header},
                )
            seen[column.key] = header
            plain[index] = column
        else:
            extra[index] = header
    missing = [c for c in REQUIRED if c.key not in seen]
    if missing:
        names = "、".join(f"{c.zh}/{c.en}" for c in missing)
        raise _file_error(
            "missing_columns",
            _("Required columns are missing: %(columns)s") % {"columns": names},
            columns=[c.key for c in missing],
        )
    body = table[1:]
    if len(body) > MAX_ROWS:
        raise _file_error(
            "too_many_rows",
            _("At most %(limit)d rows per file; this one has %(count)d.")
            % {"limit": MAX_ROWS, "count": len(body)},
        )
    category_index = next(i for i, c in plain.items() if c.key == "category")
    codes = {cells[category_index] for _n, cells in body if category_index < len(cells)} - {""}
    templates = _templates(codes) if extra else {}
    parsed = ParsedFile(headers=headers)
    for line, cells in body:
        item: dict[str, Any] = {}
        attributes: dict[str, Any] = {}
        for index, column in plain.items():
            text = cells[index] if index < len(cells) else ""
            if text != "":
                item[column.key] = _plain(column.key, text)
        template = templates.get(item.get("category", ""))
        for index, header in extra.items():
            text = cells[index] if index < len(cells) else ""
            if text == "":
                continue
            if header.casefold().startswith(ATTRIBUTE_PREFIX):
                name = header[len(ATTRIBUTE_PREFIX) :].strip()
            else:
                name = header
            spec = template.by_name.get(_header_key(name)) if template else None
            if spec is not None:
                attributes[spec.key] = attribute_value(spec.kind, text)
            else:
                attributes[name] = text  # unknown: the parser names it on this row
        if attributes:
            item["attributes"] = attributes
        parsed.rows.append(ParsedRow(line=line, item=item))
    return parsed


def parse_listing_file(data: bytes, file_name: str = "") -> ParsedFile:
    """A CSV (UTF-8 with or without BOM, or GB18030) or XLSX file → items, one per data row."""
    if not data:
        raise _file_error("empty_file", _("The file is empty."))
    table = _read_xlsx(data) if is_xlsx(data, file_name) else _read_csv(data)
    return rows_to_items(table)


# ---- the template --------------------------------------------------------------------------


def template_headers(category: Category | None = None, *, language: str = "zh") -> list[str]:
    """Column headers of the template; with a category, its attribute columns as well."""
    headers = [c.zh if language == "zh" else c.en for c in COLUMNS]
    if category is not None:
        from govmall.catalog.attribute_template import template_for

        for spec in template_for(category):
            headers.append(spec.name_zh if language == "zh" else f"{ATTRIBUTE_PREFIX}{spec.key}")
    return headers


_EXAMPLE: dict[str, str] = {
    "sku": "HP-M404DN",
    "category": "A0201060102",
    "title": "惠普 HP LaserJet Pro M404dn 黑白激光打印机",
    "brand": "惠普",
    "model_no": "M404dn",
    "manufacturer": "惠普（重庆）有限公司",
    "unit": "台",
    "price": "2399.00",
    "stock": "20",
    "warranty_months": "12",
    "origin": "国产",
    "energy_cert_no": "CQC24001012345",
    "energy_cert_expiry": "2028-06-30",
    "description": "A4 黑白激光，38 页/分钟，自动双面打印，有线网络。",
    "after_sales": "整机一年上门保修，4 小时响应。",
    "no_extra_fees": "是",
    "extra_fees": "",
    "delivery_divisions": "150000",
    "image_ids": "",
}


def example_row(category: Category | None = None) -> list[str]:
    """One example row matching `template_headers` (attribute cells left empty)."""
    row = [_EXAMPLE.get(c.key, "") for c in COLUMNS]
    if category is not None:
        from govmall.catalog.attribute_template import template_for

        row[1] = category.code
        row += ["" for _spec in template_for(category)]
    return row


def csv_bytes(rows: list[list[Any]]) -> bytes:
    """UTF-8 with BOM, so that Excel opens Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else _safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe_cell(value: Any) -> str:
    """Text that a spreadsheet will not run as a formula (CSV injection)."""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@") and not re.fullmatch(r"[+-]?[0-9.]+", text):
        return "'" + text
    return text
