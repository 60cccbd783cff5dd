"""Harness for the gateway tests: namespaces and veth pairs, the real daemon and
gateway processes, scapy as the ESP peer on both sides, telemetry.

Run with Debian's /usr/bin/python3 (python3-scapy); another python may come
first on PATH. Everything a test starts is torn down by Harness.close(), also
when the test fails.

Topology (one test = one set, names carry the test's pid):

    ns clear            ns gw (cryptoeng-ipsec-gw / ipsec-secgw)        ns esp
    [cl0] <--veth--> [gw0] port 0 (protected)
                             port 1 (unprotected, -u 0x2) [gw1] <--veth--> [es1]

scapy holds one AF_PACKET socket in ns clear (on cl0) and one in ns esp (on
es1): it sends clear packets and receives them decapsulated on one side, sends
and receives ESP on the other. The sockets are opened after switching into the
namespace (scapy caches interfaces per namespace: we bypass its cache by
binding by name in the right namespace).
"""

import ctypes
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "scripts", "lib"))
from daemon import wait_listening  # noqa: E402

SKIP = 77
CLONE_NEWNET = 0x40000000

# Inner IPv4 addresses of the test configs (ipsec-secgw's ep0.cfg style).
CLEAR_HOST = "192.168.1.10"        # behind port 0
REMOTE_HOST = "192.168.105.10"     # behind the tunnel
TUN_LOCAL = "172.16.1.5"           # the gateway's tunnel endpoint
TUN_REMOTE = "172.16.2.5"          # the peer's tunnel endpoint
BYPASS_HOST = "192.168.240.10"     # sp ... bypass: clear through, used as a probe

MAC = {
    "gw0": "02:ce:00:00:00:10", "gw1": "02:ce:00:00:00:11",
    "cl0": "02:ce:00:00:00:20", "es1": "02:ce:00:00:00:21",
}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def skip(reason):
    print("SKIP: " + reason, flush=True)
    sys.exit(SKIP)


def sh(*args, check=True, ns=None):
    cmd = list(args)
    if ns:
        cmd = ["ip", "netns", "exec", ns] + cmd
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr.strip()))
    return r


_libc = ctypes.CDLL(None, use_errno=True)


def _setns_fd(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, "setns: " + os.strerror(e))


