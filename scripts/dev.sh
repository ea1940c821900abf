#!/usr/bin/env bash
# One entry point for people and CI. It creates .venv (Python 3.11+) if needed and installs
# exactly requirements-lock.txt (versions and hashes) plus the package itself whenever the lock
# or pyproject.toml changed, then:
#   bash scripts/dev.sh reports [ARGS]   build the reports into reports/ (coop-analysis reports ARGS)
#   bash scripts/dev.sh test [ARGS]      lint (ruff), then run the whole test suite (pytest ARGS)
#   bash scripts/dev.sh validate         check all data (coop-analysis validate)
#   bash scripts/dev.sh lab [ARGS]       JupyterLab on the notebooks, with the 'coop-analysis' kernel
#                                        registered inside .venv (jupyter lab ARGS; default: explore.ipynb)
#   bash scripts/dev.sh lock [ARGS]      refresh requirements-lock.txt from pyproject.toml
#                                        (--upgrade: newest versions; --upgrade-package NAME)
# A dependency added to pyproject.toml without a new lock is noticed: the lock is refreshed
# (and must be committed), except in CI (CI set), where it is an error.
# The installer is uv (itself pinned in the lock); COOP_INSTALLER=pip uses pip instead.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
VENV=${COOP_VENV:-.venv}
LOCK=requirements-lock.txt
command -v "$PY" >/dev/null || { echo "dev.sh: $PY not found; install Python 3.11 or newer" >&2; exit 2; }
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || { echo "dev.sh: $("$PY" --version) is too old; Python 3.11 or newer is needed (set PYTHON=...)" >&2; exit 2; }

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
VPY="$VENV/bin/python"
pip_quiet() { "$VPY" -m pip --disable-pip-version-check --quiet "$@"; }

# uv from the lock (pinned, hash-checked), installed with pip the first time
ensure_uv() {
  [ "${COOP_INSTALLER:-uv}" = pip ] && return 1
  local want
  want=$("$VPY" scripts/lock.py version uv 2>/dev/null) || return 1
  if [ "$("$VENV/bin/uv" --version 2>/dev/null | cut -d' ' -f2)" != "$want" ]; then
    "$VPY" scripts/lock.py requirement uv > "$VENV/uv-requirement.txt"
    pip_quiet install --no-deps --require-hashes -r "$VENV/uv-requirement.txt" \
      || { echo "dev.sh: could not install uv $want; installing with pip instead (slower)" >&2; return 1; }
  fi
}

task=${1:-}
[ $# -gt 0 ] && shift
case "$task" in
  reports|test|validate|lab|lock) ;;
  *) echo "usage: bash scripts/dev.sh reports|test|validate|lab|lock [ARGS]" >&2; exit 2 ;;
esac

if [ "$task" = lock ]; then
  ensure_uv || pip_quiet install "uv>=0.5"
  exec "$VPY" scripts/lock.py refresh --uv "$VENV/bin/uv" "$@"
fi

if ! reason=$("$VPY" scripts/lock.py check 2>&1); then
  echo "dev.sh: ${reason#lock: }" >&2
  [ -z "${CI:-}" ] || exit 1
  echo "dev.sh: refreshing $LOCK now (commit it with your pyproject.toml change)" >&2
  ensure_uv || pip_quiet install "uv>=0.5"
  "$VPY" scripts/lock.py refresh --uv "$VENV/bin/uv"
fi

stamp="$VENV/.coop-analysis-installed"
want=$( (cat "$LOCK" pyproject.toml; echo "install: compiled bytecode") | "$VPY" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "dev.sh: installing $LOCK and coop-analysis into $VENV" >&2
  if ensure_uv; then
    # sync: exactly the lock (a package dropped from it is removed; pip and setuptools stay)
    # with compiled bytecode, as pip does: where PYTHONDONTWRITEBYTECODE is set (CI here) every
    # import would otherwise compile its source again (pandas alone: seconds)
    "$VENV/bin/uv" pip sync --quiet --python "$VPY" --require-hashes --compile-bytecode "$LOCK"
    "$VENV/bin/uv" pip install --quiet --python "$VPY" --no-deps -e .
  else
    pip_quiet install --no-deps --require-hashes -r "$LOCK"
    pip_quiet install --no-deps -e .
  fi
  "$VENV/bin/coop-analysis" kernel install --sys-prefix >/dev/null  # the notebooks' kernel, inside .venv
  echo "$want" > "$stamp"
fi

case "$task" in
  reports)  exec "$VENV/bin/coop-analysis" reports "$@" ;;
  test)     "$VENV/bin/ruff" check --quiet .
            "$VENV/bin/ruff" format --check --quiet coop_analysis tests scripts bench
            MPLBACKEND=Agg exec "$VPY" -m pytest -n auto "$@" ;;
  validate) exec "$VENV/bin/coop-analysis" validate "$@" ;;
  lab)      "$VENV/bin/coop-analysis" kernel install --sys-prefix >&2
            [ $# -gt 0 ] || set -- notebooks/explore.ipynb
            exec "$VENV/bin/jupyter" lab "$@" ;;
esac
