#!/usr/bin/python3
"""Sum a `callgrind_annotate --threshold=100 --auto=no` listing for bench/trace-cost.sh.

trace_cost_sum.py ANNOTATE.TXT REQUESTS

Three figures per request:
- trace: Ir of the tracepoints' own code: lines from the trace headers
  (ours and DPDK's rte_trace_point.h, rte_mempool_trace*.h, which the
  experimental API compiles in), and the out-of-line recorders (*_record);
- path: Ir of the functions that hold the per-request points (worker_take,
  worker_post_cqe, worker_complete, worker_publish_qp: every file's lines
  inlined into them);
- worker: everything collected in d_worker_main, idle turns included.
"""
import re
import sys

LINE = re.compile(r'^\s*([\d,]+)\s+\([^)]*\)\s+(\S+?):(\S+)')
TRACE_FILES = re.compile(r'(_trace\.h|/trace\.h|ce_trace\.h|rte_trace_point\.h|'
                         r'rte_mempool_trace(_fp)?\.h|eal_common_trace[^/]*\.c)$')
PATH_FUNCS = {'worker_take', 'worker_post_cqe', 'worker_complete', 'worker_publish_qp'}


def main():
    path, requests = sys.argv[1], int(sys.argv[2])
    total = trace = hot = 0
    with open(path) as f:
        for line in f:
            if 'PROGRAM TOTALS' in line:
                total = int(line.split()[0].replace(',', ''))
                continue
            m = LINE.match(line)
            if not m:
                continue
            ir, file, func = int(m.group(1).replace(',', '')), m.group(2), m.group(3)
            func = func.split('.')[0]          # worker_post_cqe.cold
            if TRACE_FILES.search(file) or func.endswith('_record') or '__rte_trace' in func:
                trace += ir
            if func in PATH_FUNCS:
                hot += ir
    print(f'trace {trace / requests:7.2f}  path {hot / requests:7.2f}  '
          f'worker {total / requests:9.1f} instructions/request ({requests} requests)')


if __name__ == '__main__':
    main()