class InNetns:
    """with InNetns(name): sockets created inside belong to that namespace."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.orig = os.open("/proc/self/ns/net", os.O_RDONLY)
        fd = os.open("/var/run/netns/" + self.name, os.O_RDONLY)
        try:
            _setns_fd(fd)
        finally:
            os.close(fd)

    def __exit__(self, *exc):
        _setns_fd(self.orig)
        os.close(self.orig)


def need_root_netns():
    """Exit 77 unless we are root and can make a namespace with a veth pair."""
    if os.geteuid() != 0:
        skip("needs root (network namespaces)")
    name = "cegwprobe%d" % os.getpid()
    r = sh("ip", "netns", "add", name, check=False)
    if r.returncode != 0:
        skip("ip netns add refused: " + r.stderr.strip())
    r = sh("ip", "-n", name, "link", "add", "p0", "type", "veth", "peer", "name", "p1",
           check=False)
    sh("ip", "netns", "del", name, check=False)
    if r.returncode != 0:
        skip("veth pairs refused: " + r.stderr.strip())


class Topology:
    def __init__(self, tag):
        self.tag = tag
        self.ns = {"gw": "cegw%sg" % tag, "clear": "cegw%sc" % tag, "esp": "cegw%se" % tag}
        self.made = []

    def up(self):
        for n in self.ns.values():
            sh("ip", "netns", "add", n)
            self.made.append(n)
        # Disable IPv6 first so that no router solicitation or DAD packet
        # ever shows up on a port.
        for n in self.ns.values():
            sh("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", ns=n)
            sh("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1", ns=n)
        for a, b, nb in (("gw0", "cl0", "clear"), ("gw1", "es1", "esp")):
            sh("ip", "-n", self.ns["gw"], "link", "add", a, "type", "veth", "peer", "name", b,
               "netns", self.ns[nb])
            sh("ip", "-n", self.ns["gw"], "link", "set", a, "address", MAC[a])
            sh("ip", "-n", self.ns[nb], "link", "set", b, "address", MAC[b])
            sh("ip", "-n", self.ns["gw"], "link", "set", a, "up")
            sh("ip", "-n", self.ns[nb], "link", "set", b, "up")

    def down(self):
        for n in reversed(self.made):
            sh("ip", "netns", "del", n, check=False)
        self.made = []


class Peer:
    """scapy on both sides: raw L2 sockets in ns clear (cl0) and ns esp (es1)."""

    def __init__(self, topo):
        from scapy.all import conf
        self.sock = {}
        for side, ifname in (("clear", "cl0"), ("esp", "es1")):
            with InNetns(topo.ns[side]):
                self.sock[side] = conf.L2socket(iface=ifname)

    def close(self):
        for s in self.sock.values():
            s.close()

    def send(self, side, pkt):
        self.sock[side].send(pkt)

    def drain(self, side, quiet_s=0.05):
        """Drop whatever is queued (our own sent frames come back on AF_PACKET)."""
        s = self.sock[side]
        while select.select([s], [], [], quiet_s)[0]:
            s.recv()

    def collect(self, side, want, n, timeout_s=10.0, settle_s=0.2):
        """Frames on @side for which want(frame) is true: stop at @n of them
        (then wait settle_s more, so that an extra one is seen) or at the
        deadline."""
        from scapy.all import Ether
        s = self.sock[side]
        got = []
        deadline = time.monotonic() + timeout_s
        settle_end = None
        while True:
            now = time.monotonic()
            if len(got) >= n and settle_end is None:
                settle_end = min(deadline, now + settle_s)
            end = deadline if settle_end is None else settle_end
            if now >= end:
                break
            if not select.select([s], [], [], end - now)[0]:
                continue
            f = s.recv()
            if f is None or not isinstance(f, Ether):
                continue
            if want(f):
                got.append(f)
        return got


class Telemetry:
    """DPDK telemetry client (/var/run/dpdk/PREFIX/dpdk_telemetry.v2)."""

    def __init__(self, prefix):
        self.path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
        self.s = None

    def connect(self, timeout_s=30.0):
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                s.connect(self.path)
                s.recv(16384)  # the greeting
                self.s = s
                return True
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.1)

    def query(self, cmd):
        if self.s is None and not self.connect():
            raise RuntimeError("no telemetry at " + self.path)
        self.s.send(cmd.encode())
        reply = json.loads(self.s.recv(1 << 20).decode())
        return reply.get(cmd.split(",")[0])

    def close(self):
        if self.s:
            self.s.close()
            self.s = None


def _die_with_parent():
    # A test killed hard (SIGKILL) must not leave a gateway polling a core.
    PR_SET_PDEATHSIG = 1
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class Proc:
    """A child process whose stdout+stderr go to a log file."""

    def __init__(self, name, argv, logpath, ns=None, env=None):
        self.name = name
        self.logpath = logpath
        if ns:
            argv = ["ip", "netns", "exec", ns] + argv
        self.argv = argv
        self.logf = open(logpath, "w")
        log("+ " + " ".join(argv))
        self.p = subprocess.Popen(argv, stdout=self.logf, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, env=env,
                                  start_new_session=True, preexec_fn=_die_with_parent)

    def alive(self):
        return self.p.poll() is None

    def text(self):
        self.logf.flush()
        with open(self.logpath, errors="replace") as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout_s=20.0):
        """Signal, wait; SIGKILL after the timeout. Returns the exit status
        (negative: killed by that signal)."""
        if self.p.poll() is None:
            try:
                self.p.send_signal(sig)
            except ProcessLookupError:
                pass
            try:
                self.p.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.logf.close()
        return self.p.returncode

    def dump(self):
        log("---- %s log (%s) ----" % (self.name, self.logpath))
        log(self.text()[-6000:])


class Daemon:
    """cryptoengd on a config written here (null + software backends)."""

    def __init__(self, binary, workdir, tag, backend="sw"):
        self.binary = binary
        self.sock = os.path.join(workdir, "ce.sock")
        self.cfg = os.path.join(workdir, "ce.ini")
        self.log = os.path.join(workdir, "cryptoengd.log")
        self.prefix = "cegwd%s" % tag
        pmds = "[pmd.ipsecmb0]\ndriver = ipsecmb\n[pmd.sodium0]\ndriver = sodium\n"
        if backend == "null":
            pmds = "[pmd.null0]\ndriver = null\nargs = depth=64,delay_ns=0\n"
        with open(self.cfg, "w") as f:
            f.write("[eal]\nlcores = 0,1\nargs = --no-pci --log-level=lib.eal:error\n"
                    "file_prefix = %s\nhugepages = no\n\n"
                    "[socket]\npath = %s\n\n%s" % (self.prefix, self.sock, pmds))
        self.proc = None
        self.restarts = 0

    def start(self, timeout_s=60.0):
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        self.proc = Proc("cryptoengd", [self.binary, "--config", self.cfg, "--foreground",
                                        "--log", "stderr"], self.log + ".%d" % self.restarts)
        self.restarts += 1
        why = wait_listening(self.sock, self.proc.alive, timeout_s)
        if why:
            self.proc.dump()
            raise RuntimeError("cryptoengd exited before listening" if why == "exited" else
                               "cryptoengd did not listen within %.0f s" % timeout_s)

    def stop(self, sig=signal.SIGTERM):
        if self.proc:
            rc = self.proc.stop(sig)
            self.proc = None
            return rc
        return None


# The five SA kinds of the issue: ipsec-secgw's config keywords, the key
# material (ipsec-secgw's aead keys carry the 4-byte salt last, as scapy's),
# and scapy's names.
SA_KINDS = {
    "gcm128": dict(line="aead_algo aes-128-gcm aead_key {k20}",
                   scapy=dict(crypt_algo="AES-GCM", crypt_key_len=20)),
    "gcm256": dict(line="aead_algo aes-256-gcm aead_key {k36}",
                   scapy=dict(crypt_algo="AES-GCM", crypt_key_len=36)),
    "cbc-sha1": dict(line="cipher_algo aes-128-cbc cipher_key {k16} "
                          "auth_algo sha1-hmac auth_key {a20}",
                     scapy=dict(crypt_algo="AES-CBC", crypt_key_len=16,
                                auth_algo="HMAC-SHA1-96", auth_key_len=20)),
    "cbc-sha256": dict(line="cipher_algo aes-128-cbc cipher_key {k16} "
                            "auth_algo sha256-hmac auth_key {a32}",
                       scapy=dict(crypt_algo="AES-CBC", crypt_key_len=16,
                                  auth_algo="SHA2-256-128", auth_key_len=32)),
    "chacha": dict(line="aead_algo chacha20-poly1305 aead_key {k36}",
                   scapy=dict(crypt_algo="CHACHA20-POLY1305", crypt_key_len=36)),
}


def key_bytes(seed, n):
    return bytes((seed * 37 + i * 11 + 1) & 0xFF for i in range(n))


def hexkey(b):
    return ":".join("%02x" % x for x in b)


class SaSpec:
    """One SA as both sides see it: the config line and the scapy SA."""

    def __init__(self, kind, spi, direction, mode, src=None, dst=None, seed=1, extra=""):
        self.kind, self.spi, self.direction, self.mode = kind, spi, direction, mode
        self.src, self.dst, self.extra = src, dst, extra
        k = SA_KINDS[kind]["scapy"]
        self.crypt_key = key_bytes(seed, k["crypt_key_len"])
        self.auth_key = key_bytes(seed + 100, k.get("auth_key_len", 0)) if "auth_algo" in k else None

    def config_line(self):
        k = SA_KINDS[self.kind]
        keys = dict(k20=hexkey(self.crypt_key), k36=hexkey(self.crypt_key),
                    k16=hexkey(self.crypt_key),
                    a20=hexkey(self.auth_key or b""), a32=hexkey(self.auth_key or b""))
        s = "sa %s %d %s " % (self.direction, self.spi, k["line"].format(**keys))
        if self.mode == "tunnel":
            s += "mode ipv4-tunnel src %s dst %s" % (self.src, self.dst)
        else:
            s += "mode transport"
        if self.extra:
            s += " " + self.extra
        return s

    def scapy_sa(self, esn_en=False, esn=0, seq_num=1):
        from scapy.layers.inet import IP
        from scapy.layers.ipsec import ESP, SecurityAssociation
        k = SA_KINDS[self.kind]["scapy"]
        kw = dict(spi=self.spi, seq_num=seq_num, crypt_algo=k["crypt_algo"],
                  crypt_key=self.crypt_key, esn_en=esn_en, esn=esn)
        if self.auth_key is not None:
            kw.update(auth_algo=k["auth_algo"], auth_key=self.auth_key)
        if self.mode == "tunnel":
            kw["tunnel_header"] = IP(src=self.src, dst=self.dst)
        return SecurityAssociation(ESP, **kw)

    def open_trailer(self, esp_pkt, esn_hi=None):
        """Decrypt @esp_pkt (scapy ESP layer) with Python's `cryptography`,
        independently of scapy, and return (data, pad_bytes, next_header).
        Used to check the padding, which scapy does not return."""
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
        body = bytes(esp_pkt.data)
        spi_seq = struct.pack("!LL", esp_pkt.spi, esp_pkt.seq)
        aad = spi_seq if esn_hi is None else struct.pack("!LLL", esp_pkt.spi, esn_hi, esp_pkt.seq)
        if self.kind.startswith("gcm") or self.kind == "chacha":
            key, salt = self.crypt_key[:-4], self.crypt_key[-4:]
            iv, ct = body[:8], body[8:]
            aead = AESGCM(key) if self.kind.startswith("gcm") else ChaCha20Poly1305(key)
            plain = aead.decrypt(salt + iv, ct, aad)
        else:
            icv = 12 if self.kind == "cbc-sha1" else 16
            iv, ct = body[:16], body[16:len(body) - icv]
            d = Cipher(algorithms.AES(self.crypt_key), modes.CBC(iv)).decryptor()
            plain = d.update(ct) + d.finalize()
        padlen, nh = plain[-2], plain[-1]
        return plain[:len(plain) - 2 - padlen], plain[len(plain) - 2 - padlen:-2], nh

    # RFC 4303 §2.2.1 / §3.3.2.1: with ESN, a separate integrity algorithm's
    # ICV covers the ESP header and payload, then the high sequence half
    # (not sent). scapy's ESP leaves it out (its sign/verify add it for AH
    # only), so for the CBC kinds with ESN the harness moves ICVs between
    # the RFC's and scapy's, checking ours with Python's hmac.
    def _icv(self, covered):
        import hashlib
        import hmac
        h = hashlib.sha1 if self.kind == "cbc-sha1" else hashlib.sha256
        n = 12 if self.kind == "cbc-sha1" else 16
        return hmac.new(self.auth_key, covered, h).digest()[:n]

    def esn_icv_needs_harness(self, esn_en):
        return esn_en and self.kind.startswith("cbc")

    def esn_icv_to_scapy(self, esp, esn_hi):
        """Check @esp's (scapy ESP layer, in place) RFC 4303 ESN ICV, then
        replace it by the ICV scapy verifies. Raises ValueError on mismatch."""
        icv_len = 12 if self.kind == "cbc-sha1" else 16
        data = bytes(esp.data)
        covered = bytes(esp)[:len(bytes(esp)) - icv_len]
        want = self._icv(covered + struct.pack("!L", esn_hi))
        if data[-icv_len:] != want:
            raise ValueError("ESN ICV %s, want %s (HMAC over ESP || seq high %d)"
                             % (data[-icv_len:].hex(), want.hex(), esn_hi))
        esp.data = data[:-icv_len] + self._icv(covered)

    def esn_icv_from_scapy(self, esp, esn_hi):
        """Replace scapy's ICV on @esp (in place) by the RFC 4303 ESN one."""
        icv_len = 12 if self.kind == "cbc-sha1" else 16
        data = bytes(esp.data)
        covered = bytes(esp)[:len(bytes(esp)) - icv_len]
        esp.data = data[:-icv_len] + self._icv(covered + struct.pack("!L", esn_hi))

    def seal_raw(self, seq, payload, nh, padding, esn_hi=0, iv=None):
        """An ESP header + body sealed with this SA over arbitrary trailer
        bytes (for hostile input): payload || padding || len(padding) || nh,
        encrypted and authenticated correctly. Returns the scapy ESP layer."""
        from scapy.layers.ipsec import _ESPPlain
        sa = self.scapy_sa(esn_en=bool(esn_hi), esn=esn_hi)
        if iv is None:
            iv = sa.crypt_algo.generate_iv()
        plain = _ESPPlain(spi=self.spi, seq=seq, iv=iv, data=payload,
                          padding=padding, padlen=len(padding), nh=nh)
        esp = sa.crypt_algo.encrypt(sa, plain, sa.crypt_key, sa.crypt_icv_size,
                                    esn_en=bool(esn_hi), esn=esn_hi)
        sa.auth_algo.sign(esp, sa.auth_key, esn_en=bool(esn_hi), esn=esn_hi)
        return esp


