#!/usr/bin/env bash
# Renders the identity-flow graph of a demo with Graphviz (Debian package `graphviz`), for the
# README: scripts/render-graph.sh [fixtures/demo-web] [docs/demo-web-graph.png]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
demo=${1:-fixtures/demo-web}
out=${2:-docs/demo-web-graph.png}
command -v dot >/dev/null || { echo "install Graphviz first: apt-get install graphviz" >&2; exit 2; }
cd "$root"
cargo run --quiet --release -- graph "$demo" | dot -Tpng -Gdpi=110 -o "$out"
echo "wrote $out"
