# SPDX-License-Identifier: BSD-3-Clause
"""What bench/budget (instructions per stage, callgrind) and bench/stage-cycles
(TSC cycles per stage, native) both run: the cases, with bench/compare's
crypto-perf options, and the daemon's config (one worker, never asleep)."""

CASES = {
    "null": ["--optype", "cipher-only", "--cipher-algo", "null", "--cipher-key-sz", "0",
             "--cipher-iv-sz", "0", "--devtype", "null"],
    "gcm": ["--optype", "aead", "--aead-algo", "aes-gcm", "--aead-key-sz", "16",
            "--aead-iv-sz", "12", "--aead-op", "encrypt", "--digest-sz", "16",
            "--devtype", "sw"],
    "cbc": ["--optype", "cipher-then-auth", "--cipher-algo", "aes-cbc", "--cipher-key-sz", "16",
            "--cipher-iv-sz", "16", "--cipher-op", "encrypt", "--auth-algo", "sha1-hmac",
            "--auth-op", "generate", "--auth-key-sz", "20", "--digest-sz", "12",
            "--devtype", "sw"],
    "chacha": ["--optype", "aead", "--aead-algo", "chacha20-poly1305", "--aead-key-sz", "32",
               "--aead-iv-sz", "12", "--aead-op", "encrypt", "--digest-sz", "16",
               "--devtype", "sw"],
}

CONFIG = """; bench/budget, bench/stage-cycles: one worker, never asleep (bench/budget measures the idle turns apart)
[eal]
lcores = 0,1
args = --no-pci --log-level=lib.eal:error
file_prefix = {prefix}
hugepages = no

[engine]
queue_size = 1024
batch_size = {burst}
retry = yes
idle_us = 10000000
idle_sleep = no
{extra}
[clients]
credits = 1024

[socket]
path = {sock}

[pmd.null0]
driver = null
args = depth=64,delay_ns=0

[pmd.ipsecmb0]
driver = ipsecmb
"""


def dpdk_options(case):
    """A case's crypto-perf options for dpdk-test-crypto-perf: without our --devtype."""
    return CASES[case][:-2]


def dpdk_vdev(case):
    """The vdev dpdk-test-crypto-perf runs a case on."""
    return "crypto_null" if case == "null" else "crypto_aesni_mb"
