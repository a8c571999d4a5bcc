"""The demo catalogue: the shipped category tree, the current rule set, reference prices of the
demo products (京东/天猫/苏宁/厂商, captured in the last few days) and listings of several demo
suppliers, loaded through the supplier bulk path like a real ERP sync (reviewed, audited,
indexed). Idempotent: a second run finds everything in place and changes nothing.

Suppliers: the showcase ones (包头市鹿城办公设备有限公司, 昆都仑区晨光办公用品店) and, when the
supplier demo has loaded them, the first background suppliers of a few trades (家具, 电器, 科技,
办公设备) that may trade. Each lists its trades' products (about 110 listed in all), each
product with a picture generated here (a card with the category's name, one per supplier and
category). The first supplier also gets a few rows the rules reject (forbidden word, 专供
model, price above the reference), two that wait for an operator (a claim to check, a price far
below the reference) and one draft.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Min
from django.utils import timezone

DEMO_SOURCE_NAME = "GovMall demo reference prices"
CERT_EXPIRY = "2028-12-31"
IMAGE_SIZE = 800
FONT_PATHS = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]

MANUFACTURERS = {
    "惠普": "惠普贸易（上海）有限公司",
    "联想": "联想（北京）有限公司",
    "戴尔": "戴尔（中国）有限公司",
    "华为": "华为技术有限公司",
    "兄弟": "兄弟（中国）商业有限公司",
    "佳能": "佳能（中国）有限公司",
    "爱普生": "爱普生（中国）有限公司",
    "奔图": "珠海奔图电子有限公司",
    "理光": "理光（中国）投资有限公司",
    "富士通": "富士通（中国）信息系统有限公司",
    "明基": "明基电通信息技术有限公司",
    "得力": "得力集团有限公司",
    "科密": "广东科密电子实业有限公司",
    "浪潮": "浪潮电子信息产业股份有限公司",
    "TP-LINK": "普联技术有限公司",
    "华三": "新华三技术有限公司",
    "AOC": "冠捷显示科技（中国）有限公司",
    "闪迪": "闪迪国际贸易（上海）有限公司",
    "希捷": "希捷科技（苏州）有限公司",
    "晨鸣": "山东晨鸣纸业集团股份有限公司",
    "亚太森博": "亚太森博（山东）浆纸有限公司",
    "震旦": "震旦（中国）有限公司",
    "圣奥": "圣奥科技股份有限公司",
    "永艺": "永艺家具股份有限公司",
    "迪堡": "迪堡安全设备（上海）有限公司",
    "格力": "珠海格力电器股份有限公司",
    "美的": "美的集团股份有限公司",
    "海尔": "海尔智家股份有限公司",
    "小米": "小米通讯技术有限公司",
}


@dataclass(frozen=True)
class Product:
    group: str  # office | computers | supplies | furniture | appliances
    category: str
    brand: str
    model: str
    title: str
    price: str  # the listing price of the first supplier (others a little lower)
    reference: str  # the lowest reference price (京东 self-operated)
    attributes: dict[str, Any]
    unit: str = "台"
    warranty: int = 12
    extra: dict[str, Any] = field(default_factory=dict)


def _p(
    group: str,
    category: str,
    brand: str,
    model: str,
    title: str,
    price: str,
    ref: str,
    attributes: dict[str, Any],
    unit: str = "台",
    warranty: int = 12,
    **extra: Any,
) -> Product:
    return Product(
        group, category, brand, model, title, price, ref, attributes, unit, warranty, extra
    )


LASER, INKJET, MFP, COPIER = "A0201060102", "A0201060101", "A020204", "A020201"
SCANNER, PROJECTOR, SHREDDER = "A02010609", "A020202", "A02021101"
DESKTOP, LAPTOP, MONITOR, SERVER = "A02010104", "A02010105", "A0201060201", "A02010103"
ROUTER, SWITCH, STORAGE = "A02010201", "A02010202", "A02010508"
PAPER, TONER, INK = "A090101", "A090201", "A090301"
DESK, MEETING_TABLE, CHAIR, MEETING_CHAIR = "A060201", "A060205", "A060301", "A060302"
SOFA, CABINET, SAFE, SHELF = "A060401", "A060501", "A060503", "A060601"
AIRCON, FRIDGE, PURIFIER = "A0206180203", "A0206180101", "A0206180201"

_PRINT = {"max_paper": "A4", "colour": "黑白", "duplex": True, "network": True}

PRODUCTS: list[Product] = [
    # -- office equipment
    _p(
        "office",
        LASER,
        "惠普",
        "M404dn",
        "惠普 HP LaserJet Pro M404dn 黑白激光打印机",
        "2399",
        "2499",
        {**_PRINT, "speed_ppm": 38, "first_page_s": "6.3"},
    ),
    _p(
        "office",
        LASER,
        "兄弟",
        "HL-5595DN",
        "兄弟 HL-5595DN 黑白激光打印机",
        "2899",
        "2999",
        {**_PRINT, "speed_ppm": 40, "duty_cycle": 50000},
    ),
    _p(
        "office",
        LASER,
        "联想",
        "LJ2605D",
        "联想 LJ2605D 黑白激光打印机",
        "999",
        "1099",
        {**_PRINT, "speed_ppm": 26, "network": False},
    ),
    _p(
        "office",
        LASER,
        "奔图",
        "P3301DN",
        "奔图 P3301DN 国产黑白激光打印机",
        "1299",
        "1399",
        {**_PRINT, "speed_ppm": 33},
    ),
    _p(
        "office",
        LASER,
        "佳能",
        "LBP6230dn",
        "佳能 imageCLASS LBP6230dn 黑白激光打印机",
        "1499",
        "1599",
        {**_PRINT, "speed_ppm": 25},
    ),
    _p(
        "office",
        LASER,
        "惠普",
        "M255dw",
        "惠普 HP Color LaserJet Pro M255dw 彩色激光打印机",
        "3299",
        "3499",
        {**_PRINT, "colour": "彩色", "speed_ppm": 21},
    ),
    _p(
        "office",
        INKJET,
        "爱普生",
        "L3258",
        "爱普生 L3258 墨仓式彩色喷墨打印机",
        "1049",
        "1099",
        {
            "max_paper": "A4",
            "colour": "彩色",
            "speed_ppm": 10,
            "ink_system": "连续供墨",
            "duplex": False,
        },
    ),
    _p(
        "office",
        INKJET,
        "惠普",
        "Smart Tank 519",
        "惠普 HP Smart Tank 519 彩色喷墨打印机",
        "899",
        "949",
        {"max_paper": "A4", "colour": "彩色", "speed_ppm": 11, "ink_system": "连续供墨"},
    ),
    _p(
        "office",
        MFP,
        "惠普",
        "M232dwc",
        "惠普 HP LaserJet Pro M232dwc 黑白激光多功能一体机",
        "1599",
        "1699",
        {**_PRINT, "speed_ppm": 30, "print_tech": "激光"},
    ),
    _p(
        "office",
        MFP,
        "兄弟",
        "DCP-7195DW",
        "兄弟 DCP-7195DW 黑白激光多功能一体机",
        "1299",
        "1399",
        {**_PRINT, "speed_ppm": 30, "print_tech": "激光"},
    ),
    _p(
        "office",
        COPIER,
        "理光",
        "IM 2702",
        "理光 IM 2702 A3 黑白数码复合机",
        "12800",
        "13500",
        {
            "max_paper": "A3",
            "colour": "黑白",
            "speed_ppm": 27,
            "functions": "复印/打印/扫描",
            "duplex": True,
        },
    ),
    _p(
        "office",
        COPIER,
        "佳能",
        "iR 2425",
        "佳能 imageRUNNER iR 2425 A3 黑白复印机",
        "11500",
        "11999",
        {"max_paper": "A3", "colour": "黑白", "speed_ppm": 25, "functions": "复印/打印/扫描"},
    ),
    _p(
        "office",
        SCANNER,
        "富士通",
        "fi-7160",
        "富士通 fi-7160 馈纸式高速扫描仪",
        "6999",
        "7299",
        {
            "type": "馈纸式",
            "max_paper": "A4",
            "resolution_dpi": 600,
            "speed_ppm": 60,
            "duplex": True,
        },
    ),
    _p(
        "office",
        SCANNER,
        "爱普生",
        "DS-1630",
        "爱普生 DS-1630 平板式扫描仪",
        "3299",
        "3499",
        {"type": "平板式", "max_paper": "A4", "resolution_dpi": 1200, "speed_ppm": 25},
    ),
    _p(
        "office",
        PROJECTOR,
        "爱普生",
        "CB-X06",
        "爱普生 CB-X06 商务办公投影仪",
        "3199",
        "3299",
        {"lumens": 3600, "resolution": "XGA", "light_source": "灯泡"},
    ),
    _p(
        "office",
        PROJECTOR,
        "明基",
        "E580",
        "明基 E580 智能商务投影仪",
        "4599",
        "4799",
        {"lumens": 3600, "resolution": "1080P", "light_source": "灯泡", "wireless": True},
    ),
    _p(
        "office",
        SHREDDER,
        "得力",
        "9918",
        "得力 9918 五级保密办公碎纸机",
        "899",
        "949",
        {"security_level": "P-5", "cut": "粒状", "sheets": 10, "bin_l": 20},
        warranty=12,
    ),
    _p(
        "office",
        SHREDDER,
        "科密",
        "C-838",
        "科密 C-838 四级保密大容量碎纸机",
        "1199",
        "1299",
        {"security_level": "P-4", "cut": "段状", "sheets": 16, "bin_l": 30},
    ),
    # -- computers and networks
    _p(
        "computers",
        DESKTOP,
        "联想",
        "M4000q",
        "联想 扬天 M4000q 台式计算机 i5/16G/512G",
        "4599",
        "4799",
        {
            "cpu": "Intel 酷睿 i5-12400",
            "memory_gb": 16,
            "storage_gb": 512,
            "os": "Windows",
            "monitor_in": "23.8",
        },
        warranty=36,
    ),
    _p(
        "computers",
        DESKTOP,
        "惠普",
        "288 Pro G9",
        "惠普 HP 288 Pro G9 台式计算机 i5/8G/512G",
        "4299",
        "4499",
        {
            "cpu": "Intel 酷睿 i5-12500",
            "memory_gb": 8,
            "storage_gb": 512,
            "os": "Windows",
            "monitor_in": "23.8",
        },
        warranty=36,
    ),
    _p(
        "computers",
        DESKTOP,
        "戴尔",
        "OptiPlex 7010",
        "戴尔 OptiPlex 7010 商用台式计算机",
        "5299",
        "5499",
        {"cpu": "Intel 酷睿 i7-13700", "memory_gb": 16, "storage_gb": 1024, "os": "Windows"},
        warranty=36,
    ),
    _p(
        "computers",
        DESKTOP,
        "华为",
        "擎云 B730E",
        "华为 擎云 B730E 台式计算机 国产操作系统",
        "5999",
        "6199",
        {"cpu": "麒麟 9000C", "memory_gb": 16, "storage_gb": 512, "os": "国产操作系统"},
        warranty=36,
    ),
    _p(
        "computers",
        DESKTOP,
        "联想",
        "开天 M740Z",
        "联想 开天 M740Z 信创台式计算机",
        "5299",
        "5599",
        {"cpu": "兆芯 KX-U6780A", "memory_gb": 8, "storage_gb": 256, "os": "国产操作系统"},
        warranty=36,
    ),
    _p(
        "computers",
        LAPTOP,
        "联想",
        "ThinkPad E14 Gen 5",
        "联想 ThinkPad E14 Gen 5 便携式计算机",
        "5499",
        "5699",
        {
            "cpu": "Intel 酷睿 i5-1335U",
            "memory_gb": 16,
            "storage_gb": 512,
            "os": "Windows",
            "screen_in": 14,
            "weight_kg": "1.41",
        },
        warranty=36,
    ),
    _p(
        "computers",
        LAPTOP,
        "华为",
        "MateBook 14 2024",
        "华为 MateBook 14 2024 便携式计算机",
        "5999",
        "6299",
        {
            "cpu": "Intel 酷睿 Ultra 5 125H",
            "memory_gb": 16,
            "storage_gb": 1024,
            "os": "Windows",
            "screen_in": 14,
        },
        warranty=36,
    ),
    _p(
        "computers",
        LAPTOP,
        "戴尔",
        "Latitude 3440",
        "戴尔 Latitude 3440 商用便携式计算机",
        "5199",
        "5399",
        {
            "cpu": "Intel 酷睿 i5-1335U",
            "memory_gb": 16,
            "storage_gb": 512,
            "os": "Windows",
            "screen_in": 14,
        },
        warranty=36,
    ),
    _p(
        "computers",
        LAPTOP,
        "惠普",
        "战66 六代",
        "惠普 HP 战66 六代 14英寸便携式计算机",
        "4999",
        "5199",
        {
            "cpu": "AMD 锐龙 5 7530U",
            "memory_gb": 16,
            "storage_gb": 512,
            "os": "Windows",
            "screen_in": 14,
        },
        warranty=36,
    ),
    _p(
        "computers",
        MONITOR,
        "戴尔",
        "P2422H",
        "戴尔 P2422H 23.8英寸 IPS 液晶显示器",
        "1299",
        "1399",
        {"size_in": "23.8", "resolution": "1920×1080", "panel": "IPS"},
        warranty=36,
    ),
    _p(
        "computers",
        MONITOR,
        "AOC",
        "27B2H",
        "AOC 27B2H 27英寸 IPS 液晶显示器",
        "799",
        "849",
        {"size_in": 27, "resolution": "1920×1080", "panel": "IPS"},
        warranty=36,
    ),
    _p(
        "computers",
        MONITOR,
        "联想",
        "T27h-30",
        "联想 ThinkVision T27h-30 27英寸 2K 液晶显示器",
        "1899",
        "1999",
        {"size_in": 27, "resolution": "2560×1440", "panel": "IPS"},
        warranty=36,
    ),
    _p(
        "computers",
        SERVER,
        "浪潮",
        "NF5280M6",
        "浪潮 英信 NF5280M6 2U 机架式服务器",
        "39800",
        "41500",
        {
            "form_factor": "机架式",
            "cpu": "Intel 至强 银牌 4314",
            "cpu_count": 2,
            "memory_gb": 128,
            "storage_gb": 4800,
            "os": "无",
            "redundant_psu": True,
        },
        warranty=36,
    ),
    _p(
        "computers",
        SERVER,
        "华为",
        "FusionServer 2288H V6",
        "华为 FusionServer 2288H V6 机架式服务器",
        "42800",
        "44800",
        {
            "form_factor": "机架式",
            "cpu": "Intel 至强 银牌 4310",
            "cpu_count": 2,
            "memory_gb": 128,
            "storage_gb": 4800,
        },
        warranty=36,
    ),
    _p(
        "computers",
        ROUTER,
        "TP-LINK",
        "TL-ER3220G",
        "TP-LINK TL-ER3220G 企业级千兆有线路由器",
        "699",
        "749",
        {"wan_ports": 4, "lan_ports": 1, "throughput_mbps": 1000},
    ),
    _p(
        "computers",
        ROUTER,
        "华三",
        "ER3260G2",
        "华三 H3C ER3260G2 企业级千兆路由器",
        "1199",
        "1299",
        {"wan_ports": 4, "lan_ports": 4, "throughput_mbps": 1000},
    ),
    _p(
        "computers",
        SWITCH,
        "华为",
        "S5735S-L24T4S-A",
        "华为 S5735S-L24T4S-A 24口千兆三层交换机",
        "2899",
        "2999",
        {"ports": 24, "port_speed": "千兆", "layer": "三层", "managed": True},
    ),
    _p(
        "computers",
        SWITCH,
        "TP-LINK",
        "TL-SG1024DT",
        "TP-LINK TL-SG1024DT 24口千兆交换机",
        "399",
        "429",
        {"ports": 24, "port_speed": "千兆", "layer": "二层", "managed": False},
    ),
    _p(
        "computers",
        STORAGE,
        "闪迪",
        "CZ73 64GB",
        "闪迪 SanDisk CZ73 64GB USB3.0 金属U盘",
        "59",
        "69",
        {"type": "U盘", "capacity_gb": 64, "interface": "USB 3.0"},
        unit="个",
    ),
    _p(
        "computers",
        STORAGE,
        "希捷",
        "睿翼 2TB",
        "希捷 Seagate 睿翼 2TB USB3.0 移动硬盘",
        "499",
        "529",
        {"type": "移动硬盘", "capacity_gb": 2000, "interface": "USB 3.0"},
        unit="个",
    ),
    # -- office supplies
    _p(
        "supplies",
        PAPER,
        "得力",
        "7391",
        "得力 7391 A4 复印纸 70g 500张/包 5包/箱",
        "129",
        "139",
        {"size": "A4", "gsm": 70, "sheets_per_ream": 500, "reams_per_box": 5, "whiteness": 96},
        unit="箱",
        warranty=0,
    ),
    _p(
        "supplies",
        PAPER,
        "得力",
        "7401",
        "得力 7401 A3 复印纸 70g 500张/包 5包/箱",
        "239",
        "259",
        {"size": "A3", "gsm": 70, "sheets_per_ream": 500, "reams_per_box": 5},
        unit="箱",
        warranty=0,
    ),
    _p(
        "supplies",
        PAPER,
        "晨鸣",
        "云豹 A4-80",
        "晨鸣 云豹 A4-80 复印纸 80g 500张/包 5包/箱",
        "155",
        "165",
        {"size": "A4", "gsm": 80, "sheets_per_ream": 500, "reams_per_box": 5},
        unit="箱",
        warranty=0,
    ),
    _p(
        "supplies",
        PAPER,
        "亚太森博",
        "百旺 A4-70",
        "亚太森博 百旺 A4-70 复印纸 70g 8包/箱",
        "189",
        "199",
        {"size": "A4", "gsm": 70, "sheets_per_ream": 500, "reams_per_box": 8},
        unit="箱",
        warranty=0,
    ),
    _p(
        "supplies",
        TONER,
        "惠普",
        "CF277A",
        "惠普 HP CF277A 77A 原装黑色硒鼓",
        "569",
        "599",
        {"compatible_models": "M405/M429", "colour": "黑色", "yield_pages": 2400, "original": True},
        unit="个",
        warranty=0,
    ),
    _p(
        "supplies",
        TONER,
        "兄弟",
        "TN-3435",
        "兄弟 TN-3435 原装黑色粉盒",
        "459",
        "489",
        {
            "compatible_models": "HL-5595DN/DCP-L5500DN",
            "colour": "黑色",
            "yield_pages": 3000,
            "original": True,
        },
        unit="个",
        warranty=0,
    ),
    _p(
        "supplies",
        INK,
        "惠普",
        "680 黑色",
        "惠普 HP 680 黑色原装墨盒",
        "89",
        "99",
        {"compatible_models": "2138/3638/4538", "colour": "黑色", "volume_ml": 2, "original": True},
        unit="个",
        warranty=0,
    ),
    _p(
        "supplies",
        INK,
        "爱普生",
        "003 黑色",
        "爱普生 003 黑色原装墨水",
        "45",
        "49",
        {
            "compatible_models": "L3258/L3158/L1118",
            "colour": "黑色",
            "volume_ml": 65,
            "original": True,
        },
        unit="瓶",
        warranty=0,
    ),
    # -- furniture
    _p(
        "furniture",
        DESK,
        "震旦",
        "AD-1407",
        "震旦 AD-1407 钢木办公桌 1400×700",
        "1299",
        "1399",
        {"material": "钢木", "size": "1400×700×750", "colour": "胡桃木色"},
        unit="张",
        warranty=36,
    ),
    _p(
        "furniture",
        DESK,
        "圣奥",
        "SO-ZB1680",
        "圣奥 SO-ZB1680 主管办公桌 1600×800",
        "1580",
        "1699",
        {"material": "人造板", "size": "1600×800×750"},
        unit="张",
        warranty=36,
    ),
    _p(
        "furniture",
        MEETING_TABLE,
        "圣奥",
        "HYZ-3612",
        "圣奥 HYZ-3612 会议桌 3600×1200 10人位",
        "4999",
        "5299",
        {"material": "人造板", "size": "3600×1200×750", "seats": 10},
        unit="张",
        warranty=36,
    ),
    _p(
        "furniture",
        CHAIR,
        "永艺",
        "XY-M16",
        "永艺 XY-M16 人体工学网布办公椅",
        "699",
        "749",
        {"material": "网布", "swivel": True, "armrests": True, "height_adjustable": True},
        unit="把",
        warranty=36,
    ),
    _p(
        "furniture",
        CHAIR,
        "震旦",
        "AEC-OC15",
        "震旦 AEC-OC15 皮质主管办公椅",
        "1099",
        "1199",
        {"material": "皮革", "swivel": True, "armrests": True},
        unit="把",
        warranty=36,
    ),
    _p(
        "furniture",
        MEETING_CHAIR,
        "圣奥",
        "HYY-08",
        "圣奥 HYY-08 会议椅",
        "399",
        "429",
        {"material": "网布", "stackable": True},
        unit="把",
        warranty=36,
    ),
    _p(
        "furniture",
        SOFA,
        "圣奥",
        "SF-301",
        "圣奥 SF-301 三人位办公沙发",
        "3999",
        "4299",
        {"material": "皮革", "seats": "三人", "size": "2000×850×800"},
        unit="套",
        warranty=36,
    ),
    _p(
        "furniture",
        CABINET,
        "得力",
        "33311",
        "得力 33311 钢制文件柜 1850×900×390",
        "899",
        "959",
        {"material": "钢制", "size": "1850×900×390", "door": "对开门", "lock": True},
        unit="个",
        warranty=36,
    ),
    _p(
        "furniture",
        SAFE,
        "迪堡",
        "FDG-A1/D-120",
        "迪堡 FDG-A1/D-120 电子密码保密柜",
        "2999",
        "3199",
        {"lock_type": "电子密码锁", "size": "1200×500×450", "compartments": 3},
        unit="个",
        warranty=36,
    ),
    _p(
        "furniture",
        SHELF,
        "得力",
        "DL-SJ5",
        "得力 DL-SJ5 五层钢制书架",
        "599",
        "649",
        {"material": "钢制", "size": "1800×900×400", "tiers": 5},
        unit="个",
        warranty=36,
    ),
    # -- appliances
    _p(
        "appliances",
        AIRCON,
        "格力",
        "KFR-35GW/NhGc1B",
        "格力 云佳 KFR-35GW/NhGc1B 1.5匹壁挂式空调",
        "2899",
        "2999",
        {
            "type": "壁挂式",
            "cooling_w": 3500,
            "efficiency": "1级",
            "inverter": True,
            "heating": True,
            "horsepower": "1.5匹",
        },
        warranty=72,
    ),
    _p(
        "appliances",
        AIRCON,
        "美的",
        "KFR-35GW/N8XHC1",
        "美的 酷省电 KFR-35GW/N8XHC1 1.5匹壁挂式空调",
        "2599",
        "2699",
        {
            "type": "壁挂式",
            "cooling_w": 3500,
            "efficiency": "1级",
            "inverter": True,
            "horsepower": "1.5匹",
        },
        warranty=72,
    ),
    _p(
        "appliances",
        AIRCON,
        "格力",
        "KFR-72LW/NhIb1B",
        "格力 云逸 KFR-72LW/NhIb1B 3匹柜式空调",
        "6999",
        "7299",
        {
            "type": "柜式",
            "cooling_w": 7200,
            "efficiency": "1级",
            "inverter": True,
            "horsepower": "3匹",
        },
        warranty=72,
    ),
    _p(
        "appliances",
        AIRCON,
        "海尔",
        "KFR-50LW/28UAA22",
        "海尔 KFR-50LW/28UAA22 2匹柜式空调",
        "4599",
        "4799",
        {
            "type": "柜式",
            "cooling_w": 5000,
            "efficiency": "2级",
            "inverter": True,
            "horsepower": "2匹",
        },
        warranty=72,
        extra_fees=[{"name": "高空作业费", "amount": "200.00"}],
        no_extra_fees=False,
    ),
    _p(
        "appliances",
        FRIDGE,
        "海尔",
        "BCD-470WDPG",
        "海尔 BCD-470WDPG 对开门冰箱",
        "3299",
        "3499",
        {"volume_l": 470, "doors": "对开门", "efficiency": "1级", "frost_free": True},
    ),
    _p(
        "appliances",
        FRIDGE,
        "美的",
        "BCD-215WTM",
        "美的 BCD-215WTM 三门冰箱",
        "1399",
        "1499",
        {"volume_l": 215, "doors": "三门", "efficiency": "1级", "frost_free": True},
    ),
    _p(
        "appliances",
        PURIFIER,
        "小米",
        "AC-M15-SC",
        "小米 米家空气净化器 4 Pro AC-M15-SC",
        "999",
        "1099",
        {"cadr": 500, "area_m2": 60, "noise_db": 65},
    ),
    _p(
        "appliances",
        PURIFIER,
        "352",
        "X86C",
        "352 X86C 空气净化器",
        "2999",
        "3199",
        {"cadr": 600, "area_m2": 72},
    ),
]

# Rows of the first supplier that the rules do not simply pass: (sku suffix, product, changes).
SHOWCASE_ROWS: list[tuple[str, Product, dict[str, Any]]] = [
    # rejected: an absolute claim
    (
        "REJ-WORDS",
        _p(
            "office",
            SHREDDER,
            "得力",
            "9935",
            "得力 9935 办公碎纸机",
            "499",
            "529",
            {"security_level": "P-4", "cut": "段状", "sheets": 8},
        ),
        {"description": "同价位最佳的办公碎纸机，静音省电。"},
    ),
    # rejected: a non-market (专供) model
    (
        "REJ-SPECIAL",
        _p(
            "computers",
            DESKTOP,
            "惠普",
            "280 G9 政府专供版",
            "惠普 HP 280 G9 政府专供版 台式计算机",
            "3899",
            "3999",
            {"cpu": "Intel 酷睿 i3-12100", "memory_gb": 8, "storage_gb": 256, "os": "Windows"},
            warranty=36,
        ),
        {},
    ),
    # rejected: above the lowest reference price
    (
        "REJ-PRICE",
        _p(
            "office",
            LASER,
            "佳能",
            "LBP2900+",
            "佳能 LBP2900+ 黑白激光打印机",
            "1999",
            "1299",
            {**_PRINT, "speed_ppm": 14, "duplex": False, "network": False},
        ),
        {},
    ),
    # manual review: a claim an operator checks
    (
        "MAN-CLAIM",
        _p(
            "office",
            MFP,
            "惠普",
            "4104dw",
            "惠普 HP LaserJet Pro MFP 4104dw 多功能一体机",
            "2899",
            "2999",
            {**_PRINT, "speed_ppm": 40, "print_tech": "激光"},
        ),
        {"description": "原厂官方授权经销，含标准安装与培训。"},
    ),
    # manual review: far below the reference price
    (
        "MAN-LOW",
        _p(
            "computers",
            LAPTOP,
            "华为",
            "MateBook D 16 2024",
            "华为 MateBook D 16 2024 便携式计算机",
            "2299",
            "4999",
            {
                "cpu": "Intel 酷睿 i5-12450H",
                "memory_gb": 16,
                "storage_gb": 512,
                "os": "Windows",
                "screen_in": 16,
            },
            warranty=36,
        ),
        {},
    ),
]
DRAFT = _p(
    "computers",
    DESKTOP,
    "联想",
    "ThinkCentre neo P780",
    "联想 ThinkCentre neo P780 台式计算机",
    "6999",
    "7299",
    {"cpu": "Intel 酷睿 i7-13700", "memory_gb": 32, "storage_gb": 1024, "os": "Windows"},
    warranty=36,
)

# Supplier slots: (how to find it, the SKU prefix, its groups, price factor).
SLOTS: list[tuple[str, str, str, tuple[str, ...], str]] = [
    ("name", "包头市鹿城办公设备有限公司", "LC", ("office", "computers", "supplies"), "1.00"),
    ("name", "昆都仑区晨光办公用品店", "CG", ("supplies", "furniture"), "0.99"),
    ("trade", "家具", "JJ", ("furniture",), "0.98"),
    ("trade", "电器", "DQ", ("appliances",), "0.98"),
    ("trade", "科技", "KJ", ("computers",), "0.97"),
    ("trade", "办公设备", "BG", ("office",), "0.97"),
]
SOURCES = [("京东", "1.00"), ("天猫", "1.03"), ("苏宁", "1.02"), ("厂商官方", "1.06")]
GROUP_COLOURS = {
    "office": (179, 38, 30),
    "computers": (33, 87, 160),
    "supplies": (30, 122, 60),
    "furniture": (138, 90, 0),
    "appliances": (20, 120, 140),
}


@dataclass
class _Slot:
    supplier: Any
    user: Any
    prefix: str
    groups: tuple[str, ...]
    factor: Decimal


def _all_products() -> list[Product]:
    return [*PRODUCTS, *(p for _s, p, _c in SHOWCASE_ROWS), DRAFT]


def _slug(text: str) -> str:
    from govmall.catalog.normalise import fold

    return "".join(ch for ch in fold(text).upper() if ch.isascii() and ch.isalnum())[:40] or (
        f"{zlib.crc32(text.encode()):08X}"
    )


def _cert_no(model: str) -> str:
    return f"CQC{zlib.crc32(model.encode()) % 10**12:012d}"


# ---- suppliers ---------------------------------------------------------------------------


def _admin_of(supplier: Any) -> Any:
    from govmall.accounts.models import User
    from govmall.accounts.roles import Role

    return (
        User.objects.filter(
            organisation_id=supplier.organisation_id,
            is_active=True,
            roles__role=Role.SUPPLIER_ADMIN,
        )
        .order_by("pk")
        .first()
    )


def _find_slots() -> list[_Slot]:
    from govmall.suppliers.gate import may_trade
    from govmall.suppliers.models import Supplier, SupplierStatus

    active = Supplier.objects.filter(status=SupplierStatus.ACTIVE).select_related(
        "organisation__division"
    )
    slots: list[_Slot] = []
    used: set[int] = set()
    for how, what, prefix, groups, factor in SLOTS:
        if how == "name":
            candidates = list(active.filter(organisation__name=what))
        else:
            candidates = list(
                active.filter(organisation__name__contains=what)
                .exclude(pk__in=used)
                .order_by("pk")[:20]
            )
        for supplier in candidates:
            if supplier.pk in used or not may_trade(supplier):
                continue
            user = _admin_of(supplier)
            if user is None:
                continue
            slots.append(_Slot(supplier, user, prefix, groups, Decimal(factor)))
            used.add(supplier.pk)
            break
    if not slots:  # no showcase supplier: the first one that may trade lists the main groups
        for supplier in active.order_by("pk")[:50]:
            user = _admin_of(supplier)
            if user is not None and may_trade(supplier):
                slots.append(_Slot(supplier, user, "LC", SLOTS[0][3], Decimal("1.00")))
                break
    return slots


# ---- reference prices ----------------------------------------------------------------------


def _reference_rows(now_local: Any) -> list[dict[str, Any]]:
    rows = []
    for n, product in enumerate(_all_products()):
        captured = (now_local - timedelta(days=1 + n % 3)).replace(
            hour=9 + n % 8, minute=(n * 7) % 60, second=0, microsecond=0
        )
        sources = SOURCES[: 2 + n % 3]
        for source, factor in sources:
            price = (Decimal(product.reference) * Decimal(factor)).quantize(Decimal("1"))
            url = ""
            if source == "京东":
                url = (
                    f"https://item.jd.com/{100000000000 + zlib.crc32(product.model.encode())}.html"
                )
            rows.append(
                {
                    "source": source,
                    "brand": product.brand,
                    "model": product.model,
                    "price": f"{price}.00",
                    "captured_at": captured.strftime("%Y-%m-%d %H:%M"),
                    "url": url,
                }
            )
    return rows


def _load_references(progress: Callable[[str], None]) -> int:
    from govmall.catalog.normalise import brand_key, model_key
    from govmall.pricing.models import ReferencePrice
    from govmall.pricing.services import reference_import

    now = timezone.now()
    keys = {(brand_key(p.brand), model_key(p.model)) for p in _all_products()}
    fresh = {
        (b, m)
        for b, m in ReferencePrice.objects.filter(
            brand_norm__in={k[0] for k in keys},
            model_norm__in={k[1] for k in keys},
            captured_at__gte=now - timedelta(days=5),
        )
        .values("brand_norm", "model_norm")
        .annotate(first=Min("captured_at"))
        .values_list("brand_norm", "model_norm")
    }
    if keys <= fresh:
        progress("demo reference prices: present")
        return 0
    imp = reference_import(
        actor=None,
        rows=_reference_rows(timezone.localtime(now)),
        channel="api",
        file_name=DEMO_SOURCE_NAME,
    )
    progress(f"demo reference prices: {imp.rows_imported} imported")
    return imp.rows_imported


# ---- images -----------------------------------------------------------------------------------


def _font(size: int) -> Any:
    from PIL import ImageFont

    for path in FONT_PATHS:
        if Path(path).exists():
            try:
                return ImageFont.truetype(path, size), True
            except OSError:
                continue
    return ImageFont.load_default(size=size), False


def card_image(title_zh: str, title_en: str, code: str, colour: tuple[int, int, int]) -> bytes:
    """An 800×800 JPEG: a coloured card with the category's name (Chinese if a CJK font is
    installed) and code."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (IMAGE_SIZE, IMAGE_SIZE), (246, 247, 249))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((40, 40, IMAGE_SIZE - 40, IMAGE_SIZE - 40), radius=36, fill=colour)
    light = tuple(min(255, c + 60) for c in colour)
    draw.rounded_rectangle((120, 150, IMAGE_SIZE - 120, 470), radius=24, fill=light)
    draw.rectangle((200, 470, IMAGE_SIZE - 200, 500), fill=light)
    big, cjk = _font(72)
    small, _ = _font(34)
    main = title_zh if cjk else title_en
    for text, font, y in ((main, big, 560), (title_en if cjk else code, small, 660)):
        width = draw.textlength(text, font=font)
        draw.text(((IMAGE_SIZE - width) / 2, y), text, font=font, fill=(255, 255, 255))
    draw.text((70, 70), code, font=small, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _image_for(slot: _Slot, category: Any, group: str) -> int:
    from govmall.catalog.models import ListingImage
    from govmall.catalog.services_images import image_upload

    name = f"demo-{category.code}.jpg"
    existing = (
        ListingImage.objects.filter(supplier=slot.supplier, original_name=name)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if existing is not None:
        return existing
    data = card_image(category.name_zh, category.name_en, category.code, GROUP_COLOURS[group])
    image = image_upload(actor=slot.user, upload=io.BytesIO(data), name=name)
    return image.pk


# ---- listings -------------------------------------------------------------------------------


def _item(
    slot: _Slot,
    product: Product,
    category: Any,
    image_id: int,
    sku: str,
    changes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    from govmall.catalog.models import EnergyStatus

    price = (Decimal(product.price) * slot.factor).quantize(Decimal("1"))
    warranty = max(product.warranty, category.min_warranty_months)
    years = warranty // 12
    after_sales = (
        f"原厂质保 {years} 年，包头市区 4 小时响应、24 小时内上门服务。"
        if years
        else "质量问题 7 日内包退换，送货上门。"
    )
    item: dict[str, Any] = {
        "sku": sku,
        "category": category.code,
        "title": product.title,
        "brand": product.brand,
        "model_no": product.model,
        "manufacturer": MANUFACTURERS.get(product.brand, f"{product.brand}（中国）有限公司"),
        "attributes": dict(product.attributes),
        "unit": product.unit,
        "price": f"{price}.00",
        "stock": 5 + zlib.crc32(sku.encode()) % 120,
        "warranty_months": warranty,
        "delivery_divisions": ["150200"] if slot.prefix == "CG" else [],
        "origin": "domestic",
        "image_ids": [image_id],
        "description": f"{product.title}。正品行货，原厂包装，全国联保，提供增值税专用发票。",
        "extra_fees": product.extra.get("extra_fees", []),
        "no_extra_fees": product.extra.get("no_extra_fees", True),
        "after_sales": after_sales,
    }
    if category.energy_status == EnergyStatus.MANDATORY:
        item["energy_cert_no"] = _cert_no(product.model)
        item["energy_cert_expiry"] = CERT_EXPIRY
    item.update(changes or {})
    return item


def _load_slot(slot: _Slot, first: bool, categories: dict[str, Any]) -> list[Any]:
    from govmall.catalog.services_bulk import listings_bulk_upsert

    rows: list[tuple[Product, str, dict[str, Any]]] = [
        (p, f"{slot.prefix}-{_slug(p.model)}", {}) for p in PRODUCTS if p.group in slot.groups
    ]
    if first:
        rows += [(p, f"{slot.prefix}-{suffix}", changes) for suffix, p, changes in SHOWCASE_ROWS]
    images: dict[str, int] = {}
    items = []
    for product, sku, changes in rows:
        category = categories[product.category]
        if category.code not in images:
            images[category.code] = _image_for(slot, category, product.group)
        items.append(_item(slot, product, category, images[category.code], sku, changes))
    return listings_bulk_upsert(actor=slot.user, items=items)


def _load_draft(slot: _Slot, categories: dict[str, Any]) -> int:
    from govmall.catalog.content import parse_content
    from govmall.catalog.models import Listing
    from govmall.catalog.services_listings import listing_create

    sku = f"{slot.prefix}-DRAFT"
    if Listing.objects.filter(supplier=slot.supplier, sku=sku).exists():
        return 0
    category = categories[DRAFT.category]
    image_id = _image_for(slot, category, DRAFT.group)
    raw = _item(slot, DRAFT, category, image_id, sku)
    data = parse_content(raw, supplier=slot.supplier)
    listing_create(actor=slot.user, data=data, sku=sku, stock=raw["stock"])
    return 1


def load_demo_catalogue(*, progress: Callable[[str], None] = print) -> dict[str, int]:
    """Load (or find in place) the demo catalogue; counts of what exists afterwards."""
    from govmall.catalog.categories import ensure_demo_categories
    from govmall.catalog.models import Category, Listing
    from govmall.catalog.rules import engine

    created = ensure_demo_categories()
    progress(f"demo categories: {created} created")
    ruleset = engine.current_ruleset()
    progress(f"listing rule set: version {ruleset.version}")
    references = _load_references(progress)
    codes = {p.category for p in _all_products()}
    categories = {c.code: c for c in Category.objects.filter(code__in=codes)}
    missing = codes - set(categories)
    if missing:
        raise RuntimeError(f"demo categories missing: {sorted(missing)}")
    slots = _find_slots()
    if not slots:
        progress("demo catalogue: no demo supplier may trade; no listings loaded")
        return {"suppliers": 0, "reference_prices": references}
    outcomes: dict[str, int] = {}
    for n, slot in enumerate(slots):
        results = _load_slot(slot, n == 0, categories)
        for result in results:
            outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
        progress(
            f"demo listings of {slot.supplier.organisation.name}: "
            + ", ".join(f"{k} {v}" for k, v in sorted(_count(results).items()))
        )
    drafts = _load_draft(slots[0], categories)
    supplier_ids = [slot.supplier.pk for slot in slots]
    states = {
        state: Listing.objects.filter(supplier_id__in=supplier_ids, state=state).count()
        for state in ("listed", "rejected", "pending", "draft")
    }
    progress(
        "demo catalogue: "
        + ", ".join(f"{state} {count}" for state, count in states.items())
        + f" (draft created now: {drafts})"
    )
    return {
        "suppliers": len(slots),
        "reference_prices": references,
        **states,
        **{f"outcome_{k}": v for k, v in outcomes.items()},
    }


def _count(results: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for result in results:
        key = result.outcome if result.outcome != "created" else f"created/{result.state}"
        counts[key] = counts.get(key, 0) + 1
    return counts


__all__ = ["PRODUCTS", "card_image", "load_demo_catalogue"]
