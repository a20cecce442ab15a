#!/usr/bin/env bash
# End-to-end test of the pre-commit hook with the real `pre-commit` tool from PyPI: a temporary
# git repository with a violation must fail the hook with idlint's message, and pass once fixed.
# Needs a built `target/release/idlint` (the `idlint-system` hook runs the idlint on PATH).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
export PATH="$root/target/release:$work/venv/bin:$PATH"
export PRE_COMMIT_HOME="$work/cache"

repo="$work/repo"
mkdir -p "$repo/src"
cd "$repo"
git init --quiet
git config user.email ci@example.invalid
git config user.name ci
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $root
    rev: $(git -C "$root" rev-parse HEAD)
    hooks:
      - id: idlint-system
YAML
cat > src/signup.py <<'PY'
from mixpanel import Mixpanel

mp = Mixpanel("token")


def signup(user, anon_id):
    mp.alias(user.id, anon_id)
    mp.alias(user.id, anon_id)
PY
git add -A

if pre-commit run --all-files > "$work/out.txt" 2>&1; then
  cat "$work/out.txt"
  echo "pre-commit: expected the hook to fail on the violation" >&2
  exit 1
fi
grep -q "error\[alias-twice\]" "$work/out.txt" || { cat "$work/out.txt"; echo "pre-commit: idlint's message is missing" >&2; exit 1; }

sed -i '$d' src/signup.py   # remove the second alias
git add -A
if ! pre-commit run --all-files > "$work/out.txt" 2>&1; then
  cat "$work/out.txt"
  echo "pre-commit: expected the hook to pass once fixed" >&2
  exit 1
fi
echo "pre-commit hook: fails on the violation, passes once fixed"
