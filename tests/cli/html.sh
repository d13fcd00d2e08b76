#!/bin/sh
# The HTML report in a real browser: headless Chromium loads the page of the
# sample traces and of five gen scenarios (clean; one violation; leaks and
# violations; 100,000 objects; hostile strings), dumps the DOM after layout
# and takes a screenshot, kept under BUILD/artifacts/ (html-sample.png,
# html-scale.png, html-leak-halt.png, ...).  The DOM is read with
# BUILD/tests/domq, knowing nothing of html.c's constants: the rows against
# the database; the time axes' tick labels parse as durations that increase
# on a linear scale within the span the JSON report states, from the start
# it states; every latency histogram on one axis; the per-adapter latency
# table against SQL's percentile(); every bar colour and marker of the
# timeline in its legend; terminate not in the error colour; lines over
# time not drawn across empty bins; plurals; every timeline row linked to
# its history.  The hostile scenario's strings must be text, with no
# injected element and the title unchanged.  Skips without chromium.
. tests/lib.sh

ART=$BUILD/artifacts
DOMQ=$BUILD/tests/domq
mkdir -p "$ART"

# Static checks that need no browser.
"$PROG" gen hostile -o "$TMP/hostile.jsonl" 2> "$TMP/err" || fail "html/gen-hostile: $(cat "$TMP/err")"
if "$PROG" analyze -q --html "$TMP/h1.html" "$TMP/hostile.jsonl" > /dev/null 2> "$TMP/err" &&
   "$PROG" analyze -q --html "$TMP/h2.html" "$TMP/hostile.jsonl" > /dev/null 2>&1 &&
   cmp -s "$TMP/h1.html" "$TMP/h2.html"; then
	pass "html/deterministic"
else
	fail "html/deterministic: $(cat "$TMP/err")"
fi
if grep -qi '<script\|<img\|<iframe\|<link\| src="\|href="http' "$TMP/h1.html"; then
	fail "html/no-active-content"
else
	pass "html/no-active-content"
fi
ok "html/csp" grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$TMP/h1.html"

. tests/tools/chrome.sh
if [ -z "$CHROME" ]; then
	skip "html/browser" "chromium not installed (Debian package chromium)"
	exit 0
fi
if [ ! -x "$DOMQ" ]; then
	fail "html/domq: $DOMQ missing (make $DOMQ)"
	exit 0
fi

# count ATTR="VALUE" occurrences in a file
count() { grep -o "$1" "$2" | wc -l | tr -d ' '; }

# browse NAME: $TMP/NAME.html to $TMP/NAME.dom and the screenshot
browse() {
	chrome --dump-dom "file://$TMP/$1.html" > "$TMP/$1.dom"
	if ! grep -q '</html>' "$TMP/$1.dom"; then
		fail "html/$1/dump-dom: $(tail -n 5 "$TMP/chrome.log")"
		return 1
	fi
	# SHOT_H: tall enough for the timeline and the latency charts below it
	chrome --screenshot="$ART/html-$1.png" --window-size=1400,"${SHOT_H:-2400}" \
		"file://$TMP/$1.html" > /dev/null
	ok "html/$1/screenshot" test -s "$ART/html-$1.png"
}

# render NAME: gen args in the rest; leaves $TMP/NAME.db, .html, .dom
render() {
	name=$1; shift
	if ! "$PROG" gen "$@" -o "$TMP/$name.jsonl" 2> "$TMP/err" ||
	   ! "$PROG" ingest -q --db "$TMP/$name.db" "$TMP/$name.jsonl" 2> "$TMP/err" ||
	   ! "$PROG" report --format html -o "$TMP/$name.html" "$TMP/$name.db" 2> "$TMP/err"; then
		fail "html/$name: $(cat "$TMP/err")"
		return 1
	fi
	browse "$name"
}

q() { "$PROG" query "$TMP/$1.db" "$2" | tail -n 1; }

# labels_overlap FILE: the overlapping percentile labels of each histogram
labels_overlap() {
	awk 'BEGIN { RS = "data-chart=\"histogram\"" }
	NR > 1 {
		sub(/<\/svg>.*/, "")
		n = 0
		s = $0
		while (match(s, /data-label="[^"]*" x="[^"]*" y="[^"]*"/)) {
			m = substr(s, RSTART, RLENGTH)
			s = substr(s, RSTART + RLENGTH)
			split(m, f, "\"")
			t[n] = f[2]; x[n] = f[4] + 0; y[n] = f[6] + 0; n++
		}
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++) {
				d = x[i] - x[j]; if (d < 0) d = -d
				if (y[i] == y[j] && d < (length(t[i]) + length(t[j])) * 6.5 / 2)
					printf "%s|%s ", t[i], t[j]
			}
	}' "$1"
}

