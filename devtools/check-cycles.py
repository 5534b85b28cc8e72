#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check that lib/eal_iommu has no include cycle and no call cycle.

Include graph: the .c/.h files of lib/eal_iommu (all subdirectories), an
edge A -> B when A includes B ("B" or <B>, resolved by basename).
Call graph: the objects of the built static library, an edge A -> B when
A.o references a global symbol that B.o defines; symbols from outside the
library (DPDK, libc) are ignored. Every strongly connected component with
more than one node, and every self-include, is a cycle.

Prints the cycles, then "PASS layers_check" or "FAIL layers_check: N include
cycle(s), M call cycle(s)"; exits 0 on PASS, 1 on FAIL, 2 on a usage error
(no sources or no objects found, nm missing).

  check-cycles.py [--build-dir DIR] [--lib-dir DIR]
  check-cycles.py --self-test      (prints "PASS layers_check_selftest")

Without --build-dir, the build directory devtools/lib.sh chooses.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

DEVTOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(DEVTOOLS_DIR)
LIB_SUBDIR = os.path.join("lib", "eal_iommu")
ARCHIVE = "librte_eal_iommu.a"

INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*[<"]([^>"]+)[>"]', re.M)
COMMENT_RE = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
# nm symbol types of a global definition (lower case = local, ignored).
DEFINED_TYPES = set("TDBRCGSVWiu")
UNDEFINED_TYPES = set("Uvw")


class UsageError(Exception):
    pass


def strongly_connected(graph):
    """Tarjan's algorithm, iterative. graph: {node: iterable of nodes}.
    Returns the components (sorted lists), each in no particular order."""
    nodes = set(graph)
    for succ in graph.values():
        nodes.update(succ)
    index, low, on_stack, stack, comps = {}, {}, set(), [], []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for succ in it:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph.get(succ, ())))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    n = stack.pop()
                    on_stack.discard(n)
                    comp.append(n)
                    if n == node:
                        break
                comps.append(sorted(comp))
    return comps


def cycles(graph):
    """The cycles of graph: components with more than one node, and
    single nodes with an edge to themselves. Sorted lists of nodes."""
    found = [c for c in strongly_connected(graph)
             if len(c) > 1 or c[0] in graph.get(c[0], ())]
    return sorted(found)


# ---- include graph ---------------------------------------------------------

def source_files(lib_dir):
    files = []
    for dirpath, dirnames, filenames in os.walk(lib_dir):
        dirnames.sort()
        for f in sorted(filenames):
            if f.endswith((".c", ".h")):
                files.append(os.path.relpath(os.path.join(dirpath, f), lib_dir))
    return files


