"""The real notebooks: committed outputs are clean, and region_report runs for every region with records.

nbval checks the committed notebooks themselves (``pytest --nbval-lax notebooks``,
part of the README's test command via pyproject's ``testpaths``).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

import coop_analysis
from coop_analysis import profiles
from coop_analysis.narrative import format_quantity

from .conftest import PROJECT

NOTEBOOKS = sorted((PROJECT / "notebooks").glob("*.ipynb"))
MACHINE_PATH = re.compile(r"(/work/|/home/|/tmp/|/Users/|/root/|site-packages|\\\\Users\\\\)")


def _outputs(nb: dict) -> list[dict]:  # type: ignore[type-arg]
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_notebook_is_executed_and_clean(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c.get("execution_count") for c in code), "commit the notebook executed (all code cells)"
    outputs = _outputs(nb)
    assert not [o for o in outputs if o.get("output_type") == "error"], "committed error output"
    assert not [o for o in outputs if o.get("name") == "stderr"], "committed stderr (a warning?)"
    text = json.dumps(outputs, ensure_ascii=False)
    assert not MACHINE_PATH.search(text), f"machine path in outputs: {MACHINE_PATH.search(text).group()}"  # type: ignore[union-attr]
    for c in code:
        src = "".join(c["source"])
        assert not re.search(r"^\s*(def|class) ", src, flags=re.M), "functions belong in coop_analysis/"


def _run(region: str, lang: str, tmp_path: Path) -> str:
    import papermill as pm

    out = tmp_path / f"{region}-{lang}.ipynb"
    pm.execute_notebook(str(PROJECT / "notebooks" / "region_report.ipynb"), str(out),
                        parameters={"region": region, "lang": lang}, progress_bar=False, kernel_name="python3")  # fmt: skip
    nb = json.loads(out.read_text(encoding="utf-8"))
    outputs = _outputs(nb)
    assert not [o for o in outputs if o.get("output_type") == "error"]
    stderr = [o for o in outputs if o.get("name") == "stderr"]
    assert not stderr, "".join("".join(o["text"]) for o in stderr)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, "no figure"
    texts = []
    for o in outputs:
        data = o.get("data", {})
        for key in ("text/markdown", "text/html", "text/plain"):
            if key in data:
                texts.append(html.unescape("".join(data[key])))
        texts.append("".join(o.get("text", [])))
    return "\n".join(texts)


CASES = [(r, "en") for r in profiles.provinces_with_records()] + [("宁夏", "zh"), ("Shanghai", "zh")]


@pytest.mark.notebooks
@pytest.mark.parametrize(("region", "lang"), CASES, ids=[f"{r}-{lang}" for r, lang in CASES])
def test_region_report_shows_the_regions_numbers(region: str, lang: str, tmp_path: Path) -> None:
    text = _run(region, lang, tmp_path)
    profile = profiles.region_profile(region)
    assert len(profile.facts) + len(profile.initiatives) > 0
    for fact in profile.facts.itertuples(index=False):
        assert fact.fact_id in text
        figure = format_quantity(fact, lang)
        assert figure in text, f"{fact.fact_id}: {figure!r} not shown"
        assert fact.quote[:30] in text  # its source quote is there
    for title in profile.initiatives["title_zh" if lang == "zh" else "title_en"]:
        assert title in text


@pytest.mark.notebooks
def test_region_without_records_gets_a_short_report(tmp_path: Path) -> None:
    text = _run("Hainan", "en", tmp_path)
    assert "hold no record" in text and "no official East" in text
    assert "None in the current sources" in text


@pytest.mark.notebooks
def test_explore_answers_the_questions_without_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tutorial runs clean (no stderr: no glyph or pandas warnings) and shows the answers."""
    import papermill as pm

    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's own inline backend, as in JupyterLab
    out = tmp_path / "explore.ipynb"
    pm.execute_notebook(str(PROJECT / "notebooks" / "explore.ipynb"), str(out), progress_bar=False,
                        kernel_name="python3", cwd=str(PROJECT / "notebooks"))  # fmt: skip
    outputs = _outputs(json.loads(out.read_text(encoding="utf-8")))
    assert not [o for o in outputs if o.get("output_type") == "error" or o.get("name") == "stderr"]
    assert [o for o in outputs if "image/png" in o.get("data", {})], "the Chinese bar chart"
    text = "\n".join("".join(o.get("data", {}).get("text/plain", o.get("text", ""))) for o in outputs)
    facts = coop_analysis.facts_view()
    big_money = facts[(facts["kind"] == "money") & (facts["unit"] == "CNY") & (facts["value"] >= 1e8)]
    assert len(big_money) > 0 and all(fact_id in text for fact_id in big_money["fact_id"])
    assert "RegionProfile(Ningxia 宁夏" in text
    assert "(True, ['coop-analysis.xlsx', 'datapackage.json'])" in text  # frictionless validated the export
