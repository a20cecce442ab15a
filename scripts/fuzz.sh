#!/usr/bin/env bash
# Fuzzes every frontend (rust, javascript, typescript, python) and the configuration parser
# (config) for SECONDS each (default 60), seeded with the fixtures. Installs cargo-fuzz if it
# is missing. Crashing inputs land in fuzz/artifacts/<target>/; replay one with
# `RUSTC_BOOTSTRAP=1 cargo fuzz run <target> <file>` in fuzz/.
set -uo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked || exit 2
fi
# cargo-fuzz needs nightly features (sanitizers, -Z flags): this lets a stable toolchain
# provide them. It changes nothing on nightly.
export RUSTC_BOOTSTRAP=1

cd "$root/fuzz" || exit 2

# Configuration seeds: every TOML file of the fixtures, behind the byte that makes the target
# read it as the kind of file it is (0: idlint.toml, 1: pyproject.toml, 2: Cargo.toml).
mkdir -p corpus/config
if [ -z "$(ls -A corpus/config)" ]; then
    n=0
    while IFS= read -r -d '' file; do
        case "$(basename "$file")" in
            pyproject.toml) kind='\001' ;;
            Cargo.toml) kind='\002' ;;
            *) kind='\000' ;;
        esac
        { printf "$kind"; cat "$file"; } > "corpus/config/seed-$n"
        n=$((n + 1))
    done < <(find "$root/fixtures" -name '*.toml' -print0)
fi

seeds() {
    case "$1" in
        rust) echo "$root/fixtures/rust $root/fixtures/demo-rust" ;;
        javascript) echo "$root/fixtures/javascript $root/fixtures/demo-web" ;;
        typescript) echo "$root/fixtures/typescript $root/fixtures/demo-web" ;;
        python) echo "$root/fixtures/python $root/fixtures/demo-python" ;;
        *) echo "" ;;
    esac
}

failed=()
for target in rust javascript typescript python config; do
    mkdir -p "corpus/$target"
    echo "== fuzzing $target for ${seconds}s"
    # shellcheck disable=SC2046 # the seed directories are split on purpose
    # -timeout: an input that takes this long is reported (a hang or a blow-up is a bug too).
    if ! cargo fuzz run "$target" "corpus/$target" $(seeds "$target") -- \
        -max_total_time="$seconds" -timeout=20 -print_final_stats=1; then
        failed+=("$target")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "crashes in: ${failed[*]} (inputs in fuzz/artifacts/)"
    exit 1
fi
echo "no crashes"
