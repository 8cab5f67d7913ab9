from __future__ import annotations

from zhuqi.core.chinese import normalise_query, pinyin_keys, to_simplified


def test_initials_and_full_pinyin_are_both_keys() -> None:
    keys = pinyin_keys("联晟新材料")
    assert "lsxcl" in keys
    assert any(key.startswith("lianshengxin") for key in keys)


def test_traditional_text_is_simplified() -> None:
    assert to_simplified("聯晟新材料") == "联晟新材料"


def test_queries_are_normalised_like_the_index() -> None:
    assert normalise_query(" ＬＳＸＣＬ ") == "lsxcl"
    assert normalise_query("聯晟") == "联晟"
