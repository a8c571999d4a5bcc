"""Supplier demo data: the article's figures, exactly, plus a few showcase suppliers.

Active suppliers: 2823, of which 2348 registered in the region (83.17%) and 475 individual
businesses (16.83%); individual businesses are spread over both (400 in the region, 75
outside), so the figures are independent. Everything is drawn from one seeded random generator
(deterministic); past dates are fixed, only the pending applications are placed relative to now.

Showcase suppliers (through record_event, with login users): 包头市鹿城办公设备有限公司 (the
core demo's supplier: active, signed, documents accepted), an individual business (active), one
applicant awaiting verification and one returned for correction.

Background suppliers are inserted with bulk_create in batches: organisations, a supplier admin
each (password unusable: they never log in), the signature of the current commitment, the two
required documents (accepted for active ones; the files are two shared sample PDFs under
GOVMALL_PRIVATE_MEDIA/demo/) and the application history (approved; some returned first and
approved on resubmission; pending, returned and rejected ones not active). They carry no audit
events (audit_length 0, which `govmall audit verify` accepts): they stand for history loaded
from before the trail, and writing a chain per row would triple the loading time.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from govmall.accounts import services as accounts
from govmall.accounts.access import owning_operator
from govmall.accounts.models import Division, Organisation, User, UserRole
from govmall.accounts.roles import OrgKind, Role
from govmall.audit.services import record_event
from govmall.core.calendar import TZ, add_working_days
from govmall.core.numbers import next_value
from govmall.suppliers.codes import make_credit_code
from govmall.suppliers.commitment import current_commitment, text_sha256
from govmall.suppliers.documents import private_root, required_types
from govmall.suppliers.models import (
    Application,
    ApplicationKind,
    CommitmentSignature,
    Document,
    DocumentType,
    Supplier,
    SupplierSource,
    SupplierStatus,
)

SEED = 20221108


def _words(text: str) -> list[str]:
    return text.split()


BATCH = 500
# Background active suppliers by (in region, type); the two active showcase ones complete them.
ACTIVE_MIX = {
    (True, "enterprise"): 1907,
    (True, "individual"): 399,
    (True, "other"): 40,
    (False, "enterprise"): 392,
    (False, "individual"): 75,
    (False, "other"): 8,
}
NOT_ACTIVE = {"pending": 14, "returned": 6, "rejected": 5}
SHARED_EVERY = 16  # every 16th background active supplier came by shared recruitment
SHARED_MALLS = [
    "呼和浩特市政府采购网上商城",
    "鄂尔多斯市政府采购电子卖场",
    "赤峰市政府采购网上商城",
]
HISTORY_START = datetime(2023, 1, 3, tzinfo=TZ)
HISTORY_DAYS = 1330  # up to autumn 2026
# (city code, weight, telephone area code)
# fmt: off
CITIES = [
    ("1502", 62, "0472"), ("1501", 10, "0471"), ("1506", 7, "0477"), ("1504", 4, "0476"),
    ("1505", 3, "0475"), ("1508", 4, "0478"), ("1509", 3, "0474"), ("1503", 2, "0473"),
    ("1507", 2, "0470"), ("1522", 1, "0482"), ("1525", 1, "0479"), ("1529", 1, "0483"),
]
# fmt: on
# fmt: off
OUTSIDE = [
    ("640104", 8), ("610113", 8), ("140105", 6), ("130102", 6), ("110108", 7), ("110105", 4),
    ("120104", 3), ("210102", 3), ("230103", 2), ("310115", 3), ("330106", 3), ("370102", 3),
    ("410105", 3), ("440305", 4), ("620102", 3),
]
# fmt: on
MARKS = _words(
    "华信 恒达 鑫源 宏远 金桥 瑞丰 北方 草原 阳光 天成 永盛 泰和 盛世 "
    "新华 博远 聚力 众诚 德润 嘉禾 汇通 广源 中科 富民 兴业 昌盛 利民 "
    "安泰 恒通 金鼎 银河 蓝天 青城 钢城 稀土 黄河 阴山 敕勒 蒙源 塞北 "
    "朔方 隆基 凯达 信达 远航 腾飞 正大 合力 诚信 明德 佳和 伟业 宏图 "
    "祥瑞 同创 立信 光华 万通 九州 东方 天骄 启航 鼎盛 润泽 华普 卓越 "
    "恒信 晨光 兴旺 福瑞 昊天 "
)
MARK_CHARS = sorted(set("".join(MARKS)))
# (name word, business scope, categories, weight)
TRADES = [
    ("商贸", "日用百货、办公用品、劳保用品销售", ["办公用品", "日用百货"], 9),
    ("办公设备", "办公设备、计算机及外围设备销售与维修", ["办公设备", "计算机设备"], 8),
    ("科技", "计算机软硬件开发、系统集成、技术服务", ["计算机设备", "信息技术服务"], 7),
    ("信息技术", "信息系统集成、网络工程、运维服务", ["信息技术服务"], 4),
    ("电子", "电子产品、通讯设备销售", ["电子产品"], 4),
    ("家具", "办公家具、学校家具制造与销售", ["家具"], 4),
    ("印务", "包装装潢印刷品、其他印刷品印刷", ["印刷服务"], 3),
    ("文化用品", "文具、纸张、教学用品销售", ["办公用品", "教学用品"], 3),
    ("医疗器械", "第二类医疗器械销售", ["医疗器械"], 2),
    ("建材", "建筑材料、五金交电销售", ["五金建材"], 3),
    ("物业服务", "物业管理、保洁服务、绿化养护", ["物业服务"], 2),
    ("环保科技", "环保设备销售、环境监测服务", ["环保设备"], 2),
    ("电器", "家用电器、空调销售及安装", ["家用电器"], 3),
    ("汽车服务", "汽车维修、保养及配件销售", ["车辆维修"], 2),
]
SHOPS = [
    ("办公用品店", 0),
    ("文具店", 7),
    ("五金商行", 9),
    ("电脑经销部", 1),
    ("家电维修部", 12),
    ("图文快印部", 6),
    ("日用百货商店", 0),
    ("劳保用品经销部", 0),
    ("装饰材料店", 9),
    ("汽车修理部", 13),
    ("办公家具店", 5),
]
OTHERS = [
    ("93", "农牧业专业合作社", "农畜产品种植、养殖及销售", ["农副产品"]),
    ("52", "职业培训学校", "职业技能培训", ["培训服务"]),
]
SURNAMES = _words(
    "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗 "
    "梁 宋 郑 谢 韩 唐 冯 于 董 萧 白 乌 包 "
)
GIVEN = _words(
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 "
    "平 刚 桂英 巴特尔 其其格 斯琴 乌兰 宝音 "
)
HOTLINES = ["周一至周五 8:30-17:30", "每日 9:00-21:00", "7×24 小时", "周一至周六 8:00-18:00"]
SIZE_WEIGHTS = {"enterprise": [2, 10, 38, 50], "individual": [0, 0, 8, 92], "other": [0, 5, 35, 60]}
SIZES = ["large", "medium", "small", "micro"]
PREFIX = {"enterprise": "91", "individual": "92"}


@dataclass
class Spec:
    name: str
    credit_code: str
    supplier_type: str
    size: str
    division: str
    legal: str
    contact: str
    phone: str
    scope: str
    categories: list[str]
    hotline: str
    status: str = SupplierStatus.ACTIVE
    source: str = SupplierSource.SELF
    source_mall: str = ""
    # (status, submitted_at, decided_at, reasons) oldest first
    history: list[tuple[str, datetime, datetime | None, dict[str, str]]] = field(
        default_factory=list
    )
    activated_at: datetime | None = None


class _Maker:
    def __init__(self, divisions: dict[str, Division]) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 (demo data, no secret)
        self.divisions = divisions
        self.names: set[str] = set(
            Organisation.objects.filter(kind=OrgKind.SUPPLIER).values_list("name", flat=True)
        )
        self.serials: set[int] = set()
        self.counties = {
            city: sorted(c for c in divisions if c.startswith(city) and not c.endswith("00"))
            for city, _w, _a in CITIES
        }

    def pick(self, items: list[Any], weights: list[int]) -> Any:
        return self.rng.choices(items, weights=weights)[0]

    def division(self, in_region: bool) -> tuple[str, str]:
        if not in_region:
            return self.pick([c for c, _w in OUTSIDE], [w for _c, w in OUTSIDE]), ""
        city, _w, area = self.pick(CITIES, [w for _c, w, _a in CITIES])
        counties = self.counties[city]
        weights = [4 if i < 4 else 1 for i in range(len(counties))]
        return self.pick(counties, weights), area

    def unique(self, build: Callable[[], str]) -> str:
        while True:
            name = build()
            if name not in self.names:
                self.names.add(name)
                return name

    def mark(self) -> str:
        """A trade name (字号): a common one, or two characters of the common ones."""
        if self.rng.random() < 0.6:
            return self.rng.choice(MARKS)
        return "".join(self.rng.sample(MARK_CHARS, 2))

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def spec(self, in_region: bool, supplier_type: str) -> Spec:
        rng, (code, area) = self.rng, self.division(in_region)
        county = self.divisions[code]
        parent = self.divisions.get(code[:4] + "00") or self.divisions[code[:2] + "0000"]
        city = parent.name_zh if in_region else parent.name_zh.removesuffix("市")
        if supplier_type == "individual":
            shop, trade = self.pick(SHOPS, [3, 2, 2, 2, 1, 1, 2, 1, 1, 1, 1])
            _w, scope, categories, _x = TRADES[trade]
            name = self.unique(lambda: county.name_zh + self.mark() + shop)
            prefix = PREFIX["individual"]
        elif supplier_type == "other":
            prefix, kind, scope, categories = rng.choice(OTHERS)
            name = self.unique(lambda: city + self.mark() + kind)
        else:
            word, scope, categories, _x = self.pick(TRADES, [t[3] for t in TRADES])
            suffix = self.pick(["有限公司", "有限责任公司"], [3, 1])
            name = self.unique(lambda: city + self.mark() + word + suffix)
            prefix = PREFIX["enterprise"]
        serial = rng.randrange(10**8, 10**9)
        while serial in self.serials:
            serial = rng.randrange(10**8, 10**9)
        self.serials.add(serial)
        phone = (
            f"{area}-{rng.randrange(2000000, 8999999)}" if area else f"13{rng.randrange(10**9):09d}"
        )
        return Spec(
            name=name,
            credit_code=make_credit_code(prefix, code, serial),
            supplier_type=supplier_type,
            size=self.pick(SIZES, SIZE_WEIGHTS[supplier_type]),
            division=code,
            legal=self.person(),
            contact=self.person(),
            phone=phone,
            scope=scope,
            categories=list(categories),
            hotline=rng.choice(HOTLINES),
        )

    def moment(self, start: datetime, days: int) -> datetime:
        """A time on one of `days` days from `start` (midnight), between 8:00 and 21:00."""
        return start + timedelta(
            days=self.rng.randrange(days), minutes=self.rng.randrange(480, 1260)
        )

    def decided(self, submitted: datetime) -> datetime:
        r = self.rng.random()
        hours = (
            self.rng.uniform(1.5, 20)
            if r < 0.55
            else self.rng.uniform(20, 44)
            if r < 0.93
            else self.rng.uniform(44, 60)
            if r < 0.98
            else self.rng.uniform(60, 120)
        )
        at = (submitted + timedelta(hours=hours)).astimezone(TZ)
        if at.hour < 8 or at.hour >= 19:  # decisions are made in office hours
            at = (at + timedelta(hours=13)).replace(hour=8, minute=self.rng.randrange(30, 59))
        while at.weekday() >= 5:
            at += timedelta(days=1)
        return at

    def history(self, spec: Spec, now: datetime) -> None:
        rng = self.rng
        if spec.status == SupplierStatus.PENDING:
            spec.history = [("pending", now - timedelta(hours=rng.uniform(0.5, 60)), None, {})]
            return
        submitted = self.moment(HISTORY_START, HISTORY_DAYS)
        if spec.status == SupplierStatus.RETURNED:
            submitted = now - timedelta(days=rng.uniform(3, 20))
            reasons = rng.choice([RETURN_REASONS[0], RETURN_REASONS[1]])
            spec.history = [("returned", submitted, self.decided(submitted), reasons)]
            return
        if spec.status == SupplierStatus.REJECTED:
            reasons = {
                "_general": "提交的营业执照与所填主体信息不一致，且经核实不具备相应经营资格。"
            }
            spec.history = [("rejected", submitted, self.decided(submitted), reasons)]
            return
        if rng.random() < 0.08:
            returned_at = self.decided(submitted)
            spec.history.append(("returned", submitted, returned_at, rng.choice(RETURN_REASONS)))
            submitted = returned_at + timedelta(hours=rng.uniform(6, 96))
        decided = self.decided(submitted)
        spec.history.append(("approved", submitted, decided, {}))
        spec.activated_at = decided


RETURN_REASONS = [
    {"documents": "营业执照扫描件不清晰，请重新上传清晰完整的彩色扫描件。"},
    {"business_scope": "经营范围与营业执照记载不一致，请核对后修改。"},
    {"documents": "授权委托书缺少法定代表人签字，请补正。"},
]


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A small, valid one-page PDF (ASCII text)."""

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = [f"BT /F1 18 Tf 72 760 Td ({esc(title)}) Tj ET"]
    text += [
        f"BT /F1 11 Tf 72 {730 - 18 * i} Td ({esc(line)}) Tj ET" for i, line in enumerate(lines)
    ]
    stream = "\n".join(text).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _store(relative: str, content: bytes) -> None:
    path = private_root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _sample_files(doc_types: list[DocumentType]) -> dict[str, tuple[str, str, int]]:
    """One shared sample PDF per document type for the background suppliers."""
    files = {}
    for doc_type in doc_types:
        content = demo_pdf("GovMall demo", [f"Sample document: {doc_type.name_en}", "Demo data."])
        sha = hashlib.sha256(content).hexdigest()
        _store(f"demo/{sha}.pdf", content)
        files[doc_type.code] = (f"demo/{sha}.pdf", sha, len(content))
    return files