# check NAME: the DOM counts against the database
check() {
	name=$1
	objects=$(q "$name" "SELECT count(*) FROM objects")
	groups=$(q "$name" "SELECT count(*) FROM (SELECT DISTINCT adapter, layer FROM objects)")
	leaks=$(q "$name" "SELECT min(count(*), 5000) FROM leaks")
	viols=$(q "$name" "SELECT min(count(*), 5000) FROM violations")
	rows=$objects
	[ "$rows" -gt 200 ] && rows=200
	got=$(count 'data-row="object"' "$TMP/$name.dom")
	ok "html/$name/timeline-rows ($got of $rows)" [ "$got" = "$rows" ]
	got=$(count 'data-row="density"' "$TMP/$name.dom")
	ok "html/$name/density-rows ($got of $groups)" [ "$got" = "$groups" ]
	ok "html/$name/folded" grep -q "data-folded=\"$((objects - rows))\"" "$TMP/$name.dom"
	got=$(count 'data-row="leak"' "$TMP/$name.dom")
	ok "html/$name/leak-rows ($got of $leaks)" [ "$got" = "$leaks" ]
	got=$(count 'data-row="violation"' "$TMP/$name.dom")
	ok "html/$name/violation-rows ($got of $viols)" [ "$got" = "$viols" ]
	ok "html/$name/title" grep -q '<title>offtrace report</title>' "$TMP/$name.dom"
	ok "html/$name/histogram" grep -q 'data-chart="histogram"' "$TMP/$name.dom"
	ok "html/$name/cdf" grep -q 'data-chart="cdf"' "$TMP/$name.dom"
	# one histogram per kind with completed operations, four marks each
	kinds=$(q "$name" "SELECT count(DISTINCT kind) FROM operations WHERE t_complete IS NOT NULL")
	got=$(count 'data-chart="histogram"' "$TMP/$name.dom")
	ok "html/$name/histograms ($got of $kinds)" [ "$got" = "$kinds" ]
	got=$(count 'data-mark="p50"' "$TMP/$name.dom")
	ok "html/$name/marks ($got of $kinds)" [ "$got" = "$kinds" ]
	# no two percentile labels of a chart overlap (6.5 px a character at 11px)
	bad=$(labels_overlap "$TMP/$name.dom")
	ok "html/$name/labels-apart${bad:+: $bad}" [ -z "$bad" ]
	# every object link has its detail section
	for id in $(grep -o 'href="#obj-[0-9]*"' "$TMP/$name.dom" | sed 's/[^0-9]//g' | sort -u); do
		if ! grep -q "id=\"obj-$id\"" "$TMP/$name.dom"; then
			fail "html/$name/anchor obj-$id missing"
			return
		fi
	done
	pass "html/$name/anchors"
	check_time_axes "$name"
	check_latency_axes "$name"
	check_table "$name"
	check_legend "$name"
	check_over_time "$name"
	check_plurals "$name"
	check_history_links "$name"
}

# verdict NAME FILE: pass when FILE is empty, else fail with its first lines
verdict() {
	if [ -s "$2" ]; then
		fail "$1: $(head -n 3 "$2" | tr '\n' ';')"
	else
		pass "$1"
	fi
}

# An awk function: a duration label ("+2ms", "10us", "1.5 s") in ns, or -1.
AWK_DUR='
function dur(s,   n, u) {
	sub(/^\+/, "", s)
	if (!match(s, /^[0-9]+(\.[0-9]+)?/))
		return -1
	n = substr(s, 1, RLENGTH) + 0
	u = substr(s, RLENGTH + 1)
	sub(/^ /, "", u)
	if (u == "ns") return n
	if (u == "us" || u == "\302\265s") return n * 1e3
	if (u == "ms") return n * 1e6
	if (u == "s") return n * 1e9
	if (u == "min") return n * 6e10
	if (u == "h") return n * 3.6e12
	return -1
}
# the precision of a label: half a unit of its last digit, in ns
function half(s,   d, u) {
	d = 0
	if (match(s, /\.[0-9]+/))
		d = RLENGTH - 1
	u = s
	sub(/^[^a-z\302]*/, "", u)
	return 0.5 * dur("1" u) / (10 ^ d)
}'

