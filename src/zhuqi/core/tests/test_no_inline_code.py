"""No template carries code or styling inline, so the Content-Security-Policy can stay strict
(script-src 'self', style-src 'self', no 'unsafe-inline', no 'unsafe-eval'): behaviour belongs in
the app's static/ folder (a data- attribute the script reads), looks in its .css file.

Each rule names what to write instead; a line that trips one is the thing to move."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import zhuqi

PACKAGE = Path(zhuqi.__file__).parent

# (what is forbidden, pattern, what to do instead)
TEMPLATE_RULES = [
    (
        "inline <script>",
        # A <script> tag without src=. Django's json_script filter writes data, not code, and is
        # a filter, so it never appears as a literal tag here.
        re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE),
        "put the code in the app's static/ folder and load it with <script src=… defer>",
    ),
    (
        "on…= event handler",
        re.compile(r"<[a-z][^<>]*?\son[a-z]+\s*=", re.IGNORECASE),
        'listen from a static script; for a confirmation use data-confirm="…" (zhuqi/confirm.js)',
    ),
    (
        "hx-on handler",
        re.compile(r"\b(data-)?hx-on\b", re.IGNORECASE),
        "htmx runs hx-on through eval: listen for the htmx event in a static script",
    ),
    (
        "hx-vars or js: in hx-vals/hx-headers",
        re.compile(
            r"\b(data-)?hx-vars\b|\bhx-(vals|headers|request)\s*=\s*['\"]\s*(js|javascript):", re.IGNORECASE
        ),
        "give plain JSON, or set the values from a static script on htmx:configRequest",
    ),
    (
        "javascript: URL",
        re.compile(r"javascript:", re.IGNORECASE),
        "use a button and a static script",
    ),
    (
        "style= attribute",
        re.compile(r"<[a-z][^<>]*?\sstyle\s*=", re.IGNORECASE),
        "give the element a class and style it in the app's .css file",
    ),
    (
        "<style> block",
        re.compile(r"<style\b", re.IGNORECASE),
        "move the rules to the app's .css file",
    ),
]

# hx-trigger="event[condition]" is evaluated with eval; `from:input[type=search]` is a selector.
HX_TRIGGER = re.compile(r"\bhx-trigger\s*=\s*(\"[^\"]*\"|'[^']*')", re.IGNORECASE)

# The app's own scripts must not bring back what the templates may not hold.
SCRIPT_RULES = [
    ("eval", re.compile(r"\beval\s*\(|\bnew\s+Function\s*\(|setTimeout\s*\(\s*['\"]")),
    ("inline style", re.compile(r"setAttribute\(\s*['\"]style['\"]|\sstyle\s*=\s*\\?['\"]|<style\b")),
    ("inline handler", re.compile(r"setAttribute\(\s*['\"]on[a-z]+['\"]|\son[a-z]+\s*=\s*\\?['\"]")),
    ("javascript: URL", re.compile(r"javascript:", re.IGNORECASE)),
]


def templates() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("templates/**/*.html") if "tests" not in p.parts)


def own_scripts() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("static/**/*.js") if "vendor" not in p.parts)


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def blank(pattern: re.Pattern[str], text: str) -> str:
    """The text with what the pattern matches (comments) emptied, line numbers kept."""
    return pattern.sub(lambda match: "\n" * match.group(0).count("\n"), text)


TEMPLATE_COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)
SCRIPT_COMMENTS = re.compile(r"/\*.*?\*/|(?<![:\\])//[^\n]*", re.DOTALL)


def python_strings(path: Path) -> str:
    """The string literals of a module, each on its own line as in the source: comments and
    docstrings that talk about <script> are not HTML."""
    lines: dict[int, list[str]] = {}
    for token in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if token.type == tokenize.STRING:
            lines.setdefault(token.start[0], []).append(token.string)
    last = max(lines, default=0)
    return "\n".join(" ".join(lines.get(number, [])) for number in range(1, last + 1))


def inline_code_in(text: str) -> list[tuple[int, str, str]]:
    found = [
        (line_of(text, match.start()), what, instead)
        for what, pattern, instead in TEMPLATE_RULES
        for match in pattern.finditer(text)
    ]
    for match in HX_TRIGGER.finditer(text):
        for trigger in match.group(1)[1:-1].split(","):
            event = trigger.split()[0] if trigger.split() else ""
            if "[" in event:
                found.append(
                    (
                        line_of(text, match.start()),
                        "hx-trigger condition",
                        "filter in a static script instead",
                    )
                )
    return found


def test_the_rules_catch_what_they_are_for() -> None:
    caught = {
        what
        for sample in (
            "<script>alert(1)</script>",
            '<form class="inline" onsubmit="return confirm(\'?\')">',
            "<button hx-on::after-request=\"this.textContent='x'\">",
            "<div hx-vals='js:{a: 1}'>",
            '<a href="javascript:void(0)">',
            '<body style="margin: 0">',
            "<style>p { color: red }</style>",
            '<input hx-trigger="keyup[ctrlKey]">',
        )
        for _line, what, _instead in inline_code_in(sample)
    }
    assert caught == {what for what, _pattern, _instead in TEMPLATE_RULES} | {"hx-trigger condition"}
    allowed = (
        '<script src="/static/zhuqi/picker.js" defer></script>'
        '<form data-confirm="确定删除？"><button class="link">删除</button></form>'
        '<form hx-trigger="input changed delay:300ms from:input[type=search], change from:select">'
        '<div hx-headers=\'{"X-CSRFToken": "t"}\' data-label-collapse="收起">'
        '<p class="muted">联系方式：电话 onsite=现场</p>'
    )
    assert inline_code_in(allowed) == []


def test_no_template_carries_inline_code_or_style() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{line}: {what} — {instead}"
        for path in templates()
        for line, what, instead in inline_code_in(blank(TEMPLATE_COMMENTS, path.read_text(encoding="utf-8")))
    ]
    assert len(templates()) > 50
    assert found == [], "\n".join(found)


def test_no_script_of_the_app_evaluates_text_or_writes_inline_style() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{line_of(text, match.start())}: {what}"
        for path in own_scripts()
        for text in [blank(SCRIPT_COMMENTS, path.read_text(encoding="utf-8"))]
        for what, pattern in SCRIPT_RULES
        for match in pattern.finditer(text)
    ]
    assert own_scripts()
    assert found == [], "\n".join(found)


def test_no_python_module_writes_inline_code_into_html() -> None:
    # format_html / mark_safe strings: the same template rules, on the package's own modules.
    found = [
        f"{path.relative_to(PACKAGE)}:{line}: {what}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "tests" not in path.parts and "browser_tests" not in path.parts and "migrations" not in path.parts
        for line, what, _instead in inline_code_in(python_strings(path))
        if what != "hx-trigger condition"
    ]
    assert found == [], "\n".join(found)