def _chunks(items: list[Spec], size: int) -> Iterator[list[Spec]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---- loading ------------------------------------------------------------------------------


class _Context:
    def __init__(self, now: datetime) -> None:
        self.now = now
        text = current_commitment()
        assert text is not None, "the commitment text is reference data"
        self.text, self.text_sha = text, text_sha256(text.text_zh)
        self.doc_types = {t: required_types(t) for t in ("enterprise", "individual", "other")}
        self.samples = _sample_files(self.doc_types["enterprise"])
        self._owners: dict[str, Organisation] = {}
        self._deciders: dict[int, User] = {}

    def owner(self, division: Division) -> Organisation:
        if division.code not in self._owners:
            owner = owning_operator(division)
            assert owner is not None, "the demo has the regional centre"
            self._owners[division.code] = owner
        return self._owners[division.code]

    def decider(self, owner: Organisation) -> User:
        if owner.pk not in self._deciders:
            user = (
                User.objects.filter(
                    organisation=owner,
                    roles__role__in=[Role.OPERATOR_REVIEWER, Role.OPERATOR_ADMIN],
                )
                .order_by("id")
                .first()
            )
            assert user is not None
            self._deciders[owner.pk] = user
        return self._deciders[owner.pk]


def _snapshot(spec: Spec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "division": spec.division,
        "credit_code": spec.credit_code,
        "supplier_type": spec.supplier_type,
        "size": spec.size,
        "legal_representative": spec.legal,
        "contact_name": spec.contact,
        "contact_phone": spec.phone,
        "contact_email": "",
        "address": "",
        "business_scope": spec.scope,
        "intended_categories": spec.categories,
        "service_outlets": "",
        "hotline_hours": spec.hotline,
        "screening": [],
    }


def _supplier_row(spec: Spec, org: Organisation) -> Supplier:
    first = spec.history[0][1] if spec.history else spec.activated_at
    assert first is not None
    return Supplier(
        organisation=org,
        credit_code=spec.credit_code,
        supplier_type=spec.supplier_type,
        size=spec.size,
        legal_representative=spec.legal,
        contact_name=spec.contact,
        contact_phone=spec.phone,
        business_scope=spec.scope,
        intended_categories=spec.categories,
        service_outlets=f"{org.division.name_zh}服务网点" if org.division_id else "",
        hotline_hours=spec.hotline,
        status=spec.status,
        source=spec.source,
        source_mall=spec.source_mall,
        registered_at=first - timedelta(hours=2),
        activated_at=spec.activated_at,
    )


def _applications(
    ctx: _Context,
    spec: Spec,
    supplier: Supplier,
    admin: User,
    docs: list[int],
    round_: int,
    previous: Application | None,
) -> Application | None:
    if len(spec.history) <= round_:
        return None
    status, submitted, decided, reasons = spec.history[round_]
    due = add_working_days(submitted, settings.GOVMALL_VERIFICATION_WORKING_DAYS)
    owner = ctx.owner(supplier.organisation.division)
    return Application(
        number=f"SUP-{submitted.astimezone(TZ).year}-{next_value('sup'):06d}",
        supplier=supplier,
        kind=ApplicationKind.ONBOARDING,
        status=status,
        data=_snapshot(spec),
        document_ids=docs,
        owner=owner,
        previous=previous,
        submitted_by=admin,
        submitted_at=submitted,
        deadline=due.deadline,
        deadline_calendar_known=due.calendar_known,
        decided_by=ctx.decider(owner) if decided else None,
        decided_at=decided,
        reasons=reasons,
    )


def _documents(ctx: _Context, spec: Spec, supplier: Supplier, admin: User) -> list[Document]:
    uploaded = supplier.registered_at + timedelta(minutes=30)
    return [
        Document(
            supplier=supplier,
            doc_type=doc_type,
            version=1,
            storage_name=ctx.samples[doc_type.code][0],
            content_type="application/pdf",
            size=ctx.samples[doc_type.code][2],
            sha256=ctx.samples[doc_type.code][1],
            original_name=f"{doc_type.name_zh}.pdf",
            uploaded_by=admin,
            uploaded_at=uploaded,
            accepted_at=spec.activated_at,
        )
        for doc_type in ctx.doc_types[spec.supplier_type]
    ]


def _insert_background(ctx: _Context, specs: list[Spec], say: Callable[[str], None]) -> None:
    divisions = {d.code: d for d in Division.objects.filter(code__in={s.division for s in specs})}
    done = 0
    for batch in _chunks(specs, BATCH):
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(kind=OrgKind.SUPPLIER, name=s.name, division=divisions[s.division])
                for s in batch
            ]
        )
        admins = User.objects.bulk_create(
            [
                User(
                    username=f"demo-{s.credit_code.lower()}",
                    password=make_password(None),
                    organisation=org,
                    display_name=s.contact,
                )
                for s, org in zip(batch, orgs, strict=True)
            ]
        )
        UserRole.objects.bulk_create([UserRole(user=u, role=Role.SUPPLIER_ADMIN) for u in admins])
        suppliers = Supplier.objects.bulk_create(
            [_supplier_row(s, org) for s, org in zip(batch, orgs, strict=True)]
        )
        rows = list(zip(batch, suppliers, admins, strict=True))
        documents = Document.objects.bulk_create(
            [d for s, sup, admin in rows for d in _documents(ctx, s, sup, admin)]
        )
        doc_ids: dict[int, list[int]] = {}
        for doc in documents:
            doc_ids.setdefault(doc.supplier_id, []).append(doc.pk)
        CommitmentSignature.objects.bulk_create(
            [
                CommitmentSignature(
                    supplier=sup,
                    text=ctx.text,
                    language="zh-hans",
                    text_sha256=ctx.text_sha,
                    signed_by=admin,
                    signed_at=sup.registered_at + timedelta(minutes=20),
                )
                for _s, sup, admin in rows
            ]
        )
        first = Application.objects.bulk_create(
            [
                a
                for s, sup, admin in rows
                if (a := _applications(ctx, s, sup, admin, doc_ids[sup.pk], 0, None))
            ]
        )
        by_supplier = {a.supplier_id: a for a in first}
        Application.objects.bulk_create(
            [
                a
                for s, sup, admin in rows
                if (
                    a := _applications(
                        ctx, s, sup, admin, doc_ids[sup.pk], 1, by_supplier.get(sup.pk)
                    )
                )
            ]
        )
        done += len(batch)
        say(f"suppliers: {done}/{len(specs)} background suppliers")