# check_time_axes NAME: the time axes of the timeline (top and bottom) and
# of latency over time; their ticks against the JSON report's span
check_time_axes() {
	d=$TMP/$1.dom
	"$PROG" report --format json "$TMP/$1.db" > "$TMP/$1.json"
	start=$(sed -n 's/.*"start_ns": \([0-9]*\).*/\1/p' "$TMP/$1.json" | head -n 1)
	end=$(sed -n 's/.*"end_ns": \([0-9]*\).*/\1/p' "$TMP/$1.json" | head -n 1)
	: > "$TMP/bad"
	for chart in timeline:2 over-time:1; do
		c=${chart%:*} want=${chart#*:}
		sel="svg[data-chart=$c] g[data-axis=time] text[data-tick]"
		"$DOMQ" "$d" "$sel" > "$TMP/t" || echo "$c: no tick labels" >> "$TMP/bad"
		"$DOMQ" -a x "$d" "$sel" > "$TMP/x"
		"$DOMQ" -a x1 "$d" "svg[data-chart=$c] g[data-axis=time] line[data-axis-line]" > "$TMP/x1"
		"$DOMQ" -a x2 "$d" "svg[data-chart=$c] g[data-axis=time] line[data-axis-line]" > "$TMP/x2"
		# runs of increasing values are the axes; each on a linear scale
		# whose axis line runs from the trace start to its end
		paste "$TMP/x1" "$TMP/x2" | sed 's/^/axis\t/' > "$TMP/ax"
		paste "$TMP/t" "$TMP/x" | cat "$TMP/ax" - |
		awk -F '\t' -v span=$((end - start)) -v want="$want" -v c="$c" "$AWK_DUR"'
		function endrun() {
			if (n > 0 && n < 3) printf "%s: an axis with %d ticks\n", c, n
			if (n >= 2 && ((e = x0 - k * v0 - a1[runs + 1]) > 1 || e < -1 ||
			    (e = x0 + k * (span - v0) - a2[runs + 1]) > 1 || e < -1))
				printf "%s: axis %d: its line from %s to %s is not the trace span\n", c,
				       runs + 1, a1[runs + 1], a2[runs + 1]
			runs += n > 0
		}
		$1 == "axis" { a1[++na] = $2; a2[na] = $3; next }
		{
			v = dur($1); x = $2 + 0
			if (v < 0) { printf "%s: tick label \"%s\" is no duration\n", c, $1; next }
			if (n == 0 || v <= pv) { endrun(); n = 0; v0 = v; x0 = x; k = 0 }
			else if (n == 1) k = (x - x0) / (v - v0)
			else if ((d = x - (x0 + k * (v - v0))) > 1 || d < -1)
				printf "%s: tick \"%s\" at x=%s, %.1f px off the line through the others\n", c, $1, x, d
			if (v < 0 || v > span) printf "%s: tick \"%s\" outside the trace span %d ns\n", c, $1, span
			if (n == 1 && k <= 0) printf "%s: ticks run backwards\n", c
			n++; pv = v
		}
		END {
			endrun()
			if (runs != want || na != want)
				printf "%s: %d time axes and %d axis lines, want %d\n", c, runs, na, want
		}' >> "$TMP/bad"
		# the axis title names the start the JSON report states
		title=$("$DOMQ" "$d" "svg[data-chart=$c] g[data-axis=time] [data-axis-title]" | head -n 1)
		ts=$(printf '%s\n' "$title" | grep -o '[0-9-]*T[0-9:]*\.[0-9]*Z')
		sec=$(date -u -d "$(printf '%s' "$ts" | sed 's/\..*Z/Z/')" +%s 2>/dev/null)
		frac=$(printf '%s' "$ts" | sed 's/.*\.\([0-9]*\)Z/\1/')
		if [ -z "$ts" ] || [ "$sec$frac" != "$start" ]; then
			echo "$c: axis title '$title' does not name the start $start" >> "$TMP/bad"
		fi
	done
	verdict "html/$1/time-axes" "$TMP/bad"
}

# check_latency_axes NAME: every histogram and CDF on one latency axis of
# decades, with a count (share) axis from 0 up, and both axes titled
check_latency_axes() {
	d=$TMP/$1.dom
	: > "$TMP/bad"
	"$DOMQ" -c "$d" "svg[data-chart=histogram] g[data-axis=latency]" > "$TMP/h" ||
		echo "no latency axis on a histogram" >> "$TMP/bad"
	"$DOMQ" -c "$d" "svg[data-chart=cdf] g[data-axis=latency]" >> "$TMP/h" ||
		echo "no latency axis on a CDF" >> "$TMP/bad"
	awk -F '\t' "$AWK_DUR"'
	{
		s = ""; n = 0; titled = 0
		for (i = 1; i <= NF; i++) {
			if ($i == "") continue
			v = dur($i)
			if (v < 0) { titled = titled || $i ~ /latency/; continue }
			if (n > 0 && (v < pv * 9.99 || v > pv * 10.01))
				printf "latency ticks %s then %s: not a decade apart\n", p, $i
			s = s " " $i; n++; pv = v; p = $i
		}
		if (n < 2) printf "a latency axis with %d ticks\n", n
		if (!titled) printf "a latency axis without its title\n"
		if (NR == 1) first = s
		else if (s != first) printf "latency axes differ: [%s] and [%s]\n", first, s
	}' "$TMP/h" >> "$TMP/bad"
	for ax in histogram:count cdf:share; do
		"$DOMQ" -c "$d" "svg[data-chart=${ax%:*}] g[data-axis=${ax#*:}]" | awk -F '\t' -v a="$ax" '
		{
			n = 0; titled = 0
			for (i = 1; i <= NF; i++) {
				if ($i == "") continue
				v = $i; sub(/%$/, "", v)
				if (v !~ /^[0-9]+$/) { titled = 1; continue }
				if ((n == 0 && v != 0) || (n > 0 && v + 0 <= pv))
					printf "%s ticks: %s after %s\n", a, $i, n ? pv : "nothing"
				n++; pv = v + 0
			}
			if (n < 2) printf "%s: %d ticks\n", a, n
			if (!titled) printf "%s: no title\n", a
		}' >> "$TMP/bad"
	done
	verdict "html/$1/latency-axes" "$TMP/bad"
}

# check_table NAME: each kind's latency per adapter and layer against SQL,
# row by row in the order of adapter and layer; a name with characters a
# CSV field or the page would quote or escape is not compared
check_table() {
	d=$TMP/$1.dom
	: > "$TMP/bad"
	for k in $("$PROG" query "$TMP/$1.db" "SELECT DISTINCT kind FROM latency ORDER BY kind" | tail -n +2); do
		"$DOMQ" -c "$d" "table[data-table=latency-by-adapter][data-kind=$k] tr[data-row=latency]" \
			> "$TMP/dom.tab"
		# (named columns: the CSV header is one line)
		"$PROG" query "$TMP/$1.db" "SELECT CASE WHEN adapter GLOB '*[^A-Za-z0-9_.:-]*' THEN '?'
			ELSE adapter END AS a, layer, count(*) AS n, percentile(latency_ns, 50) AS p50,
			percentile(latency_ns, 90) AS p90, percentile(latency_ns, 99) AS p99,
			percentile(latency_ns, 99.9) AS p999, max(latency_ns) AS mx FROM latency
			WHERE kind = '$k' GROUP BY adapter, layer ORDER BY adapter, layer" |
			tail -n +2 | tr ',' '\t' > "$TMP/sql.tab"
		if [ "$(wc -l < "$TMP/dom.tab")" != "$(wc -l < "$TMP/sql.tab")" ]; then
			echo "$k: $(wc -l < "$TMP/dom.tab") rows, SQL has $(wc -l < "$TMP/sql.tab")" >> "$TMP/bad"
			continue
		fi
		paste "$TMP/dom.tab" "$TMP/sql.tab" | awk -F '\t' -v k="$k" "$AWK_DUR"'
		{
			if (($9 != "?" && $1 != $9) || $2 != $10 || $3 != $11)
				printf "%s: row %s %s %s, SQL %s %s %s\n", k, $1, $2, $3, $9, $10, $11
			for (i = 4; i <= 8; i++) {
				v = dur($i); w = $(i + 8)
				e = v - w; if (e < 0) e = -e
				if (v < 0 || e > half($i) + 0.001)
					printf "%s %s: %s shown, SQL %s ns\n", k, $1, $i, w
			}
		}' >> "$TMP/bad"
	done
	n=$("$DOMQ" "$d" "table[data-table=latency-by-adapter] tr[data-row=latency]" | wc -l)
	[ "$n" -gt 0 ] || echo "no per-adapter latency row" >> "$TMP/bad"
	verdict "html/$1/latency-table ($n rows)" "$TMP/bad"
}

# check_legend NAME: every bar colour and marker the timeline draws is in
# its legend, drawn alike; terminate is not in the error colour
check_legend() {
	d=$TMP/$1.dom
	: > "$TMP/bad"
	tl="svg[data-chart=timeline]"
	lg="[data-legend=timeline]"
	"$DOMQ" -a data-bar "$d" "$tl [data-row=object] rect[data-bar]" > "$TMP/k"
	"$DOMQ" -a fill "$d" "$tl [data-row=object] rect[data-bar]" > "$TMP/f"
	paste "$TMP/k" "$TMP/f" | sort -u > "$TMP/bars"
	"$DOMQ" -a data-legend-bar "$d" "$lg li[data-legend-bar]" > "$TMP/k"
	"$DOMQ" -a fill "$d" "$lg li[data-legend-bar] rect" > "$TMP/f"
	paste "$TMP/k" "$TMP/f" | sort -u > "$TMP/legend"
	[ -s "$TMP/bars" ] || echo "no bar in the timeline" >> "$TMP/bad"
	join -t "$(printf '\t')" -a 1 -e MISSING -o 0,1.2,2.2 "$TMP/bars" "$TMP/legend" |
		awk -F '\t' '$2 != $3 { printf "bar %s drawn %s, legend %s\n", $1, $2, $3 }' >> "$TMP/bad"
	for a in fill stroke; do
		"$DOMQ" -a data-marker "$d" "$tl path[data-marker]" > "$TMP/k"
		"$DOMQ" -a $a "$d" "$tl path[data-marker]" > "$TMP/f"
		paste "$TMP/k" "$TMP/f" | sort -u > "$TMP/marks"
		"$DOMQ" -a data-marker "$d" "$lg li[data-legend-marker] path[data-marker]" > "$TMP/k"
		"$DOMQ" -a $a "$d" "$lg li[data-legend-marker] path[data-marker]" > "$TMP/f"
		paste "$TMP/k" "$TMP/f" | sort -u > "$TMP/legend"
		join -t "$(printf '\t')" -a 1 -e MISSING -o 0,1.2,2.2 "$TMP/marks" "$TMP/legend" |
			awk -F '\t' -v a=$a '$2 != $3 { printf "marker %s %s %s, legend %s\n", $1, a, $2, $3 }' >> "$TMP/bad"
	done
	# the error colour: the violation marker's; terminate is drawn otherwise
	err=$("$DOMQ" -a fill "$d" "$lg li[data-legend-marker=violation] path" | head -n 1)
	[ -n "$err" ] || echo "no violation marker in the legend" >> "$TMP/bad"
	{
		"$DOMQ" -a fill "$d" "$tl rect[data-bar=terminate]"
		"$DOMQ" -a fill "$d" "[data-kind=terminate] svg[data-chart=histogram] rect"
		"$DOMQ" -a stroke "$d" "svg[data-chart=over-time] [data-series=terminate] polyline"
	} | grep -ix -- "$err" | head -n 1 | sed 's/^/terminate drawn in the error colour /' >> "$TMP/bad"
	verdict "html/$1/legend" "$TMP/bad"
}

# check_over_time NAME: a line joins next bins only: every step of every
# polyline is one bin wide, the smallest step of the chart
check_over_time() {
	d=$TMP/$1.dom
	: > "$TMP/bad"
	"$DOMQ" -a points "$d" "svg[data-chart=over-time] polyline" | awk '
	{
		n = split($0, p, /[ ,]+/)
		for (i = 3; i + 1 <= n; i += 2) { step[++ns] = p[i] - p[i - 2]; line[ns] = NR }
	}
	END {
		m = 1e9
		for (i = 1; i <= ns; i++) if (step[i] < m) m = step[i]
		for (i = 1; i <= ns; i++)
			if (step[i] > m + 0.2 || step[i] <= 0) {
				printf "line %d: a step of %.1f px, bins are %.1f px\n", line[i], step[i], m
				exit
			}
	}' >> "$TMP/bad"
	n=$("$DOMQ" "$d" "svg[data-chart=over-time] [data-series]" | wc -l)
	[ "$n" -gt 0 ] || echo "no series over time" >> "$TMP/bad"
	verdict "html/$1/over-time-gaps" "$TMP/bad"
}

# check_plurals NAME: no "1 objects", "2 object" and the like in the page
# (a number after a letter, '.', ',', '=' or ':' is part of a name or a
# time, "ip4", "nic0.jsonl:16", and a DOM text runs cells together)
check_plurals() {
	"$DOMQ" "$TMP/$1.dom" body | grep -o -E \
		'(^|[^0-9A-Za-z.,=:])(1 (objects|events|inputs|records|errors|warnings|violations|leaks|operations|failed initiates|rules)|([02-9]|[0-9]{2,}) (object|event|input|record|error|warning|violation|leak|operation|failed initiate|rule))([ ,.:;)]|$)' |
		head -n 3 > "$TMP/bad"
	verdict "html/$1/plurals" "$TMP/bad"
}

# check_history_links NAME: each timeline row is a link to the history of
# its object, and that history is on the page
check_history_links() {
	d=$TMP/$1.dom
	: > "$TMP/bad"
	"$DOMQ" -a href "$d" "svg[data-chart=timeline] a" | sed 's/^#obj-//' > "$TMP/href"
	"$DOMQ" -a data-object "$d" "svg[data-chart=timeline] a [data-row=object]" > "$TMP/obj"
	"$DOMQ" -a data-detail "$d" "[data-detail]" | sort > "$TMP/det"
	cmp -s "$TMP/href" "$TMP/obj" || echo "rows and their links differ" >> "$TMP/bad"
	[ "$(wc -l < "$TMP/obj")" = "$(count 'data-row="object"' "$d")" ] ||
		echo "a timeline row without a link" >> "$TMP/bad"
	sort "$TMP/obj" | comm -23 - "$TMP/det" | head -n 2 | sed 's/^/no history for object /' >> "$TMP/bad"
	verdict "html/$1/history-links" "$TMP/bad"
}

# The sample traces of the README
if "$PROG" ingest -q --db "$TMP/sample.db" testdata/samples/*.jsonl 2> "$TMP/err" &&
   "$PROG" report --format html -o "$TMP/sample.html" "$TMP/sample.db" 2> "$TMP/err"; then
	SHOT_H=3600 browse sample && check sample
	d=$TMP/sample.dom
	# three failed initiates: a marker each in the rows and in the lane
	ok "html/sample/failed-markers" [ "$("$DOMQ" "$d" "svg[data-chart=timeline] [data-row=object] path[data-marker=failed]" | wc -l)" = 3 ]
else
	fail "html/sample: $(cat "$TMP/err")"
fi
render clean clean && check clean
render late-write late-write && check late-write
# leaks and violations: L1 three times, three leaks at halt
render leak-halt leak-halt && check leak-halt
if [ -f "$TMP/leak-halt.dom" ]; then
	d=$TMP/leak-halt.dom
	ok "html/leak-halt/has-leaks" [ "$(count 'data-row="leak"' "$d")" -gt 0 ]
	ok "html/leak-halt/has-violations" [ "$(count 'data-row="violation"' "$d")" -gt 0 ]
	ok "html/leak-halt/markers" grep -q 'data-marker="leak"' "$d"
	# the leaked objects' bars, in the legend as such, and the card says 3
	ok "html/leak-halt/leaked-bars" [ "$("$DOMQ" "$d" "svg[data-chart=timeline] rect[data-bar=leaked]" | wc -l)" = 3 ]
	ok "html/leak-halt/leak-card" [ "$("$DOMQ" "$d" "[data-card=leaked] b")" = 3 ]
fi
# leaks of every reason count, live at end too
render leak-end leak-end && check leak-end
if [ -f "$TMP/leak-end.dom" ]; then
	ok "html/leak-end/leak-card" [ "$("$DOMQ" "$TMP/leak-end.dom" "[data-card=leaked] b")" = 3 ]
fi
SHOT_H=5200 render scale scale --objects 100000 && check scale
if render hostile hostile; then
	check hostile
	d=$TMP/hostile.dom
	ok "html/hostile/script-text" grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$d"
	ok "html/hostile/img-text" grep -qF '"&gt;&lt;img src=x onerror=alert(1)&gt;' "$d"
	ok "html/hostile/svg-text" grep -qF '&lt;/svg&gt;\x07bell' "$d"
	ok "html/hostile/utf8-replaced" grep -qF "bell$(printf '\357\277\275\357\277\275\357\277\275')end" "$d"
	if grep -qi '<script\|<img' "$d"; then
		fail "html/hostile/no-injected-element"
	else
		pass "html/hostile/no-injected-element"
	fi
	ok "html/hostile/adapters-in-dom" [ "$(count 'data-row="density"' "$d")" = 3 ]
fi
exit 0
