"""Candidate facts: the plain-Python core and CSV writer against the DataFrame path, and a lean ``extract``."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coop_analysis.candidates import CSV_COLUMNS, candidates, iter_candidate_columns, write_candidates_csv
from coop_analysis.ingest import read_source_file

from .conftest import PROJECT
from .test_extraction import _DENSE

FIXTURES = Path(__file__).parent / "fixtures"
#: Modules ``coop-analysis extract --format csv`` must not import (each costs a second or tens of MB).
HEAVY = ("pandas", "numpy", "pandera", "pyarrow", "matplotlib", "nbformat", "papermill")


def _frame_csv(text: str) -> str:
    """The CSV the DataFrame path writes: what ``write_candidates_csv`` wrote before it was plain Python."""
    return candidates(text).drop(columns=["norm_start", "norm_end"]).to_csv(index=False)


def _lean_csv(text: str) -> str:
    out = io.StringIO()
    rows = write_candidates_csv(text, out)
    assert rows == len(candidates(text))
    return out.getvalue()


def _texts() -> list[str]:
    sources = sorted((PROJECT / "data" / "raw").glob("*.txt"))
    texts = [read_source_file(p) for p in [*sources, *sorted(FIXTURES.glob("*.txt"))]]
    seed = texts[0]
    return [*texts, "\ufeff" + seed, seed.replace("\n", "\r\n"), seed[: len(seed) // 2], "没有数字。", " "]


def test_the_csv_is_the_frames_csv_on_every_source_and_fixture() -> None:
    for text in _texts():  # data/raw sources take the curation path (status fact/waived)
        assert _lean_csv(text) == _frame_csv(text)
    assert set(candidates(_texts()[0])["status"]) == {"fact", "waived"}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_DENSE, st.sampled_from(['"', ",", '",', "甘肃省", "兰州", "阿坝州", "宁夏\n"])),
                max_size=60).map("".join))  # fmt: skip
def test_the_csv_is_the_frames_csv_on_generated_text(text: str) -> None:
    assert _lean_csv(text) == _frame_csv(text)


@pytest.mark.parametrize("value", [0.0, -0.0, 3.5e8, 1e15, 1e16, 1.5e16, 2.5e-7, 0.1 + 0.2, 12345.678, 1e22])
def test_floats_are_written_as_pandas_writes_them(value: float) -> None:
    """``repr`` of a float is what pandas' ``to_csv`` writes (numpy's shortest round-trip form)."""
    assert pd.DataFrame({"v": [value]}).to_csv(index=False) == f"v\n{value!r}\n"


def test_the_columns_are_the_frames() -> None:
    frame = candidates("签约3家企业。\n")
    assert list(CSV_COLUMNS) == [c for c in frame.columns if c not in ("norm_start", "norm_end")]
    (cols,) = iter_candidate_columns("签约3家企业，落户兰州。\n")
    assert cols["provinces"] == ["Gansu"] and cols["curated"] == [False] and cols["value"] == [3.0]


def _extract_in_a_fresh_process(path: Path, cache: Path) -> tuple[str, list[str]]:
    """``coop-analysis extract --format csv`` in a new interpreter: its output and the heavy modules it imported."""
    code = (
        "import sys\nfrom coop_analysis.cli import main\n"
        f"rc = main(['extract', {str(path)!r}, '--format', 'csv'])\n"
        f"print('HEAVY', sorted(m for m in {HEAVY!r} if m in sys.modules), rc, file=sys.stderr)\n"
    )
    env = dict(os.environ, COOP_ANALYSIS_CACHE=str(cache))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300,
                         check=True)  # fmt: skip
    heavy, rc = run.stderr.rsplit("HEAVY ", 1)[1].rsplit(" ", 1)
    assert rc.strip() == "0", run.stderr
    return run.stdout, json.loads(heavy.replace("'", '"'))


def test_extract_of_a_new_text_imports_no_pandas(tmp_path: Path) -> None:
    """Once the place names are cached (the first run, which loads and validates the tables), ``extract``
    of a new text runs without pandas, numpy, pandera or pyarrow: it starts in a fraction of the time."""
    text = tmp_path / "new.txt"
    text.write_text("宁夏与福建签约项目超过2000个，引进资金约35亿元。\n\n兰州新区\n落户企业5家。\n", encoding="utf-8")
    cache = tmp_path / "cache"
    first, heavy = _extract_in_a_fresh_process(text, cache)  # builds .cache/place_names.json
    assert "pandas" in heavy  # from the tables, loaded and validated (so the check does see an import)
    assert (cache / "place_names.json").is_file()
    second, heavy = _extract_in_a_fresh_process(text, cache)
    assert heavy == []
    assert second == first == _frame_csv(text.read_text(encoding="utf-8"))
    assert "Ningxia|Fujian" in second and "Gansu" in second
