#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Style checks: every source file starts with an SPDX line, and C files pass
# the kernel's checkpatch.pl with the options DPDK's checkpatches.sh uses
# (C++ files get the SPDX check only).
# Prints "PASS style_check" or "FAIL style_check" and the findings.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$DEVTOOLS_DIR/paths.sh"

checkpatch=$KERNEL_SRC/scripts/checkpatch.pl
[ -x "$checkpatch" ] || die "no $checkpatch: run devtools/bootstrap.sh kernel"

options="--no-tree --file --terse --show-types --max-line-length=100"
options+=" --ignore=LINUX_VERSION_CODE,ENOSYS,FILE_PATH_CHANGES,MAINTAINERS_STYLE"
options+=",SPDX_LICENSE_TAG,VOLATILE,PREFER_PACKED,PREFER_ALIGNED,PREFER_PRINTF"
options+=",STRLCPY,PREFER_KERNEL_TYPES,PREFER_FALLTHROUGH,BIT_MACRO,CONST_STRUCT"
options+=",SPLIT_STRING,LONG_LINE_STRING,C99_COMMENT_TOLERANCE,LINE_SPACING"
options+=",PARENTHESIS_ALIGNMENT,NETWORKING_BLOCK_COMMENT_STYLE,NEW_TYPEDEFS"
options+=",COMPARISON_TO_NULL"

cd "$REPO_DIR"
findings=$(mktemp)
trap 'rm -f "$findings"' EXIT

files=$(git ls-files --cached --others --exclude-standard -- \
	'*.c' '*.cpp' '*.h' '*.sh' 'meson.build' '*/meson.build' '.ci/run' 'devtools/*')
for f in $files; do
	[ -f "$f" ] || continue
	case "$f" in
	*.c|*.cpp|*.h) head -n 1 "$f" | grep -q '^/\* SPDX-License-Identifier: ' ||
		echo "$f:1: missing SPDX header" >> "$findings" ;;
	*.config|*.md) ;;
	*) head -n 3 "$f" | grep -q '^# SPDX-License-Identifier: ' ||
		echo "$f:1: missing SPDX header" >> "$findings" ;;
	esac
	case "$f" in
	# Test assertions return from the test, as in DPDK's app/test/test.h.
	app/test-iommu/test.h) "$checkpatch" $options \
		--ignore=MACRO_WITH_FLOW_CONTROL "$f" >> "$findings" 2>&1 ;;
	*.c|*.h) "$checkpatch" $options "$f" >> "$findings" 2>&1 ;;
	esac
done

if [ -s "$findings" ]; then
	cat "$findings"
	echo "FAIL style_check"
	exit 1
fi
echo "PASS style_check"
