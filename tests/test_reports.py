"""The public facade ``coop_analysis.reports``: the headline contract and the names it re-exports.

The batch runner's tests are in ``test_runner.py``, the fork-server kernels' in ``test_kernels.py``.
"""

from __future__ import annotations

import pytest

from coop_analysis import reports


def test_facade_keeps_the_runner_entry_points():
    from coop_analysis import runner

    assert reports.build_reports is runner.build_reports
    assert reports.BuildResult is runner.BuildResult
    assert reports.run_cli is runner.run_cli


def test_report_stem():
    assert reports.report_stem("Inner Mongolia") == "Inner_Mongolia"
    assert reports.report_stem("Gansu") == "Gansu"


# ----------------------------------------------------------------------------- headline contract


def test_record_headline_outside_ipython_shows_nothing(capsys):
    assert reports.record_headline(region="Gansu", headline="x", n_facts=1, n_initiatives=2) is None
    assert capsys.readouterr().out == ""


def test_headline_record_checks_and_normalizes():
    np = pytest.importorskip("numpy")
    record = reports.headline_record(region="Gansu", headline="two\n lines", n_facts=np.int64(3), n_initiatives=2)
    assert record == {"region": "Gansu", "headline": "two lines", "n_facts": 3, "n_initiatives": 2}
    assert type(record["n_facts"]) is int
    with pytest.raises(TypeError, match="headline"):
        reports.headline_record(region="Gansu")
    with pytest.raises(TypeError, match="n_facts"):
        reports.headline_record(region="Gansu", headline="x", n_facts="3")
    with pytest.raises(TypeError, match="extra"):
        reports.headline_record(region="Gansu", headline="x", extra=object())


def test_find_headline_takes_the_last_record():
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "x"},
            {"outputs": [{"output_type": "stream", "text": "hi"}]},
            {"outputs": [{"output_type": "display_data", "data": {reports.HEADLINE_MIME: {"region": "a"}}}]},
            {"outputs": [{"output_type": "display_data", "data": {reports.HEADLINE_MIME: {"region": "b"}}}]},
        ]
    }
    assert reports.find_headline(nb) == {"region": "b"}
    assert reports.find_headline({"cells": []}) is None
