"""Chinese in any plot: use_chinese_font() for the session, chinese_plots() for a block."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import coop_analysis as ca
from coop_analysis.plots import LATIN_FAMILY

COUNTS = pd.Series([3, 5, 8, 13], index=["甘肃", "宁夏", "云南", "贵州"], name="事实数")


@pytest.fixture(autouse=True)
def _restore_rc():
    with matplotlib.rc_context():
        yield
    plt.close("all")


@pytest.fixture
def strict(caplog: pytest.LogCaptureFixture):
    """Fail on any warning and on any warning matplotlib logs (findfont, missing glyphs)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with caplog.at_level(logging.WARNING, logger="matplotlib"):
            yield
    bad = [r.getMessage() for r in caplog.get_records("call") if r.name.startswith("matplotlib")]
    assert not bad, bad


def _glyph_images(ax: plt.Axes) -> list[np.ndarray]:
    """Each y tick label drawn alone: tofu boxes would all look the same."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    images = []
    for label in ax.get_yticklabels():
        fig = plt.figure(figsize=(0.8, 0.5), dpi=60)
        fig.text(0.5, 0.5, label.get_text(), ha="center", va="center", fontsize=20,
                 fontproperties=label.get_fontproperties())  # fmt: skip
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        images.append(np.asarray(canvas.buffer_rgba())[..., 0].copy())
    return images


def test_without_the_call_chinese_is_boxes_and_warnings(tmp_path: Path) -> None:
    """The problem the helpers solve (so the tests below can tell it is solved)."""
    ax = COUNTS.plot.barh(title="各省事实数")
    with pytest.warns(UserWarning, match="missing from font"):
        ax.figure.savefig(tmp_path / "plain.png")


def test_chinese_plots_renders_chinese_without_warnings(tmp_path: Path, strict: None) -> None:
    before = dict(matplotlib.rcParams)
    with ca.chinese_plots():
        ax = COUNTS.plot.barh(title="各省事实数 (facts)", xlabel="数量")
        ax.set_ylabel("省份", fontweight="bold")  # the font has Regular only: drawn Regular, no log line
    assert dict(matplotlib.rcParams) == before
    ax.set_xlim(0, 1e6)  # new tick labels, created after the block
    ax.figure.savefig(tmp_path / "after.png")  # drawn after the block, as a notebook does
    assert ax.title.get_fontfamily() == [LATIN_FAMILY, "Noto Sans SC"]
    images = _glyph_images(ax)
    assert all((img < 128).sum() > 20 for img in images)
    assert not any(np.array_equal(a, b) for i, a in enumerate(images) for b in images[i + 1 :])


def test_use_chinese_font_for_the_session(tmp_path: Path, strict: None) -> None:
    families = ca.use_chinese_font()
    assert families == [LATIN_FAMILY, "Noto Sans SC"]
    assert matplotlib.rcParams["font.family"] == families
    fig, ax = plt.subplots()
    ax.plot([-1, 1], [1, -1], label="协作")
    ax.set_title("东西部科技协作")
    ax.legend()
    fig.savefig(tmp_path / "session.png")
    assert ca.use_chinese_font(cjk_first=True) == ["Noto Sans SC", LATIN_FAMILY]


def test_other_font_warnings_still_show(caplog: pytest.LogCaptureFixture) -> None:
    from matplotlib import font_manager

    ca.use_chinese_font()
    with caplog.at_level(logging.WARNING, logger="matplotlib"):
        font_manager.findfont(font_manager.FontProperties(family="No Such Font Family"))
    assert any("not found" in r.getMessage() for r in caplog.records)


def test_importing_does_not_touch_matplotlib() -> None:
    import subprocess
    import sys

    code = "import sys, coop_analysis, coop_analysis.fonts; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
