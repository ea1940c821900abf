"""Candidate facts of a text: every quantity mention with its sentence, section, places and status.

``coop-analysis extract`` lists them for curation. The text is normalized once and then read
part by part (:func:`text_parts`, about 16 K characters cut at line ends), so memory stays near
the size of the text and its normalized form. The core (:func:`iter_candidate_columns`) is plain
Python: columns as lists, place names from :mod:`coop_analysis.placenames`; on a new text
(not a source in ``data/raw``) it imports neither pandas nor numpy, and
:func:`write_candidates_csv` writes its CSV with the :mod:`csv` module — the bytes pandas'
``to_csv`` writes for :func:`candidates`' frame. :func:`iter_candidates` and :func:`candidates`
are the DataFrame form of the same columns.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import hashlib
import math
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from coop_analysis import paths

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CSV_COLUMNS",
    "PART_CHARS",
    "candidates",
    "iter_candidate_columns",
    "iter_candidates",
    "text_parts",
    "write_candidates_csv",
]

#: Columns of :func:`write_candidates_csv`, in order, and how each is written (pandas' ``to_csv``
#: forms: ``repr`` of a float, nothing for a missing value, ``True``/``False``).
CSV_COLUMNS = {
    "raw": "string", "start": "int", "end": "int", "value": "float", "unit": "string", "qualifier": "string",
    "low": "float", "high": "float", "sentence": "string", "problem": "string", "raw_normalized": "string",
    "section": "string", "places": "string", "provinces": "string", "status": "string", "ref": "string",
    "curated": "bool",
}  # fmt: skip
_TEXT_COLUMNS = ("raw_normalized", "section", "places", "provinces", "status", "ref")


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
PART_CHARS = 1 << 14


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
        from coop_analysis.placenames import place_matches

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


def iter_candidate_columns(
    text: str, doc_id: str | None = None, *, part_chars: int = PART_CHARS
) -> Iterator[dict[str, list[Any]]]:
    """:func:`candidates`' columns as lists (floats NaN and strings None where missing), one part
    of the text at a time (see :func:`text_parts`), in text order, with the offsets of the whole
    text; at least one (empty lists when the text holds no quantity).

    Plain Python: pandas is imported only when the text is a source in ``data/raw`` (to look its
    mentions up in the curated facts and waivers).
    """
    from coop_analysis.extraction import extraction_columns
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
            continue  # an empty text (or one without quantities) gives one empty part
        places.load(start, end)
        positions = cols["norm_start"]
        cols["raw_normalized"] = [norm.text[a:b] for a, b in zip(positions, cols["norm_end"], strict=True)]
        cols["section"], cols["places"], cols["provinces"] = _context(norm.text, sections, places, positions)
        curated = [status_of(pos) for pos in positions] if status_of else [("new", "")] * len(positions)
        cols["status"] = [st for st, _ in curated]
        cols["ref"] = [ref for _, ref in curated]
        cols["curated"] = [st != "new" for st, _ in curated]
        yielded = True
        yield cols


def iter_candidates(text: str, doc_id: str | None = None, *, part_chars: int = PART_CHARS) -> Iterator[pd.DataFrame]:
    """:func:`candidates`, one part of the text at a time: :func:`iter_candidate_columns` as frames.

    Yields frames with :func:`candidates`' columns, in text order, with the offsets of the whole
    text; at least one (empty when the text holds no quantity). Memory stays near the size of the
    text and its normalized form, whatever the text's length.
    """
    import numpy as np
    import pandas as pd

    from coop_analysis.extraction import extraction_frame

    for cols in iter_candidate_columns(text, doc_id, part_chars=part_chars):
        frame = extraction_frame(cols)
        frame = frame.assign(**{c: pd.array(cols[c], dtype="string") for c in _TEXT_COLUMNS})
        frame["curated"] = np.array(cols["curated"], dtype="bool")
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


def _csv_float(value: float) -> str:
    return "" if math.isnan(value) else repr(value)


def _csv_string(value: str | None) -> str:
    return "" if value is None else value


_CSV_FORMAT: dict[str, Callable[[Any], str]] = {"string": _csv_string, "int": str, "float": _csv_float, "bool": str}


def write_candidates_csv(text: str, out: TextIO, doc_id: str | None = None) -> int:
    """Write :func:`candidates` (without ``norm_start``/``norm_end``) to ``out`` as CSV, one part of the
    text at a time; return the number of rows.

    Written with the :mod:`csv` module from :func:`iter_candidate_columns`, without pandas: the same
    bytes as ``candidates(text).drop(columns=["norm_start", "norm_end"]).to_csv(out, index=False)``
    (minimal quoting, lines ended by ``os.linesep``, floats as ``repr``, missing values empty).
    """
    writer = csv.writer(out, lineterminator=os.linesep)
    writer.writerow(CSV_COLUMNS)
    formats = [_CSV_FORMAT[kind] for kind in CSV_COLUMNS.values()]
    rows = 0
    for cols in iter_candidate_columns(text, doc_id):
        columns = [map(fmt, cols[name]) for name, fmt in zip(CSV_COLUMNS, formats, strict=True)]
        writer.writerows(zip(*columns, strict=True))
        rows += len(cols["raw"])
    return rows
