"""China's administrative divisions (provinces, prefectures, counties and districts), read from the
table the `cpca` package ships (`cpca/resources/adcodes.csv`; the package itself is not imported:
its import builds a matcher this code does not need). They extend `assistant/data/places.toml`,
which stays the curated source: its names, aliases and parents win wherever both know a place.

A place is found by its full name (淮阴区, 化州市, 象山县); a prefecture also by the short form
newspapers print (周口, 晋城), unless places in different regions share it (朝阳). A county's short
form is no name of its own here: too many are everyday words (公安县, 东海县, 白玉县) or shared
(象山县 and 象山区). Asked about a county by its full name, a text that prints the short form
("象山") still speaks of it (`Places.mentions`)."""

from __future__ import annotations

import csv
import importlib.metadata
import re
from pathlib import Path

_SHORT = re.compile(r"^(.{2,}?)(?:特别行政区|维吾尔自治区|(?:[^族]{1,3}族)*自治(?:区|州|县|旗)|地区|新区|林区|矿区|省|市|县|区|旗|盟)$")


def short_name(name: str) -> str:
    """广西 for 广西壮族自治区, 恩施 for 恩施土家族苗族自治州, 象山 for 象山县; the name itself if none."""
    m = _SHORT.match(name)
    return m.group(1) if m else name


def divisions_file() -> Path | None:
    try:
        files = importlib.metadata.distribution("cpca").files or []
    except importlib.metadata.PackageNotFoundError:
        return None
    path = next((f for f in files if str(f).endswith("resources/adcodes.csv")), None)
    return Path(path.locate()) if path is not None else None


def admin_divisions(known: dict[str, str], path: Path | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """(alias → canonical, place → the region it lies in) for the divisions `known` (the curated
    alias table) does not already name. Provinces map to the curated names (湖南省 → 湖南)."""
    path = path or divisions_file()
    if path is None or not path.exists():
        return {}, {}
    names = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if not row["name"].startswith("市辖") and row["name"] not in ("县", "省直辖县级行政区划"):
                names[row["adcode"]] = row["name"]
    canonical: dict[str, str] = {}  # adcode → the name the assistant calls it
    short_codes: dict[str, list[str]] = {}
    for code, name in names.items():
        short = short_name(name)
        level = _level(code)
        # a curated short name is the prefecture's or province's (株洲), not a county's within it
        curated = known.get(short) if len(short) >= 2 and level != "county" else None
        canonical[code] = known.get(name) or curated or name
        if level != "county" and len(short) >= 2 and short != name:
            short_codes.setdefault(short, []).append(code)
    parent: dict[str, str] = {}
    for code in names:
        up = _parent_code(code, names)
        if up is not None and canonical[code] not in known:
            parent[canonical[code]] = canonical[up]
    aliases: dict[str, str] = {}
    for code, name in names.items():
        # a county's two-character name hides inside everyday words (小康县 holds 康县)
        if name not in known and canonical[code] not in known and (len(name) >= 3 or _level(code) != "county"):
            aliases[name] = canonical[code]
    for short, codes in short_codes.items():
        if short in known or short in aliases:
            continue
        top = min(codes, key=_depth)
        # 株洲 (the city) and 株洲县 within it are one short name; 朝阳 in 北京 and in 辽宁 are not
        if all(_within(c, top) for c in codes) and canonical[top] not in known:
            aliases[short] = canonical[top]
    return aliases, parent


def _level(code: str) -> str:
    return "province" if code[2:] == "0" * 10 else "prefecture" if code[4:] == "0" * 8 else "county"


def _depth(code: str) -> int:
    return {"province": 0, "prefecture": 1, "county": 2}[_level(code)]


def _parent_code(code: str, names: dict[str, str]) -> str | None:
    level = _level(code)
    if level == "province":
        return None
    prefecture, province = code[:4] + "0" * 8, code[:2] + "0" * 10
    if level == "county" and prefecture in names:
        return prefecture
    return province if province in names else None


def _within(code: str, top: str) -> bool:
    return code == top or code.startswith(top[: 2 * (_depth(top) + 1)])
