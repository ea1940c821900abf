"""Adding sources: read a text safely, list candidate facts, copy it into ``data/raw``.

The workflow (README, "Add a new source"): ``coop-analysis add-source`` copies
the text with its metadata and checksum; ``coop-analysis extract`` lists every
candidate quantity with its sentence, section and province guesses; the
analyst curates facts (or waivers) in ``data/curated``; ``coop-analysis
validate`` proves every candidate is accounted for.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import re
from pathlib import Path
from typing import Any, BinaryIO

from coop_analysis import paths
from coop_analysis.candidates import candidates, iter_candidates, text_parts, write_candidates_csv
from coop_analysis.errors import SourceError
from coop_analysis.fileio import atomic_write
from coop_analysis.markup import find_markup
from coop_analysis.schemas import DOC_ID_PATTERN, DOC_ID_RULE, date_problem

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
