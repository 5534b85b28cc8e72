# SPDX-License-Identifier: BSD-3-Clause
"""The command line and result lines shared by the devtools checks."""

import argparse
import os


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
