#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check that every piece of lib/eal_iommu's state has the one owner
doc/guides/design.rst names ("State and its owners"), and nobody else
reaches it.

A file owns state when it defines a mutable file-scope variable ("static",
not "static const", outside any function). The check fails when
- a file defines state but is not in the owner table, or a file in the
  table defines none (the table is stale);
- a file defines a mutable variable that is not static (state other files
  could reach), except the ones the public fast path must export
  (ALLOWED_GLOBALS);
- a header declares an extern variable (state reached around its owner's
  functions), except ALLOWED_GLOBALS;
- the IOAS's own struct (struct iommu_ioas) is defined outside
  iommu_ioas.c, so its fields would be reachable there.

Prints what it found, then "PASS owners_check" or "FAIL owners_check: N
problem(s)"; exits 0 or 1.

  check-owners.py [--lib DIR] [--design RST]
  check-owners.py --self-test   (prints "PASS owners_check_selftest")
"""
import argparse
import glob
import os
import re
import sys
import tempfile

DEVTOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(DEVTOOLS_DIR)

# Read inline by applications (rte_eal_iommu_lookup.h), and the log type
# RTE_LOG_REGISTER_DEFAULT defines.
ALLOWED_GLOBALS = {"rte_eal_iommu_xlate", "eal_iommu_logtype"}

STATIC_VAR = re.compile(r"^static\s+(?!const\b)(?!inline\b)[^()]*?(\w+)\s*(\[[^]]*\])?\s*(=.*)?;")
STATIC_ANON = re.compile(r"^static\s+(?!const\b)struct\s*\{")
STATIC_INIT = re.compile(r"^static\s+(?!const\b)(?!inline\b)[^()]*?(\w+)\s*(\[[^]]*\])?\s*=\s*\{")
GLOBAL_VAR = re.compile(r"^(?!static\b)(?!extern\b)(?!typedef\b)(?!return\b)(struct\s+\w+|[a-z_]\w*)\s+\**(\w+)\s*(\[[^]]*\])?\s*(=[^;]*)?;")
EXTERN_VAR = re.compile(r"^extern\s+[^()]*?(\w+)\s*(\[[^]]*\])?;")
IOAS_STRUCT = re.compile(r"^struct\s+iommu_ioas\s*\{")


def owner_table(design):
    """The files named in the first column of the owner table."""
    text = open(design).read()
    start = text.find("State and its owners")
    if start < 0:
        return None
    table = text[start:].split("\n\n", 3)
    rows = re.findall(r"^``(\w+\.c)``", "\n".join(table[:3]), re.M)
    return set(rows)


def scan(path):
    """(state, globals, externs, ioas_struct) of one file, file scope only."""
    state, globals_, externs, ioas = [], [], [], False
    depth = 0
    for line in open(path, errors="replace"):
        code = re.sub(r"/\*.*?\*/|//.*", "", line).rstrip()
        if depth == 0:
            if STATIC_VAR.match(code) or STATIC_INIT.match(code) or STATIC_ANON.match(code):
                state.append(code.strip())
            m = GLOBAL_VAR.match(code)
            if m and m.group(2) not in ALLOWED_GLOBALS:
                globals_.append(m.group(2))
            m = EXTERN_VAR.match(code)
            if m and m.group(1) not in ALLOWED_GLOBALS:
                externs.append(m.group(1))
            if IOAS_STRUCT.match(code):
                ioas = True
        depth += code.count("{") - code.count("}")
        depth = max(depth, 0)
    return state, globals_, externs, ioas


def check(lib, design):
    owners = owner_table(design)
    problems = []
    if not owners:
        return ["no owner table under 'State and its owners' in " + design]
    files = sorted(glob.glob(os.path.join(lib, "**", "*.[ch]"), recursive=True))
    if not files:
        return ["no sources in " + lib]
    have_state = set()
    for path in files:
        name = os.path.basename(path)
        state, globals_, externs, ioas = scan(path)
        if state and name.endswith(".c"):
            have_state.add(name)
            if name not in owners:
                problems.append("%s keeps state (%s) but is not in the owner table of %s"
                                % (name, state[0], os.path.relpath(design, REPO_DIR)))
        for g in globals_:
            problems.append("%s: '%s' is reachable from other files: make it static and reach it through functions"
                            % (name, g))
        for e in externs:
            problems.append("%s: extern '%s' reaches state around its owner's functions" % (name, e))
        if ioas and name != "iommu_ioas.c":
            problems.append("%s defines struct iommu_ioas: only iommu_ioas.c may see its fields" % name)
    for name in sorted(owners - have_state):
        problems.append("%s is in the owner table but keeps no state: update the table" % name)
    return problems


def self_test():
    cases = {
        "clean": ({"a.c": "static int n;\nint\nf(void)\n{\n\tstatic int local;\n\treturn n;\n}\n"},
                  ["a.c"], 0),
        "state_without_owner": ({"a.c": "static int n;\n", "b.c": "static struct {\n\tint x;\n} s;\n"},
                                ["a.c"], 1),
        "stale_row": ({"a.c": "static const int n = 1;\n"}, ["a.c"], 1),
        "global": ({"a.c": "static int n;\nint shared;\n"}, ["a.c"], 1),
        "extern": ({"a.c": "static int n;\n", "a.h": "extern int n;\n"}, ["a.c"], 1),
        "ioas_struct": ({"a.c": "static int n;\nstruct iommu_ioas {\n\tint fd;\n};\n"}, ["a.c"], 1),
    }
    failed = 0
    for name, (files, table, want) in sorted(cases.items()):
        with tempfile.TemporaryDirectory() as d:
            for f, text in files.items():
                with open(os.path.join(d, f), "w") as out:
                    out.write(text)
            design = os.path.join(d, "design.rst")
            with open(design, "w") as out:
                out.write("State and its owners\n--------------------\n\nintro\n\n"
                          "=====  =====\n" + "".join("``%s``  x\n" % t for t in table) +
                          "=====  =====\n")
            got = len(check(d, design))
            if (got > 0) != (want > 0):
                print("self-test %s: %d problem(s), want %s" % (name, got, "some" if want else "none"))
                failed += 1
    print("PASS owners_check_selftest" if failed == 0 else
          "FAIL owners_check_selftest: %d case(s)" % failed)
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lib", default=os.path.join(REPO_DIR, "lib", "eal_iommu"))
    ap.add_argument("--design", default=os.path.join(REPO_DIR, "doc", "guides", "design.rst"))
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    problems = check(args.lib, args.design)
    for p in problems:
        print(p)
    if problems:
        print("FAIL owners_check: %d problem(s)" % len(problems))
        return 1
    print("PASS owners_check")
    return 0


if __name__ == "__main__":
    sys.exit(main())
