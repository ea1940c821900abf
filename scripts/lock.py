"""The locked environment: ``requirements-lock.txt`` (exact versions and hashes, every platform).

The lock is made by uv from ``pyproject.toml`` (the runtime dependencies and every
extra except :data:`UNLOCKED_EXTRAS`), for every platform and every Python from
3.11 (``uv pip compile --universal --generate-hashes``); ``scripts/dev.sh`` installs
exactly it. Its first line records a digest of the pyproject fields it was made
from, so a dependency added to ``pyproject.toml`` without a new lock is noticed.

    python scripts/lock.py check            # exit 1 (with the reason) if the lock is stale
    python scripts/lock.py refresh          # re-lock; versions already pinned are kept
    python scripts/lock.py refresh --upgrade          # re-lock at the newest versions
    python scripts/lock.py refresh --upgrade-package pandas
    python scripts/lock.py requirement uv   # the pinned line (with hashes) of one package

Usually run through ``bash scripts/dev.sh lock [--upgrade]``. Standard library
only: it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements-lock.txt"
PYPROJECT = ROOT / "pyproject.toml"
#: Extras not in the lock: data-preparation scripts and benchmark comparisons (heavy, not
#: needed to build reports or run the tests). Every other extra is locked and installed.
UNLOCKED_EXTRAS = frozenset({"dev", "bench"})
#: Oldest Python the lock resolves for (it covers every newer one too).
PYTHON_MIN = "3.11"
REFRESH_COMMAND = "bash scripts/dev.sh lock"
_INPUTS_PREFIX = "# pyproject-inputs-sha256: "


def locked_extras(pyproject: Path = PYPROJECT) -> list[str]:
    """The extras the lock covers, sorted."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return sorted(set(project.get("optional-dependencies", {})) - UNLOCKED_EXTRAS)


def inputs_digest(pyproject: Path = PYPROJECT) -> str:
    """Digest of what the lock is made from: requires-python, dependencies, locked extras.

    Other edits to pyproject.toml (tool settings, version, scripts) leave it unchanged.
    """
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    inputs = {
        "requires-python": project.get("requires-python"),
        "dependencies": sorted(project.get("dependencies", [])),
        "extras": {name: sorted(extras[name]) for name in locked_extras(pyproject)},
        "python-min": PYTHON_MIN,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def recorded_digest(lock: Path = LOCK) -> str | None:
    """The inputs digest written in the lock's header (None: no lock, or no such line)."""
    if not lock.is_file():
        return None
    with open(lock, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(_INPUTS_PREFIX):
                return line[len(_INPUTS_PREFIX) :].strip()
            if not line.startswith("#"):
                return None
    return None


def stale_reason(pyproject: Path = PYPROJECT, lock: Path = LOCK) -> str | None:
    """Why the lock does not match pyproject.toml, or None when it does."""
    name = lock.name
    recorded = recorded_digest(lock)
    if not lock.is_file():
        return f"{name} is missing; make it with `{REFRESH_COMMAND}`"
    if recorded is None:
        return f"{name} has no '{_INPUTS_PREFIX.strip('# :')}' line; remake it with `{REFRESH_COMMAND}`"
    if recorded != inputs_digest(pyproject):
        return f"pyproject.toml's dependencies changed since {name} was made; run `{REFRESH_COMMAND}` and commit {name}"
    return None


def pinned_block(package: str, lock: Path = LOCK) -> str:
    """The lock's lines for ``package`` (``name==version`` with its hashes), for a bootstrap install."""
    want = re.sub(r"[-_.]+", "-", package).lower()
    lines = lock.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", line)
        if match and re.sub(r"[-_.]+", "-", match.group(1)).lower() == want:
            block = [line]
            while block[-1].rstrip().endswith("\\") and i + len(block) < len(lines):
                block.append(lines[i + len(block)])
            return "\n".join(block).rstrip("\\ ") + "\n"
    raise LookupError(f"{lock.name}: {package} is not pinned")


def pinned_version(package: str, lock: Path = LOCK) -> str:
    """The version of ``package`` in the lock."""
    first = pinned_block(package, lock).split()[0]
    return first.split("==", 1)[1]


def refresh(uv: str, extra_args: list[str]) -> None:
    """Re-make the lock with uv (keeps existing pins unless told to upgrade), then stamp it."""
    command = [uv, "pip", "compile", str(PYPROJECT.relative_to(ROOT))]
    for extra in locked_extras():
        command += ["--extra", extra]
    command += [
        "--universal",
        "--generate-hashes",
        "--python-version",
        PYTHON_MIN,
        "--custom-compile-command",
        REFRESH_COMMAND,
        "--quiet",
        "-o",
        LOCK.name,
        *extra_args,
    ]
    # uv reads only its own settings: keep a user's uv.toml or UV_* index overrides from
    # changing what a committed lock points to
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_") or k == "UV_CACHE_DIR"}
    subprocess.run(command, cwd=ROOT, check=True, env=env | {"UV_NO_CONFIG": "1"})
    text = LOCK.read_text(encoding="utf-8")
    text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith(_INPUTS_PREFIX))
    LOCK.write_text(f"{_INPUTS_PREFIX}{inputs_digest()}\n{text}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="exit 1 with the reason when the lock is stale")
    p = sub.add_parser("refresh", help="re-make the lock with uv; other options go to `uv pip compile`")
    p.add_argument("--uv", default=shutil.which("uv") or "uv", help="the uv executable")
    p = sub.add_parser("requirement", help="print one package's pinned line with its hashes")
    p.add_argument("package")
    p = sub.add_parser("version", help="print one package's pinned version")
    p.add_argument("package")
    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "refresh":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        if args.command == "check":
            reason = stale_reason()
            if reason:
                print(f"lock: {reason}", file=sys.stderr)
                return 1
        elif args.command == "refresh":
            refresh(args.uv, rest)
            print(f"lock: wrote {LOCK.name} ({len(re.findall(r'(?m)^[A-Za-z0-9].*==', LOCK.read_text()))} packages)")
        elif args.command == "requirement":
            sys.stdout.write(pinned_block(args.package))
        else:
            print(pinned_version(args.package))
    except (LookupError, OSError, subprocess.CalledProcessError) as exc:
        print(f"lock: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