def background_specs(now: datetime) -> list[Spec]:
    """The background suppliers, deterministic for a given database of reference data."""
    divisions = {
        d.code: d for d in Division.objects.filter(code__startswith=settings.GOVMALL_REGION_PREFIX)
    }
    outside = [c for c, _w in OUTSIDE]
    wanted = set(outside) | {c[:4] + "00" for c in outside} | {c[:2] + "0000" for c in outside}
    divisions.update({d.code: d for d in Division.objects.filter(code__in=wanted)})
    maker = _Maker(divisions)
    specs: list[Spec] = []
    for (in_region, supplier_type), count in ACTIVE_MIX.items():
        specs += [maker.spec(in_region, supplier_type) for _i in range(count)]
    maker.rng.shuffle(specs)
    for index, spec in enumerate(specs):
        if index % SHARED_EVERY == 0:
            spec.source, spec.source_mall = SupplierSource.SHARED, maker.rng.choice(SHARED_MALLS)
            spec.activated_at = maker.moment(datetime(2022, 7, 1, tzinfo=TZ), 180)
        else:
            maker.history(spec, now)
    for status, count in NOT_ACTIVE.items():
        for _i in range(count):
            spec = maker.spec(
                maker.rng.random() < 0.85, maker.pick(["enterprise", "individual"], [4, 1])
            )
            spec.status = status
            maker.history(spec, now)
            specs.append(spec)
    specs.sort(key=lambda s: s.history[0][1] if s.history else s.activated_at or now)
    return specs


