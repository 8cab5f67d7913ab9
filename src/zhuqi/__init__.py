import os

# pypinyin copies its character and phrase tables at import so that a program can add readings of
# its own without changing the originals; zhuqi adds none, so the copies (8 MiB in every process)
# are not made. Set before anything imports pypinyin.
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "true")
