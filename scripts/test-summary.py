#!/usr/bin/env python3
"""Count meson's test results from testlog.json and print "N passed, N failed".

A log with no test in it counts as one failure: a run that tested nothing
must not look green. Skipped tests are listed but count as neither.
Exit status: 0 when nothing failed.
"""
import json
import sys

passed = failed = skipped = 0
names = {"failed": [], "skipped": []}
try:
    with open(sys.argv[1]) as f:
        for line in f:
            if not line.strip():
                continue
            t = json.loads(line)
            r = t.get("result")
            if r in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif r == "SKIP":
                skipped += 1
                names["skipped"].append(t["name"])
            else:
                failed += 1
                names["failed"].append(f'{t["name"]} ({r})')
except OSError as e:
    print(f"test-summary: {e}", file=sys.stderr)

if passed + failed == 0:
    print("test-summary: no test ran", file=sys.stderr)
    failed = 1
for n in names["skipped"]:
    print(f"skipped: {n}")
for n in names["failed"]:
    print(f"FAILED: {n}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