def ready_text(log_text):
    """The start-up line after which a gateway forwards: ipsec-secgw's, ours."""
    return "entering main loop" in log_text or "gateway: running on" in log_text


def rfc_padding(n):
    return bytes(range(1, n + 1))


class Gateway:
    """The gateway under test: cryptoeng-ipsec-gw, or DPDK's ipsec-secgw (the
    same command line and config, crypto in process) to validate the harness."""

    def __init__(self, kind, binary, workdir, tag, topo, daemon=None):
        self.kind, self.binary, self.workdir, self.topo, self.daemon = kind, binary, workdir, topo, daemon
        self.prefix = "cegwg%s" % tag
        self.cfg = os.path.join(workdir, "gw.cfg")
        self.log = os.path.join(workdir, "gateway.log")
        self.proc = None
        self.tele = Telemetry(self.prefix)

    def write_config(self, lines, with_routes=True):
        text = list(lines)
        if with_routes:
            text += [
                "sp ipv4 out esp bypass pri 1 dst 192.168.240.0/24 sport 0:65535 dport 0:65535",
                "rt ipv4 dst %s/32 port 1" % TUN_REMOTE,
                "rt ipv4 dst 192.168.105.0/24 port 1",
                "rt ipv4 dst 192.168.240.0/24 port 1",
                "rt ipv4 dst 192.168.1.0/24 port 0",
                "neigh port 0 %s" % MAC["cl0"],
                "neigh port 1 %s" % MAC["es1"],
            ]
        with open(self.cfg, "w") as f:
            f.write("\n".join(text) + "\n")
        return self.cfg

    def argv(self, app_args, ports=None):
        eal = ["-l", "1", "--no-huge", "-m", "512", "--no-pci", "--file-prefix", self.prefix,
               "--log-level", "lib.eal:error"]
        if ports is None:
            ports = ["net_af_packet0,iface=gw0", "net_af_packet1,iface=gw1"]
        for p in ports:
            eal += ["--vdev", p]
        app = list(app_args)
        if self.kind == "secgw":
            eal += ["--vdev", "crypto_aesni_mb"]
            # librte_ipsec path: the one that passes ChaCha20 (NOTES.md).
            app = ["-l"] + app
        else:
            app += ["--socket", self.daemon.sock]
        return [self.binary] + eal + ["--"] + app

    def start(self, app_args, ports=None, wait=True, netns=True):
        self.proc = Proc(self.kind, self.argv(app_args, ports), self.log,
                         ns=self.topo.ns["gw"] if netns else None)
        if wait:
            self.wait_ready()
        return self.proc

    def wait_ready(self, timeout_s=60.0):
        if not self.tele.connect(timeout_s):
            self.proc.dump()
            raise RuntimeError("gateway telemetry never came up")
        # Telemetry is up at EAL init; forwarding starts later.
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.proc.alive():
                self.proc.dump()
                raise RuntimeError("gateway exited during start")
            if ready_text(self.proc.text()):
                return
            time.sleep(0.1)
        self.proc.dump()
        raise RuntimeError("gateway not forwarding within %.0f s" % timeout_s)

    def port_stats(self, port):
        return self.tele.query("/ethdev/stats,%d" % port)

    def stop(self):
        self.tele.close()
        if self.proc:
            rc = self.proc.stop()
            self.proc = None
            return rc
        return None


