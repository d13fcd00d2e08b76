#!/bin/sh
# The HTML report in a real browser: headless Chromium loads the page of
# five gen scenarios (clean; one violation; leaks and violations; 100,000
# objects; hostile strings), dumps the DOM (counted through the data- attributes
# the report puts on its rows) and takes a screenshot, kept under
# BUILD/artifacts/.  The hostile scenario's strings must be text, with no
# injected element and the title unchanged.  Skips without chromium.
. tests/lib.sh

ART=$BUILD/artifacts
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

CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	skip "html/browser" "chromium not installed (Debian package chromium)"
	exit 0
fi

chrome() {
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$TMP/chrome" "$@" \
		2>> "$TMP/chrome.log"
}

# count ATTR="VALUE" occurrences in a file
count() { grep -o "$1" "$2" | wc -l | tr -d ' '; }

# render NAME: gen args in the rest; leaves $TMP/NAME.db, .html, .dom
render() {
	name=$1; shift
	if ! "$PROG" gen "$@" -o "$TMP/$name.jsonl" 2> "$TMP/err" ||
	   ! "$PROG" ingest -q -o "$TMP/$name.db" "$TMP/$name.jsonl" 2> "$TMP/err" ||
	   ! "$PROG" report --format html -o "$TMP/$name.html" "$TMP/$name.db" 2> "$TMP/err"; then
		fail "html/$name: $(cat "$TMP/err")"
		return 1
	fi
	chrome --dump-dom "file://$TMP/$name.html" > "$TMP/$name.dom"
	if ! grep -q '</html>' "$TMP/$name.dom"; then
		fail "html/$name/dump-dom: $(tail -n 5 "$TMP/chrome.log")"
		return 1
	fi
	# SHOT_H: tall enough for 200 timeline rows and the histograms below
	chrome --screenshot="$ART/html-$name.png" --window-size=1400,"${SHOT_H:-2400}" \
		"file://$TMP/$name.html" > /dev/null
	ok "html/$name/screenshot" test -s "$ART/html-$name.png"
	return 0
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
}

render clean clean && check clean
render late-write late-write && check late-write
# leaks and violations: L1 three times, three leaks at halt
render leak-halt leak-halt && check leak-halt
if [ -f "$TMP/leak-halt.dom" ]; then
	ok "html/leak-halt/has-leaks" [ "$(count 'data-row="leak"' "$TMP/leak-halt.dom")" -gt 0 ]
	ok "html/leak-halt/has-violations" [ "$(count 'data-row="violation"' "$TMP/leak-halt.dom")" -gt 0 ]
	ok "html/leak-halt/markers" grep -q 'data-marker="leak"' "$TMP/leak-halt.dom"
fi
SHOT_H=4400 render scale scale --objects 100000 && check scale
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
