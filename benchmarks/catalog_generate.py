"""Generate a realistic catalogue for the search benchmark: N listings (default 1,000,000) of
the demo categories, ~3,000 suppliers over China's counties (80 % Inner Mongolia), real
brands and model series per category, prices, attributes from each category's template.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govmall_bench_search \\
        .venv/bin/python benchmarks/catalog_generate.py --listings 1000000 [--reset]

The database named by DATABASE_URL is created and migrated if missing; its name must contain
"bench" (the script TRUNCATEs catalogue tables with --reset). Then benchmarks/search_mix.py
runs the query mix against it. Target: ≤ 10 minutes for 1,000,000 listings on this 2-core
machine.

Set-based path: listings are built per MODEL (a model's attributes, title variants, key
signature and search terms are computed once — titles are space-separated parts, so their
jieba segmentation is the union of the parts' segmentations), then each listing combines a
model variant with a supplier, a price, delivery areas and a time; rows go to
catalog_listing and catalog_searchrow with COPY (FK triggers off in this session: the data
is consistent by construction), secondary indexes are dropped before and rebuilt after the
load, then ANALYZE (with a statistics target of 1000 on the term arrays). 98 % of the
listings are listed (searchable), 1 % drafts, 1 % delisted. No audit events are written for
the generated rows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.common import load_rows, say, setup_django

GENESIS = "0" * 64
SUPPLIER_PREFIX = "基准商城供应商"

# Per leaf code: title nouns, brands → model series, price range (CNY), unit, warranty months.
SPECS: dict[str, dict[str, Any]] = {
    "A02010104": {
        "nouns": ["台式计算机", "台式电脑", "商用台式机"],
        "brands": {
            "联想": ["启天M", "扬天M", "ThinkCentre M"],
            "华为": ["MateStation S", "MateStation B"],
            "戴尔": ["OptiPlex ", "成铭"],
            "惠普": ["ProDesk ", "EliteDesk "],
            "清华同方": ["超越E", "超翔TK"],
            "长城": ["世恒TD", "擎天DF"],
            "浪潮": ["英信CE", "CE"],
            "宏碁": ["商祺X", "Veriton "],
        },
        "price": (2800, 9500),
        "unit": "台",
        "warranty": 36,
    },
    "A02010105": {
        "nouns": ["便携式计算机", "笔记本电脑", "商务笔记本"],
        "brands": {
            "联想": ["ThinkPad E", "ThinkPad T", "昭阳K"],
            "华为": ["MateBook D", "MateBook B"],
            "戴尔": ["Latitude ", "成就"],
            "惠普": ["战66 ", "EliteBook "],
            "华硕": ["ExpertBook B", "破晓"],
            "宏碁": ["TravelMate P", "墨舞"],
        },
        "price": (3500, 12000),
        "unit": "台",
        "warranty": 24,
    },
    "A02010107": {
        "nouns": ["平板电脑", "平板式微型计算机"],
        "brands": {"华为": ["MatePad "], "联想": ["小新Pad ", "拯救者Y"], "荣耀": ["平板"]},
        "price": (1500, 6000),
        "unit": "台",
        "warranty": 12,
    },
    "A02010103": {
        "nouns": ["服务器", "机架式服务器"],
        "brands": {
            "浪潮": ["NF", "英信NF"],
            "华为": ["FusionServer 2288H V"],
            "新华三": ["UniServer R"],
            "联想": ["ThinkSystem SR"],
            "戴尔": ["PowerEdge R"],
        },
        "price": (15000, 120000),
        "unit": "台",
        "warranty": 36,
    },
    "A0201060102": {
        "nouns": ["激光打印机", "黑白激光打印机", "A4激光打印机"],
        "brands": {
            "惠普": ["LaserJet Pro M", "LaserJet M"],
            "佳能": ["imageCLASS LBP", "LBP"],
            "兄弟": ["HL-L", "HL-"],
            "奔图": ["P", "BP"],
            "联想": ["LJ", "领像L"],
            "理光": ["P "],
            "京瓷": ["ECOSYS P"],
            "富士胶片": ["ApeosPort Print "],
        },
        "price": (800, 6000),
        "unit": "台",
        "warranty": 12,
        "suffixes": ["dn", "dw", "d", "w", "nw", ""],
    },
    "A0201060101": {
        "nouns": ["喷墨打印机", "墨仓式打印机", "彩色喷墨打印机"],
        "brands": {
            "爱普生": ["L", "WF-C"],
            "惠普": ["DeskJet ", "Smart Tank "],
            "佳能": ["PIXMA G", "PIXMA TS"],
            "兄弟": ["DCP-T", "MFC-T"],
        },
        "price": (400, 3500),
        "unit": "台",
        "warranty": 12,
    },
    "A0201060104": {
        "nouns": ["针式打印机", "票据打印机"],
        "brands": {"爱普生": ["LQ-"], "映美": ["FP-"], "得实": ["DS-"], "中盈": ["NX-"]},
        "price": (900, 4000),
        "unit": "台",
        "warranty": 12,
    },
    "A0201060201": {
        "nouns": ["液晶显示器", "显示器"],
        "brands": {
            "戴尔": ["P", "E"],
            "飞利浦": ["242E", "272S"],
            "AOC": ["24B", "27B"],
            "三星": ["S24", "S27"],
            "联想": ["ThinkVision T"],
        },
        "price": (600, 4000),
        "unit": "台",
        "warranty": 36,
    },
    "A02010609": {
        "nouns": ["扫描仪", "高速扫描仪"],
        "brands": {"富士通": ["fi-"], "佳能": ["DR-C"], "爱普生": ["DS-"], "汉王": ["HW-"]},
        "price": (1200, 15000),
        "unit": "台",
        "warranty": 12,
    },
    "A02010201": {
        "nouns": ["路由器", "企业级路由器"],
        "brands": {
            "华为": ["AR"],
            "新华三": ["ER", "MSR"],
            "TP-LINK": ["TL-ER"],
            "锐捷": ["RG-EG"],
        },
        "price": (300, 8000),
        "unit": "台",
        "warranty": 12,
    },
    "A02010202": {
        "nouns": ["交换机", "千兆交换机", "网络交换机"],
        "brands": {
            "华为": ["S5735-L", "S1730S-"],
            "新华三": ["S5130S-", "S1850V2-"],
            "锐捷": ["RG-S29", "RG-NBS"],
            "TP-LINK": ["TL-SG"],
        },
        "price": (200, 15000),
        "unit": "台",
        "warranty": 12,
    },
    "A02010508": {
        "nouns": ["U盘", "移动硬盘", "移动存储"],
        "brands": {
            "闪迪": ["CZ", "酷豆"],
            "金士顿": ["DT", "DTX"],
            "朗科": ["U", "K"],
            "东芝": ["Canvio "],
            "希捷": ["Expansion "],
        },
        "price": (30, 1200),
        "unit": "个",
        "warranty": 12,
    },
    "A020201": {
        "nouns": ["复印机", "数码复合机", "A3复印机"],
        "brands": {
            "理光": ["IM C", "MP "],
            "柯尼卡美能达": ["bizhub C"],
            "夏普": ["BP-"],
            "京瓷": ["TASKalfa "],
            "东芝": ["e-STUDIO"],
        },
        "price": (8000, 60000),
        "unit": "台",
        "warranty": 12,
    },
    "A020202": {
        "nouns": ["投影仪", "商务投影机", "激光投影仪"],
        "brands": {
            "爱普生": ["CB-"],
            "明基": ["E", "MW"],
            "索尼": ["VPL-EX"],
            "松下": ["PT-X"],
            "极米": ["RS"],
            "宏碁": ["D"],
        },
        "price": (2500, 25000),
        "unit": "台",
        "warranty": 24,
    },
    "A020204": {
        "nouns": ["多功能一体机", "打印复印扫描一体机", "激光多功能一体机"],
        "brands": {
            "惠普": ["LaserJet Pro MFP M", "LaserJet MFP M"],
            "佳能": ["imageCLASS MF", "MF"],
            "兄弟": ["MFC-", "DCP-"],
            "奔图": ["M"],
            "理光": ["M "],
            "夏普": ["BP-"],
        },
        "price": (1000, 9000),
        "unit": "台",
        "warranty": 12,
    },
    "A02021101": {
        "nouns": ["碎纸机", "办公碎纸机"],
        "brands": {"科密": ["C-"], "得力": ["9"], "齐心": ["S"], "三木": ["SD"]},
        "price": (200, 3000),
        "unit": "台",
        "warranty": 12,
    },
    "A0206180101": {
        "nouns": ["电冰箱", "冰箱"],
        "brands": {"海尔": ["BCD-"], "美的": ["BCD-"], "容声": ["BCD-"], "西门子": ["KA"]},
        "price": (1200, 9000),
        "unit": "台",
        "warranty": 36,
    },
    "A0206180201": {
        "nouns": ["空气净化器", "空气净化设备"],
        "brands": {"小米": ["AC-M"], "飞利浦": ["AC"], "亚都": ["KJ"], "352": ["X"]},
        "price": (600, 6000),
        "unit": "台",
        "warranty": 12,
    },
    "A0206180203": {
        "nouns": ["空调", "壁挂式空调", "变频空调", "冷暖空调"],
        "brands": {
            "格力": ["KFR-35GW/", "KFR-26GW/", "KFR-72LW/"],
            "美的": ["KFR-35GW/", "KFR-51LW/"],
            "海尔": ["KFR-35GW/", "KFR-72LW/"],
            "奥克斯": ["KFR-35GW/"],
            "海信": ["KFR-35GW/", "KFR-50LW/"],
            "TCL": ["KFR-35GW/"],
            "大金": ["FTXR", "FVXG"],
        },
        "price": (2000, 15000),
        "unit": "台",
        "warranty": 72,
        "suffixes": ["NhGc1B", "BpHA1", "FNhAa-B1", "N8XHC1", ""],
    },
    "A090101": {
        "nouns": ["复印纸", "A4打印纸", "静电复印纸"],
        "brands": {
            "得力": ["莱茵河 ", "佳宣 "],
            "晨光": ["蓝晨光 ", "绿晨光 "],
            "齐心": ["百年 "],
            "百旺": ["B"],
            "金旗舰": ["J"],
            "天章": ["乐活 "],
        },
        "price": (90, 320),
        "unit": "箱",
        "warranty": 0,
    },
    "A090201": {
        "nouns": ["硒鼓", "粉盒", "激光硒鼓"],
        "brands": {
            "惠普": ["CF2", "W1"],
            "佳能": ["CRG-0"],
            "兄弟": ["TN-2"],
            "奔图": ["PD-2"],
            "格之格": ["NT-C"],
            "天威": ["TFH"],
        },
        "price": (80, 1500),
        "unit": "个",
        "warranty": 0,
    },
    "A090301": {
        "nouns": ["墨盒", "原装墨盒", "墨水"],
        "brands": {"爱普生": ["T0"], "惠普": ["HP"], "佳能": ["PG-", "CL-"], "天威": ["TW"]},
        "price": (40, 600),
        "unit": "个",
        "warranty": 0,
    },
    "A060201": {
        "nouns": ["办公桌", "职员桌", "电脑桌", "主管桌"],
        "brands": {
            "得力": ["DL-"],
            "震旦": ["AD-"],
            "圣奥": ["SA-"],
            "科润": ["KR-"],
            "美时": ["MS-"],
            "冠美": ["GM-"],
        },
        "price": (400, 4500),
        "unit": "张",
        "warranty": 36,
    },
    "A060205": {
        "nouns": ["会议桌", "长条会议桌"],
        "brands": {"震旦": ["HY-"], "圣奥": ["HYZ-"], "科润": ["KH-"]},
        "price": (1500, 20000),
        "unit": "张",
        "warranty": 36,
    },
    "A060301": {
        "nouns": ["办公椅", "人体工学椅", "职员椅", "电脑椅"],
        "brands": {
            "西昊": ["M", "T"],
            "永艺": ["XY-"],
            "圣奥": ["SY-"],
            "震旦": ["CH-"],
            "得力": ["DY-"],
            "黑白调": ["HDNY"],
        },
        "price": (200, 2500),
        "unit": "把",
        "warranty": 36,
    },
    "A060302": {
        "nouns": ["会议椅", "培训椅"],
        "brands": {"圣奥": ["HY-"], "震旦": ["CM-"], "永艺": ["HY"]},
        "price": (150, 1200),
        "unit": "把",
        "warranty": 36,
    },
    "A060401": {
        "nouns": ["沙发", "办公沙发", "接待沙发"],
        "brands": {"圣奥": ["SF-"], "震旦": ["SF"], "科润": ["SF-"]},
        "price": (1500, 12000),
        "unit": "套",
        "warranty": 36,
    },
    "A060501": {
        "nouns": ["文件柜", "铁皮柜", "资料柜"],
        "brands": {"得力": ["WJG-"], "震旦": ["FC-"], "洛克菲勒": ["LK-"], "虎王": ["HW-"]},
        "price": (500, 3500),
        "unit": "组",
        "warranty": 36,
    },
    "A060503": {
        "nouns": ["保密柜", "保险柜"],
        "brands": {"虎王": ["BMG-"], "得力": ["BX-"], "永发": ["BGX-"]},
        "price": (1500, 12000),
        "unit": "台",
        "warranty": 36,
    },
    "A060601": {
        "nouns": ["书架", "钢制书架", "资料架"],
        "brands": {"得力": ["SJ-"], "洛克菲勒": ["SJ"], "科润": ["KS-"]},
        "price": (300, 2500),
        "unit": "组",
        "warranty": 36,
    },
}
# Share of listings per leaf (the rest of the mass spread evenly over the other leaves).
WEIGHTS = {
    "A02010104": 13,
    "A02010105": 11,
    "A0201060102": 9,
    "A0201060101": 4,
    "A020204": 6,
    "A020202": 4,
    "A0206180203": 8,
    "A090101": 8,
    "A090201": 6,
    "A090301": 3,
    "A060201": 5,
    "A060301": 5,
    "A060501": 4,
}
NUMBERS: dict[str, list[Any]] = {
    "memory_gb": [8, 16, 32],
    "storage_gb": [256, 512, 1024, 2048],
    "speed_ppm": [18, 22, 28, 33, 40, 45],
    "screen_in": [13.3, 14, 15.6, 16],
    "size_in": [21.5, 23.8, 27, 31.5],
    "lumens": [3300, 3600, 4000, 4500, 5000],
    "cooling_w": [2600, 3500, 5100, 7200, 12000],
    "volume_l": [216, 303, 406, 502],
    "capacity_gb": [32, 64, 128, 256, 1000, 2000],
    "gsm": [70, 80],
    "sheets_per_ream": [500],
    "reams_per_box": [5, 8, 10],
    "whiteness": [96, 98, 102],
    "yield_pages": [1500, 2500, 3000, 6000],
    "volume_ml": [12, 70],
    "ports": [8, 16, 24, 48],
    "cpu_count": [1, 2],
    "seats": [1, 2, 4, 6, 8],
    "throughput_mbps": [300, 1000, 3000],
    "wan_ports": [1, 2, 4],
    "lan_ports": [4, 8],
    "sheets": [6, 10, 15],
    "tiers": [4, 5, 6],
    "cadr": [300, 450, 600],
    "pins": [24],
    "columns": [80, 136],
    "resolution_dpi": [600, 1200, 4800],
    "first_page_s": [6, 8, 10],
    "duty_cycle": [20000, 50000, 80000],
    "monitor_in": [21.5, 23.8],
    "weight_kg": [1.2, 1.5],
    "battery_wh": [45, 57, 70],
    "area_m2": [20, 40, 60],
    "noise_db": [30, 35],
    "compartments": [2, 3, 4],
    "copies": [4, 6],
}
TEXTS: dict[str, list[str]] = {
    "cpu": [
        "i5-12500",
        "i7-12700",
        "i3-12100",
        "龙芯3A6000",
        "飞腾D2000",
        "兆芯KX-6780A",
        "海光C86-3250",
        "i5-1340P",
        "R5-7530U",
    ],
    "size": ["1400×700×760", "1600×800×760", "1200×600×750", "900×450×1850"],
    "colour": ["黑色", "灰色", "胡桃木色", "白色"],
    "compatible_models": ["M404dn", "M254dw", "LBP2900", "HL-2260"],
    "contrast": ["15000:1", "20000:1"],
    "inputs": ["HDMI/VGA", "HDMI/DP"],
}
ENERGY_MANDATORY = "mandatory"
SUFFIXES = ["", "", "A", "S", "Pro", "G"]


def db_name() -> str:
    from django.db import connection

    return str(connection.settings_dict["NAME"])


def ensure_database() -> None:
    import dj_database_url
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    cfg = dj_database_url.parse(url) if url else {"ENGINE": ""}
    if "postgresql" not in cfg["ENGINE"]:
        sys.exit("Run on PostgreSQL: DATABASE_URL=postgres://…/govmall_bench_search")
    if "bench" not in str(cfg["NAME"]):
        sys.exit("The database name must contain 'bench' (this script truncates tables).")
    conninfo = psycopg.conninfo.make_conninfo(
        host=str(cfg.get("HOST") or "127.0.0.1"),
        port=str(cfg.get("PORT") or 5432),
        user=str(cfg.get("USER") or "postgres"),
        password=str(cfg.get("PASSWORD") or ""),
        dbname="postgres",
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
            say(f"created database {cfg['NAME']}")


def esc(value: Any) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def pg_array(values: list[int]) -> str:
    return "{" + ",".join(str(v) for v in values) + "}"


class Model:
    """One product model: everything its listings share, precomputed."""

    __slots__ = ("base_price", "brand_id", "category_id", "static", "terms", "title_terms")

    def __init__(self) -> None:
        self.static: list[str] = []  # per noun variant: escaped static columns
        self.terms: list[str] = []  # per noun variant: comma-joined term hashes
        self.title_terms: list[str] = []
        self.base_price = 0
        self.brand_id = 0
        self.category_id = 0


def suppliers(n: int, rng: random.Random) -> list[tuple[int, str, str]]:
    """(supplier id, division code, division path) of n active bench suppliers (reused)."""
    from django.db import connection

    from govmall.accounts.models import Division
    from govmall.suppliers.codes import make_credit_code

    def existing() -> list[tuple[int, str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.id, d.code, d.path FROM suppliers_supplier s "
                "JOIN accounts_organisation o ON o.id = s.organisation_id "
                "JOIN accounts_division d ON d.code = o.division_id "
                "WHERE o.name LIKE %s ORDER BY s.id",
                [SUPPLIER_PREFIX + "%"],
            )
            return list(cursor.fetchall())

    rows = existing()
    if len(rows) >= n:
        return rows[:n]
    region = list(
        Division.objects.filter(code__startswith="15", level="county").values_list(
            "code", flat=True
        )
    )
    outside = list(
        Division.objects.filter(level="county")
        .exclude(code__startswith="15")
        .values_list("code", flat=True)
    )
    start = len(rows)
    count = n - start
    divisions = [
        rng.choice(region) if rng.random() < 0.8 else rng.choice(outside) for _ in range(count)
    ]
    now = datetime.now(UTC)
    load_rows(
        "accounts_organisation",
        ["kind", "name", "division_id", "created_at", "audit_head", "audit_length"],
        (
            ("supplier", f"{SUPPLIER_PREFIX}{start + i:05d}有限公司", divisions[i], now, GENESIS, 0)
            for i in range(count)
        ),
        total=count,
        label="supplier organisations",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.id, o.division_id FROM accounts_organisation o "
            "LEFT JOIN suppliers_supplier s ON s.organisation_id = o.id "
            "WHERE o.name LIKE %s AND s.id IS NULL ORDER BY o.id",
            [SUPPLIER_PREFIX + "%"],
        )
        orgs = cursor.fetchall()
    fixed = (
        "enterprise",
        "small",
        "张三",
        "李四",
        "0471-1234567",
        "",
        "",
        "办公设备、家具销售",
        "[]",
        "",
        "9:00-17:30",
        "self",
        "",
        GENESIS,
        0,
    )
    load_rows(
        "suppliers_supplier",
        [
            "organisation_id",
            "credit_code",
            "status",
            "registered_at",
            "activated_at",
            "supplier_type",
            "size",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "contact_email",
            "address",
            "business_scope",
            "intended_categories",
            "service_outlets",
            "hotline_hours",
            "source",
            "source_mall",
            "audit_head",
            "audit_length",
        ],
        (
            (org_id, make_credit_code("91", div, 500_000 + org_id), "active", now, now, *fixed)
            for org_id, div in orgs
        ),
        total=len(orgs),
        label="suppliers",
    )
    return existing()[:n]


def build_models(rng: random.Random, per_brand: int) -> tuple[dict[str, list[Model]], dict]:
    """Models per leaf code, with their static listing columns and search terms."""
    from govmall.catalog.attribute_template import key_signature, template_for
    from govmall.catalog.models import Category
    from govmall.catalog.normalise import brand_key, fold
    from govmall.catalog.search.index import ensure_brands
    from govmall.catalog.search.tokens import (
        attr_hashes,
        search_words,
        term_hash,
    )

    hashes: dict[str, int] = {}

    def word_hashes(found: Any) -> list[int]:
        out = []
        for w in found:
            h = hashes.get(w)
            if h is None:
                h = hashes[w] = term_hash("w", w)
            out.append(h)
        return out

    categories = {c.code: c for c in Category.objects.all()}
    leaves = [c for c in categories.values() if not c.children.exists()]
    words_of: dict[str, list[str]] = {}

    def words(text: str) -> list[str]:
        found = words_of.get(text)
        if found is None:
            found = words_of[text] = search_words(text)
        return found

    brand_names: dict[str, str] = {}
    for spec in SPECS.values():
        for brand in spec["brands"]:
            brand_names[brand_key(brand)] = brand
    brand_ids = ensure_brands(brand_names)
    models: dict[str, list[Model]] = {}
    serial = 0
    for leaf in leaves:
        spec = SPECS.get(leaf.code)
        if spec is None:
            continue
        path = [c for c in leaf.path.split("/") if c]
        cat_words: dict[str, None] = {}
        for code in path:
            cat = categories[code]
            for text in (cat.name_zh, cat.name_en):
                cat_words.update(dict.fromkeys(words(text)))
        template = template_for(leaf)
        filters = [s for s in template if s.is_filter]
        key_attrs = [s.key for s in template if s.is_key]
        cat_terms = [term_hash("cat", c) for c in path]
        lo, hi = spec["price"]
        out = []
        for brand, series_list in spec["brands"].items():
            manufacturer = f"{brand}（中国）有限公司"
            for _ in range(per_brand):
                serial += 1
                series = rng.choice(series_list)
                suffix = rng.choice(spec.get("suffixes", SUFFIXES))
                model_no = f"{series}{rng.randint(100, 9999)}{suffix}"
                attrs: dict[str, Any] = {}
                descriptors: list[str] = []
                for s in template:
                    if s.kind == "choice" and s.choices:
                        value: Any = rng.choice(s.choices)
                        if s.is_key and value != "无":
                            descriptors.append(str(value))
                    elif s.kind == "boolean":
                        value = rng.random() < 0.6
                    elif s.kind == "number":
                        value = rng.choice(NUMBERS.get(s.key, [rng.randint(1, 100)]))
                        if s.key in ("memory_gb", "storage_gb"):
                            descriptors.append(f"{value}G")
                    else:
                        value = rng.choice(TEXTS.get(s.key, ["标准"]))
                        if s.key == "cpu":
                            descriptors.append(str(value))
                    attrs[s.key] = value
                descriptors = descriptors[:3]
                model = Model()
                model.category_id = leaf.pk
                model.brand_id = brand_ids[brand_key(brand)]
                model.base_price = rng.randint(lo, hi)
                signature = key_signature(brand, model_no, attrs, key_attrs)
                base_words: dict[str, None] = dict(cat_words)
                for text in (brand, model_no, manufacturer):
                    base_words.update(dict.fromkeys(words(text)))
                structural = [
                    term_hash("brand", brand_key(brand)),
                    term_hash("model", fold(model_no)),
                    *cat_terms,
                ]
                for s in filters:
                    structural += attr_hashes(s.key, attrs[s.key])
                energy = leaf.energy_status == ENERGY_MANDATORY
                for noun in spec["nouns"]:
                    parts = [brand, model_no, *descriptors, noun]
                    title = " ".join(parts)
                    title_words: dict[str, None] = {}
                    for part in parts:
                        title_words.update(dict.fromkeys(words(part)))
                    all_words = dict(base_words)
                    all_words.update(title_words)
                    terms = dict.fromkeys(word_hashes(all_words))
                    terms.update(dict.fromkeys(structural))
                    model.terms.append(",".join(str(t) for t in terms))
                    model.title_terms.append(pg_array(word_hashes(title_words)))
                    model.static.append(
                        "\t".join(
                            esc(v)
                            for v in (
                                leaf.pk,
                                title,
                                brand,
                                model_no,
                                manufacturer,
                                json.dumps(attrs, ensure_ascii=False),
                                spec["unit"],
                                spec["warranty"],
                                "domestic" if rng.random() < 0.9 else "imported",
                                f"CQC{serial:08d}" if energy else "",
                                (date.today() + timedelta(days=400)).isoformat()
                                if energy
                                else None,
                                "[]",
                                f"{title}。正品行货，全国联保，提供发票。",
                                "[]",
                                "t",
                                "原厂质保，7×24小时服务热线，48小时内上门。",
                                signature,
                            )
                        )
                    )
                out.append(model)
        models[leaf.code] = out
    return models, {"categories": len(leaves), "distinct_parts": len(words_of)}


LISTING_COLUMNS = [
    "id",
    "audit_head",
    "audit_length",
    "category_id",
    "title",
    "brand",
    "model_no",
    "manufacturer",
    "attributes",
    "unit",
    "warranty_months",
    "origin",
    "energy_cert_no",
    "energy_cert_expiry",
    "image_ids",
    "description",
    "extra_fees",
    "no_extra_fees",
    "after_sales",
    "key_signature",
    "price",
    "delivery_divisions",
    "number",
    "supplier_id",
    "sku",
    "state",
    "stock",
    "created_at",
    "updated_at",
    "listed_at",
    "suspended_reason",
]
ROW_COLUMNS = [
    "listing_id",
    "terms",
    "title_terms",
    "category_id",
    "brand_id",
    "supplier_division",
    "price",
    "listed_at",
]


def drop_secondary_indexes(tables: list[str]) -> list[str]:
    """Drop indexes that no constraint owns; returns their definitions."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [tables],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    return [definition for _name, definition in found]


