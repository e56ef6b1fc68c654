#!/bin/bash
# The fuzzing harnesses (fuzz/fuzz_*.c, libFuzzer under ASan + UBSan): each
# built, fuzzed for FUZZ_TEST_TIME seconds (default 10) from its seed corpus
# with no crash, leak or hang, and every saved reproducer in fuzz/crashes/
# run once without failing. A harness that does not build fails the test.
# The long runs are `make fuzz` (docs/fuzzing.md).
. "$(dirname "$0")/../lib/tap.sh"
B=$TOP/build/fuzz
T=${FUZZ_TEST_TIME:-10}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

command -v clang-14 >/dev/null || fail_all "clang-14 is installed (scripts/install-deps)"
if ! { nice "$TOP/scripts/build-fuzz-libcdio" "$B/libcdio" && nice make --no-print-directory -s -C "$TOP/src" O="$B" FUZZ=1 fuzz; } >"$tmp/build.log" 2>&1; then
	fail_all "the harnesses build (make -C src O=build/fuzz FUZZ=1 fuzz)" "$(tail -n 20 "$tmp/build.log")"
fi
ok 0 "the harnesses build"

cd "$TOP/fuzz" || exit 1
for c in fuzz_*.c; do
	h=${c#fuzz_} h=${h%.c}
	ok "$([ -n "$(ls "corpus/$h" 2>/dev/null)" ]; echo $?)" "$h: has a seed corpus in fuzz/corpus/$h"
	mkdir -p "$tmp/$h"
	# libFuzzer adds to the first corpus directory: a scratch copy, not the seeds
	timeout $((T + 60)) nice "$B/bin/fuzz_$h" -max_total_time="$T" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$tmp/$h/" "$tmp/$h" "corpus/$h" >"$tmp/$h.log" 2>&1
	rc=$?
	last=$(grep -E '^#[0-9]+' "$tmp/$h.log" | tail -n 1 | grep -oE 'cov: [0-9]+ ft: [0-9]+')
	eps=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$tmp/$h.log")
	ok "$rc" "$h: $T s of fuzzing, no crash, leak or hang ($last, $eps exec/s)" ||
		diag "$(grep -m 1 -A 12 -E '==[0-9]+==ERROR|^==[0-9]+== ERROR|deadly signal|timeout after' "$tmp/$h.log")" \
			"the input: $(for f in "$tmp/$h"/*-*; do [ -e "$f" ] && echo "$f"; done | head -n 1)"
	set -- crashes/"$h"/*
	[ -e "$1" ] || continue
	timeout 120 "$B/bin/fuzz_$h" -timeout=10 -rss_limit_mb=2048 "$@" >"$tmp/$h.replay" 2>&1
	rc=$?
	ok "$rc" "$h: the $# saved reproducers in fuzz/crashes/$h pass" ||
		diag "$(grep -m 1 -B 2 -A 12 -E 'ERROR|deadly signal|timeout' "$tmp/$h.replay")"
done
done_testing
