"""Load test of the API on loopback: concurrent users reading a tenant's totals and overview.

    carbonledger demo --out demo                # a demo workspace
    python benchmarks/api_load.py --workspace demo --workers 2 --users 50 --requests 30

With ``--workspace`` the benchmark serves that workspace itself as the tenant ``demo`` (a
server folder in a temporary directory, ``carbonledger serve`` on a free loopback port) and
reports the server's CPU time beside the client's; with ``--url`` (and ``--password``) it calls
a server already running. First one request per path is sent alone and timed (``cold``: the
first read of a workspace revision computes its result, later reads get it kept, see
``docs/api.md``). Then every user logs in once and sends its requests one after another (the
paths in turn, pausing after each answer for an exponentially distributed time of mean
``--think`` seconds: 0, never, is the hardest case), all users at once, bounded in requests
and time (``--seconds``). Prints, per
path, how many answered 200 and the median, p95 and largest latency [ms], and for the reading
phase its wall time and the CPU time of the client and the server (with its workers), as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx

PATHS = (
    "/api/v1/{tenant}/totals?period={period}",
    "/api/v1/{tenant}/totals?period={period}&by=facility",
    "/t/{tenant}?period={period}",
)


async def _logged_in(client: httpx.AsyncClient, user: str, password: str) -> None:
    reply = await client.post("/api/v1/session", data={"username": user, "password": password})
    reply.raise_for_status()


async def _user(
    client: httpx.AsyncClient, args: argparse.Namespace, deadline: float
) -> list[tuple[str, int, float]]:
    timings = []
    pauses = random.Random(id(client))
    if args.think:  # pausing users arrive at random too, not all in the same instant
        await asyncio.sleep(pauses.expovariate(1 / args.think))
    for number in range(args.requests):
        if time.perf_counter() > deadline:
            break
        path = PATHS[number % len(PATHS)].format(tenant=args.tenant, period=args.period)
        start = time.perf_counter()
        reply = await client.get(path)
        timings.append((path, reply.status_code, (time.perf_counter() - start) * 1000))
        if args.think:  # exponential pauses of that mean: users not in step with each other
            await asyncio.sleep(pauses.expovariate(1 / args.think))
    return timings


async def _cold(args: argparse.Namespace, password: str) -> dict[str, float]:
    """Each path once, alone: the time to compute and keep its result [ms]."""
    async with httpx.AsyncClient(base_url=args.url, timeout=300) as client:
        await _logged_in(client, args.user, password)
        found = {}
        for template in PATHS:
            path = template.format(tenant=args.tenant, period=args.period)
            start = time.perf_counter()
            (await client.get(path)).raise_for_status()
            found[path] = round((time.perf_counter() - start) * 1000, 1)
        return found


async def _load(
    args: argparse.Namespace, password: str, server: int | None
) -> dict[str, dict[str, float]]:
    """Every user logs in, then all read at once (the server's CPU counted from there)."""
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(httpx.AsyncClient(base_url=args.url, timeout=120))
            for _ in range(args.users)
        ]
        await asyncio.gather(*(_logged_in(c, args.user, password) for c in clients))
        start, cpu, server_cpu = time.perf_counter(), time.process_time(), _cpu_of(server)
        deadline = start + args.seconds
        runs = await asyncio.gather(*(_user(c, args, deadline) for c in clients))
        phase = {
            "wall_s": round(time.perf_counter() - start, 1),
            "client_cpu_s": round(time.process_time() - cpu, 1),
        }
        if server is not None:
            phase["server_cpu_s"] = round(_cpu_of(server) - server_cpu, 1)
    found: dict[str, list[tuple[int, float]]] = {}
    for timings in runs:
        for path, status, ms in timings:
            found.setdefault(path, []).append((status, ms))
    summary = {}
    for path, rows in found.items():
        times = sorted(ms for _, ms in rows)
        summary[path] = {
            "requests": len(rows),
            "ok": sum(status == 200 for status, _ in rows),
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(0.95 * len(times)) - 1)], 1),
            "max_ms": round(times[-1], 1),
        }
    summary["_load"] = phase
    return summary


def _cpu_of(pid: int | None) -> float:
    """CPU time [s] of a process and its children (a server's workers), from ``/proc``."""
    if pid is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(stat.parent.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent
                total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def _serving(workspace: Path, workers: int) -> Iterator[tuple[str, str, int]]:
    """``carbonledger serve`` over ``workspace`` as the tenant ``demo``: its URL and the
    user ``demo``'s password and the server's process id; stopped (and waited for) at the
    end."""
    from carbonledger.app import serve_workspace

    password = secrets.token_urlsafe(12)
    with tempfile.TemporaryDirectory(prefix="carbonledger-load-") as root:
        serve_workspace(root, workspace, "Demo group", "demo", password)
        port = _free_port()
        command = [sys.executable, "-m", "carbonledger", "serve", "--root", root]
        command += ["--port", str(port), "--workers", str(workers)]
        log = Path(root) / "server.log"
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                time.sleep(0.1)
            else:
                raise RuntimeError(f"no answer from /healthz in a minute:\n{log.read_text()}")
            yield url, password, server.pid
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(60)


def _measure(args: argparse.Namespace, password: str, server: int | None = None) -> dict:
    summary = {"_cold_ms": asyncio.run(_cold(args, password))}
    summary |= asyncio.run(_load(args, password, server))
    summary["_load"] |= {"users": args.users, "workers": args.workers, "think_s": args.think}
    return summary


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--workspace", type=Path, help="serve this workspace for the test")
    where.add_argument("--url", help="a server already running")
    parser.add_argument("--workers", type=int, default=1, help="with --workspace")
    parser.add_argument("--tenant", default="demo")
    parser.add_argument("--user", default="demo")
    parser.add_argument("--password", help="with --url")
    parser.add_argument("--period", default="2025")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=30, help="per user")
    parser.add_argument("--seconds", type=float, default=300, help="stop sending after this")
    parser.add_argument(
        "--think", type=float, default=0.0, help="a user's mean pause after each answer [s]"
    )
    args = parser.parse_args()
    if args.url:
        if not args.password:
            parser.error("--url needs --password")
        summary = _measure(args, args.password)
    else:
        with _serving(args.workspace, args.workers) as (url, password, server):
            args.url, args.tenant, args.user = url, "demo", "demo"
            summary = _measure(args, password, server)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
