"""Adding sources: read a text safely, list candidate facts, copy it into ``data/raw``.

The workflow (README, "Add a new source"): ``coop-analysis add-source`` copies
the text with its metadata and checksum; ``coop-analysis extract`` lists every
candidate quantity with its sentence, section and province guesses; the
analyst curates facts (or waivers) in ``data/curated``; ``coop-analysis
validate`` proves every candidate is accounted for.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import hashlib
import logging
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from coop_analysis import paths
from coop_analysis.errors import SourceError
from coop_analysis.fileio import atomic_write
from coop_analysis.markup import find_markup
from coop_analysis.schemas import DOC_ID_PATTERN, DOC_ID_RULE, date_problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "add_source",
    "candidates",
    "content_key",
    "decode_source",
    "iter_candidates",
    "read_source_bytes",
    "read_source_file",
    "text_parts",
    "write_candidates_csv",
]

log = logging.getLogger(__name__)

_UTF_BOMS = (  # longest first: the UTF-32 little-endian mark starts like UTF-16's
    (b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"),
)  # fmt: skip
# Chinese legacy encodings: (label, iconv name, codec whose frequent-character rows score a decoding, lead bytes
# of those rows). GB2312 level 1 (lead bytes B0–D7) holds the 3755 most used simplified characters, Big5's
# first block (A4–C6) the 5401 most used traditional ones; a text decoded with the wrong codec lands mostly
# outside them (Big5 bytes read as GBK give symbols and rare characters, and the reverse).
_LEGACY = (
    ("GB18030/GBK (simplified Chinese)", "GB18030", "gb18030", "gb2312", (0xB0, 0xD7)),
    ("Big5 (traditional Chinese)", "BIG5", "big5", "big5", (0xA4, 0xC6)),
)


def _plain_share(text: str) -> float:
    """Share of ``text`` that is printable ASCII, white space or CJK (how much a decoding looks like text)."""
    ok = sum(
        1 for c in text if " " <= c <= "~" or c in "\n\r\t" or "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef"
    )
    return ok / max(len(text), 1)


def _frequent_share(text: str, codec: str, leads: tuple[int, int]) -> float:
    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    hits = 0
    for c in cjk:
        with contextlib.suppress(UnicodeEncodeError):
            hits += leads[0] <= c.encode(codec)[0] <= leads[1]
    return hits / len(cjk) if cjk else 0.0


def _detected_encoding(data: bytes) -> tuple[str, str] | None:
    """(label, iconv name) of the encoding ``data`` most likely is in, among UTF-16/32, GB18030 and Big5."""
    for bom, label in _UTF_BOMS:
        if data.startswith(bom):
            return label, label
    sample = data[:65536]
    if b"\x00" in sample:
        for codec, label, order in (("utf-16-le", "UTF-16LE", "little"), ("utf-16-be", "UTF-16BE", "big")):
            text = sample[: len(sample) // 2 * 2].decode(codec, errors="replace")
            if _plain_share(text) > 0.9:
                return f"UTF-16 ({order}-endian, no byte-order mark)", label
        return None
    scores = []
    for label, iconv, codec, frequent, leads in _LEGACY:
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError as exc:
            if exc.start < len(sample) - 4:  # not just a character cut by the sample's end
                continue
            text = sample[: exc.start].decode(codec)
        scores.append((_frequent_share(text, frequent, leads), label, iconv))
    if not scores:
        return None
    scores.sort(reverse=True)
    if len(scores) > 1 and scores[0][0] == scores[1][0]:
        return f"{scores[0][1]} or {scores[1][1]}", f"{scores[0][2]} (or {scores[1][2]})"
    return scores[0][1], scores[0][2]


def _conversion_hint(data: bytes) -> str:
    found = _detected_encoding(data)
    if found is None:
        return ""
    label, iconv = found
    return f" It reads as {label}: convert it first, e.g. `iconv -f {iconv} -t UTF-8`."


def decode_source(data: bytes, name: str = "<bytes>") -> str:
    """Decode a source's bytes as UTF-8 (a BOM is allowed) or raise a clear error.

    Raises:
        SourceError: empty, binary, or not UTF-8 (the message gives the byte
            offset and, when the bytes read as another encoding we know —
            UTF-16, UTF-32, GB18030/GBK or Big5 — names it and how to convert).
    """
    if not data or data.isspace():  # not data.strip(), which copies a long text
        raise SourceError(f"{name}: the file is empty; a source needs text")
    if b"\x00" in data:
        hint = _conversion_hint(data)
        if hint:
            raise SourceError(f"{name}: not UTF-8.{hint}")
        raise SourceError(f"{name}: the file holds NUL bytes; expected a UTF-8 text file, not binary data")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{name}: not UTF-8: byte {exc.start} ({data[exc.start : exc.start + 1]!r}) cannot be decoded."
            + _conversion_hint(data)
        ) from None
    if not text or text.isspace():  # a byte-order mark alone, or white space
        raise SourceError(f"{name}: the file holds only white space; a source needs text")
    return text


#: Largest source text read by default (``coop-analysis extract --max-mb`` changes it).
MAX_SOURCE_BYTES = 100 * 2**20


def _mb(n: float) -> str:
    return f"{n / 2**20:.3g} MB"


def _read_limited(fh: BinaryIO, name: str, max_bytes: int) -> bytes:
    data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SourceError(
            f"{name}: larger than the limit of {_mb(max_bytes)} for a source text "
            "(an endless stream?); raise the limit with --max-mb if the text really is that long"
        )
    return data


def read_source_bytes(path: str | os.PathLike[str], max_bytes: int = MAX_SOURCE_BYTES) -> tuple[Path, bytes]:
    """The real file behind ``path`` (links followed) and its bytes; ``-`` reads standard input.

    Only regular files are read, and at most ``max_bytes``: a device, a named
    pipe or a socket is refused at once (``/dev/zero`` or a FIFO would never
    end), and a longer text raises instead of filling memory.

    Raises:
        SourceError: missing, a folder, not a regular file, or too large.
    """
    import stat
    import sys

    if str(path) == "-":
        return Path("-"), _read_limited(sys.stdin.buffer, "standard input", max_bytes)
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise SourceError(f"{p}: no such file") from None
    except OSError as exc:
        raise SourceError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise SourceError(f"{p}: is a folder; expected a text file")
    if not stat.S_ISREG(st.st_mode):
        kind = "a named pipe" if stat.S_ISFIFO(st.st_mode) else "a device or socket"
        raise SourceError(f"{p}: is {kind}, not a regular file; to read a stream, pipe it to `-` (standard input)")
    if st.st_size > max_bytes:
        raise SourceError(
            f"{p}: {_mb(st.st_size)} is larger than the limit of {_mb(max_bytes)} for a source "
            "text; raise the limit with --max-mb if the text really is that long"
        )
    real = p.resolve()
    try:
        with real.open("rb") as fh:
            return real, _read_limited(fh, str(p), max_bytes)
    except OSError as exc:
        raise SourceError(f"{p}: cannot be read ({exc.strerror or exc})") from None


def read_source_file(path: str | os.PathLike[str], max_bytes: int = MAX_SOURCE_BYTES) -> str:
    """Read a text file as a source (see :func:`read_source_bytes` and :func:`decode_source` for the errors)."""
    _, data = read_source_bytes(path, max_bytes)
    return decode_source(data, str(path) if str(path) != "-" else "standard input")


def content_key(text: str) -> str:
    """SHA-256 of a text with what does not change its content removed: a byte-order mark, the line
    ending convention (CRLF, CR), white space at line ends and at the end of the text."""
    t = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    t = "\n".join(line.rstrip() for line in t.split("\n")).rstrip()
    return hashlib.sha256(t.encode("utf-8")).hexdigest()


def _known_doc(text: str) -> str | None:
    """doc_id of a source in data/raw whose text is ``text`` (raw bytes compared by checksum).

    A source's checksum is that of its file, so only a file of the text's size in UTF-8 can
    match: without one, the sources table is not loaded (``extract`` on a new text then loads
    no curated table) and the text is not encoded.
    """
    data = None
    with contextlib.suppress(OSError):  # the loader reports an unreadable data/raw
        sizes = {p.stat().st_size for p in paths.raw_dir().glob("*.txt")}
        if not any(len(text) <= size <= 4 * len(text) for size in sizes):  # 1 to 4 bytes a character
            return None
        data = text.encode("utf-8")
        if len(data) not in sizes:
            return None
    from coop_analysis.datasets import load_sources

    digest = hashlib.sha256(text.encode("utf-8") if data is None else data).hexdigest()
    sources = load_sources()
    hit = sources.loc[sources["sha256"] == digest, "doc_id"]
    return str(hit.iloc[0]) if len(hit) else None


#: Characters of normalized text handled at a time by :func:`iter_candidates`.
PART_CHARS = 1 << 16


def _safe_cut(text: str, at: int) -> bool:
    """Whether a normalized text may be cut at ``at`` (a line start): not after a line with 含 in
    its last four characters, whose inclusive mark looks for its closing bracket on the next line."""
    return at >= len(text) or "含" not in text[max(0, at - 5) : at - 1]


def text_parts(text: str, size: int = PART_CHARS, starts: Sequence[int] = ()) -> Iterator[tuple[int, int]]:
    """``[start, end)`` parts of a normalized text, about ``size`` characters each, ending just after
    a line break (the last at the text's end).

    Mentions, sentences and place names never run across a line break, so each part reads as it
    does in the whole text; the one exception, the closing bracket an inclusive mark looks for
    (``5万元(含`` at a line's end), is kept by never cutting after a line with 含 in its last four
    characters. ``starts`` (sorted line starts, e.g. of sections) are preferred cuts: a part ends
    at the first of them past ``size``, or at a line end when none comes before ``4 * size``.
    """
    start, n, size = 0, len(text), max(size, 1)
    k = 0
    while start < n:
        end = -1
        k = bisect.bisect_right(starts, start + size - 1, lo=k)
        while k < len(starts) and starts[k] <= start + 4 * size and end < 0:
            if _safe_cut(text, starts[k]):
                end = starts[k]
            k += 1
        pos = start + size - 1
        while end < 0:
            nl = text.find("\n", pos) if pos < n else -1
            if nl < 0:
                end = n
            elif _safe_cut(text, nl + 1):
                end = nl + 1
            pos = nl + 1
        yield start, end
        start = end


class _Places:
    """Place names of a normalized text, found one part at a time; a section's provinces on demand.

    A sentence's places come from the part it is in; a section's provinces (the fallback when a
    sentence names none) from the part when the section lies inside it, else from a scan of the
    section alone, part by part, keeping only the provinces (remembered for the next parts).
    """

    def __init__(self, text: str, size: int) -> None:
        from coop_analysis.regions import place_matches

        self.text, self.size, self.find = text, size, place_matches
        self.start = self.end = 0
        self.matches: list[tuple[str, int, int, Any]] = []
        self.match_starts: list[int] = []
        self.spans: dict[tuple[int, int], tuple[list[str], list[str]]] = {}  # span → (names, provinces)
        self.sections: dict[int, list[str]] = {}  # start of a section larger than its part → provinces

    def load(self, start: int, end: int) -> None:
        part = self.text[start:end]
        self.start, self.end = start, end
        self.matches = [(name, a + start, b + start, meaning) for name, a, b, meaning in self.find(part)]
        self.match_starts = [m[1] for m in self.matches]
        self.spans.clear()

    def in_span(self, start: int, end: int) -> tuple[list[str], list[str]]:
        """Names (as written) and provinces of the matches inside ``[start, end]`` of the loaded part."""
        if (start, end) not in self.spans:
            names: dict[str, None] = {}
            provinces: dict[str, None] = {}
            i = bisect.bisect_left(self.match_starts, start)
            while i < len(self.matches) and self.matches[i][2] <= end:
                name, _, _, meaning = self.matches[i]
                names[name] = None
                if meaning.province_en is not None:
                    provinces[meaning.province_en] = None
                i += 1
            self.spans[start, end] = (list(names), list(provinces))
        return self.spans[start, end]

    def section_provinces(self, start: int, end: int) -> list[str]:
        if self.start <= start and end <= self.end:
            return self.in_span(start, end)[1]
        if start not in self.sections:
            provinces: dict[str, None] = {}
            for a, b in text_parts(self.text[start:end], self.size):
                for _, _, _, meaning in self.find(self.text[start + a : start + b]):
                    if meaning.province_en is not None:
                        provinces[meaning.province_en] = None
            self.sections = {start: list(provinces)}  # sections come in text order: keep the last only
        return self.sections[start]


def _context(
    text: str, sections: list[Any], places: _Places, positions: list[int]
) -> tuple[list[str], list[str], list[str]]:
    """For each position in the loaded part of a normalized text: its section's heading, the place
    names of its sentence and their provinces (the section's when the sentence names none),
    ``|``-joined.

    One pass over the part plus a binary search per position: linear in the text.
    """
    from coop_analysis.text import split_sentences

    base = places.start
    sentences = split_sentences(text[base : places.end])
    section_starts = [sec.start for sec in sections]
    sentence_starts = [sen.start + base for sen in sentences]

    def section_of(pos: int) -> Any:
        """The first section holding ``pos`` (ends inclusive: a heading's own position is its section)."""
        i = bisect.bisect_right(section_starts, pos) - 1
        if i > 0 and sections[i - 1].end >= pos:
            i -= 1
        return sections[i] if i >= 0 and sections[i].start <= pos <= sections[i].end else None

    def sentence_of(pos: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(sentence_starts, pos) - 1
        return (sentence_starts[i], sentences[i].end + base) if i >= 0 and pos < sentences[i].end + base else None

    section_col, places_col, provinces_col = [], [], []
    for pos in positions:
        sec = section_of(pos)
        sent = sentence_of(pos)
        section_col.append(sec.heading if sec else "")
        names, provs = places.in_span(*sent) if sent else ([], [])
        if not provs and sec is not None:
            provs = places.section_provinces(sec.start, sec.end)
        places_col.append("|".join(names))
        provinces_col.append("|".join(provs))
    return section_col, places_col, provinces_col


def _curation(text: str, doc_id: str | None) -> Callable[[int], tuple[str, str]] | None:
    """For a text that is a source: the status and ref of the mention at a normalized offset."""
    doc_id = doc_id or _known_doc(text)
    if doc_id is None:
        return None
    from coop_analysis.datasets import load_facts, load_waivers
    from coop_analysis.validate import coverage

    cov = coverage(doc_id, load_facts(), load_waivers())
    cov = cov[cov["start"] >= 0].set_index("start")

    def status(pos: int) -> tuple[str, str]:
        if pos not in cov.index:
            return "new", ""
        st = cov.at[pos, "status"]
        return ("new" if st == "gap" else str(st)), str(cov.at[pos, "ref"])

    return status


def iter_candidates(text: str, doc_id: str | None = None, *, part_chars: int = PART_CHARS) -> Iterator[pd.DataFrame]:
    """:func:`candidates`, one part of the text at a time (see :func:`text_parts`).

    Yields frames with :func:`candidates`' columns, in text order, with the offsets of the whole
    text; at least one (empty when the text holds no quantity). Memory stays near the size of the
    text and its normalized form, whatever the text's length.
    """
    import pandas as pd

    from coop_analysis.extraction import extraction_columns, extraction_frame
    from coop_analysis.text import normalize_with_offsets, split_sections

    if not isinstance(text, str):
        raise TypeError(f"candidates expects str, got {type(text).__name__}")
    norm = normalize_with_offsets(text)
    status_of = _curation(text, doc_id)
    sections = split_sections(norm.text)
    places = _Places(norm.text, part_chars)
    parts = list(text_parts(norm.text, part_chars, [sec.start for sec in sections])) or [(0, 0)]
    yielded = False
    for k, (start, end) in enumerate(parts):
        cols = extraction_columns(text, norm, start, end)
        if not cols["raw"] and (yielded or k < len(parts) - 1):
            continue  # an empty text (or one without quantities) gives one empty frame
        places.load(start, end)
        positions = cols["norm_start"]
        cols["raw_normalized"] = [norm.text[a:b] for a, b in zip(positions, cols["norm_end"], strict=True)]
        cols["section"], cols["places"], cols["provinces"] = _context(norm.text, sections, places, positions)
        curated = [status_of(pos) for pos in positions] if status_of else [("new", "")] * len(positions)
        cols["status"] = [st for st, _ in curated]
        cols["ref"] = [ref for _, ref in curated]
        frame = extraction_frame(cols)
        text_cols = ["raw_normalized", "section", "places", "provinces", "status", "ref"]
        frame = frame.assign(**{c: pd.array(cols[c], dtype="string") for c in text_cols})
        frame["curated"] = (frame["status"] != "new").astype("bool")
        yielded = True
        yield frame


def candidates(text: str, doc_id: str | None = None) -> pd.DataFrame:
    """Every candidate fact of a text, ready for curation.

    Args:
        text: raw or normalized text.
        doc_id: the source it is, if known; by default a text identical to a
            source in ``data/raw`` is recognised by its checksum.

    Returns:
        :func:`~coop_analysis.quantities.extract_quantities`'s columns plus
        ``norm_start``/``norm_end`` and ``raw_normalized`` (the mention in the
        normalized text, which is what ``facts.raw`` records), ``section``
        (heading of the section), ``places`` (place names in the
        sentence), ``provinces`` (provinces those resolve to, ``|``-joined,
        falling back to the section's when the sentence names none),
        ``status`` (``fact``, ``waived`` or ``new``), ``ref`` (fact id or
        waiver reason) and ``curated`` (status is not ``new``).
    """
    import pandas as pd

    frames = list(iter_candidates(text, doc_id))
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def write_candidates_csv(text: str, out: TextIO, doc_id: str | None = None) -> int:
    """Write :func:`candidates` (without ``norm_start``/``norm_end``) to ``out`` as CSV, one part of the
    text at a time (the same bytes as writing the whole frame); return the number of rows."""
    rows = 0
    for k, frame in enumerate(iter_candidates(text, doc_id)):
        frame.drop(columns=["norm_start", "norm_end"]).to_csv(out, index=False, header=k == 0)
        rows += len(frame)
    return rows


def _check_options(texts: dict[str, str], published: str) -> None:
    """add-source's text options are plain text (the title not empty); its date is in the calendar, not ahead."""
    for option, value in texts.items():
        markup = find_markup(value)
        if markup:
            raise SourceError(f"{option}: expected plain text without markup, found {markup}")
    if not texts["--title"].strip():
        raise SourceError("--title: expected the source's title, got an empty string")
    bad_date = date_problem(published)
    if bad_date:
        raise SourceError(f"--date: {bad_date}, got {published!r}")
    if published > dt.date.today().isoformat()[: len(published)]:
        raise SourceError(f"--date: {published!r} is in the future")


def _refuse_known(raw: Path, src: Path, digest: str, text: str) -> None:
    """Raise if a text in ``raw`` has the same bytes, or the same content (see :func:`content_key`)."""
    key = content_key(text)
    for other in sorted(raw.glob("*.txt")):
        other_data = other.read_bytes()
        if hashlib.sha256(other_data).hexdigest() == digest:
            raise SourceError(f"{src}: this text is already a source: {other.name} (same SHA-256)")
        if content_key(other_data.decode("utf-8", errors="replace")) == key:
            raise SourceError(
                f"{src}: this text is already a source: {other.name} (the same text; only the byte-order mark, "
                "line endings or trailing white space differ)"
            )


def add_source(
    file: str | os.PathLike[str],
    *,
    title: str,
    published: str,
    publisher: str = "unknown",
    title_en: str = "",
    date_is_estimate: bool = False,
    doc_id: str | None = None,
    notes: str = "",
    language: str = "zh-Hans",
) -> dict[str, Any]:
    """Copy a text unchanged into ``data/raw/`` with a metadata file beside it.

    The doc_id defaults to ``NNN_<first 16 hex digits of the SHA-256>``,
    ``NNN`` being the next free number. When ``file`` is a symbolic link its
    target is copied; the metadata records the target's name
    (``received_as``) and the link's (``received_via_link``), and a warning is
    logged.

    Raises:
        SourceError: unreadable text (see :func:`read_source_bytes` and
            :func:`decode_source`), a date that is not in the calendar or in
            the future, a bad id, an empty title, markup in a text field, or a
            source that exists already (same id, same bytes, or the same text
            with another byte-order mark, line endings or trailing white
            space); nothing is written then.
    """
    import yaml

    src = Path(file)
    real, data = read_source_bytes(src)
    text = decode_source(data, str(src))
    via_link = src.name if src.is_symlink() else None
    if via_link:
        log.info("%s is a symbolic link: copying its target %s", src, real)
    _check_options({"--title": title, "--title-en": title_en, "--publisher": publisher, "--notes": notes}, published)
    raw = paths.raw_dir()
    raw.mkdir(exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()
    _refuse_known(raw, src, digest, text)
    if doc_id is None:
        numbers = [int(p.name[:3]) for p in raw.glob("*.txt") if p.name[:3].isdigit()]
        doc_id = f"{max(numbers, default=-1) + 1:03d}_{digest[:16]}"
    if not isinstance(doc_id, str) or not re.fullmatch(DOC_ID_PATTERN, doc_id):
        raise SourceError(f"--doc-id: expected {DOC_ID_RULE}, got {doc_id!r}")
    txt_path, meta_path = raw / f"{doc_id}.txt", raw / f"{doc_id}.meta.yaml"
    if txt_path.exists() or meta_path.exists():
        raise SourceError(f"source {doc_id} exists already ({txt_path.name}); raw sources are never overwritten")
    meta = {
        "doc_id": doc_id,
        "title": title.strip(),
        "title_en": title_en,
        "publisher": publisher,
        "published": published,
        "date_is_estimate": bool(date_is_estimate),
        "language": language,
        "sha256": digest,
        "received_as": real.name,
        **({"received_via_link": via_link} if via_link else {}),
        "added": dt.date.today().isoformat(),
        "n_chars": len(text),
        "notes": notes,
    }
    header = f"# Metadata of data/raw/{doc_id}.txt (the text itself is never edited).\n"
    atomic_write(txt_path, data)
    try:
        atomic_write(meta_path, (header + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)).encode())
    except BaseException:
        txt_path.unlink(missing_ok=True)
        raise
    log.info("added source %s (%d characters)", doc_id, len(text))
    return meta
