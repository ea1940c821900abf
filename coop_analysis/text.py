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
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import NamedTuple, overload

__all__ = [
    "NormalizedText",
    "OffsetMap",
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
_NEWLINE = re.compile(r"\r\n|\r|\n")


class OffsetMap(Sequence[int]):
    """For each character of a normalized text, the raw offset it came from, stored as runs.

    A normalized text copies long runs of the raw text (a line, the part of a line
    between two dropped spaces), so the map keeps one ``(normalized, raw)`` start per
    run instead of one Python int per character (40 bytes each: 270 MB for a 20 MB
    source). Indexing is a binary search; iteration yields every offset in order.
    """

    __slots__ = ("_length", "_norm", "_raw")

    def __init__(self, norm_starts: array[int], raw_starts: array[int], length: int) -> None:
        self._norm = norm_starts
        self._raw = raw_starts
        self._length = length

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[int, ...]: ...
    def __getitem__(self, index: int | slice) -> int | tuple[int, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(self._length)))
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(f"offset index {index} out of range for a text of length {self._length}")
        run = bisect_right(self._norm, index) - 1
        return self._raw[run] + index - self._norm[run]

    def __iter__(self) -> Iterator[int]:
        if not self._norm:
            return
        bounds = [*self._norm[1:], self._length]
        for start, stop, raw in zip(self._norm, bounds, self._raw, strict=True):
            yield from range(raw, raw + stop - start)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OffsetMap):
            return self._length == other._length and self._norm == other._norm and self._raw == other._raw
        if isinstance(other, Sequence):
            return len(other) == self._length and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._length, bytes(self._norm), bytes(self._raw)))

    def __repr__(self) -> str:
        return f"OffsetMap({self._length} offsets in {len(self._norm)} runs)"