# ---- showcase suppliers (through record_event, with login users) -----------------------------

# (username, display name, name, division, type, size, status, serial, legal, contact, phone)
# fmt: off
SHOWCASE = [
    ("supplier-admin", "", "包头市鹿城办公设备有限公司", "150202", "enterprise", "small", "active",
     20220601, "王建国", "李敏", "0472-5123456"),
    ("shop-admin", "晨光店主", "昆都仑区晨光办公用品店", "150203", "individual", "micro",
     "active", 20220602, "赵丽", "赵丽", "0472-2134567"),
    ("applicant", "宏达管理员", "包头市宏达信息技术有限公司", "150204", "enterprise",
     "medium", "pending", 20220603, "刘强", "陈静", "0472-4156789"),
    ("applicant-returned", "恒信管理员", "包头市恒信商贸有限公司", "150207", "enterprise",
     "micro", "returned", 20220604, "孙伟", "周芳", "0472-7134567"),
]
# fmt: on


def _showcase_spec(row: tuple[Any, ...], now: datetime) -> Spec:
    _u, _d, name, division, stype, size, status, serial, legal, contact, phone = row
    prefix = PREFIX.get(stype, "52")
    spec = Spec(
        name=name,
        credit_code=make_credit_code(prefix, division, serial),
        supplier_type=stype,
        size=size,
        division=division,
        legal=legal,
        contact=contact,
        phone=phone,
        scope="办公设备、计算机及外围设备、办公用品销售与维修",
        categories=["办公设备", "计算机设备", "办公用品"],
        hotline="周一至周五 8:30-17:30",
        status=status,
    )
    if status == "active":
        submitted = datetime(2025, 3, 10, 9, 20, tzinfo=TZ) + timedelta(days=serial % 10)
        decided = submitted + timedelta(hours=5, minutes=40)
        spec.history, spec.activated_at = [("approved", submitted, decided, {})], decided
    elif status == "pending":
        spec.history = [("pending", now - timedelta(hours=5), None, {})]
    else:
        submitted = now - timedelta(days=4, hours=3)
        spec.history = [("returned", submitted, submitted + timedelta(hours=20), RETURN_REASONS[0])]
    return spec


