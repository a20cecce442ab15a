#!/usr/bin/env python3
"""Generates a large synthetic project with a known number of identity mistakes.

    bench/generate.py --lang rust|js|ts|python|mixed --lines N --out DIR [--seed S]

About 1% of the files touch the Mixpanel SDK through a wrapper module, and each of those
plants exactly one `alias-twice` (a sign-up that links the account through the wrapper twice)
next to correct look-alikes (login identifies, logout resets, a batch job aliases each user
once). The other 99% is ordinary code: classes, many calls across files, loops, deep nesting,
some very long files. `DIR/EXPECTED.json` records the planted findings, so a benchmark run
also checks the answer.
"""

import argparse
import json
import random
from pathlib import Path

LINES_PER_FILE = 300
TRACKING_SHARE = 0.01


def ordinary_js(rng, index, files, typed):
    """An ordinary module: a class, helpers calling helpers in other modules, nesting."""
    ann = (lambda t: f": {t}") if typed else (lambda t: "")
    out = []
    peers = sorted({rng.randrange(files) for _ in range(3)} - {index})
    for peer in peers:
        out.append(f"import {{ helper{peer}_0 }} from './m{peer}';")
    out.append(f"export class Store{index} {{")
    out.append(f"  private items{ann('number[]')} = [];" if typed else "  items = [];")
    out.append(f"  add(value{ann('number')}) {{ this.items.push(value); return this.items.length; }}")
    out.append("}")
    n = 0
    while len(out) < LINES_PER_FILE * (8 if index % 97 == 0 else 1):
        out.append(f"export function helper{index}_{n}(a{ann('number')}, b{ann('number')}) {{")
        out.append("  let total = 0;")
        depth = rng.randrange(2, 9)
        for d in range(depth):
            out.append("  " * (d + 1) + f"for (let i{d} = 0; i{d} < a; i{d}++) {{ if (i{d} % 3 === b) {{")
        out.append("  " * (depth + 1) + "total += a * b;")
        for d in reversed(range(depth)):
            out.append("  " * (d + 1) + "} }")
        for peer in peers:
            out.append(f"  total += helper{peer}_0(total, b);")
        if n > 0:
            out.append(f"  total += helper{index}_{n - 1}(a, b);")
        out.append("  return total;")
        out.append("}")
        n += 1
    return "\n".join(out) + "\n"


def tracking_js(index):
    """A wrapper module and its callers: one planted alias-twice, the rest correct."""
    return f"""import mixpanel from 'mixpanel-browser';

export function linkAccount{index}(user) {{
  mixpanel.alias(user.id);
}}

export function signup{index}(user, form) {{
  linkAccount{index}(user);
  if (form.newsletter) {{
    mixpanel.track('Newsletter', {{ plan: form.plan }});
  }}
  linkAccount{index}(user);
}}

export function signIn{index}(user) {{
  mixpanel.identify(user.id);
  mixpanel.track('Signed in');
}}

export function signOut{index}() {{
  mixpanel.track('Signed out');
  mixpanel.reset();
}}
"""


def ordinary_python(rng, index, files):
    out = []
    peers = sorted({rng.randrange(files) for _ in range(3)} - {index})
    for peer in peers:
        out.append(f"from .m{peer} import helper{peer}_0")
    out.append("")
    out.append(f"class Store{index}:")
    out.append("    def __init__(self):")
    out.append("        self.items = []")
    out.append("")
    out.append("    def add(self, value):")
    out.append("        self.items.append(value)")
    out.append("        return len(self.items)")
    out.append("")
    n = 0
    while len(out) < LINES_PER_FILE * (8 if index % 97 == 0 else 1):
        out.append(f"def helper{index}_{n}(a, b):")
        out.append("    total = 0")
        depth = rng.randrange(2, 9)
        for d in range(depth):
            out.append("    " * (d + 1) + f"for i{d} in range(a):")
            out.append("    " * (d + 2) + f"if i{d} % 3 == b:")
            out.append("    " * (d + 3) + "total += a * b")
        for peer in peers:
            out.append(f"    total += helper{peer}_0(total, b)")
        if n > 0:
            out.append(f"    total += helper{index}_{n - 1}(a, b)")
        out.append("    return total")
        out.append("")
        n += 1
    return "\n".join(out) + "\n"


def tracking_python(index):
    return f"""from mixpanel import Mixpanel

mp = Mixpanel("token")


def link_account_{index}(user_id, anon_id):
    mp.alias(user_id, anon_id)


def signup_{index}(user_id, anon_id, form):
    link_account_{index}(user_id, anon_id)
    if form.get("newsletter"):
        mp.track(anon_id, "Newsletter", {{"plan": form["plan"]}})
    link_account_{index}(user_id, anon_id)


def backfill_{index}(users):
    for user in users:
        mp.alias(user.id, user.anon_id)
"""


