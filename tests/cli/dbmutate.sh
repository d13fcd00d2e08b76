#!/bin/sh
# A database is an input too (issue 16): every column of every table of a
# database built from a generated scenario is set, one mutation at a time
# and in a fresh copy, to a value offtrace never writes there (the limits
# of 64-bit integers, 0, -1, NULL, text with terminal escapes, a blob, a
# huge string, a real), and the read commands run on it: report in every
# format, check with its JUnit file, show of an object, an operation, an
# event and a flow, export, query and check-db.  None may crash: exit
# status 0-3, no sanitizer report, no raw ESC on a text output; and
# check-db names the table and column of a value against offtrace's
# schema (NULL in a NOT NULL column, text, a blob or a real in an integer
# one) and exits 1.
#
# The NOT NULL constraints are taken out of the copy's schema first, as a
# damaged file or another tool may have done, so that NULL can go where
# offtrace writes none.
#
# Every column gets one value, rotating over all of them, and the time
# columns also INT64_MAX and INT64_MIN + 1 (INT64_MIN is offtrace's "no
# time"); under the sanitizers (the second pass of make check) every
# column one value.  show runs on the things whose history reads the
# table.  Two workers share
# the columns.  Knobs: DBMUTATE=full runs every value on every column
# (about ten times longer), DBMUTATE_ONLY="table.column ..." only those,
# DBMUTATE_JOBS=N workers.
. tests/lib.sh

if ! command -v sqlite3 >/dev/null 2>&1; then
	skip "dbmutate: no sqlite3 shell to mutate databases"
	exit 0
fi
"$PROG" gen wire-close --objects 4 -o "$TMP/w.jsonl" --pktmon "$TMP/w.etl" \
	> /dev/null 2>&1 || { fail "dbmutate: gen"; exit 0; }
"$PROG" ingest -q --db "$TMP/base.db" "$TMP/w.jsonl" "$TMP/w.etl" ||
	{ fail "dbmutate: ingest"; exit 0; }
"$PROG" check-db "$TMP/base.db" > "$TMP/base.out" 2>&1
ok "dbmutate: check-db of the database as written" \
	grep -qx "$TMP/base.db: consistent" "$TMP/base.out"
