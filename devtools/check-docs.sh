#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Build the guides with Debian's Sphinx, every warning an error:
#   sphinx-build -W -b html doc/guides <build dir>/doc
# Prints "PASS docs_build" or "FAIL docs_build" and the warnings.
# --self-test: a copy of the guides with a broken reference must fail to
# build (prints "PASS docs_build_selftest").
#
#   devtools/check-docs.sh [--self-test]
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$DEVTOOLS_DIR/paths.sh"

# Debian's Sphinx: the python3 first on PATH may be another one (pyenv).
SPHINX=(/usr/bin/python3 -m sphinx)

# build SRC OUT: 0 when the guides build without a warning.
build()
{
	rm -rf "$2"
	"${SPHINX[@]}" -W --keep-going -E -q -b html "$1" "$2"
}

if ! /usr/bin/python3 -c 'import sphinx' 2>/dev/null; then
	echo "FAIL docs_build: no Sphinx for /usr/bin/python3: run devtools/bootstrap.sh packages"
	exit 1
fi

if [ "${1:-}" = --self-test ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	cp -r "$REPO_DIR/doc/guides" "$tmp/guides"
	if ! build "$tmp/guides" "$tmp/out-good"; then
		echo "FAIL docs_build_selftest: the unchanged guides do not build"
		exit 1
	fi
	printf '\nSee :doc:`no_such_guide`.\n' >> "$tmp/guides/api.rst"
	if build "$tmp/guides" "$tmp/out-bad" 2>/dev/null; then
		echo "FAIL docs_build_selftest: a reference to a missing document built without error"
		exit 1
	fi
	echo "PASS docs_build_selftest"
	exit 0
fi

if build "$REPO_DIR/doc/guides" "$BUILD_DIR/doc"; then
	echo "PASS docs_build"
else
	echo "FAIL docs_build: sphinx-build -W reported warnings (above)"
	exit 1
fi