class Harness:
    def __init__(self, args):
        self.args = args
        self.tag = "%d" % (os.getpid() % 100000)
        self.workdir = tempfile.mkdtemp(prefix="cegwtest-")
        self.topo = None
        self.peer = None
        self.daemon = None
        self.gw = None
        self.failures = []

    def setup(self, backend="sw", start_daemon=True):
        need_root_netns()
        self.topo = Topology(self.tag)
        self.topo.up()
        self.peer = Peer(self.topo)
        if self.args.gateway_kind == "cryptoeng":
            self.daemon = Daemon(self.args.daemon, self.workdir, self.tag, backend)
            if start_daemon:
                self.daemon.start()
        self.gw = Gateway(self.args.gateway_kind, self.args.gateway, self.workdir, self.tag,
                          self.topo, self.daemon)

    def close(self):
        failed = bool(self.failures)
        for what in (self.gw, self.daemon):
            if what is not None and getattr(what, "proc", None) is not None:
                if failed:
                    what.proc.dump()
        if self.gw:
            self.gw.stop()
        if self.daemon:
            self.daemon.stop()
        if self.peer:
            self.peer.close()
        if self.topo:
            self.topo.down()

    def check(self, cond, what):
        if not cond:
            self.failures.append(what)
            log("FAIL: " + what)
        return cond

    def probe(self, timeout_s=30.0):
        """Bypass packets clear -> clear until one comes through: the data
        path is running. No SA sequence number is spent."""
        from scapy.all import Ether, IP, UDP, Raw
        deadline = time.monotonic() + timeout_s
        self.peer.drain("esp")
        while time.monotonic() < deadline:
            p = Ether(src=MAC["cl0"], dst=MAC["gw0"]) / IP(src=CLEAR_HOST, dst=BYPASS_HOST) / \
                UDP(sport=9, dport=9) / Raw(b"probe")
            self.peer.send("clear", p)
            got = self.peer.collect("esp", lambda f: f.haslayer(IP) and f[IP].dst == BYPASS_HOST,
                                    1, timeout_s=0.5, settle_s=0)
            if got:
                self.peer.drain("esp")
                return True
        return False
