#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write lib/pmd/testvec_asym_data.h: the asymmetric known answers.

Facts carried over from published vectors, not computed by the code under
test: NIST CAVP SigGen15 (FIPS 186-2) and SigVerPSS (FIPS 186-3) (RSA), SigVer/SigGen (ECDSA,
FIPS 186-3), KAS ECC ZZOnly (ECDH P-256/P-384), RFC 7748 sections 5.2 and 6.1
(X25519), as Debian's python3-cryptography-vectors ships them. Derived here:
DER encodings of those keys (python3-cryptography), SHA-256 digests of the
messages, raw RSA values (Python integers: pow()). FFDHE has no published
vectors: its answers come from Python's integers (pow) over the RFC 7919
groups with fixed private values, an implementation OpenSSL has no part in.

Run by hand (not in CI): apt-get install python3-cryptography-vectors;
tests/registry/gen_asym_vectors.py > lib/pmd/testvec_asym_data.h
"""
import hashlib
import os
import sys

import cryptography_vectors as cv
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import dh, ec, rsa, x25519

ASYM = "asymmetric"


def vec_path(*parts):
    return os.path.join(os.path.dirname(cv.__file__), ASYM, *parts)


def blocks(path):
    """Records of 'key = value' lines; section headers [..] carried along."""
    out, cur, section, header = [], {}, None, {}
    for line in open(path):
        line = line.strip()
        if line.startswith("["):
            if cur:
                out.append(cur)
                cur = {}
            section = line
            header = {}
            continue
        if not line or line.startswith("#"):
            if cur and ("Result" in cur or "S" in cur or "Z" in cur or "OUTPUT_U" in cur):
                out.append(cur)
                cur = {}
            continue
        if "=" not in line:
            continue
        k, v = (x.strip() for x in line.split("=", 1))
        if k in ("n", "e", "d", "p", "q", "dmp1", "dmq1", "iqmp") and not cur:
            header[k] = v
            continue
        cur.setdefault("_section", section)
        cur.setdefault("_header", dict(header))
        cur[k] = v
    if cur:
        out.append(cur)
    return out


def der_priv(key):
    return key.private_bytes(ser.Encoding.DER, ser.PrivateFormat.PKCS8,
                             ser.NoEncryption())


def der_pub(key):
    return key.public_bytes(ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo)


def rsa_key(n, e, d):
    p, q = rsa.rsa_recover_prime_factors(n, e, d)
    if p < q:
        p, q = q, p
    nums = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
                                 rsa.RSAPublicNumbers(e, n))
    return nums.private_key()


def hx(b):
    return b.hex()


VECS = []


def key_bits(der_hex):
    der = bytes.fromhex(der_hex)
    try:
        k = ser.load_der_private_key(der, None)
    except ValueError:
        k = ser.load_der_public_key(der)
    if isinstance(k, (x25519.X25519PrivateKey, x25519.X25519PublicKey)):
        return 253  # as OpenSSL counts them (and caps key_size says)
    return k.key_size


def add(alg, desc, op, status, key, inp="", sig="", out=None):
    VECS.append((alg, desc, op, status, key_bits(key), key, inp, sig, out))


DIGESTINFO_SHA256 = bytes.fromhex("3031300d060960864801650304020105000420")


def rsa_pkcs1():
    taken = set()
    for b in blocks(vec_path("RSA", "FIPS_186-2", "SigGen15_186-2.txt")):
        mod = b["_section"]
        if b.get("SHAAlg") != "SHA256" or mod not in ("[mod = 2048]", "[mod = 3072]",
                                                      "[mod = 4096]"):
            continue
        if mod in taken:
            continue
        taken.add(mod)
        h = b["_header"]
        n, e, d = int(h["n"], 16), int(h["e"], 16), int(h["d"], 16)
        k = (n.bit_length() + 7) // 8
        key = rsa_key(n, e, d)
        digest = hashlib.sha256(bytes.fromhex(b["Msg"])).digest()
        s = bytes.fromhex(b["S"])
        em = pow(int.from_bytes(s, "big"), e, n).to_bytes(k, "big")
        # The CAVP signature is EMSA-PKCS1-v1_5 of the digest: check it.
        ps = b"\xff" * (k - 3 - len(DIGESTINFO_SHA256) - 32)
        assert em == b"\x00\x01" + ps + b"\x00" + DIGESTINFO_SHA256 + digest
        bits = n.bit_length()
        src = "NIST CAVP SigGen15_186-2 %d-bit SHA-256" % bits
        kd = hx(der_priv(key))
        for alg in ("pkcs1pad(rsa,sha256)", "pkcs1(rsa,sha256)"):
            add(alg, src + ": sign", "CE_OP_SIGN", 0, kd, hx(digest), out=hx(s))
            add(alg, src + ": verify", "CE_OP_SIG_VERIFY", 0, hx(der_pub(key.public_key())),
                hx(digest), hx(s))
            bad = bytearray(s)
            bad[k // 2] ^= 0x10
            add(alg, src + ": verify, a bit flipped", "CE_OP_SIG_VERIFY", "-EBADMSG",
                hx(der_pub(key.public_key())), hx(digest), hx(bytes(bad)))
        # Raw RSA: the signature is the private operation on EM.
        add("rsa", src + ": raw decrypt of EM", "CE_OP_DECRYPT", 0, kd, hx(em), out=hx(s))
        add("rsa", src + ": raw encrypt of S", "CE_OP_ENCRYPT", 0,
            hx(der_pub(key.public_key())), hx(s), out=hx(em))


def rsa_pss():
    taken = set()
    for b in blocks(vec_path("RSA", "FIPS_186-2", "SigVerPSS_186-3.rsp")):
        mod = b["_section"]
        if b.get("SHAAlg") != "SHA256" or mod not in ("[mod = 2048]", "[mod = 3072]"):
            continue
        res = b["Result"][0]
        # A changed public key would change the record's header: leave those out.
        if "Public Key" in b["Result"] or (mod, res) in taken:
            continue
        taken.add((mod, res))
        h = b["_header"]
        n, e = int(h["n"], 16), int(b.get("e", h.get("e")), 16)
        pub = rsa.RSAPublicNumbers(e, n).public_key()
        digest = hashlib.sha256(bytes.fromhex(b["Msg"])).digest()
        add("psspad(rsa,sha256)", "NIST CAVP SigVerPSS_186-3 %d-bit SHA-256, result %s"
            % (n.bit_length(), b["Result"]), "CE_OP_SIG_VERIFY",
            0 if res == "P" else "-EBADMSG", hx(der_pub(pub)), hx(digest), b["S"].lower())
    # A private key for the sign-then-verify known answer: the SigGen15 key.
    for b in blocks(vec_path("RSA", "FIPS_186-2", "SigGen15_186-2.txt")):
        if b["_section"] == "[mod = 2048]" and b.get("SHAAlg") == "SHA256":
            h = b["_header"]
            key = rsa_key(int(h["n"], 16), int(h["e"], 16), int(h["d"], 16))
            digest = hashlib.sha256(bytes.fromhex(b["Msg"])).digest()
            add("psspad(rsa,sha256)", "NIST CAVP SigGen15_186-2 2048-bit key: sign, then verify",
                "CE_OP_SIGN", 0, hx(der_priv(key)), hx(digest))
            add("oaep(rsa,sha256)", "NIST CAVP SigGen15_186-2 2048-bit key: encrypt, then "
                "decrypt", "CE_OP_ENCRYPT", 0, hx(der_priv(key)), hx(digest))
            add("pkcs1pad(rsa,sha256)", "NIST CAVP SigGen15_186-2 2048-bit key: encrypt, "
                "then decrypt", "CE_OP_ENCRYPT", 0, hx(der_priv(key)), hx(digest))
            break


CURVES = {"P-256": (ec.SECP256R1(), 32, "ecdsa-nist-p256", "ecdh-nist-p256", "EC"),
          "P-384": (ec.SECP384R1(), 48, "ecdsa-nist-p384", "ecdh-nist-p384", "ED")}


def ecdsa():
    for cname, (curve, n, alg, _, _) in CURVES.items():
        taken = set()
        for b in blocks(vec_path("ECDSA", "FIPS_186-3", "SigVer.rsp")):
            if b["_section"] != "[%s,SHA-256]" % cname:
                continue
            res = b["Result"][0]
            if res in taken:
                continue
            taken.add(res)
            pub = ec.EllipticCurvePublicNumbers(int(b["Qx"], 16), int(b["Qy"], 16),
                                                curve).public_key()
            digest = hashlib.sha256(bytes.fromhex(b["Msg"])).digest()
            sig = int(b["R"], 16).to_bytes(n, "big") + int(b["S"], 16).to_bytes(n, "big")
            add(alg, "NIST CAVP SigVer %s SHA-256, result %s" % (cname, b["Result"]),
                "CE_OP_SIG_VERIFY", 0 if res == "P" else "-EBADMSG", hx(der_pub(pub)),
                hx(digest), hx(sig))
        for b in blocks(vec_path("ECDSA", "FIPS_186-3", "SigGen.txt")):
            if b["_section"] != "[%s,SHA-256]" % cname:
                continue
            key = ec.derive_private_key(int(b["d"], 16), curve)
            assert key.public_key().public_numbers().x == int(b["Qx"], 16)
            digest = hashlib.sha256(bytes.fromhex(b["Msg"])).digest()
            sig = int(b["R"], 16).to_bytes(n, "big") + int(b["S"], 16).to_bytes(n, "big")
            add(alg, "NIST CAVP SigGen %s SHA-256 (k given): verify" % cname,
                "CE_OP_SIG_VERIFY", 0, hx(der_pub(key.public_key())), hx(digest), hx(sig))
            add(alg, "NIST CAVP SigGen %s SHA-256 key: sign, then verify" % cname,
                "CE_OP_SIGN", 0, hx(der_priv(key)), hx(digest))
            break


def ecdh():
    for cname, (curve, n, _, alg, sect) in CURVES.items():
        got = 0
        for b in blocks(vec_path("ECDH", "KASValidityTest_ECCStaticUnified_NOKC_ZZOnly_init.fax")):
            if not b["_section"].startswith("[%s" % sect) or not b.get("Result", "").startswith("P"):
                continue
            key = ec.derive_private_key(int(b["dsIUT"], 16), curve)
            pubx = key.public_key().public_numbers()
            assert pubx.x == int(b["QsIUTx"], 16) and pubx.y == int(b["QsIUTy"], 16)
            peer = int(b["QsCAVSx"], 16).to_bytes(n, "big") + int(b["QsCAVSy"], 16).to_bytes(n, "big")
            src = "NIST CAVP KAS ECC ZZOnly %s COUNT %s" % (cname, b["COUNT"])
            kd = hx(der_priv(key))
            add(alg, src + ": shared secret Z", "CE_OP_KPP_SECRET", 0, kd, hx(peer),
                out=b["Z"].lower())
            add(alg, src + ": public key", "CE_OP_KPP_PUBKEY", 0, kd,
                out=hx(int(b["QsIUTx"], 16).to_bytes(n, "big") +
                       int(b["QsIUTy"], 16).to_bytes(n, "big")))
            got += 1
            if got == 2:
                break


def x25519_vectors():
    for b in blocks(vec_path("X25519", "rfc7748.txt")):
        if b.get("COUNT") not in ("1", "2"):
            continue
        key = x25519.X25519PrivateKey.from_private_bytes(bytes.fromhex(b["INPUT_SCALAR"]))
        add("curve25519", "RFC 7748 section 5.2, vector %s" % b["COUNT"], "CE_OP_KPP_SECRET",
            0, hx(der_priv(key)), b["INPUT_U"], out=b["OUTPUT_U"])
    # RFC 7748 section 6.1: Alice and Bob.
    alice = x25519.X25519PrivateKey.from_private_bytes(bytes.fromhex(
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
    bob_pub = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
    add("curve25519", "RFC 7748 section 6.1: Alice's public key", "CE_OP_KPP_PUBKEY", 0,
        hx(der_priv(alice)), out="8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
    add("curve25519", "RFC 7748 section 6.1: the shared secret", "CE_OP_KPP_SECRET", 0,
        hx(der_priv(alice)), bob_pub,
        out="4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
    assert alice.exchange(x25519.X25519PublicKey.from_public_bytes(bytes.fromhex(bob_pub))).hex() \
        == "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
    # A point of small order (u = 0): the all-zero result is refused (RFC 7748 6.1).
    add("curve25519", "RFC 7748 section 6.1: u = 0, small order, refused", "CE_OP_KPP_SECRET",
        "-EINVAL", hx(der_priv(alice)), "00" * 32)


def ffdhe():
    for bits in (2048, 3072, 4096):
        # The group's p from OpenSSL's RFC 7919 table, g = 2.
        params = dh.DHParameterNumbers(FFDHE_P[bits], 2)
        p = FFDHE_P[bits]
        k = bits // 8
        x = int.from_bytes(hashlib.sha256(b"cryptoeng ffdhe%d x" % bits).digest(), "big")
        y2 = int.from_bytes(hashlib.sha256(b"cryptoeng ffdhe%d peer" % bits).digest(), "big")
        key = dh.DHPrivateNumbers(x, dh.DHPublicNumbers(pow(2, x, p), params)).private_key()
        peer = pow(2, y2, p)
        alg = "ffdhe%d(dh)" % bits
        src = "RFC 7919 ffdhe%d, fixed x, Python integers" % bits
        add(alg, src + ": public key", "CE_OP_KPP_PUBKEY", 0, hx(der_priv(key)),
            out=hx(pow(2, x, p).to_bytes(k, "big")))
        add(alg, src + ": shared secret", "CE_OP_KPP_SECRET", 0, hx(der_priv(key)),
            hx(peer.to_bytes(k, "big")), out=hx(pow(peer, x, p).to_bytes(k, "big")))
        add(alg, src + ": peer y = 1, refused", "CE_OP_KPP_SECRET", "-EINVAL",
            hx(der_priv(key)), hx((1).to_bytes(k, "big")))


def ffdhe_primes():
    import subprocess
    out = {}
    for bits in (2048, 3072, 4096):
        pem = subprocess.run(["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt",
                              "group:ffdhe%d" % bits], capture_output=True, check=True).stdout
        out[bits] = ser.load_pem_parameters(pem).parameter_numbers().p
        assert out[bits].bit_length() == bits
    return out


FFDHE_P = ffdhe_primes()


def cstr(s):
    if s is None:
        return "NULL"
    return '"' + s + '"'


def emit():
    rsa_pkcs1()
    rsa_pss()
    ecdsa()
    ecdh()
    x25519_vectors()
    ffdhe()
    w = sys.stdout.write
    w("/* SPDX-License-Identifier: BSD-3-Clause */\n")
    w("/* Generated by tests/registry/gen_asym_vectors.py: see there where each comes\n"
      " * from. Included by testvec_asym.c only. Keys are DER (PKCS#8 or SPKI). */\n")
    for alg, desc, op, status, bits, key, inp, sig, out in VECS:
        w("\t{\n\t\t.alg = %s,\n\t\t.desc = %s,\n\t\t.op = %s,\n\t\t.status = %s,\n"
          "\t\t.key_bits = %d,\n" % (cstr(alg), cstr(desc), op, status, bits))
        for name, val in (("key", key), ("input", inp), ("sig", sig), ("output", out)):
            if not val:
                continue
            w("\t\t.%s =" % name)
            for i in range(0, len(val), 64):
                w("\n\t\t\t\"%s\"" % val[i:i + 64])
            w(",\n")
        w("\t},\n")


emit()