def _showcase_one(ctx: _Context, row: tuple[Any, ...]) -> tuple[str, str]:
    from govmall.core.demo import demo_password

    username, display, name = row[0], row[1], row[2]
    spec = _showcase_spec(row, ctx.now)
    org = Organisation.objects.filter(kind=OrgKind.SUPPLIER, name=name).first()
    if org is None:
        org = accounts.organisation_create(
            actor=None, kind=OrgKind.SUPPLIER, name=name, division_code=spec.division
        )
    admin = User.objects.filter(username=username).first() or accounts.user_create(
        actor=None,
        organisation=org,
        username=username,
        password=demo_password(username),
        roles=[Role.SUPPLIER_ADMIN],
        display_name=display,
    )
    supplier = _supplier_row(spec, org)
    supplier.save()
    record_event(
        obj=supplier,
        action="supplier.registered",
        actor=admin,
        organisation=org,
        after={"status": spec.status, "credit_code": spec.credit_code, "name": name},
    )
    CommitmentSignature.objects.create(
        supplier=supplier,
        text=ctx.text,
        language="zh-hans",
        text_sha256=ctx.text_sha,
        signed_by=admin,
        signed_at=supplier.registered_at + timedelta(minutes=20),
        ip="127.0.0.1",
        user_agent="GovMall demo",
    )
    doc_ids = []
    for doc in _documents(ctx, spec, supplier, admin):
        content = demo_pdf(
            doc.doc_type.name_en, [f"Supplier credit code: {spec.credit_code}", "GovMall demo."]
        )
        doc.sha256, doc.size = hashlib.sha256(content).hexdigest(), len(content)
        doc.storage_name = f"{supplier.pk}/{doc.sha256}.pdf"
        _store(doc.storage_name, content)
        doc.save()
        record_event(
            obj=doc,
            action="document.uploaded",
            actor=admin,
            organisation=org,
            after={"doc_type": doc.doc_type_id, "version": 1, "sha256": doc.sha256},
        )
        doc_ids.append(doc.pk)
    application = _applications(ctx, spec, supplier, admin, doc_ids, 0, None)
    assert application is not None
    application.save()
    record_event(
        obj=application,
        action="application.submitted",
        actor=admin,
        organisation=org,
        after={"number": application.number, "status": "pending", "deadline": application.deadline},
    )
    if application.decided_at is not None:
        assert application.decided_by is not None
        record_event(
            obj=application,
            action=f"application.{application.status}",
            actor=application.decided_by,
            organisation=application.owner,
            before={"status": "pending"},
            after={"status": application.status, "reasons": application.reasons},
        )
    return username, name


def load_supplier_demo(say: Callable[[str], None] = lambda _m: None) -> list[Any]:
    """Showcase suppliers (their logins are returned) and the background ones. Runs inside
    `load_demo`'s transaction, after the organisations and users of the core demo."""
    from govmall.core.demo import DemoLogin, demo_password

    ctx = _Context(timezone.now())
    logins = []
    for row in SHOWCASE:
        username, name = _showcase_one(ctx, row)
        if row[1]:  # the core demo already lists its own supplier admin
            logins.append(DemoLogin(username, demo_password(username), Role.SUPPLIER_ADMIN, name))
    say(f"showcase suppliers: {len(SHOWCASE)}")
    specs = background_specs(ctx.now)
    _insert_background(ctx, specs, say)
    active = Supplier.objects.filter(status=SupplierStatus.ACTIVE).count()
    say(f"active suppliers: {active}; applications: {Application.objects.count()}")
    return logins
