"""Chart images kept between builds, addressed by everything that determines them.

A report chart costs 0.3–0.5 s to draw, reduce to a palette and encode; its
inputs are a few small tables. :func:`key` is the SHA-256 of

* the chart's drawing function and its inputs, serialized canonically
  (:func:`canonical`: frames with their columns, dtypes, index and values;
  mappings and lists in their order; floats exactly; anything else is an error,
  never its ``repr``);
* the image settings (pixels per inch, scale, palette size, column width);
* the code that draws: the source of every ``coop_analysis`` module the chart
  package imports (found by reading their imports), ``figures`` and this module;
* the data the drawing code reads itself: every file of ``data/reference``
  (province boundaries …);
* matplotlib, its FreeType, Pillow, fontTools, numpy, pandas and Python versions,
  the SHA-256 of each font file of the report faces (DejaVu Sans, Noto Sans SC);
* matplotlib's rcParams at the time (a session that changed a default gets its
  own images).

The value is the encoded image: the PNG, the lossless WebP and the figure's size
in inches, in one file ``<key>.chart`` under :func:`folder` (``.cache/charts``).
The cache is untrusted input, like the table cache: plain bytes, never pickle;
each file holds its key, the lengths and SHA-256 of its images and their
signatures, all checked on read; a file that fails a check is ignored (the chart
is drawn again and the file replaced). Files are written atomically, so two
kernels storing the same chart at once leave one whole file.

``COOP_ANALYSIS_CHART_CACHE=off`` (or ``0``) turns the cache off; any other value
is the folder to use. Within a process the digests of code, data and fonts are
taken once (a kernel forked from the report server inherits them).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import logging
import math
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coop_analysis import paths

__all__ = ["ENV", "Image", "canonical", "clear", "folder", "key", "load", "store"]

log = logging.getLogger(__name__)

#: Environment variable: ``off``/``0`` disables the cache, a path moves it.
ENV = "COOP_ANALYSIS_CHART_CACHE"
FORMAT = 1
SUFFIX = ".chart"
_MAGIC = b"coop-analysis chart\n"
_MAX_HEADER = 4096
_PNG = b"\x89PNG\r\n\x1a\n"
#: Modules whose source (and whose ``coop_analysis`` imports' source) is part of every key.
_CODE_ROOTS = ("coop_analysis.charts", "coop_analysis.determinism")
_CODE_FILES = ("figures.py", "chartcache.py")
#: rcParams that say where or how a figure is shown, not how it looks.
_RC_IGNORED = ("backend", "backend_fallback", "interactive", "savefig.directory", "toolbar", "webagg.")


@dataclass(frozen=True)
class Image:
    """A chart as encoded once: PNG and lossless WebP of the same pixels, figure size in inches."""

    png: bytes
    webp: bytes
    size: tuple[float, float]


def folder() -> Path | None:
    """The cache folder, or ``None`` when ``COOP_ANALYSIS_CHART_CACHE`` turns the cache off."""
    value = os.environ.get(ENV, "").strip()
    if value.lower() in {"0", "off", "no", "false"}:
        return None
    return Path(value).resolve() if value else paths.chart_cache_dir()


def canonical(value: Any) -> Any:
    """``value`` as plain JSON data that two equal inputs share and unequal ones do not.

    Raises:
        TypeError: a value of a type without a canonical form here (its ``repr``
            may not show all it holds).
    """
    import numpy as np
    import pandas as pd

    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        value = float(value)
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.DataFrame):
        return {
            "frame": [str(c) for c in value.columns],
            "dtypes": [str(t) for t in value.dtypes],
            "index": canonical(value.index),
            "columns": [canonical(value[c]) for c in value.columns],
        }
    if isinstance(value, pd.Series | pd.Index):
        return {"dtype": str(value.dtype), "name": canonical(value.name), "values": [canonical(v) for v in value]}
    if value is pd.NA or value is pd.NaT:
        return {"missing": str(value)}
    if isinstance(value, pd.Timestamp):
        return {"timestamp": value.isoformat()}
    if isinstance(value, Mapping):
        return {"mapping": [[canonical(k), canonical(v)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, set | frozenset):
        return {"set": sorted((canonical(v) for v in value), key=_json)}
    raise TypeError(f"chart cache: no canonical form for a {type(value).__name__} input")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def key(kind: str, inputs: Mapping[str, Any], settings: Mapping[str, Any]) -> str:
    """The cache key of the chart ``kind`` drawn from ``inputs`` with image ``settings``."""
    record = {
        "format": FORMAT,
        "kind": kind,
        "inputs": canonical(inputs),
        "settings": canonical(settings),
        "environment": _environment_now(),
        "rc": _rc_digest(),
    }
    return hashlib.sha256(_json(record).encode("utf-8")).hexdigest()


@functools.cache
def _environment() -> dict[str, Any]:
    """Code, versions and fonts (once per process) and the reference data (checked each time, see ``cache``)."""
    return {"code": _code_digest(), "versions": _versions(), "fonts": _font_digests()}


def _environment_now() -> dict[str, Any]:
    return _environment() | {"data": _data_digest()}


def _data_digest() -> str:
    from coop_analysis.cache import files_digest

    ref = paths.reference_dir()
    return files_digest("reference", sorted(p for p in ref.iterdir() if p.is_file()))


def _versions() -> dict[str, str]:
    import fontTools
    import matplotlib
    import numpy
    import pandas
    import PIL
    from matplotlib import ft2font

    return {
        "python": "{}.{}".format(*sys.version_info[:2]),
        "matplotlib": matplotlib.__version__,
        "freetype": str(getattr(ft2font, "__freetype_version__", "")),
        "pillow": PIL.__version__,
        "fonttools": fontTools.version,
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
    }


def _font_digests() -> list[list[str]]:
    """SHA-256 of every font file matplotlib has for the report faces (name, style, weight, digest)."""
    from matplotlib import font_manager

    from coop_analysis.cache import file_digest
    from coop_analysis.charts.fonts import register_cjk_font
    from coop_analysis.charts.style import LATIN_FAMILY

    families = {LATIN_FAMILY, register_cjk_font()}
    found = {(f.name, f.style, str(f.weight), f.fname) for f in font_manager.fontManager.ttflist if f.name in families}
    return [[name, style, weight, file_digest(Path(fname))] for name, style, weight, fname in sorted(found)]


def code_files() -> list[Path]:
    """The source files whose digest is part of every key: :data:`_CODE_ROOTS` and the
    ``coop_analysis`` modules they import (at module level or inside functions), and
    :data:`_CODE_FILES`."""
    package = paths.PACKAGE_DIR
    seen: dict[str, Path] = {}
    todo = list(_CODE_ROOTS)
    while todo:
        name = todo.pop()
        path = _module_file(package, name)
        if name in seen or path is None:
            continue
        seen[name] = path
        tree = ast.parse(path.read_bytes(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                todo += [a.name for a in node.names if a.name.startswith("coop_analysis")]
            elif (
                isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("coop_analysis")
            ):
                module = str(node.module)
                todo += [module] + [f"{module}.{a.name}" for a in node.names]  # submodules among the names
        if path.name == "__init__.py":  # a package: all its modules
            todo += [f"{name}.{p.stem}" for p in path.parent.glob("*.py") if p.name != "__init__.py"]
    files = set(seen.values()) | {package / f for f in _CODE_FILES}
    return sorted(files)


def _module_file(package: Path, name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] != "coop_analysis":
        return None
    base = package.joinpath(*parts[1:])
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _code_digest() -> str:
    digest = hashlib.sha256()
    for path in code_files():
        digest.update(path.relative_to(paths.PACKAGE_DIR).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _rc_digest() -> str:
    import matplotlib as mpl

    items = sorted(
        (k, repr(v)) for k, v in dict.items(mpl.rcParams) if not k.startswith(_RC_IGNORED)
    )  # dict.items: reading "backend" through rcParams would resolve it
    return hashlib.sha256(_json(items).encode("utf-8")).hexdigest()


def load(cache_key: str, where: Path | None = None) -> Image | None:
    """The image stored under ``cache_key``, or ``None`` (absent, unreadable, or failing a check)."""
    base = where if where is not None else folder()
    if base is None:
        return None
    path = base / f"{cache_key}{SUFFIX}"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    image = _parse(data, cache_key)
    if image is None:
        log.warning("chart cache: %s is not a valid entry; the chart is drawn again", path)
    return image


def _parse(data: bytes, cache_key: str) -> Image | None:
    if not data.startswith(_MAGIC):
        return None
    end = data.find(b"\n", len(_MAGIC), len(_MAGIC) + _MAX_HEADER)
    if end < 0:
        return None
    try:
        head = json.loads(data[len(_MAGIC) : end].decode("utf-8"))
        png_len, webp_len = int(head["png"]), int(head["webp"])
        width, height = (float(x) for x in head["size"])
        ok = head["format"] == FORMAT and head["key"] == cache_key
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    payload = data[end + 1 :]
    if not ok or png_len < 0 or webp_len < 0 or len(payload) != png_len + webp_len:
        return None
    if hashlib.sha256(payload).hexdigest() != head.get("sha256"):
        return None
    png, webp = payload[:png_len], payload[png_len:]
    riff_ok = webp[:4] == b"RIFF" and webp[8:12] == b"WEBP" and int.from_bytes(webp[4:8], "little") + 8 == len(webp)
    if not png.startswith(_PNG) or not riff_ok or not (0 < width < 1e4 and 0 < height < 1e4):
        return None
    return Image(png=png, webp=webp, size=(width, height))


def store(cache_key: str, image: Image, where: Path | None = None) -> None:
    """Keep ``image`` under ``cache_key`` (atomically); a write that fails is logged, not raised."""
    from coop_analysis.fileio import atomic_write

    base = where if where is not None else folder()
    if base is None:
        return
    payload = image.png + image.webp
    head = {
        "format": FORMAT,
        "key": cache_key,
        "png": len(image.png),
        "webp": len(image.webp),
        "size": [float(image.size[0]), float(image.size[1])],
        "sha256": hashlib.sha256(payload).hexdigest(),
    }
    try:
        atomic_write(base / f"{cache_key}{SUFFIX}", _MAGIC + _json(head).encode("utf-8") + b"\n" + payload)
    except OSError as exc:
        log.warning("chart cache: could not write %s: %s", base, exc)


def clear(where: Path | None = None) -> int:
    """Remove every cached chart image; returns how many files were removed."""
    base = where if where is not None else folder()
    removed = 0
    if base is None or not base.is_dir():
        return 0
    for path in base.glob(f"*{SUFFIX}"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed
