"""``curl`` and ``wget`` in a simulator without a network.

A RUN step that downloads fails the way the real tool fails when DNS does not answer (as in
``docker build --network=none``): ``curl: (6) Could not resolve host: example.com``, exit
status 6; busybox ``wget: bad address 'example.com'``, exit status 1; GNU wget ``unable to
resolve host address``, exit status 4.  A loopback address resolves, and then nothing listens:
curl exits 7, wget says ``Connection refused``.  The real tool's lines come first, so a student
can look them up; one more line says why layerlab cannot download and what to do instead.

The messages were taken from curl 7.88.1, GNU Wget 1.21.3 and busybox 1.35 on a host without
DNS for the name (``tests/build/test_network.py`` compares them).
"""

from __future__ import annotations

import ipaddress
import time
from urllib.parse import urlsplit

from simulator.userland._args import (
    is_gnu,
)
from simulator.userland.registry import ExecContext, register

__all__ = ["NO_NETWORK"]

NO_NETWORK = (
    "layerlab: {tool}: there is no network in the simulator; put the file in the build context and COPY it, "
    "or install it with apt-get/apk/pip (they use layerlab's built-in catalogue)\n"
)

_CURL_VALUE = set("oHXdAeEuUwmrTxyYzbcCKQF") | {"D"}
_CURL_LONG_VALUE = {
    "output", "header", "request", "data", "data-raw", "data-binary", "user-agent", "referer", "user", "proxy",
    "write-out", "max-time", "connect-timeout", "retry", "retry-delay", "retry-max-time", "cacert", "cert", "key",
    "output-dir", "form", "cookie", "cookie-jar", "range", "upload-file", "limit-rate", "dump-header", "config",
    "resolve", "proto", "proto-redir", "tlsv1.2", "interface", "speed-time", "speed-limit", "url", "time-cond",
}  # fmt: skip


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url if "://" in url else "http://" + url)
    host = parts.hostname or ""
    default = {"https": 443, "ftp": 21}.get(parts.scheme, 80)
    try:
        port = parts.port or default
    except ValueError:
        port = default
    return host, port


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _address(host: str) -> str:
    return "127.0.0.1" if host == "localhost" else host


@register("curl")
def curl(ctx: ExecContext, argv: list[str]) -> int:
    silent = show_error = False
    outputs: list[str] = []
    urls: list[str] = []
    args = argv[1:]
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--"):
            key, eq, value = arg[2:].partition("=")
            if key == "silent":
                silent = True
            elif key == "show-error":
                show_error = True
            elif key == "url":
                urls.append(value if eq else args[i + 1] if i + 1 < len(args) else "")
            elif key in ("output", "remote-name"):
                outputs.append(key)
            if (key in _CURL_LONG_VALUE and not eq and key != "url") or (key == "url" and not eq):
                i += 1
            i += 1
            continue
        if arg.startswith("-") and len(arg) > 1:
            for j, letter in enumerate(arg[1:], 1):
                if letter == "s":
                    silent = True
                elif letter == "S":
                    show_error = True
                elif letter in "oO":
                    outputs.append(letter)
                if letter in _CURL_VALUE:
                    if j == len(arg) - 1:
                        i += 1
                    break
            i += 1
            continue
        urls.append(arg)
        i += 1
    if not urls:
        ctx.err("curl: try 'curl --help' or 'curl --manual' for more information\n")
        return 2
    if not silent:
        ctx.err(
            "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
            "                                 Dload  Upload   Total   Spent    Left  Speed\n"
            "\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0"
        )
    host, port = _host_port(urls[0])
    if _loopback(host):
        code, text = 7, f"Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"
    else:
        code, text = 6, f"Could not resolve host: {host}"
    if not silent or show_error:
        ctx.err(f"curl: ({code}) {text}\n")
    ctx.err(NO_NETWORK.format(tool="curl"))
    return code


@register("wget")
def wget(ctx: ExecContext, argv: list[str]) -> int:
    gnu = is_gnu(ctx, argv)
    quiet = False
    output: str | None = None
    urls: list[str] = []
    args = argv[1:]
    with_value = set("OoPUYeTtwQ")
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--"):
            key, eq, value = arg[2:].partition("=")
            if key == "quiet":
                quiet = True
            elif key == "output-document":
                output = value if eq else args[i + 1] if i + 1 < len(args) else ""
                i += 0 if eq else 1
            elif not eq and key in ("header", "user-agent", "directory-prefix", "post-data", "post-file", "tries",
                                    "timeout", "output-file", "execute", "progress"):  # fmt: skip
                i += 1
            i += 1
            continue
        if arg.startswith("-") and len(arg) > 1:
            for j, letter in enumerate(arg[1:], 1):
                if letter == "q":
                    quiet = True
                if letter in with_value:
                    value = arg[j + 1 :]
                    if not value and i + 1 < len(args):
                        i += 1
                        value = args[i]
                    if letter == "O":
                        output = value
                    break
            i += 1
            continue
        urls.append(arg)
        i += 1
    no_verbose = "-nv" in args or "--no-verbose" in args
    if not urls:
        if gnu:
            ctx.err(
                "wget: missing URL\nUsage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n"
            )
        else:
            ctx.err("Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR] URL...\n")
        return 1
    if gnu and output not in (None, "-"):
        # GNU wget opens the -O file before it connects: an empty file is left behind
        ctx.fs.write_file(ctx.abspath(output or ""), b"", mode=0o666 & ~ctx.umask)
    url = urls[0]
    host, port = _host_port(url)
    loopback = _loopback(host)
    if gnu:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
        shown = url if "://" in url else "http://" + url
        if loopback:
            address = _address(host)
            if not quiet and not no_verbose:
                ctx.err(
                    f"--{stamp}--  {shown}\nConnecting to {host}:{port}... failed: Connection refused.\n"
                    if host == address
                    else f"--{stamp}--  {shown}\nResolving {host} ({host})... {address}\n"
                    f"Connecting to {host} ({host})|{address}|:{port}... failed: Connection refused.\n"
                )
            status = 4
        else:
            if not quiet and not no_verbose:
                ctx.err(
                    f"--{stamp}--  {shown}\nResolving {host} ({host})... failed: Name or service not known.\n"
                )
            if not quiet:
                ctx.err(f"wget: unable to resolve host address \u2018{host}\u2019\n")
            status = 4
    else:
        if loopback:
            if not quiet:
                ctx.err(f"Connecting to {host}:{port} ({_address(host)}:{port})\n")
            ctx.err(f"wget: can't connect to remote host ({_address(host)}): Connection refused\n")
        else:
            ctx.err(f"wget: bad address '{host}'\n")
        status = 1
    ctx.err(NO_NETWORK.format(tool="wget"))
    return status
