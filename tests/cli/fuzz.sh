#!/bin/sh
# Short, count-bounded libFuzzer runs of every reader harness (no timing:
# -runs is a count).  Needs clang and libclang-rt; skipped without them.
. tests/lib.sh

if [ "$OT_MODE" = sanitize ]; then
	skip "fuzz: the harnesses carry their own sanitizers; run once"
	exit 0
fi
if ! command -v clang >/dev/null 2>&1; then
	skip "fuzz: clang not installed (apt-get install clang libclang-rt-14-dev)"
	exit 0
fi
if ! make -s fuzz > "$TMP/build.log" 2>&1; then
	if grep -q 'libclang_rt.fuzzer\|fuzzer.*not found\|cannot find' "$TMP/build.log"; then
		skip "fuzz: libFuzzer runtime missing (apt-get install libclang-rt-14-dev)"
	else
		fail "fuzz: harnesses do not build: $(tail -n 5 "$TMP/build.log")"
	fi
	exit 0
fi
for h in build/fuzz/fuzz_*; do
	[ -x "$h" ] || continue
	name=$(basename "$h")
	if [ ! -f "tests/fuzz/dict/$name.dict" ]; then
		fail "fuzz/$name: no dictionary tests/fuzz/dict/$name.dict"
		continue
	fi
	# the same seeds as the long runs (tests/fuzz/long.sh)
	sh tests/fuzz/seed.sh "$name" "$TMP/corpus-$name" "$PROG" "$SHARED"
	# fuzz_db opens and reads a whole database a run (some 40 runs a
	# second): fewer runs; its show prints to stderr (-close_fd_mask=2
	# keeps the sanitizers' reports)
	runs=30000 extra=
	[ "$name" = fuzz_db ] && runs=1000 extra="-close_fd_mask=2 -timeout=60"
	# fuzz_jsonl stores every line in a fresh database and engine (some
	# 120 runs a second under the sanitizers): fewer runs, or it alone
	# takes four of CI's minutes; the long runs cover it
	[ "$name" = fuzz_jsonl ] && runs=5000
	if "$h" -runs=$runs -seed=1 -max_len=65536 $extra \
		-dict="tests/fuzz/dict/$name.dict" "$TMP/corpus-$name" \
		> "$TMP/$name.log" 2>&1; then
		pass "fuzz/$name ($runs runs)"
	else
		fail "fuzz/$name: $(grep -m 3 'ERROR\|SUMMARY' "$TMP/$name.log")"
	fi
done
exit 0
