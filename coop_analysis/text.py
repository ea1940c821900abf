"""Text normalization, sentence and section splitting for Chinese sources.

Raw sources are often extracted from PDFs laid out in narrow columns: lines are
hard-wrapped inside words and numbers (``共同实施了 39\\n项``), blank lines fall
inside paragraphs, headings run over two lines and stray spaces sit between
digits and characters. :func:`normalize_text` repairs this deterministically.
Every repair either deletes a character or replaces it one-for-one, so
:func:`normalize_with_offsets` can map each normalized character back to its
position in the raw text.

Quotes and offsets stored in curated tables refer to the normalized text.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass

__all__ = [
    "NormalizedText",
    "Section",
    "Span",
    "normalize_text",
    "normalize_with_offsets",
    "split_sections",
    "split_sentences",
]

# Punctuation that ends a sentence, and closing marks that may follow it.
SENTENCE_END = "。！？；!?"
CLOSERS = "”’」』）)》"
# A block whose last character is one of these is a paragraph, not a heading.
TERMINAL = SENTENCE_END + "”’」』：:…"
# Characters that cannot follow a line break at the start of a new sentence:
# a line beginning "X，" or "X、" is the tail of a word cut by the wrap.
_CONTINUATION_START = re.compile(r"^.[，、。；：,;:]")
_HSPACE = " \t\u00a0\u2002\u2003\u2009\u3000"
# Chinese numeral characters: a line ending in one was cut inside a number.
_NUMERAL_CHARS = frozenset("零〇一二两三四五六七八九十百千万亿")


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x3000 <= o <= 0x303F  # CJK punctuation
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x2018 <= o <= 0x201D  # curly quotes used in Chinese text
        or 0xF900 <= o <= 0xFAFF
    )


def _width(line: str) -> float:
    """Display width of a line: ASCII characters count 0.5, all others 1."""
    return len(line) - 0.5 * len(line.encode("ascii", "ignore"))


_FULLWIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_FULLWIDTH.update({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})
_FULLWIDTH.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_FULLWIDTH.update({"％": "%", "．": ".", "\u3000": " ", "\u00a0": " "})
_FULLWIDTH_TABLE = str.maketrans(_FULLWIDTH)
_FULLWIDTH_CHAR = re.compile("[" + re.escape("".join(_FULLWIDTH)) + "]")
_SPACE_RUN = re.compile(f"[{_HSPACE}]+")


@dataclass(frozen=True)
class NormalizedText:
    """Normalized text with, for each of its characters, the raw offset it came from."""

    text: str
    offsets: tuple[int, ...]
    raw_length: int

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the normalized text to the raw text."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) is outside the normalized text (length {len(self.text)})")
        if start == end:
            pos = self.offsets[start] if start < len(self.offsets) else self.raw_length
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def _is_hard_wrapped(widths: list[float]) -> tuple[bool, float]:
    """Guess whether lines were wrapped at a fixed column, and at what width."""
    if len(widths) < 5:
        return False, 0.0
    ordered = sorted(widths)
    full = ordered[len(ordered) // 2]  # the median line is a full one in a wrapped text
    near_full = sum(1 for w in widths if abs(w - full) <= 3)
    return (full <= 80 and near_full / len(widths) >= 0.6), full


def _line_breaks(lines: list[str]) -> list[bool]:
    """For each line, whether it ends its block (True) or continues into the next line.

    Blank lines are given True (they never join) but are skipped when a full
    line wraps across them.
    """
    stripped = [ln.strip(_HSPACE) for ln in lines]
    width = [_width(s) for s in stripped]
    nonblank = [i for i, s in enumerate(stripped) if s]
    wrapped, full = _is_hard_wrapped([width[i] for i in nonblank])
    ends = [True] * len(lines)
    if not wrapped:
        return ends
    threshold = full - 2
    for k, i in enumerate(nonblank[:-1]):
        line, nxt_i = stripped[i], nonblank[k + 1]
        nxt = stripped[nxt_i]
        if lines[nxt_i][:1] in _HSPACE:
            continue  # an indented line starts a new paragraph
        last = line[-1]
        cut_number = last.isdigit() or last in _NUMERAL_CHARS
        if width[i] >= threshold and (last not in TERMINAL or width[i] >= full - 0.5):
            # A full line runs on, unless it ends a sentence and a blank line or
            # a heading (a short line without end punctuation) follows.
            sentence_end = line.rstrip(CLOSERS)[-1:] in SENTENCE_END + "：:"
            heading_next = (
                width[nxt_i] < threshold
                and nxt[-1] not in TERMINAL + "，、；,;"
                and not (nxt[-1].isdigit() or nxt[-1] in _NUMERAL_CHARS)
                and k + 2 < len(nonblank)
            )
            ends[i] = sentence_end and (nxt_i != i + 1 or heading_next)
        elif last in TERMINAL:
            ends[i] = True
        elif (
            _CONTINUATION_START.match(nxt)
            or any(c in line for c in "，、；,;")
            or cut_number
            or lines[i][:1] in _HSPACE
        ):
            # The next line starts with the tail of a cut word; this line has a
            # comma inside (headings have none, so it is a paragraph's first
            # line) or is indented like one; or a number was cut from its unit.
            ends[i] = False
        else:
            # A short line without terminal punctuation is a heading; its second
            # half stands alone when the heading was broken over two lines.
            after = nonblank[k + 2] if k + 2 < len(nonblank) else None
            ends[i] = not (
                width[nxt_i] < threshold / 2 and nxt[-1] not in TERMINAL and (after is None or after != nxt_i + 1)
            )
    return ends


def normalize_with_offsets(text: str) -> NormalizedText:
    """Normalize ``text`` and keep, for every output character, its raw offset.

    The repairs, in order:

    * ``\\r\\n``/``\\r`` become ``\\n``; full-width digits, Latin letters and ``％``
      become ASCII; ideographic and no-break spaces become plain spaces.
    * Hard-wrapped lines are joined into paragraphs (only when the text looks
      wrapped at a fixed column): a full line runs on into the next, across
      blank lines; a short line ending in sentence punctuation ends its
      paragraph; a short line without it is a heading, joined with a short
      second line when the heading was broken in two.
    * Blocks (paragraphs, headings) are separated by exactly one ``\\n``;
      leading and trailing spaces of lines are dropped.
    * Spaces between a digit and a Chinese character are dropped
      (``近 20万`` → ``近20万``, ``5 个`` → ``5个``); other runs of spaces become one.

    Args:
        text: the raw text.

    Returns:
        The normalized text with its offset map.
    """
    base = len(text) - len(text.lstrip("\ufeff"))  # byte-order marks: dropped, offsets kept
    raw_length = len(text)
    text = text[base:]
    lines = re.split(r"\r\n|\r|\n", text)
    starts: list[int] = []
    pos = 0
    for m in re.finditer(r"\r\n|\r|\n", text):
        starts.append(pos)
        pos = m.end()
    starts.append(pos)
    ends = _line_breaks(lines)

    pieces: list[str] = []
    offsets = array("q")
    pending_break: int | None = None  # raw offset of a newline to emit before the next block
    for li, line in enumerate(lines):
        content = line.strip(_HSPACE)
        if not content:
            continue
        first = starts[li] + len(line) - len(line.lstrip(_HSPACE))
        if pending_break is not None and pieces:
            pieces.append("\n")
            offsets.append(pending_break)
        pending_break = None
        pieces.append(content)
        offsets.extend(range(first, first + len(content)))
        if ends[li]:
            pending_break = min(starts[li] + len(line), max(len(text) - 1, 0))  # the newline after this line
    joined = "".join(pieces)
    if _FULLWIDTH_CHAR.search(joined):
        joined = joined.translate(_FULLWIDTH_TABLE)

    # Collapse spaces (always inside a line): drop them between a digit and a CJK
    # character, else keep one.
    out: list[str] = []
    out_offsets = array("q")
    last = 0
    for m in _SPACE_RUN.finditer(joined):
        s, e = m.span()
        out.append(joined[last:s])
        out_offsets.extend(offsets[last:s])
        prev, nxt = joined[s - 1], joined[e]
        if not ((prev.isdigit() and _is_cjk(nxt)) or (_is_cjk(prev) and nxt.isdigit())):
            out.append(" ")
            out_offsets.append(offsets[s])
        last = e
    out.append(joined[last:])
    out_offsets.extend(offsets[last:])
    if base:
        out_offsets = array("q", (o + base for o in out_offsets))
    return NormalizedText("".join(out), tuple(out_offsets), raw_length)


def normalize_text(text: str) -> str:
    """Return the normalized form of a raw source text (see :func:`normalize_with_offsets`)."""
    return normalize_with_offsets(text).text


@dataclass(frozen=True)
class Span:
    """A piece of text with its ``[start, end)`` offsets in the text it was cut from."""

    start: int
    end: int
    text: str


_SENTENCE_RE = re.compile(rf"[^\n{SENTENCE_END}]*(?:[{SENTENCE_END}]+[{CLOSERS}]*|\n|$)")


def split_sentences(text: str) -> list[Span]:
    """Split text into sentences at 。！？；!? (with any closing quote) and at line ends.

    Leading spaces are excluded from each span; empty pieces are skipped.
    """
    spans: list[Span] = []
    for m in _SENTENCE_RE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s] in _HSPACE:
            s += 1
        while e > s and text[e - 1] in "\n" + _HSPACE:
            e -= 1
        if e > s:
            spans.append(Span(s, e, text[s:e]))
    return spans


@dataclass(frozen=True)
class Section:
    """A section of a normalized text: its heading (empty before the first) and extent."""

    heading: str
    start: int
    end: int


def is_heading(block: str) -> bool:
    """Whether a normalized block (one line) reads as a heading.

    A heading is short (at most 40 characters), holds no sentence punctuation
    (。！？；) and does not end with a comma or colon.
    """
    block = block.strip()
    return (
        bool(block) and len(block) <= 40 and not any(c in block for c in SENTENCE_END) and block[-1] not in "，、：:…"
    )


def split_sections(text: str) -> list[Section]:
    """Split a normalized text into sections at heading lines.

    The first line of a text, if it is a heading, is the title and opens the
    first section like any other heading. Text before any heading forms a
    section with an empty heading.
    """
    sections: list[Section] = []
    heading, start = "", 0
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if is_heading(line):
            if pos > start or heading:
                sections.append(Section(heading, start, max(pos - 1, start)))
            heading, start = line.strip(), pos
        pos = end + 1
    if len(text) > start or heading:
        sections.append(Section(heading, start, len(text)))
    return sections
