"""The pages' Chinese font: Noto Sans SC cut down to the characters a page shows.

Pages draw Latin text in the reader's system fonts and Chinese from one face,
``CJK_FACE``, limited to the CJK ranges (``unicode-range``). The face is the
reader's own installed CJK font when it has one of the :data:`LOCAL_CJK`
names, else a WOFF2 subset of the shipped Noto Sans SC (SIL Open Font
License, from ``pylopdf-fonts-zh-cn``) holding only the page's characters — a
few dozen KB instead of the 8 MB file. A page without Chinese declares no face
and loads no font.

Subsetting the full font costs ~0.8 s (most of it reading its CFF table), so
:class:`Subsetter` cuts it once to the union of all pages' characters and each
page from that small font. Output bytes depend only on the characters: the
font's timestamp is kept, not recalculated.

Given a ``cache`` folder, a :class:`Subsetter` keeps each subset it cuts there,
keyed by the font file's SHA-256, the subsetting options, the fontTools version
and the characters, and takes it from there next time: a rebuild in which a
page's characters did not change costs a file read, not a cut (~0.25 s a page,
plus the 0.8 s of the first). Cache files are checked before use (their key in a
header line, a WOFF2 signature and length) and anything else is cut again.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import struct
from collections.abc import Iterable
from pathlib import Path

__all__ = ["CJK_FACE", "LOCAL_CJK", "UNICODE_RANGE", "Subsetter", "cjk_chars", "font_face_css"]

#: Family name of the pages' CJK face.
CJK_FACE = "coop-analysis CJK"
#: Installed fonts used before the shipped subset (``local()``), in order.
LOCAL_CJK = ("Noto Sans SC", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei")
#: CJK punctuation and ideographs, full-width forms: the characters the face serves.
_RANGES = (
    (0x2E80, 0x2FDF),
    (0x3000, 0x303F),
    (0x31C0, 0x31EF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
)
UNICODE_RANGE = ",".join(f"U+{lo:04X}-{hi:04X}" for lo, hi in _RANGES)
_CJK_RE = re.compile("[" + "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in _RANGES) + "]")
# what the page's font does not draw: embedded images, styles, comments; an image's alt text
# (shown only when the image cannot be, and then in the reader's own fonts; read aloud without
# any) and the title (the browser's tab, in its own font)
_NOT_TEXT_RE = re.compile(
    r"data:[^\"')\s]+|<style\b.*?</style>|<!--.*?-->|\balt=\"[^\"]*\"|\balt='[^']*'|<title>.*?</title>", re.S | re.I
)


def cjk_chars(html_or_text: str) -> set[str]:
    """The characters of ``html_or_text`` in the CJK face's ranges that the page's font draws
    (images, styles, alt text and the title ignored: see ``_NOT_TEXT_RE``)."""
    return set(_CJK_RE.findall(_NOT_TEXT_RE.sub("", html_or_text)))


def font_face_css(font_url: str | None) -> str:
    """The ``@font-face`` rule of a page whose subset is at ``font_url`` (``""`` for a page without Chinese)."""
    if font_url is None:
        return ""
    local = ",".join(f'local("{name}")' for name in LOCAL_CJK)
    return (
        f'@font-face{{font-family:"{CJK_FACE}";src:{local},url("{font_url}") format("woff2");'
        f"unicode-range:{UNICODE_RANGE};font-display:swap;}}"
    )


log = logging.getLogger(__name__)

#: What a cached subset depends on besides the font and the characters; change it with ``_cut``.
_OPTIONS_KEY = "names=*;languages=*;features=*;hinting=0;desubroutinize=1;flavor=woff2"
_CACHE_HEADER = b"coop-analysis font subset "
_digests: dict[tuple[str, int, int], str] = {}


def _file_digest(path: Path) -> str:
    """SHA-256 of a file, remembered per (path, size, modification time) for the process."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _digests:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        _digests[key] = digest.hexdigest()
    return _digests[key]


