#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check that doc/guides/api.rst documents the whole API, and nothing else.

Required: every global name of lib/eal_iommu/version.map and
drivers/bus/iommufd/version.map (EXPERIMENTAL and INTERNAL alike), and
every function (prototypes and static inline definitions), struct and
enum tag, enumerator and macro (but the include guard) of the public
headers lib/eal_iommu/include/*.h. A name is documented when api.rst
declares it with a Sphinx C directive (.. c:function::, c:struct::,
c:enum::, c:enumerator::, c:macro::, c:var::, c:type::).

Stale: a name of the project's namespaces (rte_eal_iommu*,
__rte_eal_iommu*, RTE_EAL_IOMMU*, eal_iommu_*) that api.rst mentions
anywhere, directive or text, but that no longer occurs in the version
maps, the public headers or the internal headers
(lib/eal_iommu/driver/*.h, lib/eal_iommu/eal_iommu_test_hooks.h).
File names (rte_eal_iommu.h, lib/eal_iommu/...) are not names.

Prints the missing and stale names, then "PASS api_doc_check" or "FAIL
api_doc_check". --self-test runs the check on a made-up tree and proves
that it catches a missing and a stale name.

    devtools/check-api-doc.py [--repo DIR]
    devtools/check-api-doc.py --self-test
"""

import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_common  # noqa: E402

VERSION_MAPS = ("lib/eal_iommu/version.map", "drivers/bus/iommufd/version.map")
PUBLIC_HEADERS = "lib/eal_iommu/include/*.h"
INTERNAL_HEADERS = ("lib/eal_iommu/driver/*.h", "lib/eal_iommu/eal_iommu_test_hooks.h")
DOC = "doc/guides/api.rst"

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
KEYWORDS = {"const", "struct", "enum", "union", "static", "inline", "extern",
            "unsigned", "signed", "void", "int", "char", "long", "short"}
# A project name, not part of a longer word, a path or a file name.
PROJECT_NAME = re.compile(r"(?<![\w./-])((?:__)?(?:rte_eal_iommu|RTE_EAL_IOMMU|eal_iommu_)\w*)"
                          r"(?![\w/]|\.h\b)")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def version_map_names(text):
    """Global names of a version script."""
    names = set()
    for block in re.finditer(r"\{(.*?)\}", text, re.S):
        body = re.sub(r"#.*", "", block.group(1))
        # The names between "global:" and "local:" (or the block's end).
        m = re.search(r"\bglobal\s*:(.*?)(?:\blocal\s*:|$)", body, re.S)
        if m:
            names |= set(re.findall(IDENT, m.group(1)))
    return names


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def header_names(text):
    """Functions, tags, enumerators and macros a header declares."""
    names = set()
    text = strip_comments(text)
    for m in re.finditer(r"^\s*#\s*define\s+(" + IDENT + ")", text, re.M):
        if not m.group(1).endswith("_H"):
            names.add(m.group(1))
    # Preprocessor lines, and the C++ guard around everything, go.
    code = re.sub(r"^\s*#\s*ifdef\s+__cplusplus.*?^\s*#\s*endif[^\n]*", " ", text,
                  flags=re.M | re.S)
    code = re.sub(r"^\s*#(?:[^\n]*\\\n)*[^\n]*", " ", code, flags=re.M)
    for m in re.finditer(r"\b(struct|enum)\s+(" + IDENT + r")\s*\{", code):
        names.add(m.group(2))
        if m.group(1) == "enum":
            body = code[m.end():code.index("}", m.end())]
            for item in body.split(","):
                e = re.match(r"\s*(" + IDENT + ")", item)
                if e:
                    names.add(e.group(1))
    # Functions: at brace depth 0, the identifier before a statement's first "(".
    depth = 0
    stmt = ""
    for c in code:
        if depth == 0 and c in ";{":
            m = re.search(r"(" + IDENT + r")\s*\(", stmt)
            if m and not re.match(r"\s*(?:typedef\b|struct\s+\w+\s*$)", stmt):
                names.add(m.group(1))
            stmt = ""
        elif depth == 0 and c != "}":
            stmt += c
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            stmt = ""
    return names


def documented_names(doc):
    """Names declared by the C domain directives of doc."""
    names = set()
    for m in re.finditer(r"^\s*\.\.\s+c:(function|struct|enum|enumerator|macro|var|member|type)"
                         r"::\s*(.+)$", doc, re.M):
        sig = re.sub(r"=.*", "", m.group(2))
        if "(" in sig:
            sig = sig[:sig.index("(")]
        idents = [i for i in re.findall(IDENT, sig) if i not in KEYWORDS]
        if idents:
            names.add(idents[-1])
    return names


def check(repo, out=sys.stdout):
    """Print missing and stale names; return how many."""
    required = set()
    existing = set()
    for vm in VERSION_MAPS:
        text = read(os.path.join(repo, vm))
        required |= version_map_names(text)
        existing |= set(re.findall(IDENT, text))
    headers = sorted(glob.glob(os.path.join(repo, PUBLIC_HEADERS)))
    if not headers:
        print(f"no public header {PUBLIC_HEADERS}", file=out)
        return 1
    for h in headers:
        text = read(h)
        required |= header_names(text)
        existing |= set(re.findall(IDENT, text))
    for pattern in INTERNAL_HEADERS:
        for h in glob.glob(os.path.join(repo, pattern)):
            existing |= set(re.findall(IDENT, read(h)))
    doc = read(os.path.join(repo, DOC))
    documented = documented_names(doc)
    missing = sorted(required - documented)
    stale = sorted({m.group(1) for m in PROJECT_NAME.finditer(doc)} - existing)
    for name in missing:
        print(f"{DOC}: not documented: {name}", file=out)
    for name in stale:
        print(f"{DOC}: no longer exists: {name}", file=out)
    print(f"{len(required)} names required, {len(documented)} documented, "
          f"{len(missing)} missing, {len(stale)} stale", file=out)
    return len(missing) + len(stale)


def self_test():
    files = {
        "lib/eal_iommu/version.map":
            "EXPERIMENTAL {\n\tglobal:\n\n\trte_eal_iommu_a;\n\trte_eal_iommu_b;\n\n"
            "\tlocal: *;\n};\n\nINTERNAL {\n\tglobal:\n\n\teal_iommu_c;\n};\n",
        "drivers/bus/iommufd/version.map": "DPDK_23 {\n\tlocal: *;\n};\n",
        "lib/eal_iommu/include/rte_eal_iommu.h":
            "#ifndef RTE_EAL_IOMMU_H\n#define RTE_EAL_IOMMU_H\n"
            "#define RTE_EAL_IOMMU_X 1\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n"
            "/** A struct. */\nstruct rte_eal_iommu_s {\n\tint (*f)(void);\n};\n"
            "enum rte_eal_iommu_e {\n\tRTE_EAL_IOMMU_E0 = 0, /**< zero */\n"
            "\tRTE_EAL_IOMMU_E1,\n};\n"
            "__rte_experimental\nint rte_eal_iommu_a(const char *s,\n\t\tint n);\n"
            "__rte_experimental\nvoid rte_eal_iommu_b(void);\n"
            "static __rte_always_inline uint64_t\nrte_eal_iommu_inline(const void *va)\n"
            "{\n\tif (va) {\n\t\treturn f(va);\n\t}\n\treturn 0;\n}\n"
            "#ifdef __cplusplus\n}\n#endif\n#endif\n",
        "lib/eal_iommu/driver/eal_iommu_driver.h": "int eal_iommu_c(void);\n",
    }
    doc = (".. c:macro:: RTE_EAL_IOMMU_X\n.. c:struct:: rte_eal_iommu_s\n"
           ".. c:enum:: rte_eal_iommu_e\n   .. c:enumerator:: RTE_EAL_IOMMU_E0\n"
           "   .. c:enumerator:: RTE_EAL_IOMMU_E1\n"
           ".. c:function:: int rte_eal_iommu_a(const char *s, int n)\n"
           ".. c:function:: void rte_eal_iommu_b(void)\n"
           ".. c:function:: static inline uint64_t rte_eal_iommu_inline(const void *va)\n"
           ".. c:function:: int eal_iommu_c(void)\n\n"
           "See ``rte_eal_iommu.h``, lib/eal_iommu/x.c, librte_eal_iommu.so and\n"
           ":c:func:`rte_eal_iommu_a`.\n")
    failures = []
    with check_common.scratch_repo(files, DOC, check) as (_, run):
        if run(doc) != 0:
            failures.append("the complete reference does not pass")
        for gone in ("rte_eal_iommu_b(void)", "RTE_EAL_IOMMU_E1", "rte_eal_iommu_inline(",
                     "eal_iommu_c(", "RTE_EAL_IOMMU_X"):
            line = next(l for l in doc.splitlines(True) if gone in l)
            if run(doc.replace(line, "")) != 1:
                failures.append(f"a missing entry ({gone}) was not caught")
        if run(doc + "Use ``rte_eal_iommu_gone()``.\n") != 1:
            failures.append("a stale name in the text was not caught")
        if run(doc + ".. c:function:: int rte_eal_iommu_old(void)\n") != 1:
            failures.append("a stale entry was not caught")
    return check_common.report_self_test("api_doc_check", failures)


if __name__ == "__main__":
    sys.exit(check_common.main(__doc__.split("\n")[0], "api_doc_check", check, self_test))
