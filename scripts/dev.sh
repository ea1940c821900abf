#!/usr/bin/env bash
# One entry point for people and CI. It creates .venv (Python 3.11+) if needed,
# installs the package with its test and export extras whenever pyproject.toml changed, then:
#   bash scripts/dev.sh reports [ARGS]   build the reports into reports/ (coop-analysis reports ARGS)
#   bash scripts/dev.sh test [ARGS]      lint (ruff), then run the whole test suite (pytest ARGS)
#   bash scripts/dev.sh validate         check all data (coop-analysis validate)
#   bash scripts/dev.sh lab [ARGS]       JupyterLab on the notebooks, with the 'coop-analysis' kernel
#                                        registered inside .venv (jupyter lab ARGS; default: explore.ipynb)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
VENV=${COOP_VENV:-.venv}
command -v "$PY" >/dev/null || { echo "dev.sh: $PY not found; install Python 3.11 or newer" >&2; exit 2; }
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || { echo "dev.sh: $("$PY" --version) is too old; Python 3.11 or newer is needed (set PYTHON=...)" >&2; exit 2; }

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
stamp="$VENV/.coop-analysis-installed"
want=$("$VENV/bin/python" -c 'import hashlib,sys; print(hashlib.sha256(open("pyproject.toml","rb").read()).hexdigest())')
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "dev.sh: installing coop-analysis and its dependencies into $VENV (first run takes a few minutes)" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test,export]"
  "$VENV/bin/coop-analysis" kernel install --sys-prefix >/dev/null  # the notebooks' kernel, inside .venv
  echo "$want" > "$stamp"
fi

task=${1:-}
[ $# -gt 0 ] && shift
case "$task" in
  reports)  exec "$VENV/bin/coop-analysis" reports "$@" ;;
  test)     "$VENV/bin/ruff" check --quiet .
            "$VENV/bin/ruff" format --check --quiet coop_analysis tests scripts bench
            MPLBACKEND=Agg exec "$VENV/bin/python" -m pytest -n auto "$@" ;;
  validate) exec "$VENV/bin/coop-analysis" validate "$@" ;;
  lab)      "$VENV/bin/coop-analysis" kernel install --sys-prefix >&2
            [ $# -gt 0 ] || set -- notebooks/explore.ipynb
            exec "$VENV/bin/jupyter" lab "$@" ;;
  *) echo "usage: bash scripts/dev.sh reports|test|validate|lab [ARGS]" >&2; exit 2 ;;
esac
