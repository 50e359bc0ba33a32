#!/usr/bin/env python3
"""Hostile SMTP servers on 127.0.0.1 for memory benchmarks (tests/bench/hostile-rss.sh).

    hostile-servers.py MODE [--port N] [--lifetime S] [--max-connections N]

Listens on 127.0.0.1 only (port 0 by default), prints "listening PORT" on stdout, serves each
client the MODE's attack, and exits by itself after --lifetime seconds (default 120) or
--max-connections clients (default 200), whichever comes first. Every attack is bounded in
bytes as well; a client that hangs up ends it at once.

Modes:
  long-line      "220 " and 100 MB without a line ending (the banner never ends)
  million-lines  a banner of 1,000,000 "220-" continuation lines, then "220 ok"
  wide-banner    a banner of 511 lines of 65,000 bytes each, then "220 ok" (33 MB)
  tls-flood      a good STARTTLS conversation; inside TLS, every command (EHLO, the injection
                 probe's NOOP, ...) is answered with an endless "250-" reply, 1 GB at most
"""

import argparse
import asyncio
import logging
import os
import shutil
import ssl
import subprocess
import sys
import tempfile

MB = 1024 * 1024
CHUNK = 64 * 1024


async def send_bounded(writer, pattern: bytes, total: int):
    """Writes `pattern` repeated until `total` bytes went out or the client is gone."""
    block = pattern * max(1, CHUNK // len(pattern))
    sent = 0
    while sent < total:
        if writer.is_closing() or writer.transport.get_extra_info("socket") is None:
            raise ConnectionResetError("client closed")
        piece = block[: total - sent]
        writer.write(piece)
        await writer.drain()
        sent += len(piece)
    return sent


async def read_line(reader, limit=4096):
    line = await reader.readline()
    if not line:
        raise ConnectionResetError("client closed")
    return line[:limit]


class Hostile:
    def __init__(self, mode, tls_context):
        self.mode = mode
        self.tls = tls_context
        self.connections = 0
        self.done = asyncio.Event()

    async def serve(self, reader, writer):
        self.connections += 1
        try:
            await getattr(self, self.mode.replace("-", "_"))(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, OSError):
            pass
        finally:
            writer.close()
            if self.connections >= ARGS.max_connections:
                self.done.set()

    async def long_line(self, reader, writer):
        writer.write(b"220 ")
        await send_bounded(writer, b"A", 100 * MB)
        await writer.drain()

    async def million_lines(self, reader, writer):
        await send_bounded(writer, b"220-flood\r\n", 1_000_000 * len(b"220-flood\r\n"))
        writer.write(b"220 ok\r\n")
        await self.smtp_until_quit(reader, writer)

    async def wide_banner(self, reader, writer):
        line = b"220-" + b"W" * (65_000 - 6) + b"\r\n"
        for _ in range(511):
            writer.write(line)
            await writer.drain()
        writer.write(b"220 ok\r\n")
        await self.smtp_until_quit(reader, writer)

    async def smtp_until_quit(self, reader, writer):
        while True:
            line = (await read_line(reader)).strip().upper()
            if line.startswith(b"QUIT"):
                writer.write(b"221 bye\r\n")
                await writer.drain()
                return
            if line.startswith(b"EHLO") or line.startswith(b"HELO"):
                writer.write(b"250-hostile.invalid\r\n250 8BITMIME\r\n")
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()

    async def tls_flood(self, reader, writer):
        writer.write(b"220 hostile.invalid ESMTP\r\n")
        await writer.drain()
        while True:
            line = (await read_line(reader)).strip().upper()
            if line.startswith(b"EHLO") or line.startswith(b"HELO"):
                writer.write(b"250-hostile.invalid\r\n250 STARTTLS\r\n")
            elif line.startswith(b"STARTTLS"):
                writer.write(b"220 go ahead\r\n")
                await writer.drain()
                # The injection probe sends STARTTLS and NOOP in one write: that NOOP is plaintext
                # the server drops here (a fixed server); the flood starts inside TLS.
                await writer.start_tls(self.tls)
                break
            elif line.startswith(b"QUIT"):
                writer.write(b"221 bye\r\n")
                await writer.drain()
                return
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
        await read_line(reader)  # the first command inside TLS
        await send_bounded(writer, b"250-flood inside TLS\r\n", 1024 * MB)


def make_tls_context(workdir):
    if not shutil.which("openssl"):
        sys.exit("openssl is needed for tls-flood")
    cert, key = os.path.join(workdir, "cert.pem"), os.path.join(workdir, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


async def main():
    # A client that hangs up mid-flood is the point, not an error worth a log line per write.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory(prefix="mailscope-hostile-") as workdir:
        hostile = Hostile(ARGS.mode, make_tls_context(workdir) if ARGS.mode == "tls-flood" else None)
        server = await asyncio.start_server(hostile.serve, "127.0.0.1", ARGS.port, limit=64 * 1024)
        print("listening", server.sockets[0].getsockname()[1], flush=True)
        try:
            await asyncio.wait_for(hostile.done.wait(), timeout=ARGS.lifetime)
        except asyncio.TimeoutError:
            pass
        server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["long-line", "million-lines", "wide-banner", "tls-flood"])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--lifetime", type=float, default=120.0)
    parser.add_argument("--max-connections", type=int, default=200)
    ARGS = parser.parse_args()
    asyncio.run(main())
