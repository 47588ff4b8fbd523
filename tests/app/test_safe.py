"""``ui.safe``: the escaping helpers, against hand-written expectations and CommonMark's own rules.

How Streamlit *renders* the escaped strings is checked in a real browser
(``tests/e2e/test_browser_hostile.py``); here, what the strings are.
"""

from __future__ import annotations

import re

import pytest

from ui import safe

HOSTILE = [
    "![t](http://198.51.100.1/x.png)", "<img src=http://198.51.100.1/y.png>", "$x^2$", ":red[boom]",
    "**bold**", ":material/home:", ":smile:", ":streamlit:", "a -> b -- c", "www.example.com", "me@host.org",
    "`code`", "# heading", "1. item", "- item", "| a | b |", "~~strike~~", "a\\b", "&amp;", "plain name",
    "", "line one\nline two", "  spaced  ", "ünïcödé €", "x_1 * y_2",
]
#: What Markdown, HTML, maths, directives or shortcodes need to start: none may stay unescaped.
STARTERS = re.compile(r"(?<!\\)[!\[\]()<>$:*_`#|~&\\]")


@pytest.mark.parametrize("value", HOSTILE)
def test_text_escapes_every_starter_and_reads_back(value: str) -> None:
    out = safe.text(value)
    unescaped = STARTERS.findall(re.sub(r"\\[!-/:-@\[-`{-~]", "", out))
    assert not unescaped, (out, unescaped)
    assert "\n" not in out and "\r" not in out
    assert safe.plain(out) == safe.one_line(value)


def test_text_hand_cases() -> None:
    assert safe.text("**bold**") == r"\*\*bold\*\*"
    assert safe.text("$x^2$") == r"\$x\^2\$"
    assert safe.text(":red[boom]") == r"\:red\[boom\]"
    assert safe.text("income_2024") == r"income\_2024"
    assert safe.text("a\nb") == "a b"
    # text-level rewrites are broken by an invisible word joiner
    j = safe.JOINER
    assert safe.text(":streamlit:") == rf"\:{j}streamlit\:"
    assert safe.text("a -> b") == rf"a \-{j}\> b"
    assert safe.text("http://h/x") == rf"http\:{j}\/\/h\/x"
    assert safe.text("www.h.org") == rf"www{j}\.h\.org"
    assert safe.text("a@b.org") == rf"a\@{j}b\.org"
    assert safe.text("a->b") == r"a\-\>b"          # no spaces around: Streamlit leaves it alone


@pytest.mark.parametrize("value, expected", [
    ("income", "`income`"),
    ("a`b", "``a`b``"),
    ("``x", "``` ``x ```"),
    ("x`", "`` x` ``"),
    ("  both  ", "`   both   `"),
    ("", "` `"),
    (":material/home:", f"`:{safe.JOINER}material/home:`"),
    ("a\nb", "`a b`"),
])
def test_code_span(value: str, expected: str) -> None:
    assert safe.code(value) == expected


def test_plot_escapes_html_only() -> None:
    assert safe.plot("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert safe.plot("$x^2$ **b**") == "$x^2$ **b**"
    assert safe.plot(3) == "3"
