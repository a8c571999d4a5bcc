"""The contract's text: built once when the contract is generated, in Chinese (the contract's
language, whatever the viewer's UI language), and never re-rendered — both sides confirm the
SHA-256 of exactly these bytes.

Two versions come from one builder: the full text (what is signed) and the public text (what the
portal shows), which leaves out the persons' names, phone numbers and street addresses and any
payment-account line. The platform keeps no bank details for suppliers (the Supplier model has
no bank fields): the full text refers to the account the supplier gives in writing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import cn2an
from django.utils import timezone

from govmall.accounts.models import Division
from govmall.core.calendar import TZ
from govmall.suppliers.models import Supplier
from govmall.trading.models import Order, OrderLine, OrderSource, PaymentCondition

SME_SIZES = ("medium", "small", "micro")
SIZE_ZH = {"large": "大型企业", "medium": "中型企业", "small": "小型企业", "micro": "微型企业"}
STANDARD_AFTER_SALES = (
    "乙方按国家有关规定（“三包”）及生产厂家的承诺提供质量保证和售后服务；"
    "质保期内因产品质量问题发生的维修、更换费用由乙方承担。"
)


@dataclass(frozen=True)
class Terms:
    """The terms written into a contract (defaults from trading.config)."""

    delivery_days: int
    acceptance_working_days: int
    payment_condition: str
    payment_days: int
    after_sales: str


@dataclass(frozen=True)
class ContractTexts:
    text: str
    public_text: str
    text_sha256: str
    total_in_words: str


def amount_in_words(amount: Decimal) -> str:
    """Amount in Chinese capitals (壹万贰仟叁佰元整), via cn2an's RMB mode."""
    return str(cn2an.an2cn(str(amount.quantize(Decimal("0.01"))), "rmb"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def money(amount: Decimal) -> str:
    return f"¥{amount.quantize(Decimal('0.01')):,}"


def is_sme(supplier: Supplier, order: Order) -> bool:
    """SME by the declaration recorded on the order, else by the supplier's registered size."""
    size = (order.sme_declaration or {}).get("size") or supplier.size
    return size in SME_SIZES


def after_sales_from(lines: list[OrderLine]) -> str:
    """The after-sales promises snapshotted on the lines (one per distinct text), else the
    standard text."""
    texts: list[str] = []
    for line in lines:
        text = str((line.snapshot or {}).get("after_sales") or "").strip()
        if text and text not in texts:
            texts.append(text)
    return "\n".join(texts)[:2000] if texts else STANDARD_AFTER_SALES


def division_full_name(division: Division) -> str:
    """内蒙古自治区包头市东河区: the names along the division's path."""
    codes = division.path.split("/")
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name_zh"))
    return "".join(names.get(code, "") for code in codes) or division.name_zh


def _local(dt: datetime) -> str:
    local = timezone.localtime(dt, TZ)
    return f"{local.year}年{local.month}月{local.day}日"


def _payment_clause(terms: Terms, sme: bool) -> list[str]:
    start = "验收合格" if terms.payment_condition == PaymentCondition.ACCEPTANCE else "交付货物"
    clause = [f"甲方应自乙方{start}之日起{terms.payment_days}日内支付合同价款。"]
    if terms.payment_condition == PaymentCondition.ACCEPTANCE:
        clause.append(
            f"付款期限不得晚于约定验收期限（交货之日起{terms.acceptance_working_days}个工作日）"
            "届满之日起算。"
        )
    if sme:
        clause.append(
            "乙方为中小企业。依据《保障中小企业款项支付条例》，甲方应自货物交付之日起30日内支付款项；"
            "合同约定以验收合格为付款条件的，付款期限自验收合格之日起算，但不得晚于约定的验收期限"
            f"届满之日起算；本合同约定的付款期限为{terms.payment_days}日，最长不超过60日。"
            "付款期限届满日为法定节假日的，顺延至下一个工作日。"
        )
    return clause


def _sme_declaration(order: Order, supplier: Supplier) -> list[str]:
    declaration = order.sme_declaration or {}
    size = declaration.get("size") or supplier.size
    if declaration.get("declared") and size in SME_SIZES:
        lines = [f"乙方已提交《中小企业声明函》，声明本企业为{SIZE_ZH[size]}。"]
        text = str(declaration.get("text") or "").strip()
        if text:
            lines.append(f"声明内容：{text[:2000]}")
        return lines
    return [f"乙方未作中小企业声明（登记规模：{SIZE_ZH.get(size, size)}）。"]


def build_texts(
    *, number: str, order: Order, lines: list[OrderLine], terms: Terms, created_at: datetime
) -> ContractTexts:
    """The full and the public text of contract `number` for `order`."""
    words = amount_in_words(order.total)
    full = "\n".join(_sections(number, order, lines, terms, created_at, words, public=False))
    public = "\n".join(_sections(number, order, lines, terms, created_at, words, public=True))
    return ContractTexts(
        text=full + "\n",
        public_text=public + "\n",
        text_sha256=sha256_hex(full + "\n"),
        total_in_words=words,
    )


def _sections(
    number: str,
    order: Order,
    lines: list[OrderLine],
    terms: Terms,
    created_at: datetime,
    words: str,
    *,
    public: bool,
) -> list[str]:
    unit = order.purchaser
    supplier = order.supplier
    out = ["政府采购电子卖场采购合同", "", f"合同编号：{number}", f"订单编号：{order.number}"]
    if order.source == OrderSource.QUOTATION and order.quotation is not None:
        out.append(f"采购方式：竞价（竞价编号：{order.quotation.number}）")
    else:
        out.append("采购方式：直购")
    out += [f"合同生成日期：{_local(created_at)}", "", "一、合同双方"]
    out.append(f"甲方（采购人）：{unit.name}")
    out.append(f"  所属行政区划：{division_full_name(unit.division)}（{unit.division.code}）")
    if not public:
        buyer = order.buyer
        out.append(f"  经办人：{buyer.display_name or buyer.username}")
        if order.delivery_contact or order.delivery_phone:
            out.append(f"  收货联系人：{order.delivery_contact}  电话：{order.delivery_phone}")
    out.append(f"乙方（供应商）：{supplier.organisation.name}")
    out.append(f"  统一社会信用代码：{supplier.credit_code}")
    if not public:
        out.append(f"  法定代表人：{supplier.legal_representative}")
        out.append(f"  联系人：{supplier.contact_name}  电话：{supplier.contact_phone}")
        if supplier.address:
            out.append(f"  地址：{supplier.address}")
        out.append("  收款账户：以乙方书面提供并加盖公章的对公账户为准")
    out += ["", "二、合同标的"]
    for i, line in enumerate(lines, 1):
        snap = line.snapshot or {}
        out.append(
            f"{i}. {snap.get('title', '')}；品牌：{snap.get('brand', '') or '—'}；"
            f"型号：{snap.get('model_no', '') or '—'}；数量：{line.quantity}"
            f"{snap.get('unit', '') or ''}；单价：{money(line.unit_price)}；"
            f"金额：{money(line.amount)}"
        )
    out.append(f"合同总价：人民币{money(order.total)}（大写：{words}）")
    out.append("合同总价已包含货物、运输、安装、调试、培训及税费等全部费用。")
    out += ["", "三、交货"]
    place = division_full_name(order.delivery_division)
    out.append(f"交货地点：{place}" if public else f"交货地点：{place}{order.delivery_address}")
    by = f"合同签订之日起{terms.delivery_days}日内交货"
    if order.required_by:
        d = order.required_by
        by += f"，且不迟于{d.year}年{d.month}月{d.day}日"
    out.append(f"交货期限：{by}。")
    out += [
        "",
        "四、验收",
        f"甲方应自乙方交货之日起{terms.acceptance_working_days}个工作日内组织验收；"
        "验收不合格的，甲方书面说明理由，乙方应重新交付。",
        "",
        "五、付款",
        *_payment_clause(terms, is_sme(supplier, order)),
        "",
        "六、售后服务",
        terms.after_sales,
        "",
        "七、中小企业声明",
        *_sme_declaration(order, supplier),
        "",
        "八、其他",
        "本合同经甲乙双方在电子卖场确认本合同文本（以其SHA-256摘要为准）后生效。",
        "合同的变更、退回或终止须经双方协商一致并经运营机构核验，任何一方不得单方变更或终止。",
        "本合同在签订之日起2个工作日内在电子卖场公开，7个工作日内报财政部门备案。",
    ]
    return out
