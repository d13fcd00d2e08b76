# chrome.sh - headless Chromium for the tests of the HTML pages
# (tests/cli/html.sh, tests/cli/fleet.sh); sourced after tests/lib.sh.
#   CHROME          the browser, empty when it is not installed
#   chrome ARGS...  runs it headless, at most 120 s, with a profile in $TMP;
#                   its log goes to $TMP/chrome.log, with every message the
#                   page writes to the console as a line holding ':CONSOLE'
#                   (a script error, a resource the Content-Security-Policy
#                   refused)
CHROME=$(command -v chromium || command -v chromium-browser || true)
chrome() {
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$TMP/chrome" \
		--enable-logging=stderr --v=0 "$@" 2>> "$TMP/chrome.log"
}
