#!/usr/bin/env python3
"""idlint beside the tools a user would otherwise use, on the same trees, in one run.

    bench/compare.py [--bin target/release/idlint] [--sizes 10000,100000,1000000]
                     [--langs mixed,ts,python,rust] [--tree NAME=DIR ...] [--markdown FILE]
                     [--repeat 3] [--no-tools]

Generates synthetic projects with bench/generate.py (cached under
${IDLINT_BENCH_DIR:-$HOME/.cache/idlint-bench}), and runs on each tree, under /usr/bin/time -v:

  * idlint at 1 thread and at all cores (and checks its findings against EXPECTED.json);
  * Semgrep (PyPI `semgrep`, offline: local rule file, --metrics=off, no version check) and
    ast-grep (PyPI `ast-grep-cli`) with patterns equivalent to `$X.alias(...)` and
    `$X.identify(...)`, at 1 job and at all cores;
  * ripgrep (Debian `ripgrep`) on the same names: the cost of just reading the bytes.

`--tree NAME=DIR` adds a real tree (e.g. excalidraw, outline, cargo, mypy); it is skipped
when DIR is absent. The tools are installed into a scratch virtual environment by this script.
Reports wall time, CPU time, peak RSS, files/s and MB/s, and ratios measured in this run.
Fetches nothing but the tools from the package registries.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("IDLINT_BENCH_DIR", Path.home() / ".cache" / "idlint-bench"))
EXTENSIONS = {".rs", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".py"}
CORES = os.cpu_count() or 1

SEMGREP_RULES = """rules:
  - id: identity-calls
    languages: [{lang}]
    severity: INFO
    message: identity call
    pattern-either:
      - pattern: $X.alias(...)
      - pattern: $X.identify(...)
"""

AST_GREP_LANGS = {"ts": "TypeScript", "js": "JavaScript", "python": "Python", "rust": "Rust"}
SEMGREP_LANGS = {"ts": "typescript", "js": "javascript", "python": "python", "rust": "rust"}


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def ensure_tools():
    """ripgrep from Debian, Semgrep and ast-grep from PyPI into a scratch venv."""
    if shutil.which("rg") is None:
        sh(["apt-get", "update", "-qq"])
        sh(["apt-get", "install", "-y", "-qq", "ripgrep"])
    if not Path("/usr/bin/time").exists():
        sh(["apt-get", "install", "-y", "-qq", "time"])
    venv = CACHE / "venv"
    if not (venv / "bin" / "semgrep").exists() or not (venv / "bin" / "ast-grep").exists():
        sh([sys.executable, "-m", "venv", str(venv)])
        sh([str(venv / "bin" / "pip"), "install", "-q", "semgrep", "ast-grep-cli"])
    return venv / "bin"


def measured(cmd, cwd=None, env=None):
    """Runs `cmd` under /usr/bin/time -v: (wall s, cpu s, peak RSS MB, exit, stdout)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        start = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-v", "-o", t.name, *cmd], cwd=cwd, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        wall = time.monotonic() - start
        fields = {}
        for line in Path(t.name).read_text().splitlines():
            key, _, value = line.strip().rpartition(": ")
            fields[key] = value
    cpu = float(fields.get("User time (seconds)", 0)) + float(fields.get("System time (seconds)", 0))
    rss = int(fields.get("Maximum resident set size (kbytes)", 0)) / 1024
    return wall, cpu, rss, p.returncode, p.stdout


def best_of(repeat, cmd, **kw):
    runs = [measured(cmd, **kw) for _ in range(repeat)]
    return min(runs, key=lambda r: r[0])


def tree_size(root):
    files = size = 0
    for path in Path(root).rglob("*"):
        if path.suffix in EXTENSIONS and path.is_file() and "node_modules" not in path.parts:
            files += 1
            size += path.stat().st_size
    return files, size


def languages_of(root):
    found = set()
    for path in Path(root).rglob("*"):
        if path.suffix == ".rs":
            found.add("rust")
        elif path.suffix in (".ts", ".tsx", ".mts", ".cts"):
            found.add("ts")
        elif path.suffix in (".js", ".jsx", ".mjs", ".cjs"):
            found.add("js")
        elif path.suffix == ".py":
            found.add("python")
    return sorted(found)


def generated_tree(lang, lines):
    # Keyed by the generator's text too: a changed generator makes a new tree.
    version = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:12]
    root = CACHE / "trees" / f"{lang}-{lines}-{version}"
    if not (root / "EXPECTED.json").exists():
        shutil.rmtree(root, ignore_errors=True)
        sh([sys.executable, str(HERE / "generate.py"), "--lang", lang, "--lines", str(lines),
            "--out", str(root)], stdout=subprocess.DEVNULL)
    return root


