#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compile each header alone, as DPDK's buildtools/chkincs does: a
translation unit that includes only that header must compile without
warnings. A header that needs another one included first fails here.

  chkincs.py --lang c|c++ --cc CMD... -- HEADER... [-- FLAGS...]
Prints one line per header; exit status 1 when any failed.
"""
import argparse
import os
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--lang', choices=['c', 'c++'], required=True)
    ap.add_argument('--cc', required=True, help='compiler command, space separated')
    ap.add_argument('rest', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    rest = a.rest[1:] if a.rest and a.rest[0] == '--' else a.rest
    if '--' in rest:
        i = rest.index('--')
        headers, flags = rest[:i], rest[i + 1:]
    else:
        headers, flags = rest, []
    if not headers:
        print('chkincs: no headers given', file=sys.stderr)
        return 1
    std = ['-std=gnu11'] if a.lang == 'c' else ['-std=c++17']
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for h in headers:
            src = os.path.join(tmp, 'only.' + ('c' if a.lang == 'c' else 'cpp'))
            with open(src, 'w') as f:
                f.write('#include "%s"\n' % os.path.basename(h))
            cmd = a.cc.split() + std + ['-x', a.lang, '-fsyntax-only', '-Wall', '-Wextra',
                                        '-Werror', '-I' + os.path.dirname(h)] + flags + [src]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                failed += 1
                print('FAIL %s (%s)\n%s' % (h, a.lang, r.stderr.strip()))
            else:
                print('ok   %s (%s)' % (h, a.lang))
    print('%d of %d headers failed to compile alone' % (failed, len(headers)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