def _font_path() -> Path:
    from coop_analysis.charts.fonts import cjk_font_path

    return cjk_font_path()


class Subsetter:
    """Cut Noto Sans SC to the characters of many pages: once to their union, then per page.

    Args:
        chars: every character any page will ask for (a superset is fine).
        source: font file (default: the shipped Noto Sans SC).
        cache: folder keeping cut subsets between builds (``None``: cut every time).
    """

    def __init__(self, chars: Iterable[str], source: Path | None = None, cache: Path | None = None) -> None:
        self._source = Path(source) if source is not None else _font_path()
        self._chars = frozenset(chars)
        self._union: bytes | None = None
        self._cache = Path(cache) if cache is not None else None
        #: subsets cut and subsets read from the cache by this Subsetter
        self.cut = self.cached = 0

    def _cut(self, font_file: Path | io.BytesIO, chars: Iterable[str], flavor: str | None) -> bytes:
        from fontTools import subset
        from fontTools.ttLib import TTFont

        options = subset.Options()
        options.flavor = flavor
        options.name_IDs = ["*"]  # keep the copyright and licence records (OFL)
        options.name_languages = ["*"]
        options.layout_features = ["*"]  # vertical forms, punctuation width
        # no hinting instructions (browsers render CJK outlines unhinted anyway) and plain
        # charstrings instead of subroutines, which WOFF2's compression packs better: ~20 % smaller
        options.hinting = False
        options.desubroutinize = True
        # closed when done: a lazy TTFont keeps its file open, and the unclosed file's
        # ResourceWarning surfaced at garbage collection in whatever test ran next
        with TTFont(font_file, recalcTimestamp=False, lazy=True) as font:
            cutter = subset.Subsetter(options)
            cutter.populate(text="".join(sorted(chars)))
            cutter.subset(font)
            font.flavor = flavor
            buf = io.BytesIO()
            font.save(buf)
        return buf.getvalue()

    def font(self, chars: Iterable[str]) -> bytes:
        """WOFF2 bytes of the font holding ``chars`` (each must be among the union given at creation)."""
        wanted = set(chars)
        missing = wanted - self._chars
        if missing:
            raise ValueError(f"characters not announced to the Subsetter: {''.join(sorted(missing))!r}")
        key = self._key(wanted) if self._cache is not None else ""
        if key:
            data = self._read_cached(key)
            if data is not None:
                self.cached += 1
                return data
        if self._union is None:
            self._union = self._cut(self._source, self._chars, None)
        data = self._cut(io.BytesIO(self._union), wanted, "woff2")
        self.cut += 1
        if key:
            self._write_cached(key, data)
        return data

    def _key(self, chars: set[str]) -> str:
        from fontTools import version as fonttools_version

        text = "\n".join([_file_digest(self._source), _OPTIONS_KEY, fonttools_version, "".join(sorted(chars))])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _read_cached(self, key: str) -> bytes | None:
        assert self._cache is not None
        path = self._cache / f"{key}.woff2"
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        header = _CACHE_HEADER + key.encode("ascii") + b"\n"
        data = raw[len(header) :]
        complete = len(data) >= 12 and struct.unpack(">I", data[8:12])[0] == len(data)  # WOFF2 header's length
        if raw.startswith(header) and data[:4] == b"wOF2" and complete:
            return data
        log.info("%s: not a font subset of this cache; cutting it again", path)
        return None

    def _write_cached(self, key: str, data: bytes) -> None:
        from coop_analysis.fileio import atomic_write

        assert self._cache is not None
        try:
            self._cache.mkdir(parents=True, exist_ok=True)
            atomic_write(self._cache / f"{key}.woff2", _CACHE_HEADER + key.encode("ascii") + b"\n" + data)
        except OSError as exc:  # a cache that cannot be written costs time, not the build
            log.warning("font subset cache %s not written: %s", self._cache, exc)
