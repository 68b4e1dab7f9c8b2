"""A small client for the ClamAV daemon (clamd): PING, VERSION and INSTREAM, nothing else.

Why our own and not a PyPI client: docs/decisions.md ("Upload scanning"). The protocol, from
clamd(8): a command is sent as `z<COMMAND>\\0` and answered with one `\\0`-terminated line.
INSTREAM is followed by chunks, each a 4-byte big-endian length and that many bytes, ended by a
zero length; the answer is `stream: OK`, `stream: <signature> FOUND` or `... ERROR`. When the
stream passes clamd's StreamMaxLength, clamd answers `INSTREAM size limit exceeded. ERROR` and
closes the connection, possibly while we are still sending.

Anything but a clear OK or FOUND raises ScanUnavailable: the callers refuse the upload then
(fail closed), so a broken or overloaded scanner never lets a file through unchecked.
"""
from __future__ import annotations

import socket
import struct

CHUNK = 64 * 1024
MAX_REPLY = 4096


class ScanUnavailable(Exception):
    """clamd is configured but gave no usable answer. The text is for the log, in English."""


class ScanTooLarge(ScanUnavailable):
    """The file is longer than clamd's StreamMaxLength."""


def target(config) -> str | None:
    """Where clamd listens, as configured ('' or None: scanning is off)."""
    return config.get("CLAMD_SOCKET") or config.get("CLAMD_ADDRESS") or None


def _connect(config) -> socket.socket:
    timeout = float(config.get("CLAMD_TIMEOUT") or 10)
    path = config.get("CLAMD_SOCKET")
    try:
        if path:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            try:
                sock.connect(path)
            except OSError:
                sock.close()
                raise
            return sock
        host, _, port = str(config["CLAMD_ADDRESS"]).rpartition(":")
        return socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=timeout)
    except (OSError, ValueError) as exc:
        raise ScanUnavailable(f"cannot connect to clamd at {target(config)}: {exc}") from None


def _reply(sock: socket.socket) -> str:
    """Read one \\0-terminated answer (or up to the close); bounded, so a confused peer can't
    make us buffer without end."""
    buf = b""
    while b"\0" not in buf and len(buf) < MAX_REPLY:
        part = sock.recv(MAX_REPLY)
        if not part:
            break
        buf += part
    return buf.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def command(config, name: str) -> str:
    """PING or VERSION: one command, one answer line."""
    with _connect(config) as sock:
        try:
            sock.sendall(b"z" + name.encode("ascii") + b"\0")
            answer = _reply(sock)
        except OSError as exc:
            raise ScanUnavailable(f"clamd did not answer {name}: {exc}") from None
    if not answer:
        raise ScanUnavailable(f"clamd closed the connection without answering {name}")
    return answer


def scan(config, data: bytes) -> str | None:
    """The signature clamd found in `data`, or None when it is clean."""
    with _connect(config) as sock:
        try:
            sock.sendall(b"zINSTREAM\0")
            view = memoryview(data)
            for start in range(0, len(view), CHUNK):
                chunk = view[start:start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
        except OSError as exc:
            # clamd may have stopped reading because the stream is over its limit: its answer
            # can still be waiting in our receive buffer and says why.
            answer = _late_reply(sock)
            if "size limit" in answer:
                raise ScanTooLarge(f"clamd refused {len(data)} bytes: {answer}") from None
            raise ScanUnavailable(f"clamd stopped reading the upload: {exc} {answer}".strip()) from None
        try:
            answer = _reply(sock)
        except OSError as exc:
            raise ScanUnavailable(f"clamd gave no verdict: {exc}") from None
    return _verdict(answer, len(data))


def _late_reply(sock: socket.socket) -> str:
    try:
        return _reply(sock)
    except OSError:
        return ""


def _verdict(answer: str, size: int) -> str | None:
    if answer.endswith(" ERROR"):
        if "size limit" in answer:
            raise ScanTooLarge(f"clamd refused {size} bytes: {answer}")
        raise ScanUnavailable(f"clamd could not scan: {answer}")
    name, sep, result = answer.partition(": ")
    if sep and name == "stream":
        if result == "OK":
            return None
        if result.endswith(" FOUND") and result[: -len(" FOUND")].strip():
            return result[: -len(" FOUND")].strip()
    raise ScanUnavailable(f"unexpected answer from clamd: {answer[:200]!r}")


def status(config) -> dict:
    """For the admin status page: is scanning on, does clamd answer, which version."""
    where = target(config)
    if where is None:
        return {"configured": False}
    # A short wait: a dead scanner must not make the status page hang.
    quick = dict(CLAMD_SOCKET=config.get("CLAMD_SOCKET"), CLAMD_ADDRESS=config.get("CLAMD_ADDRESS"),
                 CLAMD_TIMEOUT=min(float(config.get("CLAMD_TIMEOUT") or 10), 3.0))
    try:
        answers = command(quick, "PING") == "PONG"
        version = command(quick, "VERSION") if answers else None
    except ScanUnavailable as exc:
        return {"configured": True, "target": where, "answers": False, "problem": str(exc)}
    return {"configured": True, "target": where, "answers": answers, "version": version}
