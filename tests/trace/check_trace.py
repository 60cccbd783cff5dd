#!/usr/bin/python3
"""Check a babeltrace text dump of cryptoengd's cryptoeng.* tracepoints.

check_trace.py lifecycle|select TRACE.TXT fp|nofp BATCH.JSONL

The batch file is what cryptoengctl sent, one request per line, in order:
one client, one queue pair, so the n-th cryptoeng.worker.take (by cookie)
is the n-th line. Exit 0 when every assertion holds, else 1 with the reasons.
"""
import json
import re
import sys

EVENT = re.compile(r'^\[([^\]]+)\] \([^)]*\) (\S+): \{([^}]*)\}, \{(.*)\}$')
FIELD = re.compile(r'(\w+) = ("(?:[^"\\]|\\.)*"|[^,]+)')
NOTICES = {2**64 - 1, 2**64 - 2}       # CE_CQE_COOKIE_BROKEN, _SHUTDOWN
EBADMSG = -74
OPS = {'encrypt': 1, 'decrypt': 2}
DATA_PATH = ('cryptoeng.worker.', 'cryptoeng.engine.dispatch', 'cryptoeng.engine.retry',
             'cryptoeng.engine.refused', 'cryptoeng.engine.backlogged',
             'cryptoeng.cryptodev.')

errors = []


def check(cond, what):
    if not cond:
        errors.append(what)
    return cond


def value(text):
    text = text.strip()
    if text.startswith('"'):
        return json.loads(text)
    return int(text, 0)


def parse(path):
    events = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip('\n')
            m = EVENT.match(line)
            if not m:
                check(False, f'line {lineno} is not an event: {line[:200]}')
                continue
            fields = {k: value(v) for k, v in FIELD.findall(m.group(4))}
            ctx = {k: value(v) for k, v in FIELD.findall(m.group(3))}
            events.append({**fields, 'i': len(events), 'event': m.group(2), 'ctx': ctx})
    return events


def named(events, name):
    return [e for e in events if e['event'] == name]


