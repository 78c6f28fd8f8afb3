"""Load test of the API on loopback: concurrent users reading a tenant's totals and overview.

    carbonledger demo --out demo --serve        # in another shell: the demo served on :8000
    python benchmarks/api_load.py --url http://127.0.0.1:8000 --tenant demo --user demo \\
        --password "$CARBONLEDGER_PASSWORD" --users 50 --requests 10

Every user logs in once, then sends its requests one after another (the paths in turn); all
users run at once. Bounded in requests and time (``--seconds``). Prints, per path, how many
answered 200 and the median, p95 and largest latency [ms], as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

import httpx2 as httpx

PATHS = (
    "/api/v1/{tenant}/totals?period={period}",
    "/api/v1/{tenant}/totals?period={period}&by=facility",
    "/t/{tenant}?period={period}",
)


async def _user(
    url: str, tenant: str, user: str, password: str, period: str, requests: int, deadline: float
) -> list[tuple[str, int, float]]:
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        session = await client.post(
            "/api/v1/session", data={"username": user, "password": password}
        )
        session.raise_for_status()
        timings = []
        for number in range(requests):
            if time.perf_counter() > deadline:
                break
            path = PATHS[number % len(PATHS)].format(tenant=tenant, period=period)
            start = time.perf_counter()
            reply = await client.get(path)
            timings.append((path, reply.status_code, (time.perf_counter() - start) * 1000))
        return timings


async def _run(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    deadline = time.perf_counter() + args.seconds
    users = [
        _user(args.url, args.tenant, args.user, args.password, args.period, args.requests, deadline)
        for _ in range(args.users)
    ]
    found: dict[str, list[tuple[int, float]]] = {}
    for timings in await asyncio.gather(*users):
        for path, status, ms in timings:
            found.setdefault(path.split("?")[0] + "?" + path.split("?")[1], []).append((status, ms))
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
    return summary


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--tenant", default="demo")
    parser.add_argument("--user", default="demo")
    parser.add_argument("--password", required=True)
    parser.add_argument("--period", default="2025")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=10, help="per user")
    parser.add_argument("--seconds", type=float, default=300, help="stop sending after this")
    args = parser.parse_args()
    start, cpu = time.perf_counter(), time.process_time()
    summary = asyncio.run(_run(args))
    summary["_run"] = {
        "wall_s": round(time.perf_counter() - start, 1),
        "client_cpu_s": round(time.process_time() - cpu, 1),
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
