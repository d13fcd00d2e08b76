#!/bin/sh
# The house keeps its layers (doc/architecture.md): no call loop and no
# include loop between files, no call up the layers, and no reader or
# decoder named by the pipeline or the commands that read inputs: they go
# through the source interface (include/offtrace/source.h).
. tests/lib.sh

# the checker itself finds a loop and an up-call it is shown
mk() { mkdir -p "$(dirname "$TMP/root/$1")"; printf '%s\n' "$2" > "$TMP/root/$1"; }
mk src/util/a.c 'int b(void); int a(void) { return b(); }'
mk src/util/b.c 'int a(void); int b(void) { return a(); }'
mk src/util/c.c 'int d(void); int c(void) { return d(); }'
mk src/engine/d.c 'int d(void) { return 0; }'
mk src/read/e.h '#include "f.h"'
mk src/read/f.h '#include "e.h"'
for f in util/a util/b util/c engine/d; do
	mkdir -p "$TMP/objs/obj/$(dirname $f)"
	${CC:-cc} -c -o "$TMP/objs/obj/$f.o" "$TMP/root/src/$f.c" || fail "layers/self-test compile $f"
done
OT_LAYERS_ROOT=$TMP/root sh tools/check-layers.sh "$TMP/objs" > "$TMP/self" 2>&1
st=$?
ok "layers/self-test exit 1" [ $st = 1 ]
ok "layers/self-test finds the call loop" grep -q 'src/util/a.c <-> src/util/b.c' "$TMP/self"
ok "layers/self-test finds the up-call" grep -q 'src/util/c.c (layer 0) calls src/engine/d.c (layer 4)' "$TMP/self"
ok "layers/self-test finds the include loop" grep -q 'src/read/e.h <-> src/read/f.h' "$TMP/self"

# this tree
if sh tools/check-layers.sh "$BUILD" > "$TMP/out" 2>&1; then
	pass "layers/no loop, no up-call"
else
	fail "layers/no loop, no up-call: $(cat "$TMP/out")"
fi

# no reader or decoder outside the sources (issue 11): what reads inputs
# names source.h only; dump's printers may name the records they print
for f in src/ingest.c src/cmd_flows.c src/cmd_profile.c src/cmd_capture.c; do
	names=$(grep -oE 'ot_(jsonl|etlsrc|etl|textsrc|wpptext|pcapng|pcap|tmfdir|tmf|wpp|profile|pktmon|tlg|chimney|xca)_[a-z_]*' "$f" | sort -u | tr '\n' ' ')
	if [ -z "$names" ]; then pass "layers/$f names no reader"; else fail "layers/$f names $names"; fi
done
