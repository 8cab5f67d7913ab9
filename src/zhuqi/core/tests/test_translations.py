"""The English catalogue is whole: every interface string has its English, none is left as a
fuzzy guess (which msgfmt drops, so the page shows Chinese), and the committed .mo is the .po
compiled."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import zhuqi

MESSAGES = Path(zhuqi.__file__).parent / "locale/en/LC_MESSAGES"
ENTRY = re.compile(r'^msgid "(.*)"\n((?:".*"\n)*)(msgid_plural|msgstr)', re.MULTILINE)


def _entries() -> list[str]:
    return (MESSAGES / "django.po").read_text(encoding="utf-8").split("\n\n")[1:]


def test_no_string_is_fuzzy_or_untranslated() -> None:
    fuzzy = [entry for entry in _entries() if re.search(r"^#,.*\bfuzzy\b", entry, re.MULTILINE)]
    empty = [entry for entry in _entries() if re.search(r'^msgstr(\[\d\])? ""(?!\n")', entry, re.MULTILINE)]
    assert fuzzy == [] and empty == []


def test_the_compiled_catalogue_holds_every_string() -> None:
    with (MESSAGES / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    missing = []
    for entry in _entries():
        if entry.startswith("#~") or "msgid_plural" in entry:
            continue
        found = ENTRY.search(entry)
        assert found is not None, entry
        msgid = (found.group(1) + "".join(re.findall(r'"(.*)"', found.group(2)))).replace('\\"', '"')
        msgid = msgid.replace("\\n", "\n")
        if catalogue.gettext(msgid) == msgid:
            missing.append(msgid)
    assert missing == []
