"""The benchmark's HTTP client and latency measurement, on 127.0.0.1 only.

``Client`` is one keep-alive connection with its own cookies (one browser), on
http.client; ``measure`` times one page with several clients at once, bounded by count and
time. Shared by bench/run.py, bench/load.py and bench/server.py (gunicorn's health check).
"""

import http.client
import math
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode

HOST = "127.0.0.1"  # all traffic stays on loopback
REQUEST_TIMEOUT = 120  # seconds; a request that takes longer counts as a transport error


@dataclass
class Response:
    status: int
    location: str
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Client:
    """One keep-alive connection to 127.0.0.1 with its own cookies (one browser)."""

    def __init__(self, port: int, cookies: dict | None = None, timeout: float = REQUEST_TIMEOUT):
        self.port, self.timeout = port, timeout
        self.cookies = dict(cookies or {})
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, form: dict | None = None) -> Response:
        body = urlencode(form) if form is not None else None
        headers = {"Host": HOST, "Accept-Language": "zh-hans"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                # A kept-alive connection the server closed: a GET is safe to repeat, a
                # POST is not (its outcome is then unknown to the caller).
                if method == "GET" and attempt == 1:
                    continue
                raise
            except BaseException:
                self.close()
                raise
            seconds = time.perf_counter() - started
            for name, value in resp.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    val = rest.split(";", 1)[0]
                    if val in ("", '""') or "max-age=0" in value.lower():
                        self.cookies.pop(key.strip(), None)
                    else:
                        self.cookies[key.strip()] = val
            if resp.will_close:
                self.close()
            return Response(resp.status, resp.getheader("Location") or "", data, seconds)
        raise AssertionError("unreachable")


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)  # nearest rank
    return ordered[max(0, min(len(ordered), math.ceil(p / 100 * len(ordered))) - 1)]


def measure(
    port: int,
    path: str,
    cookie_sets: list[dict],
    *,
    concurrency: int,
    duration: float,
    max_requests: int,
    warmup: int = 0,
) -> dict:
    """``concurrency`` clients GET ``path`` back to back until ``duration`` seconds or
    ``max_requests`` requests, whichever comes first. Latencies in seconds."""
    clients = [Client(port, cookie_sets[i % len(cookie_sets)]) for i in range(concurrency)]
    lock = threading.Lock()
    state = {"issued": 0}

    def run(client: Client, deadline: float, budget: int):
        out = []
        while True:
            with lock:
                if state["issued"] >= budget or time.perf_counter() >= deadline:
                    return out
                state["issued"] += 1
            try:
                r = client.request("GET", path)
                out.append((r.status, r.seconds))
            except (OSError, http.client.HTTPException):
                out.append((0, None))

    try:
        with ThreadPoolExecutor(concurrency) as pool:
            if warmup:  # every worker process has rendered the page before timing starts
                state["issued"] = 0
                end = time.perf_counter() + max(5.0, duration)
                list(pool.map(lambda c: run(c, end, warmup), clients))
            state["issued"] = 0
            started = time.perf_counter()
            deadline = started + duration
            results = list(pool.map(lambda c: run(c, deadline, max_requests), clients))
            elapsed = time.perf_counter() - started
    finally:
        for client in clients:
            client.close()
    samples = [s for out in results for s in out]
    ok = [sec for status, sec in samples if status == 200]
    statuses = Counter(status for status, _ in samples)
    return {
        "path": path,
        "concurrency": concurrency,
        "requests": len(samples),
        "ok": len(ok),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "seconds": round(elapsed, 3),
        "throughput": round(len(ok) / elapsed, 1) if elapsed else None,
        "p50_ms": ms(percentile(ok, 50)),
        "p95_ms": ms(percentile(ok, 95)),
        "mean_ms": ms(sum(ok) / len(ok) if ok else None),
    }


def ms(seconds):
    """Seconds to milliseconds, rounded to 0.01; None stays None."""
    return None if seconds is None else round(seconds * 1000, 2)
