#!/usr/bin/env python3
"""check-ini-keys.py CONFIG_C PAGE_SCD: every key of daemon/config.c's table
(S/U/K/P entries of cfg_keys[]) is documented in cryptoengd.ini(5) as *key*,
and every documented default is what cfg_defaults() sets for the U keys."""
import re
import sys

src = open(sys.argv[1]).read()
page = open(sys.argv[2]).read()
keys = re.findall(r'^\s*[SUKP]\((?:"[a-z.]+", )?"([a-z_]+)"', src, re.M)
if len(keys) < 20:
    sys.exit("only %d keys found in %s: the table's format changed?" % (len(keys), sys.argv[1]))
missing = [k for k in keys if "*%s*" % k not in page]
# Numeric defaults: cfg->key = N; must appear as "Default: *N*" in the key's paragraph.
wrong = []
for key, val in re.findall(r'cfg->([a-z_]+) = (\d+);', src):
    m = re.search(r'\*%s\*[^\n]*\n((?:\t[^\n]*\n)+)' % key, page)
    if m and "*%s*" % val not in m.group(1) and key not in ("sleep_min_us", "sleep_max_us", "log_level"):
        wrong.append("%s (default %s)" % (key, val))
if missing or wrong:
    sys.exit("cryptoengd.ini(5): undocumented keys: %s; wrong defaults: %s" % (missing, wrong))
print("%d keys documented" % len(keys))
