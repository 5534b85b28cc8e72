#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check that every error message of the plug-in is in troubleshooting.rst.

A message is the format string of an IOMMU_LOG(ERR, ...) call in
lib/eal_iommu or of a BUS_LOG(ERR, ...) call in drivers/bus/iommufd:
adjacent string literals are joined, and a macro between them (PRIx64,
KEYS_HELP) stands for variable text, as a printf conversion does.

The message is cut into fixed pieces at each conversion (%s, %u,
%" PRIx64 "...) and each macro. Its key is its leading fixed text: the
pieces from the first non-blank one on, whole words up to MIN_KEY
characters (conversions in between stand for any text). A message
is documented when its key appears inside one ``inline literal`` of
doc/guides/troubleshooting.rst, blanks compared as one space: an entry
quotes the message from its start, writing the variable parts as it likes
(D, N, 0x..., "...") and leaving out the tail if it wants.

Prints "PASS messages_check", or the undocumented messages (file:line and
key) and "FAIL messages_check". --self-test checks that the extraction
and the rule catch an undocumented message, on a made-up source tree.

    devtools/check-messages.py [--repo DIR]
    devtools/check-messages.py --self-test
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_common  # noqa: E402

SOURCES = (("lib/eal_iommu", "IOMMU_LOG"), ("drivers/bus/iommufd", "BUS_LOG"))
DOC = "doc/guides/troubleshooting.rst"
MIN_KEY = 24

STRING = r'"(?:[^"\\\n]|\\.)*"'
CONVERSION = re.compile(r"%[-+ #0]*[0-9*]*(?:\.[0-9*]+)?(?:hh|h|ll|l|j|z|t|L)?[diouxXeEfgGcsp%]?")
PUNCT = " \t:;,.=\"'"


def unescape(literal):
    """The text of a C string literal body, enough for messages."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)),
                  literal)


def messages(repo):
    """Yield (file, line, format pieces) of every ERR message in SOURCES."""
    for subdir, macro in SOURCES:
        call = re.compile(r"\b" + macro + r"\s*\(\s*ERR\s*,\s*")
        top = os.path.join(repo, subdir)
        for dirpath, _, files in os.walk(top):
            for name in sorted(files):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                for m in call.finditer(text):
                    line = text.count("\n", 0, m.start()) + 1
                    yield (os.path.relpath(path, repo), line, format_pieces(text, m.end()))


def format_pieces(text, pos):
    """The fixed pieces of the format starting at text[pos]: literals and
    macros up to the first comma or closing parenthesis outside them."""
    pieces = [""]
    token = re.compile(r"\s*(" + STRING + r"|[A-Za-z_][A-Za-z0-9_]*)")
    while True:
        m = token.match(text, pos)
        if m is None:
            break
        tok = m.group(1)
        pos = m.end()
        if tok.startswith('"'):
            # Split at conversions; "%%" is a fixed "%".
            body = unescape(tok[1:-1])
            last = 0
            for c in CONVERSION.finditer(body):
                if c.group() == "%%":
                    continue
                pieces[-1] += body[last:c.start()]
                pieces.append("")
                last = c.end()
            pieces[-1] += body[last:].replace("%%", "%")
        else:
            pieces.append("")  # a macro: variable text for this check
    return pieces


def key(pieces):
    """The leading fixed text of a message: its pieces from the first
    non-blank one on, whole words up to MIN_KEY characters."""
    pieces = [p for p in pieces if p.strip(PUNCT)]
    out = []
    length = 0
    for p in pieces:
        words = re.split(r"(?<=\S)(?=\s)", p if out else p.lstrip(PUNCT))
        taken = ""
        for w in words:
            taken += w
            if length + len(taken.strip(PUNCT)) >= MIN_KEY:
                break
        out.append(taken)
        length += len(taken.strip(PUNCT))
        if length >= MIN_KEY:
            break
    if out:
        out[-1] = out[-1].rstrip(PUNCT)
    return out


def key_text(k):
    return "...".join(k)


def key_regex(k):
    """k inside one inline literal of normalized text."""
    return re.compile("``[^`]*?" + "[^`]*?".join(re.escape(normalize(p)) for p in k))


def normalize(s):
    return " ".join(s.split())


def check(repo, out=sys.stdout):
    """Print the undocumented messages; return their number (-1: none found)."""
    with open(os.path.join(repo, DOC), encoding="utf-8") as f:
        doc = normalize(f.read())
    found = missing = 0
    seen = set()
    for path, line, pieces in messages(repo):
        found += 1
        k = key(pieces)
        seen.add(tuple(k))
        if not k or not key_regex(k).search(doc):
            missing += 1
            print(f"{path}:{line}: undocumented: {key_text(k)!r}", file=out)
    if found == 0:
        print(f"no {'/'.join(m for _, m in SOURCES)}(ERR, ...) message found", file=out)
        return -1
    print(f"{found} ERR messages, {len(seen)} distinct keys, {missing} undocumented",
          file=out)
    return missing


def self_test():
    """A made-up tree: one documented message of each form, then one not."""
    sources = {
        "lib/eal_iommu/a.c": 'IOMMU_LOG(ERR, "cannot frob VA 0x%" PRIx64 ": %s",\n'
                             '\tva, strerror(errno));\n'
                             'IOMMU_LOG(INFO, "not an error %d", 1);\n',
        "drivers/bus/iommufd/b.c": 'BUS_LOG(ERR, "%s: not given to "\n'
                                   '\t"a driver (see above)", name);\n'
                                   'BUS_LOG(ERR, "%s=%s: " KEYS_HELP, k, v);\n',
    }
    doc = ("``cannot frob VA 0x...: ERROR``\n    Fix it.\n"
           "``D: not given to a\n    driver (see above)``\n    See above.\n"
           "``KEY=VALUE: the keys are ...``\n")
    failures = []
    with check_common.scratch_repo(sources, DOC, check) as (repo, run):
        got = [key_text(key(p)) for _, _, p in messages(repo)]
        if sorted(got) != sorted(["cannot frob VA 0x", "not given to a driver (see", ""]):
            failures.append(f"extraction gave {got}")
        # The third message has no fixed text: it can never be documented.
        if run(doc) != 1:
            failures.append("a message without fixed text was not reported")
        sources["drivers/bus/iommufd/b.c"] = sources["drivers/bus/iommufd/b.c"].split("BUS_LOG(ERR, \"%s=")[0]
        with open(os.path.join(repo, "drivers/bus/iommufd/b.c"), "w", encoding="utf-8") as f:
            f.write(sources["drivers/bus/iommufd/b.c"])
        if run(doc) != 0:
            failures.append("documented messages reported as undocumented")
        if run(doc.replace("frob", "frib")) != 1:
            failures.append("an undocumented message was not caught")
        if run(doc.replace("not given to a", "not given")) != 1:
            failures.append("an undocumented split message was not caught")
    return check_common.report_self_test("messages_check", failures)


if __name__ == "__main__":
    sys.exit(check_common.main(__doc__.split("\n")[0], "messages_check", check, self_test))
