"""The package namespace: cheap import, useful tab completion, submodules on first use."""

from __future__ import annotations

import subprocess
import sys

import coop_analysis as ca


def test_import_loads_neither_pandas_nor_matplotlib() -> None:
    code = "import sys, coop_analysis; print(sorted(m for m in ('pandas', 'matplotlib', 'pandera', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_tab_completion_lists_what_users_need() -> None:
    names = dir(ca)
    assert {"profiles", "figures", "plots", "narrative", "reports", "validate"} <= set(names)
    assert {"load_facts", "view", "long_form", "describe", "export", "use_chinese_font", "chinese_plots"} <= set(names)
    assert not {"annotations", "fileio", "paths", "cli", "importlib"} & set(names)
    assert not [n for n in names if n.startswith("_") and n != "__version__"]


def test_submodules_import_on_first_use() -> None:
    code = "import sys, coop_analysis as ca; assert 'coop_analysis.profiles' not in sys.modules; print(ca.profiles.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "coop_analysis.profiles"


def test_every_public_name_exists() -> None:
    for name in ca.__all__:
        assert getattr(ca, name) is not None
    try:
        ca.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("expected AttributeError")
