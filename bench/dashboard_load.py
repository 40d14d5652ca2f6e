"""The dashboard bench's load: wrk when it is on PATH, else a keep-alive client of our own.

Both post the same body with the same bearer token over N keep-alive connections for a
fixed time and report requests, errors, seconds and the p50/p99 latency as JSON (one
line on stdout). The fallback runs in its own process (`python -m bench.dashboard_load`)
so that its CPU is not the bench's or the servers': asyncio streams, HTTP/1.1 with
Content-Length only (both servers answer so), one request in flight per connection.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

STALL = 30.0  # seconds without an answer: the server is stuck, the run fails


@dataclass(frozen=True)
class Load:
    """What one run measured."""

    tool: str
    requests: int  # answered with 200 within the run
    errors: int  # anything else: another status, a broken connection
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def tool_name() -> str:
    return "wrk" if shutil.which("wrk") else "python keep-alive client"


def run_load(url: str, body: str, token: str, connections: int, seconds: float) -> Load:
    """Drive `url` for `seconds`; blocks until the load process is done."""
    if shutil.which("wrk"):
        return _wrk(url, body, token, connections, seconds)
    command = [
        sys.executable,
        "-m",
        "bench.dashboard_load",
        url,
        "--token",
        token,
        "--body",
        body,
        "--connections",
        str(connections),
        "--seconds",
        str(seconds),
    ]
    done = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, check=True, timeout=seconds + STALL + 30
    )
    return Load(**json.loads(done.stdout.strip().splitlines()[-1]))


# wrk's done() hook sees the whole latency histogram; µs, printed on one line we parse
WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. {token}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99)))
end
"""


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def _wrk(url: str, body: str, token: str, connections: int, seconds: float) -> Load:
    script = WRK_SCRIPT.format(body=_lua_string(body), token=_lua_string(token))
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as file:
        file.write(script)
        file.flush()
        # wrk wants at least one connection per thread
        threads = min(2, connections)
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{math.ceil(seconds)}s"]
        command += ["--timeout", f"{STALL:.0f}s", "-s", file.name, url]
        done = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
    found = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+)$", done.stdout, re.MULTILINE)
    if done.returncode or found is None:
        raise RuntimeError(f"wrk failed: {done.stdout} {done.stderr}")
    total, errors, micros, p50, p99 = (int(g) for g in found.groups())
    return Load("wrk", total - errors, errors, micros / 1e6, p50 / 1000, p99 / 1000)


class Client:
    """One keep-alive connection sending the same request until the deadline."""

    def __init__(self, host: str, port: int, request: bytes, deadline: float) -> None:
        self.host, self.port, self.request, self.deadline = host, port, request, deadline
        self.latencies: list[float] = []
        self.errors = 0

    async def run(self) -> None:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            while time.perf_counter() < self.deadline:
                start = time.perf_counter()
                writer.write(self.request)
                async with asyncio.timeout(STALL):
                    head = await reader.readuntil(b"\r\n\r\n")
                    length = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
                    if length is None:
                        raise RuntimeError("an answer without Content-Length")
                    await reader.readexactly(int(length.group(1)))
                if head.startswith(b"HTTP/1.1 200 "):
                    self.latencies.append(time.perf_counter() - start)
                else:
                    self.errors += 1
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            self.errors += 1
        finally:
            writer.close()


def percentile(ordered: list[float], share: float) -> float:
    """Nearest rank: a latency that really occurred."""
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)] if ordered else 0.0


async def drive(url: str, body: str, token: str, connections: int, seconds: float) -> Load:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    payload = body.encode()
    request = (
        f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Content-Type: application/json\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode() + payload
    start = time.perf_counter()
    clients = [Client(host, port, request, start + seconds) for _ in range(connections)]
    async with asyncio.TaskGroup() as group:
        for client in clients:
            group.create_task(client.run())
    elapsed = time.perf_counter() - start
    latencies = sorted(t for c in clients for t in c.latencies)
    errors = sum(c.errors for c in clients)
    return Load(
        "python keep-alive client",
        len(latencies),
        errors,
        elapsed,
        percentile(latencies, 0.50) * 1000,
        percentile(latencies, 0.99) * 1000,
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard_load", description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--token", required=True)
    parser.add_argument("--body", required=True)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    load = asyncio.run(drive(args.url, args.body, args.token, args.connections, args.seconds))
    print(json.dumps(asdict(load)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