@dataclass(frozen=True)
class NormalizedText:
    """Normalized text with, for each of its characters, the raw offset it came from."""

    text: str
    offsets: Sequence[int]
    raw_length: int

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the normalized text to the raw text."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) is outside the normalized text (length {len(self.text)})")
        if start == end:
            pos = self.offsets[start] if start < len(self.offsets) else self.raw_length
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def _is_hard_wrapped(widths: Sequence[float]) -> tuple[bool, float]:
    """Guess whether lines were wrapped at a fixed column, and at what width."""
    if len(widths) < 5:
        return False, 0.0
    ordered = sorted(widths)
    full = ordered[len(ordered) // 2]  # the median line is a full one in a wrapped text
    near_full = sum(1 for w in widths if abs(w - full) <= 3)
    return (full <= 80 and near_full / len(widths) >= 0.6), full


class _Line(NamedTuple):
    index: int  # line number (blank lines counted)
    start: int  # offset of the line in the text
    line: str
    content: str  # the line without leading and trailing spaces
    width: float  # display width of the content


def _nonblank_lines(text: str) -> Iterator[_Line]:
    """The lines of ``text`` (split at CRLF, CR or LF) that hold more than spaces, one at a time."""
    pos = index = 0
    for m in _NEWLINE.finditer(text):
        line = text[pos : m.start()]
        content = line.strip(_HSPACE)
        if content:
            yield _Line(index, pos, line, content, _width(content))
        pos, index = m.end(), index + 1
    line = text[pos:]
    content = line.strip(_HSPACE)
    if content:
        yield _Line(index, pos, line, content, _width(content))


def _ends_block(cur: _Line, nxt: _Line, after: _Line | None, full: float) -> bool:
    """In a hard-wrapped text, whether line ``cur`` ends its block (True) or runs on into ``nxt``
    (the next line with text; ``after`` is the one after that). Blank lines in between are skipped
    when a full line wraps across them."""
    threshold = full - 2
    if nxt.line[:1] in _HSPACE:
        return True  # an indented line starts a new paragraph
    line, nxt_text = cur.content, nxt.content
    last = line[-1]
    cut_number = last.isdigit() or last in _NUMERAL_CHARS
    if cur.width >= threshold and (last not in TERMINAL or cur.width >= full - 0.5):
        # A full line runs on, unless it ends a sentence and a blank line or
        # a heading (a short line without end punctuation) follows.
        sentence_end = line.rstrip(CLOSERS)[-1:] in SENTENCE_END + "：:"
        heading_next = (
            nxt.width < threshold
            and nxt_text[-1] not in TERMINAL + "，、；,;"
            and not (nxt_text[-1].isdigit() or nxt_text[-1] in _NUMERAL_CHARS)
            and after is not None
        )
        return sentence_end and (nxt.index != cur.index + 1 or heading_next)
    if last in TERMINAL:
        return True
    if (
        _CONTINUATION_START.match(nxt_text)
        or any(c in line for c in "，、；,;")
        or cut_number
        or cur.line[:1] in _HSPACE
    ):
        # The next line starts with the tail of a cut word; this line has a
        # comma inside (headings have none, so it is a paragraph's first
        # line) or is indented like one; or a number was cut from its unit.
        return False
    # A short line without terminal punctuation is a heading; its second
    # half stands alone when the heading was broken over two lines.
    return not (
        nxt.width < threshold / 2 and nxt_text[-1] not in TERMINAL and (after is None or after.index != nxt.index + 1)
    )


def _with_ends(lines: Iterable[_Line], wrapped: bool, full: float) -> Iterator[tuple[_Line, bool]]:
    """Each line with text, and whether it ends its block (looking two lines ahead)."""
    it = iter(lines)
    if not wrapped:
        for ln in it:
            yield ln, True
        return
    window = list(islice(it, 3))
    while window:
        if len(window) == 1:
            yield window[0], True
            return
        yield window[0], _ends_block(window[0], window[1], window[2] if len(window) > 2 else None, full)
        window.pop(0)
        window.extend(islice(it, 1))


class _Builder:
    """Accumulates normalized pieces with their raw offsets (runs merged when contiguous)."""

    def __init__(self, base: int) -> None:
        self.base = base
        self.parts: list[str] = []
        self.batch: list[str] = []
        self.length = 0
        self.norm = array("q")
        self.raw = array("q")

    def add(self, piece: str, raw: int) -> None:
        if not piece:
            return
        raw += self.base
        if not self.norm or self.raw[-1] + self.length - self.norm[-1] != raw:
            self.norm.append(self.length)
            self.raw.append(raw)
        self.batch.append(piece)
        self.length += len(piece)
        if len(self.batch) >= 4096:  # bounded per-piece overhead on texts of many short lines
            self.parts.append("".join(self.batch))
            self.batch.clear()

    def content(self, content: str, raw: int) -> None:
        """A line's content: full-width forms mapped, spaces collapsed (dropped between a digit and a
        CJK character, else one kept)."""
        if _FULLWIDTH_CHAR.search(content):
            content = content.translate(_FULLWIDTH_TABLE)
        last = 0
        for m in _SPACE_RUN.finditer(content):
            s, e = m.span()
            self.add(content[last:s], raw + last)
            prev, nxt = content[s - 1], content[e]
            if not ((prev.isdigit() and _is_cjk(nxt)) or (_is_cjk(prev) and nxt.isdigit())):
                self.add(" ", raw + s)
            last = e
        self.add(content[last:] if last else content, raw + last)

    def result(self, raw_length: int) -> NormalizedText:
        self.parts.append("".join(self.batch))
        self.batch.clear()
        text = self.parts[0] if len(self.parts) == 1 else "".join(self.parts)
        self.parts.clear()
        return NormalizedText(text, OffsetMap(self.norm, self.raw, self.length), raw_length)


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

    The text is read line by line in two passes (line widths, to decide whether
    it is hard-wrapped; then the repairs), and the offsets are kept as runs
    (:class:`OffsetMap`), so memory stays near the size of the two texts.

    Args:
        text: the raw text.

    Returns:
        The normalized text with its offset map.
    """
    base = len(text) - len(text.lstrip("\ufeff"))  # byte-order marks: dropped, offsets kept
    raw_length = len(text)
    text = text[base:] if base else text
    wrapped, full = _is_hard_wrapped(array("d", (ln.width for ln in _nonblank_lines(text))))
    out = _Builder(base)
    pending_break: int | None = None  # raw offset of a newline to emit before the next block
    last_newline = max(len(text) - 1, 0)
    for ln, ends in _with_ends(_nonblank_lines(text), wrapped, full):
        if pending_break is not None:
            out.add("\n", pending_break)
        out.content(ln.content, ln.start + len(ln.line) - len(ln.line.lstrip(_HSPACE)))
        pending_break = min(ln.start + len(ln.line), last_newline) if ends else None  # the newline after it
    return out.result(raw_length)


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
    while pos <= len(text):  # line by line without a list of all lines (a second copy of a long text)
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        if is_heading(line):
            if pos > start or heading:
                sections.append(Section(heading, start, max(pos - 1, start)))
            heading, start = line.strip(), pos
        pos = end + 1
    if len(text) > start or heading:
        sections.append(Section(heading, start, len(text)))
    return sections
