#!/usr/bin/env python3
"""peer-tools-normalize.py TOOL INPUT TARGET TOOLVERSION > OUTPUT.json

Turns what a peer TLS scanner said about one server into the form Mailscope's tests compare
with: per protocol version, the sorted set of accepted cipher suites by IANA code ("0xC030";
SSLv2 cipher kinds with three bytes, "0x010080").

  TOOL sslscan   INPUT is `sslscan --xml=FILE` output
  TOOL testssl   INPUT is `testssl.sh --cipher-per-proto --jsonfile FILE` output

Versions are named as Mailscope's report names them: SSLv2, SSLv3, TLSv1.0 ... TLSv1.3. A
version the tool found disabled has no entry; an enabled one lists its suites.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

SSLSCAN_VERSIONS = {"SSLv2": "SSLv2", "SSLv3": "SSLv3", "TLSv1.0": "TLSv1.0", "TLSv1.1": "TLSv1.1",
                    "TLSv1.2": "TLSv1.2", "TLSv1.3": "TLSv1.3"}
TESTSSL_VERSIONS = {"ssl2": "SSLv2", "ssl3": "SSLv3", "tls1": "TLSv1.0", "tls1_1": "TLSv1.1",
                    "tls1_2": "TLSv1.2", "tls1_3": "TLSv1.3"}


def code(hex_digits):
    """'c030' / 'xc030' / '0xC030' -> '0xC030'; '010080' -> '0x010080'."""
    digits = hex_digits.lower().removeprefix("0x").removeprefix("x")
    value = int(digits, 16)
    width = 6 if len(digits) > 4 else 4
    return "0x%0*X" % (width, value)


def from_sslscan(path):
    root = ET.parse(path).getroot()
    versions = {}
    for ssltest in root.iter("ssltest"):
        for proto in ssltest.iter("protocol"):
            name = "%s%s" % ("SSLv" if proto.get("type") == "ssl" else "TLSv", proto.get("version"))
            if proto.get("enabled") == "1":
                versions.setdefault(name, set())
        for c in ssltest.iter("cipher"):
            if c.get("status") not in ("accepted", "preferred"):
                continue
            name = SSLSCAN_VERSIONS[c.get("sslversion")]
            versions.setdefault(name, set()).add(code(c.get("id")))
    return versions


def from_testssl(path):
    with open(path, encoding="utf-8") as f:
        findings = json.load(f)
    versions = {}
    pattern = re.compile(r"^cipher-(ssl2|ssl3|tls1|tls1_1|tls1_2|tls1_3)_x([0-9a-fA-F]+)$")
    for item in findings:
        m = pattern.match(item.get("id", ""))
        if m:
            versions.setdefault(TESTSSL_VERSIONS[m.group(1)], set()).add(code(m.group(2)))
        elif item.get("id") in ("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3"):
            # The protocol section: "offered" (or "offered with final") enables a version.
            name = {"SSLv2": "SSLv2", "SSLv3": "SSLv3", "TLS1": "TLSv1.0", "TLS1_1": "TLSv1.1",
                    "TLS1_2": "TLSv1.2", "TLS1_3": "TLSv1.3"}[item["id"]]
            if item.get("finding", "").startswith("offered"):
                versions.setdefault(name, set())
    return versions


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    tool, path, target, tool_version = sys.argv[1:]
    versions = from_sslscan(path) if tool == "sslscan" else from_testssl(path)
    out = {
        "tool": tool,
        "tool_version": tool_version,
        "target": target,
        "versions": {v: sorted(s, key=lambda c: int(c, 16)) for v, s in sorted(versions.items())},
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