def ordinary_rust(rng, index, files):
    out = []
    peers = sorted({rng.randrange(files) for _ in range(3)} - {index})
    out.append(f"pub struct Store{index} {{ items: Vec<u64> }}")
    out.append(f"impl Store{index} {{")
    out.append("    pub fn add(&mut self, value: u64) -> usize { self.items.push(value); self.items.len() }")
    out.append("}")
    n = 0
    while len(out) < LINES_PER_FILE * (8 if index % 97 == 0 else 1):
        out.append(f"pub fn helper{index}_{n}(a: u64, b: u64) -> u64 {{")
        out.append("    let mut total = 0;")
        depth = rng.randrange(2, 9)
        for d in range(depth):
            out.append("    " * (d + 1) + f"for i{d} in 0..a {{ if i{d} % 3 == b {{")
        out.append("    " * (depth + 1) + "total += a * b;")
        for d in reversed(range(depth)):
            out.append("    " * (d + 1) + "} }")
        for peer in peers:
            out.append(f"    total += crate::m{peer}::helper{peer}_0(total, b);")
        if n > 0:
            out.append(f"    total += helper{index}_{n - 1}(a, b);")
        out.append("    total")
        out.append("}")
        n += 1
    return "\n".join(out) + "\n"


def tracking_rust(index):
    return f"""use mixpanel_rs::Mixpanel;

pub async fn link_account_{index}(mp: &Mixpanel, anon: &str, id: &str) {{
    mp.alias(anon, id).await.ok();
}}

pub async fn signup_{index}(mp: &Mixpanel, anon: &str, id: &str, newsletter: bool) {{
    link_account_{index}(mp, anon, id).await;
    if newsletter {{
        crate::m{index}::helper{index}_0(1, 2);
    }}
    link_account_{index}(mp, anon, id).await;
}}

pub async fn backfill_{index}(mp: &Mixpanel, users: &[User]) {{
    for user in users {{
        mp.alias(&user.anon, &user.id).await.ok();
    }}
}}
"""


def write_part(root, lang, lines, rng):
    """One language's project under `root`; returns the number of planted findings."""
    files = max(2, lines // LINES_PER_FILE)
    tracking = sorted(rng.sample(range(files), max(1, round(files * TRACKING_SHARE))))
    if lang == "rust":
        src = root / "src"
        src.mkdir(parents=True, exist_ok=True)
        (root / "Cargo.toml").write_text('[package]\nname = "bench"\nversion = "0.1.0"\n\n[dependencies]\nmixpanel-rs = "0.3"\n')
        mods = [f"pub mod m{i};" for i in range(files)] + [f"pub mod t{i};" for i in tracking]
        (src / "lib.rs").write_text("\n".join(mods) + "\n")
        for i in range(files):
            (src / f"m{i}.rs").write_text(ordinary_rust(rng, i, files))
        for i in tracking:
            (src / f"t{i}.rs").write_text(tracking_rust(i))
    elif lang in ("js", "ts"):
        ext = "ts" if lang == "ts" else "js"
        root.mkdir(parents=True, exist_ok=True)
        (root / "package.json").write_text('{"name": "bench", "dependencies": {"mixpanel-browser": "^2.55.0"}}\n')
        for i in range(files):
            (root / f"m{i}.{ext}").write_text(ordinary_js(rng, i, files, lang == "ts"))
        for i in tracking:
            (root / f"t{i}.{ext}").write_text(tracking_js(i))
    elif lang == "python":
        pkg = root / "app"
        pkg.mkdir(parents=True, exist_ok=True)
        (pkg / "__init__.py").write_text("")
        for i in range(files):
            (pkg / f"m{i}.py").write_text(ordinary_python(rng, i, files))
        for i in tracking:
            (pkg / f"t{i}.py").write_text(tracking_python(i))
    else:
        raise SystemExit(f"unknown language {lang}")
    return len(tracking)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lang", required=True, choices=["rust", "js", "ts", "python", "mixed"])
    ap.add_argument("--lines", type=int, required=True, help="about this many lines in all")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} exists and is not empty")
    langs = ["rust", "ts", "js", "python"] if args.lang == "mixed" else [args.lang]
    planted = 0
    for lang in langs:
        root = out / lang if len(langs) > 1 else out
        planted += write_part(root, lang, args.lines // len(langs), rng)
    (out / "EXPECTED.json").write_text(json.dumps({"alias-twice": planted}) + "\n")
    print(f"{out}: {planted} planted alias-twice")


if __name__ == "__main__":
    main()
