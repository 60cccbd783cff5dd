# SPDX-License-Identifier: BSD-3-Clause
"""Starting cryptoengd from Python (tests/gateway, tests/perf, bench/gateway):
the counterpart of daemon.sh, imported, never installed."""

import socket
import time


def wait_listening(sock, alive, timeout_s):
    """Wait until the daemon accepts on the AF_UNIX socket sock: "" once it
    does, else why not ("exited": alive() turned false first; "timeout")."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            s.connect(sock)
            return ""
        except OSError:
            pass
        finally:
            s.close()
        if not alive():
            return "exited"
        time.sleep(0.05)
    return "timeout"
