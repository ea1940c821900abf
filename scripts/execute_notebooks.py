"""Execute the notebooks in notebooks/ in place, so they are committed with their outputs.

Run after changing a notebook or the data it shows:

    python scripts/execute_notebooks.py            # all notebooks
    python scripts/execute_notebooks.py overview   # one

Volatile metadata (execution timings, random ids; see
:func:`coop_analysis.determinism.scrub_notebook`) is dropped so that re-executing
an unchanged notebook leaves ``git status`` clean and review diffs show only real
changes. The tests check the result (tests/test_notebooks.py) and
nbval re-runs the cells marked ``# NBVAL_CHECK_OUTPUT``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger("execute_notebooks")


def executed(path: Path) -> str:
    """The notebook at ``path`` executed and scrubbed, as the text it is committed as."""
    import nbformat
    from nbclient import NotebookClient

    from coop_analysis.determinism import scrub_notebook

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    scrub_notebook(nb, root=ROOT)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("name") == "stderr":
                raise SystemExit(f"{path.name}: a cell wrote to stderr: {''.join(out['text'])[:300]}")
    nb.metadata.pop("papermill", None)  # a source notebook, not a papermill run
    return nbformat.writes(nb) + "\n"  # as nbformat.write ends the file


def execute(path: Path) -> None:
    text = executed(path)
    tmp = path.with_suffix(".ipynb.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    log.info("executed %s", path.relative_to(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="notebook names without .ipynb (default: all)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    paths = [ROOT / "notebooks" / f"{n}.ipynb" for n in args.names] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for p in paths:
        execute(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