def run_tools(name, root, binary, tools, repeat):
    files, size = tree_size(root)
    rows = []
    expected = None
    if (Path(root) / "EXPECTED.json").exists():
        expected = json.loads((Path(root) / "EXPECTED.json").read_text())
    for threads in (1, CORES):
        wall, cpu, rss, code, out = best_of(
            # Without the on-disk cache: every run does the whole work, as the other tools do.
            repeat, [binary, "check", "--no-cache", "--format", "json", "--threads", str(threads),
                     str(root)])
        verdict = ""
        try:
            found = {}
            for d in json.loads(out)["diagnostics"]:
                found[d["rule"]] = found.get(d["rule"], 0) + 1
            if expected is not None:
                verdict = "answer ok" if found == expected else f"WRONG ANSWER {found} != {expected}"
            else:
                verdict = ", ".join(f"{k} {v}" for k, v in sorted(found.items())) or "no findings"
        except (json.JSONDecodeError, KeyError):
            verdict = f"exit {code}, no report"
        rows.append(("idlint", threads, wall, cpu, rss, verdict))
    if tools:
        langs = languages_of(root)
        with tempfile.TemporaryDirectory() as tmp:
            rule_files = []
            for lang in langs:
                path = Path(tmp) / f"semgrep-{lang}.yml"
                path.write_text(SEMGREP_RULES.format(lang=SEMGREP_LANGS[lang]))
                rule_files += ["--config", str(path)]
            (Path(tmp) / ".semgrepignore").write_text("")
            env = dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")
            for jobs in (1, CORES):
                wall, cpu, rss, code, out = best_of(
                    repeat, [str(tools / "semgrep"), "scan", "--metrics=off", "--disable-version-check",
                             "--quiet", "--json", "-j", str(jobs), *rule_files, str(root)], env=env, cwd=tmp)
                hits = len(json.loads(out)["results"]) if code in (0, 1) and out.strip() else "error"
                rows.append(("semgrep", jobs, wall, cpu, rss, f"{hits} matches"))
            for jobs in (1, CORES):
                total = (0.0, 0.0, 0.0)
                hits = 0
                for lang in langs:
                    for pattern in ("$X.alias($$$A)", "$X.identify($$$A)"):
                        wall, cpu, rss, code, out = best_of(
                            repeat, [str(tools / "ast-grep"), "run", "--pattern", pattern, "--lang",
                                     AST_GREP_LANGS[lang], "--json=compact", "-j", str(jobs), str(root)])
                        hits += len(json.loads(out or "[]"))
                        total = (total[0] + wall, total[1] + cpu, max(total[2], rss))
                rows.append(("ast-grep", jobs, *total, f"{hits} matches"))
        wall, cpu, rss, code, out = best_of(repeat, ["rg", "-c", r"\.(alias|identify)\(", str(root)])
        rows.append(("rg", CORES, wall, cpu, rss, "reads the bytes"))
    return name, files, size, rows


def render(results):
    out = ["| tree | files | MB | tool | threads | wall s | CPU s | peak RSS MB | files/s | MB/s | vs idlint | answer |",
           "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, files, size, rows in results:
        base = {threads: wall for tool, threads, wall, *_ in rows if tool == "idlint"}
        for tool, threads, wall, cpu, rss, verdict in rows:
            reference = base.get(threads, base.get(CORES))
            ratio = f"{wall / reference:.1f}×" if reference and tool != "idlint" else ""
            mb = size / 1e6
            out.append(f"| {name} | {files} | {mb:.1f} | {tool} | {threads} | {wall:.2f} | {cpu:.2f} | "
                       f"{rss:.0f} | {files / wall:.0f} | {mb / wall:.1f} | {ratio} | {verdict} |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="target/release/idlint")
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--langs", default="mixed")
    ap.add_argument("--tree", action="append", default=[], help="NAME=DIR: a real tree, skipped if absent")
    ap.add_argument("--markdown")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-tools", action="store_true", help="idlint only (the CI smoke run)")
    args = ap.parse_args()
    binary = str(Path(args.bin).resolve())
    tools = None if args.no_tools else ensure_tools()
    results = []
    failed = False
    for lang in args.langs.split(","):
        for lines in (int(s) for s in args.sizes.split(",")):
            root = generated_tree(lang, lines)
            result = run_tools(f"{lang} {lines // 1000}k lines", root, binary, tools, args.repeat)
            failed |= any("WRONG" in row[-1] or "no report" in row[-1] for row in result[3])
            results.append(result)
            print(render([result]), flush=True)
    for spec in args.tree:
        name, _, folder = spec.partition("=")
        if not Path(folder).is_dir():
            print(f"skipping {name}: {folder} is absent", file=sys.stderr)
            continue
        results.append(run_tools(name, folder, binary, tools, args.repeat))
        print(render([results[-1]]), flush=True)
    table = render(results)
    machine = f"{CORES} cores, {os.uname().machine}, {time.strftime('%Y-%m-%d')}"
    if args.markdown:
        Path(args.markdown).write_text(f"Machine: {machine}\n\n{table}")
    print(table)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
