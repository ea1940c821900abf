"""Data text on its way into Markdown or HTML: escaped here, and markup in data found here.

Report pages are Markdown and HTML built from the curated and reference tables.
Every data-derived string goes through :func:`md_escape` (for Markdown) or
:func:`html_escape` (for HTML) at the point where the markup is assembled, so a
cell holding ``<script>``, ``![x](javascript:…)`` or ``</td>`` shows as that
text and never becomes markup. :func:`find_markup` is the rule behind
``coop-analysis validate`` refusing markup in the data's text columns.
"""

from __future__ import annotations

import html
import re

__all__ = ["MARKUP_PATTERN", "find_markup", "html_escape", "md_escape"]

# A backslash before ASCII punctuation makes it literal (CommonMark 2.4). These characters have a
# meaning anywhere in a line: escapes, code, emphasis, links and images ('[' — without it '!', '(' and
# ')' mean nothing), table cells, strikethrough, math, raw HTML ('<', '>'); '&' only where it would start a
# character reference. Line breaks become spaces, so only the text's start can begin a block.
_MD_INLINE = re.compile(r"([\\`*\[\]|~$#<>])|(?<!\w)_|_(?!\w)")  # '_' inside a word (name_en) is no emphasis
_MD_ENTITY_START = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_MD_AUTOLINK = re.compile(r"(?<=[A-Za-z0-9])(:)(?=//)|(?<=\bwww)(\.)", re.IGNORECASE)  # https://…, www.…
_MD_ORDERED = re.compile(r"\d+(?=[.)])")  # "1." or "1)" opening an ordered list
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


def md_escape(text: object) -> str:
    """``text`` as literal Markdown: it renders as itself, never as markup.

    Characters with a meaning in running text (emphasis, code, links and
    images, table cells, strikethrough, ``$`` math, ``#``, and the ``:`` or
    ``.`` that would turn ``https://…`` or ``www.…`` into a link) are
    backslash-escaped, and so are ``<`` and ``>`` (no raw HTML) and an ``&``
    that would start a character reference — backslashes rather than ``&lt;``
    or ``&amp;``, so a renderer that escapes raw HTML itself (the report pages')
    shows ``>`` and not ``&gt;``; line breaks become spaces, leading white space goes, and a start
    that would open a block (``-``, ``+``, ``=``, ``1.``) is escaped, so the
    text cannot start a heading, list, quote or code block. ``None`` gives
    ``""``.
    """
    if text is None:
        return ""
    s = _LINE_BREAKS.sub(" ", str(text)).lstrip()
    s = _MD_INLINE.sub(lambda m: "\\" + m.group(), s)
    s = _MD_ENTITY_START.sub(r"\\&", s)  # after the line above, which would escape this backslash
    s = _MD_AUTOLINK.sub(lambda m: "\\" + m.group(), s)  # a bare URL stays text, not a link
    if s[:1] in ("-", "+", "="):
        return "\\" + s
    m = _MD_ORDERED.match(s)
    return f"{m.group()}\\{s[m.end() :]}" if m else s


def html_escape(text: object) -> str:
    """``text`` as literal HTML text or attribute value (``& < > " '`` escaped); ``None`` gives ``""``."""
    return "" if text is None else html.escape(str(text), quote=True)


#: What counts as markup in a data cell (see :func:`find_markup`).
MARKUP_PATTERN = re.compile(
    r"""
      (?P<tag></?[A-Za-z][^<>]{0,40}>?|<[!?][^<>]{0,40}>?)   # an HTML tag, autolink, comment (even unclosed)
    | (?P<link>!?\[[^\]]*\]\s*[(\[])                         # Markdown link or image: [x](…), ![x](…), [x][ref]
    | (?P<url>\b(?:javascript|vbscript|livescript)\s*:|\bdata:[a-z]+/)  # script and data URLs
    | (?P<entity>&(?:\#[0-9]+|\#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)  # a character reference
    | (?P<math>\$[^$]+\$)                                    # inline math, rendered by notebooks and matplotlib
    """,
    re.VERBOSE | re.IGNORECASE,
)
_WHAT = {
    "tag": "an HTML tag",
    "link": "Markdown link or image syntax",
    "url": "a script or data URL",
    "entity": "an HTML character reference",
    "math": "$…$ math markup",
}
#: Characters that are never text: C0/C1 controls (tab and line breaks included) and bidirectional overrides.
CONTROL_PATTERN = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def find_markup(text: object) -> str | None:
    """What markup ``text`` holds, as a phrase naming it and the offending part, or ``None``.

    Markup is anything a Markdown or HTML renderer would not show as the text
    itself: HTML tags (``<script>``, ``</td>``, ``<!--``), Markdown links and
    images (``[x](…)``, ``![x](…)``), ``javascript:``/``data:`` URLs,
    character references (``&lt;``) and ``$…$`` math; also control
    characters and bidirectional overrides, which are never part of a text.
    """
    if not isinstance(text, str):
        return None
    m = MARKUP_PATTERN.search(text)
    if m:
        return f"{_WHAT[m.lastgroup or 'tag']} ({m.group()[:40]!r})"
    c = CONTROL_PATTERN.search(text)
    if c:
        if c.group() in "\r\n\u2028\u2029":
            return f"a line break (at {c.start()}; a cell holds one line of text)"
        return f"a control or bidirectional-override character ({c.group()!r} at {c.start()})"
    return None
