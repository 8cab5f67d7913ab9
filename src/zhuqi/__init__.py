import os

# pypinyin's phrase readings: zhuqi loads them itself when it first computes pinyin keys
# (core.chinese._phrases), sharing the 1,249 distinct readings among 47,000 phrases, instead of
# pypinyin decoding its JSON into 35 MiB of separate lists in every process that imports it. And
# pypinyin copies its tables at import so a program can add readings without changing the
# originals; zhuqi adds none, so the copies (8 MiB) are not made. Both set before anything
# imports pypinyin.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "true")
