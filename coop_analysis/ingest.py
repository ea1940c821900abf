"""Adding sources: read a text safely, list candidate facts, copy it into ``data/raw``.

The workflow (README, "Add a new source"): ``coop-analysis add-source`` copies
the text with its metadata and checksum; ``coop-analysis extract`` lists every
candidate quantity with its sentence, section and province guesses; the
analyst curates facts (or waivers) in ``data/curated``; ``coop-analysis
validate`` proves every candidate is accounted for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coop_analysis import paths
from coop_analysis.errors import SourceError
from coop_analysis.fileio import atomic_write

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["add_source", "candidates", "decode_source", "read_source_file"]

log = logging.getLogger(__name__)
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{2,63}$")


def decode_source(data: bytes, name: str = "<bytes>") -> str:
    """Decode a source's bytes as UTF-8 (a BOM is allowed) or raise a clear error.

    Raises:
        SourceError: empty, binary, or not UTF-8 (the message gives the byte
            offset and, when the bytes read as GB18030, says so).
    """
    if not data.strip():
        raise SourceError(f"{name}: the file is empty; a source needs text")
    if b"\x00" in data:
        raise SourceError(f"{name}: the file holds NUL bytes; expected a UTF-8 text file, not binary data")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = ""
        try:
            data.decode("gb18030")
            hint = " It reads as GB18030/GBK: convert it first, e.g. `iconv -f GB18030 -t UTF-8`."
        except UnicodeDecodeError:
            pass
        raise SourceError(
            f"{name}: not UTF-8: byte {exc.start} ({data[exc.start : exc.start + 1]!r}) cannot be decoded.{hint}"
        ) from None
    if not text.strip():
        raise SourceError(f"{name}: the file holds only white space; a source needs text")
    return text


def read_source_file(path: str | os.PathLike[str]) -> str:
    """Read a text file as a source (see :func:`decode_source` for the errors)."""
    p = Path(path)
    if not p.exists():
        raise SourceError(f"{p}: no such file")
    if p.is_dir():
        raise SourceError(f"{p}: is a folder; expected a text file")
    return decode_source(p.read_bytes(), str(p))


def _known_doc(text: str) -> str | None:
    """doc_id of a source in data/raw whose text is ``text`` (raw bytes compared by checksum)."""
    from coop_analysis.datasets import load_sources

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    sources = load_sources()
    hit = sources.loc[sources["sha256"] == digest, "doc_id"]
    return str(hit.iloc[0]) if len(hit) else None


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
    from coop_analysis.datasets import load_facts, load_waivers
    from coop_analysis.quantities import extract_with_positions
    from coop_analysis.regions import find_places
    from coop_analysis.text import split_sections, split_sentences

    norm, frame = extract_with_positions(text)
    sections = split_sections(norm.text)
    sentences = split_sentences(norm.text)

    def section_of(pos: int) -> Any:
        for sec in sections:
            if sec.start <= pos <= sec.end:
                return sec
        return None

    def sentence_of(pos: int) -> Any:
        for s in sentences:
            if s.start <= pos < s.end:
                return s
        return None

    places_in: dict[tuple[int, int], tuple[list[str], list[str]]] = {}  # span → (names, provinces), once each

    def places(start: int, end: int) -> tuple[list[str], list[str]]:
        if (start, end) not in places_in:
            found = find_places(norm.text[start:end])
            places_in[start, end] = (
                list(dict.fromkeys(found["name"])),
                list(dict.fromkeys(found["province"].dropna())),
            )
        return places_in[start, end]

    section_col, places_col, provinces_col = [], [], []
    for pos in frame["norm_start"]:
        sec = section_of(pos)
        sent = sentence_of(pos)
        section_col.append(sec.heading if sec else "")
        names, provs = places(sent.start, sent.end) if sent else ([], [])
        if not provs and sec is not None:
            provs = places(sec.start, sec.end)[1]
        places_col.append("|".join(names))
        provinces_col.append("|".join(provs))
    normalized = [norm.text[a:b] for a, b in zip(frame["norm_start"], frame["norm_end"], strict=True)]
    frame = frame.assign(raw_normalized=normalized, section=section_col, places=places_col, provinces=provinces_col)

    status = ["new"] * len(frame)
    ref = [""] * len(frame)
    doc_id = doc_id or _known_doc(text)
    if doc_id is not None:
        from coop_analysis.validate import coverage

        cov = coverage(doc_id, load_facts(), load_waivers())
        cov = cov[cov["start"] >= 0].set_index("start")
        for i, pos in enumerate(frame["norm_start"]):
            if pos in cov.index:
                st = cov.at[pos, "status"]
                status[i] = "new" if st == "gap" else str(st)
                ref[i] = str(cov.at[pos, "ref"])
    frame = frame.assign(status=status, ref=ref)
    frame["curated"] = frame["status"] != "new"
    text_cols = ["raw_normalized", "section", "places", "provinces", "status", "ref"]
    return frame.astype({c: "string" for c in text_cols} | {"curated": "bool"})


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
    ``NNN`` being the next free number.

    Raises:
        SourceError: unreadable text (see :func:`decode_source`), a bad date
            or id, an empty title, or a source that exists already (same id or
            same text); nothing is written then.
    """
    import yaml

    src = Path(file)
    text = read_source_file(src)  # validates encoding and content
    data = src.read_bytes()
    if not title.strip():
        raise SourceError("--title: expected the source's title, got an empty string")
    if not _DATE.match(published):
        raise SourceError(f"--date: expected YYYY, YYYY-MM or YYYY-MM-DD, got {published!r}")
    if published[:4] > str(dt.date.today().year + 1):
        raise SourceError(f"--date: {published!r} is in the future")
    raw = paths.raw_dir()
    raw.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()
    for meta_path in sorted(raw.glob("*.meta.yaml")):
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}
        if meta.get("sha256") == digest:
            raise SourceError(f"{src}: this text is already a source: {meta_path.name} (same SHA-256)")
    if doc_id is None:
        numbers = [int(p.name[:3]) for p in raw.glob("*.txt") if p.name[:3].isdigit()]
        doc_id = f"{max(numbers, default=-1) + 1:03d}_{digest[:16]}"
    if not _DOC_ID.match(doc_id):
        raise SourceError(f"--doc-id: expected 3–64 letters, digits, '_' or '-', got {doc_id!r}")
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
        "received_as": src.name,
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