def include_graph(lib_dir):
    """{file: {included file: line}} over the .c/.h files of lib_dir,
    paths relative to lib_dir."""
    files = source_files(lib_dir)
    if not files:
        raise UsageError("no .c/.h files in " + lib_dir)
    by_name = {}
    for f in files:
        by_name.setdefault(os.path.basename(f), []).append(f)
    graph = {}
    for f in files:
        with open(os.path.join(lib_dir, f), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        # Blank comments out but keep the newlines, for the line numbers.
        text = COMMENT_RE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
        edges = graph.setdefault(f, {})
        for m in INCLUDE_RE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            for target in by_name.get(os.path.basename(m.group(1)), ()):
                edges.setdefault(target, line)
    return graph


def report(kind, found, graph, edge_text, out):
    """Print each cycle in found with the edges inside it; return the count."""
    for i, comp in enumerate(found, 1):
        members = set(comp)
        print("%s cycle %d: %s" % (kind, i, " ".join(comp)), file=out)
        for a in comp:
            for b, what in sorted(graph[a].items()):
                if b in members:
                    print("  " + edge_text(a, b, what), file=out)
    return len(found)


def report_includes(graph, out):
    return report("include", cycles(graph), graph,
                  lambda a, b, line: "%s:%d includes %s" % (a, line, b), out)


# ---- call graph ------------------------------------------------------------

def find_objects(build_dir):
    """The nm inputs for the library: the static archive, else its objects."""
    lib_build = os.path.join(build_dir, LIB_SUBDIR)
    archive = os.path.join(lib_build, ARCHIVE)
    if os.path.isfile(archive):
        return [archive]
    objs = sorted(glob.glob(os.path.join(lib_build, ARCHIVE + ".p", "*.o")))
    if objs:
        return objs
    raise UsageError("no %s and no objects in %s.p under %s: build the project first"
                     % (ARCHIVE, ARCHIVE, lib_build))


def parse_nm(text):
    """Parse "nm -A -P" output into {unit: (defined set, undefined set)}.
    Lines are "file.o: sym T value size" or "lib.a[file.o]: sym U"."""
    units = {}
    for line in text.splitlines():
        where, sep, rest = line.partition(": ")
        if not sep:
            continue
        fields = rest.split()
        if len(fields) < 2 or len(fields[1]) != 1:
            continue
        m = re.search(r"\[([^\]]+)\]$", where)
        unit = os.path.basename(m.group(1) if m else where)
        sym, kind = fields[0], fields[1]
        defined, undefined = units.setdefault(unit, (set(), set()))
        if kind in DEFINED_TYPES:
            defined.add(sym)
        elif kind in UNDEFINED_TYPES:
            undefined.add(sym)
    return units


def read_units(build_dir):
    inputs = find_objects(build_dir)
    try:
        res = subprocess.run(["nm", "-A", "-P"] + inputs, capture_output=True,
                             text=True, check=False)
    except FileNotFoundError:
        raise UsageError("nm not found (binutils)")
    if res.returncode != 0:
        raise UsageError("nm failed: " + res.stderr.strip())
    units = parse_nm(res.stdout)
    if not units:
        raise UsageError("no objects in " + " ".join(inputs))
    return units


def warn_if_stale(lib_dir, build_dir):
    """The call graph is the last build's: say so when a source is newer."""
    try:
        built = min(os.path.getmtime(p) for p in find_objects(build_dir))
    except (UsageError, OSError):
        return
    newer = [f for f in source_files(lib_dir) if f.endswith(".c") and
             os.path.getmtime(os.path.join(lib_dir, f)) > built]
    if newer:
        print("warning: %s newer than the build in %s: run ninja first"
              % (" ".join(newer), build_dir), file=sys.stderr)


def call_graph(units):
    """{unit: {unit it references: sorted symbols}}; symbols no unit of
    the library defines are ignored."""
    definer = {}
    for unit, (defined, _) in sorted(units.items()):
        for sym in defined:
            definer.setdefault(sym, unit)
    graph = {}
    for unit, (_, undefined) in units.items():
        edges = graph.setdefault(unit, {})
        for sym in undefined:
            target = definer.get(sym)
            if target is not None and target != unit:
                edges.setdefault(target, []).append(sym)
        for syms in edges.values():
            syms.sort()
    return graph


def call_edge_text(a, b, syms):
    more = " (+%d more)" % (len(syms) - 2) if len(syms) > 2 else ""
    return "%s -> %s: %s%s" % (a, b, ", ".join(syms[:2]), more)


def report_calls(graph, out):
    found = [c for c in cycles(graph) if len(c) > 1]
    return report("call", found, graph, call_edge_text, out)


# ---- main ------------------------------------------------------------------

def check(lib_dir, units, out):
    """Print the cycles and the result line; return the exit code."""
    if not units:
        raise UsageError("no objects: nothing to check the call graph on")
    n_inc = report_includes(include_graph(lib_dir), out)
    n_call = report_calls(call_graph(units), out)
    if n_inc or n_call:
        print("FAIL layers_check: %d include cycle(s), %d call cycle(s)"
              % (n_inc, n_call), file=out)
        return 1
    print("PASS layers_check", file=out)
    return 0


def self_test():
    """Run check() on a tree and objects with cycles and on ones without;
    it must FAIL on the first and PASS on the second."""
    import io

    def write(root, files):
        for name, text in files.items():
            path = os.path.join(root, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)

    good_tree = {
        "a.c": '#include <stdio.h>\n#include "a.h"\n#include "b.h"\n',
        "a.h": '#include "include/pub.h"\n',
        "b.h": "#include <pub.h>\n/* #include \"a.c\" */\n// #include \"b.h\"\n",
        "include/pub.h": "#include <rte_common.h>\n",
    }
    bad_tree = dict(good_tree)
    bad_tree["include/pub.h"] = '#include "a.h"\n'    # a.h -> pub.h -> a.h
    bad_tree["c.h"] = ' #  include "c.h"\n'             # self-include
    nm_good = ("lib.a[a.c.o]: a_fn T 0 10\nlib.a[a.c.o]: b_fn U\n"
               "lib.a[a.c.o]: rte_malloc U\nlib.a[a.c.o]: helper t 10 4\n"
               "lib.a[b.c.o]: b_fn T 0 10\nlib.a[b.c.o]: b_var D 0 4\n"
               "lib.a[b.c.o]: helper U\nlib.a[b.c.o]: malloc U\n"
               "lib.a[c.c.o]: c_fn T 0 10\nlib.a[c.c.o]: b_var U\n")
    nm_bad = nm_good + ("lib.a[b.c.o]: c_fn U\n"       # b -> c -> b
                        "lib.a[c.c.o]: c_other T 10 4\n")
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = [("acyclic", good_tree, nm_good, 0, "PASS layers_check\n"),
                 ("cyclic", bad_tree, nm_bad, 1,
                  "FAIL layers_check: 2 include cycle(s), 1 call cycle(s)\n")]
        for name, tree, nm_text, want_rc, want_last in cases:
            root = os.path.join(tmp, name)
            write(root, tree)
            out = io.StringIO()
            rc = check(root, parse_nm(nm_text), out)
            text = out.getvalue()
            print("--- %s:\n%s" % (name, text), end="")
            if rc != want_rc or not text.endswith(want_last):
                errors.append("%s: exit %d, want %d" % (name, rc, want_rc))
        for want in ("include cycle 1: a.h include/pub.h",
                     "  include/pub.h:1 includes a.h",
                     "include cycle 2: c.h",
                     "call cycle 1: b.c.o c.c.o",
                     "  b.c.o -> c.c.o: c_fn",
                     "  c.c.o -> b.c.o: b_var"):
            if want not in text.splitlines():
                errors.append("cyclic: no line %r" % want)
        # Local helper (t) and outside symbols make no edge.
        graph = call_graph(parse_nm(nm_good))
        if graph != {"a.c.o": {"b.c.o": ["b_fn"]}, "b.c.o": {},
                     "c.c.o": {"b.c.o": ["b_var"]}}:
            errors.append("call graph of acyclic objects: %r" % graph)
        for nm_text in ("", "x.o: garbage\nx.o:\n"):
            try:
                check(root, parse_nm(nm_text), io.StringIO())
                errors.append("check accepted no objects: %r" % nm_text)
            except UsageError:
                pass
        try:
            find_objects(os.path.join(tmp, "no-build"))
            errors.append("find_objects accepted a build dir without objects")
        except UsageError:
            pass
    # A long chain must not hit the recursion limit, a ring is one cycle.
    n = 5000
    chain = {i: [i + 1] for i in range(n)}
    if cycles(chain):
        errors.append("cycle found in a chain")
    chain[n] = [0]
    if len(cycles(chain)) != 1 or len(cycles(chain)[0]) != n + 1:
        errors.append("ring of %d not found as one cycle" % (n + 1))
    for e in errors:
        print("error: " + e)
    if errors:
        print("FAIL layers_check_selftest: %d error(s)" % len(errors))
        return 1
    print("PASS layers_check_selftest")
    return 0


def default_build_dir():
    """BUILD_DIR as devtools/lib.sh determines it."""
    res = subprocess.run(["bash", "-c", '. "$1" && printf %s "$BUILD_DIR"', "-",
                          os.path.join(DEVTOOLS_DIR, "lib.sh")],
                         capture_output=True, text=True, check=False)
    if res.returncode != 0 or not res.stdout:
        raise UsageError("cannot determine the build dir: pass --build-dir")
    return res.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", help="the project's meson build directory")
    ap.add_argument("--lib-dir", default=os.path.join(REPO_DIR, LIB_SUBDIR),
                    help="the library's sources (default: %(default)s)")
    ap.add_argument("--self-test", action="store_true",
                    help="check the checker on synthetic inputs")
    args = ap.parse_args()       # exits 2 on a usage error
    if args.self_test:
        return self_test()
    try:
        build_dir = args.build_dir or default_build_dir()
        if not os.path.isdir(build_dir):
            raise UsageError("no build directory " + build_dir)
        if not os.path.isdir(args.lib_dir):
            raise UsageError("no library directory " + args.lib_dir)
        units = read_units(build_dir)
        warn_if_stale(args.lib_dir, build_dir)
        return check(args.lib_dir, units, sys.stdout)
    except UsageError as e:
        print("error: %s" % e, file=sys.stderr)
        print("FAIL layers_check: %s" % e)
        return 2


if __name__ == "__main__":
    sys.exit(main())