def lifecycle(events, fp, batch):
    starts = named(events, 'cryptoeng.engine.start')
    stops = named(events, 'cryptoeng.engine.stop')
    check(len(starts) == 1 and starts[0]['lcore'] == 1 and starts[0]['batch_size'] == 32,
          f'one cryptoeng.engine.start for lcore 1, batch 32: {starts}')
    check(len(stops) == 1 and stops[0]['result'] == 0, f'one engine.stop, result 0: {stops}')
    if not fp:
        dp = [e['event'] for e in events if e['event'].startswith(DATA_PATH)]
        check(not dp, f'-Dtrace_fp=false, yet data-path events: {sorted(set(dp))}')
        return

    takes = sorted(named(events, 'cryptoeng.worker.take'), key=lambda e: e['cookie'])
    check(len(takes) == len(batch), f'{len(takes)} cryptoeng.worker.take, {len(batch)} sent')
    qps = {(e['client'], e['qp']) for e in takes}
    if not check(len(qps) == 1, f'takes from one queue pair: {qps}'):
        return
    client, qp = qps.pop()
    done = [e for e in named(events, 'cryptoeng.worker.complete')
            if (e['client'], e['qp']) == (client, qp) and e['cookie'] not in NOTICES]
    check(len(done) == len(batch), f'{len(done)} cryptoeng.worker.complete, {len(batch)} sent')
    by_cookie = {}
    for e in done:
        by_cookie.setdefault(e['cookie'], []).append(e)

    cookie_of = {}
    for take, req in zip(takes, batch):
        rid, cookie = req['id'], take['cookie']
        cookie_of[rid] = cookie
        inlen = len(req['in']) // 2
        want_len = inlen - 16 if req['op'] == 'decrypt' else inlen
        check(take['op'] == OPS[req['op']], f'{rid}: take op {take["op"]}')
        check(take['len'] == want_len, f'{rid}: take len {take["len"]}, want {want_len}')
        comp = by_cookie.get(cookie, [])
        if not check(len(comp) == 1, f'{rid}: {len(comp)} completions for cookie {cookie:#x}'):
            continue
        c = comp[0]
        check(c['i'] > take['i'], f'{rid}: completed before it was taken')
        if rid == 'badtag':
            check(c['status'] == EBADMSG and c['out_len'] == 0,
                  f'badtag: status {c["status"]} out_len {c["out_len"]}, want -74, 0')
        else:
            check(c['status'] == 0 and c['out_len'] == inlen,
                  f'{rid}: status {c["status"]} out_len {c["out_len"]}, want 0, {inlen}')

    # Control path: the client, its sessions and its queue pair, made and gone.
    conns = [e for e in named(events, 'cryptoeng.cp.client_connect') if e['client'] == client]
    closes = [e for e in named(events, 'cryptoeng.cp.client_close') if e['client'] == client]
    check(len(conns) == 1 and conns[0]['uid'] == 0 and conns[0]['pid'] > 0,
          f'client_connect of client {client}: {conns}')
    check(len(closes) == 1 and conns and closes[0]['pid'] == conns[0]['pid'],
          f'client_close of client {client}: {closes}')
    made = [e for e in named(events, 'cryptoeng.cp.session_create') if e['client'] == client]
    gone = [e for e in named(events, 'cryptoeng.cp.session_destroy') if e['client'] == client]
    want = {(r['alg'], r['driver']) for r in batch}
    check({(e['alg'], e['driver']) for e in made} == want,
          f'session_create (alg, driver) {sorted({(e["alg"], e["driver"]) for e in made})}, '
          f'want {sorted(want)}')
    check(sorted(e['session'] for e in made) == sorted(e['session'] for e in gone),
          f'sessions made {[e["session"] for e in made]}, destroyed {[e["session"] for e in gone]}')
    qpc = [e for e in named(events, 'cryptoeng.cp.qp_create') if e['client'] == client]
    qpd = [e for e in named(events, 'cryptoeng.cp.qp_destroy') if e['client'] == client]
    check(len(qpc) == 1 and qpc[0]['qp'] == qp and qpc[0]['lcore'] == 1 and qpc[0]['credits'] > 0,
          f'qp_create: {qpc}')
    check(len(qpd) == 1 and qpd[0]['qp'] == qp and qpd[0]['requests'] == len(batch),
          f'qp_destroy (requests == {len(batch)}): {qpd}')
    if conns and made and closes:
        check(conns[0]['i'] < min(e['i'] for e in made) and
              max(e['i'] for e in made) < min(e['i'] for e in takes) and
              closes[0]['i'] > max(e['i'] for e in done),
              'order: connect, sessions, takes, completions, close')

    # The direct path: the five ipsecmb requests handed over by the worker.
    direct = named(events, 'cryptoeng.worker.dispatch')
    n_mb = sum(1 for r in batch if r['driver'].endswith('-ipsecmb'))
    check(sum(e['taken'] for e in direct) == n_mb and len({e['dev'] for e in direct}) == 1,
          f'worker.dispatch: {n_mb} requests to one device: {direct}')

    # Fallback: the three short cryptodev requests, reason "small"; not the long one.
    fb = named(events, 'cryptoeng.cryptodev.fallback')
    fb_cookies = [e['cookie'] for e in fb]
    for rid in ('fb1', 'fb2', 'fb3'):
        mine = [e for e in fb if e['cookie'] == cookie_of.get(rid)]
        check(len(mine) == 1 and mine[0]['why'] == 'small' and mine[0]['reason'] == 1,
              f'{rid}: fallback events {mine}, want one, why "small"')
    check(cookie_of.get('dev1') not in fb_cookies, 'dev1 (64 bytes) fell back')

    # The engine: cryptodev takes its four; the null device of depth 1 its
    # six, refusing part of a batch, and the pump backs off each time.
    disp = named(events, 'cryptoeng.engine.dispatch')
    cdev = {e['dev'] for e in fb if e['cookie'] in cookie_of.values()}
    taken = {}
    for e in disp:
        taken[e['dev']] = taken.get(e['dev'], 0) + e['taken']
    if check(len(cdev) == 1, f'fallbacks from one device: {cdev}'):
        cdev = cdev.pop()
        check(taken.get(cdev) == 4, f'engine.dispatch to cryptodev: {taken}')
        null_devs = [d for d in taken if d != cdev]
        if check(len(null_devs) == 1 and taken[null_devs[0]] == 6,
                 f'engine.dispatch to null: {taken}'):
            nulld = null_devs[0]
            check(any(e['dev'] == nulld and e['taken'] < e['offered'] for e in disp),
                  'no engine.dispatch with taken < offered on the null device')
            retries = [e for e in named(events, 'cryptoeng.engine.retry') if e['dev'] == nulld]
            check(len(retries) >= 1, 'no cryptoeng.engine.retry on the null device')
            # [engine] retry_min_ns 1000 .. retry_max_ns 64000 (TSC rounding).
            check(all(900 <= e['backoff_ns'] <= 65000 for e in retries),
                  f'backoff_ns outside 1..64 us: {[e["backoff_ns"] for e in retries]}')


def select(events, fp, batch):
    names = {e['event'] for e in events}
    if not fp:
        check(not events, f'-Dtrace_fp=false, yet events: {names}')
        return
    check(names == {'cryptoeng.worker.complete'},
          f'--trace=cryptoeng\\.worker\\.complete recorded {sorted(names)}')
    statuses = sorted(e['status'] for e in events if e['cookie'] not in NOTICES)
    check(statuses == [EBADMSG, 0], f'completion statuses {statuses}, want [-74, 0]')


def main():
    case, path, fp, batch_path = sys.argv[1:5]
    with open(batch_path) as f:
        batch = [json.loads(line) for line in f if line.strip()]
    events = parse(path)
    {'lifecycle': lifecycle, 'select': select}[case](events, fp == 'fp', batch)
    for e in errors:
        print('check_trace:', e, file=sys.stderr)
    if errors:
        print(f'check_trace: {len(events)} events; first ones:', file=sys.stderr)
        with open(path) as f:
            for line in f.readlines()[:60]:
                print('  ' + line.rstrip()[:220], file=sys.stderr)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
