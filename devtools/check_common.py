# SPDX-License-Identifier: BSD-3-Clause
"""The command line and result lines shared by the devtools checks."""

import argparse
import contextlib
import os
import tempfile


def report_self_test(name, failures):
    """Print each self-test failure and the result line; the exit code."""
    for f in failures:
        print("self-test:", f)
    print(("FAIL" if failures else "PASS") + f" {name}_selftest")
    return 1 if failures else 0


def main(description, name, check, self_test):
    """Run check(repo) (its number of findings) or self_test(); the exit code."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    n = check(args.repo)
    print(("PASS" if n == 0 else "FAIL") + f" {name}")
    return 0 if n == 0 else 1


@contextlib.contextmanager
def scratch_repo(files, doc, check):
    """A temporary repository holding files ({path: text}) for a self-test.

    Yields (repo, run): run(text) writes text as the document doc (a path
    in the repository) and returns check(repo, out)'s findings, quietly.
    """
    with tempfile.TemporaryDirectory() as repo:
        for path, text in files.items():
            os.makedirs(os.path.join(repo, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(repo, path), "w", encoding="utf-8") as f:
                f.write(text)
        os.makedirs(os.path.join(repo, os.path.dirname(doc)), exist_ok=True)

        def run(text):
            with open(os.path.join(repo, doc), "w", encoding="utf-8") as f:
                f.write(text)
            with open(os.devnull, "w", encoding="utf-8") as null:
                return check(repo, null)

        yield repo, run
