"""How people write a chain's name: 光伏装备, 光伏装备产业链 and 光伏装备链 are one chain. The
projects app (a project's chain as written, its import) and the policies app (a rule naming a
chain) both resolve names through this one key."""

from __future__ import annotations

from zhuqi.core.chinese import to_halfwidth

SUFFIXES = ("产业链", "链")


def name_key(name: str) -> str:
    """The name without spaces, full-width forms or its suffix: 光伏装备产业链 and 光伏装备链 and
    光伏装备 are one key. A name that is only the suffix keeps it."""
    text = "".join(to_halfwidth(name or "").split())
    for suffix in SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text
