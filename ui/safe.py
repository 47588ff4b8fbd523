"""Values from files shown as text, never as markup: one escaping helper per rendering surface.

File names, column names, category values, batch labels, posts, and library messages that quote them
(``DriftError`` messages, notes, step explanations) come from whoever made the file.  Streamlit renders
Markdown — with its own extensions — on most surfaces, and plotly renders a subset of HTML in figures,
so such a value is escaped for the surface it lands on:

* **Markdown surfaces** — ``st.markdown``, ``st.caption``, titles and headers, ``st.error`` / ``warning``
  / ``info`` / ``success``, every widget label, ``help=`` tooltips, expander, tab, metric, button and
  ``st.page_link`` labels, ``st.radio`` / ``st.segmented_control`` options — get :func:`text` (or
  :func:`code` for a value shown in code style).  Unescaped, ``![t](http://host/x.png)`` makes the
  browser fetch the URL, ``$x^2$`` is typeset by KaTeX, ``:red[boom]`` is coloured, ``:material/home:``
  and ``:smile:`` become icons, ``**bold**`` is bold, and ``a -> b`` turns into an arrow.
* **Plotly figures** — titles, axis and tick labels, legend names, hover text, annotations — get
  :func:`plot`.  Never put a value into a ``hovertemplate`` string itself (``%{…}`` in it would be
  substituted): pass it as data (``customdata``, trace ``name``, ``meta``) escaped with :func:`plot`.
* **Plain-text surfaces** need no escaping, and must not get it (backslashes would show): ``st.text``,
  ``st.code``, ``st.dataframe`` / ``st.data_editor`` cells and headers (drawn on a canvas),
  ``st.selectbox`` / ``st.multiselect`` options (``format_func``), download file names.

Checked in Chromium against Streamlit 1.67's renderer (``tests/e2e/test_browser_hostile.py`` walks
every page with a hostile upload and fails on any request that leaves the app's server).
"""

from __future__ import annotations

import html
import re

#: Every ASCII punctuation character: CommonMark lets a backslash escape each of them, and an escaped
#: one never starts Markdown, HTML, KaTeX maths (``$``), a directive (``:red[…]``) or a shortcode.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
#: Line breaks (with the spaces around them): a value is shown on one line (no headings, no lists).
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
#: U+2060 WORD JOINER: invisible, zero width, no line break.  Placed inside the few patterns that
#: Streamlit rewrites on the *text* after Markdown is parsed — where a backslash no longer exists.
JOINER = "\u2060"
#: Typographic replacements Streamlit applies to text between spaces (``->`` becomes an arrow …).
_TYPOGRAPHY = re.compile(r"(?<!\S)(<->|->|<-|--|>=|<=|~=)(?!\S)")
#: Automatic links on text (GFM autolink literals): ``http://…``, ``https://…``, ``www.…``, e-mails.
_AUTOLINK = re.compile(r"(?i)(https?:|www(?=\.)|@)")
#: Shortcodes Streamlit replaces in the raw source, even inside code spans.
_SHORTCODES = (":streamlit:", ":material/")


def _break_rewrites(value: str) -> str:
    """Put a word joiner inside the patterns Streamlit rewrites whatever the escaping."""
    for shortcode in _SHORTCODES:
        value = value.replace(shortcode, ":" + JOINER + shortcode[1:])
    value = _TYPOGRAPHY.sub(lambda m: m.group(1)[0] + JOINER + m.group(1)[1:], value)
    return _AUTOLINK.sub(lambda m: m.group(1) + JOINER, value)


def one_line(value: object) -> str:
    """``str(value)`` with every line break (and the spaces around it) turned into one space."""
    return _LINE_BREAKS.sub(" ", str(value))


def text(value: object) -> str:
    """A value for a Markdown surface, shown literally on one line.

    Every ASCII punctuation character is backslash-escaped (so nothing starts Markdown, HTML, maths, a
    directive or a shortcode) and a word joiner (:data:`JOINER`, invisible) breaks the patterns Streamlit
    rewrites after parsing (``:streamlit:``, arrows such as ``->``, automatic links).  For example
    ``**bold**`` becomes ``\\*\\*bold\\*\\*``, which Streamlit shows as ``**bold**``.
    """
    return _PUNCTUATION.sub(r"\\\1", _break_rewrites(one_line(value)))


def code(value: object) -> str:
    """A value for a Markdown surface, shown literally in code style (an inline code span).

    Inside a code span nothing is Markdown; the fence is one backtick longer than the longest run of
    backticks in the value, and a value that starts or ends with a backtick is padded with a space
    (CommonMark strips one space from each side).
    """
    s = one_line(value).replace(":material/", ":" + JOINER + "material/")
    if not s:
        return "` `"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", s)), default=0) + 1)
    pad = " " if s[:1] == "`" or s[-1:] == "`" or (s[:1] == " " and s[-1:] == " " and s.strip()) else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def plot(value: object) -> str:
    """A value for a plotly figure (title, label, legend, hover): ``<``, ``>`` and ``&`` as entities."""
    return html.escape(str(value), quote=False)


def plain(markdown: str) -> str:
    """The text a reader sees for a string made with :func:`text` (escapes and joiners removed).

    For tests and for comparisons; never for display.
    """
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(JOINER, "")
