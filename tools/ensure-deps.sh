#!/bin/sh
# Check that the Debian packages the build needs are installed; install them
# when running as root, otherwise print the exact command and fail.
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "offtrace build: installing missing packages:$missing" >&2
	apt-get update -qq >&2 || true
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2 || {
		echo "offtrace build: apt-get install failed:$missing" >&2; exit 1; }
	exit 0
fi
echo "offtrace build: missing packages:$missing" >&2
echo "run:  sudo apt-get install$missing" >&2
exit 1
