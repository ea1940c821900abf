#!/usr/bin/env bash
# First run of the quick start in fresh clones: `bash scripts/dev.sh validate` (create .venv,
# install, validate all data), timed as a whole.
#   before          the commit before requirements-lock.txt existed (pip resolves and installs)
#   lock-uv         this commit: uv installs the lock (uv's cache as it is on this machine)
#   lock-uv-cold    the same with an empty uv cache (every wheel downloaded)
#   lock-pip        this commit with COOP_INSTALLER=pip (pip installs the lock)
# Usage: bash bench/bench_quickstart.sh [ROUNDS] [BEFORE_REV]   (default 1 round; variants alternate)
# pip's own cache and pip's configured local indexes are used as they are on the machine.
set -uo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-1}
before=${2:-$(git log --diff-filter=A --format=%H -- requirements-lock.txt | tail -1)^}
before=$(git rev-parse --verify "$before^{commit}")
after=$(git rev-parse HEAD)
tmp=$(mktemp -d /tmp/bench-quickstart.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

run() {  # label rev env...
  local label=$1 rev=$2 dir="$tmp/$1"; shift 2
  rm -rf "$dir"
  git clone -q "$PWD" "$dir" && git -C "$dir" checkout -q "$rev"
  local t0 t1 rc
  t0=$(date +%s.%N)
  (cd "$dir" && env "$@" bash scripts/dev.sh validate >/dev/null 2>"$dir.err"); rc=$?
  t1=$(date +%s.%N)
  printf '%-14s %8.1f s  exit %d  load %s\n' "$label" "$(echo "$t1 - $t0" | bc)" "$rc" "$(cut -d' ' -f1 /proc/loadavg)"
  rm -rf "$dir"
}

echo "before: ${before:0:12}  after: ${after:0:12}  ($(nproc) cores)"
for _ in $(seq "$rounds"); do
  run before "$before" X=1
  run lock-uv "$after" X=1
  rm -rf "$tmp/uv-cache"; mkdir -p "$tmp/uv-cache"
  run lock-uv-cold "$after" UV_CACHE_DIR="$tmp/uv-cache"
  run lock-pip "$after" COOP_INSTALLER=pip
done