def restore_indexes(definitions: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for definition in definitions:
            t = time.perf_counter()
            cursor.execute(definition)
            say(f"  {definition[:100]}…: {time.perf_counter() - t:.1f} s")


def generate(n: int, n_suppliers: int, per_brand: int, seed: int, reset: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from govmall.catalog.categories import ensure_demo_categories

    started = time.perf_counter()
    rng = random.Random(seed)
    say(f"database {db_name()}: migrating …")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalog_listing")
        existing = cursor.fetchone()[0]
    if existing and not reset:
        sys.exit(f"{existing:,} listings exist already; run with --reset to replace them.")
    if existing:
        say("truncating the catalogue tables …")
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE catalog_searchrow, catalog_listingreview, catalog_listingrevision, "
                "catalog_listing"
            )
    ensure_demo_categories()
    sups = suppliers(n_suppliers, rng)
    t = time.perf_counter()
    models, info = build_models(rng, per_brand)
    say(
        f"  {sum(len(m) for m in models.values()):,} models over {len(models)} categories, "
        f"{info['distinct_parts']:,} distinct title parts tokenised: "
        f"{time.perf_counter() - t:.1f} s"
    )
    from govmall.catalog.search.tokens import (
        price_bucket,
        price_terms,
        term_hash,
        week_number,
        week_term,
    )

    bucket_terms: dict[tuple[int, int], str] = {}
    month_terms: dict[int, str] = {}

    div_terms = {}
    province_of = {}
    city_of = {}
    for sid, _code, path in sups:
        codes = [c for c in path.split("/") if c]
        div_terms[sid] = ",".join(str(term_hash("div", c)) for c in codes)
        province_of[sid] = codes[0]
        city_of[sid] = codes[1] if len(codes) > 1 else codes[0]
    sup_list = [(sid, code) for sid, code, _p in sups]
    dlv_star = str(term_hash("dlv", "*"))
    cities = sorted({c for c in city_of.values()})
    leaf_codes = [c for c in models]
    weights = [WEIGHTS.get(c, 1.5) for c in leaf_codes]
    chosen_leaf = rng.choices(range(len(leaf_codes)), weights=weights, k=n)

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET max_parallel_maintenance_workers = 2")
    dropped = drop_secondary_indexes(["catalog_listing", "catalog_searchrow"])
    say(f"  dropped {len(dropped)} secondary indexes for the load")

    end = datetime.now(UTC) - timedelta(minutes=5)
    begin = end - timedelta(days=730)
    step = (end - begin) / n
    created_txt = esc(begin.isoformat())

    def rows() -> Iterator[tuple[str, str | None]]:
        r = rng.random
        for i in range(n):
            lid = i + 1
            leaf_models = models[leaf_codes[chosen_leaf[i]]]
            model = leaf_models[int(r() * len(leaf_models))]
            v = int(r() * len(model.static))
            sid, div = sup_list[int(r() * len(sup_list))]
            cents = int(model.base_price * 100 * (0.93 + r() * 0.17))
            if r() < 0.4:
                cents = max(100, cents - cents % 100 - 10)  # …9.90
            price = f"{cents // 100}.{cents % 100:02d}"
            x = r()
            if x < 0.6:
                delivery, dlv = "[]", dlv_star
            elif x < 0.85:
                p = province_of[sid]
                delivery, dlv = f'["{p}"]', str(term_hash("dlv", p))
            elif x < 0.95:
                c = city_of[sid]
                delivery, dlv = f'["{c}"]', str(term_hash("dlv", c))
            else:
                picks = sorted(set(rng.sample(cities, 3)))
                delivery = json.dumps(picks)
                dlv = ",".join(str(term_hash("dlv", c)) for c in picks)
            s = r()
            state = "listed" if s < 0.98 else ("draft" if s < 0.99 else "delisted")
            at = begin + step * i
            at_txt = at.isoformat()
            listing = (
                f"{lid}\t{GENESIS}\t0\t{model.static[v]}\t{price}\t{delivery}\t"
                f"LST-2025-{lid:07d}\t{sid}\t{f'SKU-{lid}' if r() < 0.5 else ''}\t{state}\t"
                f"{int(r() * 500)}\t{created_txt}\t{at_txt}\t"
                f"{at_txt if state == 'listed' else chr(92) + 'N'}\t"
            )
            row = None
            if state == "listed":
                bucket = price_bucket(cents / 100)
                pterms = bucket_terms.get(bucket)
                if pterms is None:
                    pterms = bucket_terms[bucket] = ",".join(
                        str(h) for h in price_terms(cents / 100)
                    )
                week = week_number(at)
                mterm = month_terms.get(week)
                if mterm is None:
                    mterm = month_terms[week] = str(week_term(at))
                row = (
                    f"{lid}\t{{{model.terms[v]},{div_terms[sid]},{dlv},{pterms},{mterm}}}\t"
                    f"{model.title_terms[v]}\t"
                    f"{model.category_id}\t{model.brand_id}\t{div}\t{price}\t{at_txt}"
                )
            yield listing, row

    try:
        # Two COPYs at once need two connections: listings on Django's, search rows on another.
        connection.ensure_connection()
        raw = connection.connection
        other = connection.get_new_connection(connection.get_connection_params())
        other.autocommit = True
        other.execute("SET session_replication_role = replica")
        other.execute("SET synchronous_commit = off")
        t = time.perf_counter()
        done = 0
        listed = 0
        chunk = 20_000
        copy_listing = f"COPY catalog_listing ({', '.join(LISTING_COLUMNS)}) FROM STDIN"
        copy_rows = f"COPY catalog_searchrow ({', '.join(ROW_COLUMNS)}) FROM STDIN"
        with (
            raw.cursor() as cur_l,
            other.cursor() as cur_r,
            cur_l.copy(copy_listing) as copy_l,
            cur_r.copy(copy_rows) as copy_r,
        ):
            buffer: list[str] = []
            spool: list[str] = []
            for listing, row in rows():
                buffer.append(listing)
                if row is not None:
                    spool.append(row)
                    listed += 1
                done += 1
                if len(buffer) >= chunk:
                    copy_l.write("\n".join(buffer) + "\n")
                    copy_r.write("\n".join(spool) + "\n")
                    buffer, spool = [], []
                    if done % 100_000 == 0:
                        say(f"  listings: {done:,}/{n:,} ({time.perf_counter() - t:.0f} s)")
            if buffer:
                copy_l.write("\n".join(buffer) + "\n")
            if spool:
                copy_r.write("\n".join(spool) + "\n")
        other.close()
        say(
            f"  {done:,} listings, {listed:,} search rows copied in {time.perf_counter() - t:.1f} s"
        )
    finally:
        restore_indexes(dropped)

    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('catalog_listing', 'id'), %s)", [n])
        cursor.execute("ALTER TABLE catalog_searchrow ALTER COLUMN terms SET STATISTICS 1000")
        t = time.perf_counter()
        cursor.execute("ANALYZE catalog_searchrow")
        cursor.execute("ANALYZE catalog_listing")
        say(f"  ANALYZE: {time.perf_counter() - t:.1f} s")
        cursor.execute("SET session_replication_role = origin")
    total = time.perf_counter() - started
    say(
        f"done: {n:,} listings ({listed:,} listed and searchable) from {len(sups):,} suppliers "
        f"in {total:.1f} s ({total / 60:.1f} min)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--suppliers", type=int, default=3_000)
    parser.add_argument("--models-per-brand", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20260302)
    parser.add_argument("--reset", action="store_true", help="replace existing listings")
    args = parser.parse_args()
    ensure_database()
    setup_django()
    generate(args.listings, args.suppliers, args.models_per_brand, args.seed, args.reset)


if __name__ == "__main__":
    main()
