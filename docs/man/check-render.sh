#!/bin/sh
# check-render.sh PAGE NAME: man -l renders PAGE with no warning, and the
# text has its NAME section naming NAME and a SEE ALSO section.
set -u
page=$1
name=$2
err=$(mktemp)
out=$(MANWIDTH=80 MAN_KEEP_FORMATTING= man --warnings -l "$page" 2>"$err" | col -b)
rc=$?
if [ "$rc" -ne 0 ] || [ -s "$err" ]; then
	echo "man -l $page: exit $rc" >&2
	cat "$err" >&2
	rm -f "$err"
	exit 1
fi
rm -f "$err"
printf '%s\n' "$out" | grep -q "^NAME" || { echo "$page: no NAME section" >&2; exit 1; }
printf '%s\n' "$out" | grep -q "^ *$name - " || { echo "$page: NAME does not name $name" >&2; exit 1; }
printf '%s\n' "$out" | grep -q "^SEE ALSO" || { echo "$page: no SEE ALSO section" >&2; exit 1; }
printf '%s\n' "$out" | wc -l | awk -v p="$page" '{ if ($1 < 15) { print p ": only " $1 " lines" > "/dev/stderr"; exit 1 } }'