# the columns offtrace declares NOT NULL (or in a primary key), before
# they are loosened
sqlite3 -separator ' ' "$TMP/base.db" "SELECT m.name, p.name
	FROM sqlite_master m, pragma_table_info(m.name) p
	WHERE m.type = 'table' AND (p.\"notnull\" OR p.pk)" > "$TMP/notnull"
sqlite3 "$TMP/base.db" "PRAGMA writable_schema = ON;
	UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL', '') WHERE type = 'table';
	PRAGMA writable_schema = RESET;" || { fail "dbmutate: schema"; exit 0; }
# every (table, column, type) of the schema offtrace writes
sqlite3 -separator ' ' "$TMP/base.db" "SELECT m.name, p.name, p.type
	FROM sqlite_master m, pragma_table_info(m.name) p
	WHERE m.type = 'table' ORDER BY m.name, p.cid" > "$TMP/columns"

# the values: NAME SQL (imin1: INT64_MIN is also offtrace's "no time")
cat > "$TMP/values" <<'EOF'
imin -9223372036854775808
imax 9223372036854775807
imin1 -9223372036854775807
zero 0
neg -1
null NULL
text 'nic'||char(27)||'[2J'||char(27)||']0;pwned'||char(7)||char(155)||'x'
blob x'00ff1b5b324a0d0a'
huge replace(hex(zeroblob(100000)),'0','A')
real 1e308
EOF
nvalues=$(wc -l < "$TMP/values")
esc=$(printf '\033')

# run LABEL CMD...: CMD on the mutated database; what is wrong to $W/bad
run() {
	label=$1
	shift
	timeout 30 "$@" < /dev/null > "$W/out" 2> "$W/err"
	rc=$?
	why=
	if [ $rc -gt 3 ]; then
		why="exit $rc"
	elif grep -q 'runtime error\|AddressSanitizer\|LeakSanitizer' "$W/err"; then
		why=$(grep -m 1 'runtime error\|ERROR: [A-Za-z]*Sanitizer' "$W/err")
	elif [ "$label" != json ] && grep -q "$esc" "$W/out"; then
		why="raw ESC on stdout"
	fi
	[ -n "$why" ] && echo "$mut: $label: $why" >> "$W/bad"
	return 0
}

# mutate TABLE COLUMN TYPE NAME SQL: set the column of every row (a key
# column keeps its other rows: OR IGNORE) and run every read command
mutate() {
	t=$1 c=$2 type=$3 vname=$4 v=$5
	mut="$t.$c=$vname"
	db=$W/m.db
	cp "$TMP/base.db" "$db"
	if ! sqlite3 "$db" "UPDATE OR IGNORE \"$t\" SET \"$c\" = $v" < /dev/null 2> /dev/null; then
		echo "$mut" >> "$W/inapplicable"
		return 0
	fi
	echo "$mut" >> "$W/applied"
	run text "$PROG" report "$db"
	run json "$PROG" report -f json "$db"
	run csv "$PROG" report -f csv "$db"
	run html "$PROG" report -f html -o "$W/r.html" "$db"
	run check "$PROG" check --junit "$W/j.xml" --latency 'initiate:p99<=1ms' \
		--latency 'syn_to_offload:p90<=1ms' --db "$db"
	# show, of the things whose history reads the table
	case " traces objects blocks operations ctx_writes violations violation_events events inputs drops drop_objects " in
	*" $t "*) run show-object "$PROG" show object 1 "$db" ;;
	esac
	case " traces operations blocks violations events inputs " in
	*" $t "*) run show-op "$PROG" show op 1 "$db" ;;
	esac
	case " traces events inputs objects blocks operations ctx_writes violations violation_events " in
	*" $t "*) run show-event "$PROG" show event 1 "$db" ;;
	esac
	case " traces flows flow_objects objects violations drops drop_objects inputs " in
	*" $t "*) run show-flow "$PROG" show flow 1 "$db" ;;
	esac
	run export "$PROG" export -o "$W/x.json" "$db"
	run query "$PROG" query "$db" "SELECT * FROM \"$t\""
	run check-db "$PROG" check-db "$db"
	# a value against offtrace's schema: named, with its table and column
	case $vname:$type in
	null:*|text:INTEGER|blob:*|huge:INTEGER|real:INTEGER)
		if [ $vname = null ] && ! grep -qx "$t $c" "$TMP/notnull"; then
			:
		elif [ $rc -ne 1 ] || ! grep -q "^$t rowid -*[0-9]*: $c: " "$W/out"; then
			echo "$mut: check-db: exit $rc, $t.$c not named: $(head -c 200 "$W/out")" \
				>> "$W/bad"
		fi ;;
	esac
}

# worker K N: the columns i with i % N = K
worker() {
	W=$TMP/w$1
	mkdir -p "$W"
	: > "$W/bad"
	: > "$W/applied"
	: > "$W/inapplicable"
	i=0
	while read -r t c type; do
		k=$((i % nvalues + 1))
		i=$((i + 1))
		[ $((i % $2)) -eq "$1" ] || continue
		if [ -n "${DBMUTATE_ONLY:-}" ]; then
			case " $DBMUTATE_ONLY " in
			*" $t.$c "*) ;;
			*) continue ;;
			esac
		fi
		# one value, rotating; the limits too for a time column
		if [ "${DBMUTATE:-}" = full ]; then
			picks=$(seq 1 "$nvalues")
		elif [ "$OT_MODE" = sanitize ]; then
			picks=$k
		else
			picks=$k
			case $c in
			ts|t_*|*_ns|since|last_activity) picks="$k 2 3" ;;
			esac
		fi
		before=$(wc -l < "$W/bad")
		for p in $(printf '%s\n' $picks | sort -un); do
			line=$(sed -n "${p}p" "$TMP/values")
			mutate "$t" "$c" "$type" "${line%% *}" "${line#* }"
		done
		after=$(wc -l < "$W/bad")
		if [ "$after" -eq "$before" ]; then
			pass "dbmutate/$t.$c"
		else
			fail "dbmutate/$t.$c: $(tail -n $((after - before)) "$W/bad" | head -n 3 | tr '\n' ';')"
		fi
	done < "$TMP/columns"
}

jobs=${DBMUTATE_JOBS:-2}
j=0
while [ $j -lt "$jobs" ]; do
	worker $j "$jobs" &
	j=$((j + 1))
done
wait
n=$(cat "$TMP"/w*/applied | wc -l)
ok "dbmutate: $n mutations applied" [ "$n" -gt 0 ]
exit 0
