"""Benchmark: direct orders over HTTP (issue 5: ≥ 200 orders/s at 16 concurrent clients).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govmall_bench \\
        .venv/bin/python benchmarks/orders_http.py [--clients 16] [--duration 30] [--runs 3] \\
        [--workers 3] [--threads 1] [--conn-max-age 0] [--profile 300]

It creates its own throw-away database (`<name>_orders`), loads 1,000 purchasing units (a
buyer with an API token and ¥1,000,000,000 of funds each), 100 suppliers that may trade and
10,000 listed products with ample stock (benchmarks/orders_data.py, COPY), then starts the
real application under gunicorn (DEBUG off, production settings, plain HTTP on 127.0.0.1) on
that database. `--clients` threads, each with its own keep-alive connection, post
`POST /api/v1/orders` as random units (Bearer token) with 1–3 lines of one random supplier's
listings and a fresh `Idempotency-Key`: `--warmup` seconds first (not counted), then
`--duration` seconds measured, `--runs` times in a row (this virtual machine's speed varies
from minute to minute: the median is the figure). It prints orders/s, latency percentiles,
responses by status and error code, and CPU milliseconds per order of the gunicorn workers, of
PostgreSQL (the whole cluster and its backends for the bench database) and of this client
process, and the share of the machine that was busy.

Then it checks the database: as many orders as 2xx responses, each with exactly one
"order.placed" event, lines adding up to the total, the total reserved on its funding source,
every source's `reserved` equal to its orders' reservations, and the stock taken equal to the
quantities ordered. Exit status 1 if a check fails.

`--profile N` also posts N orders in this process through Django's test client under cProfile
(no network, no gunicorn) and prints the SQL queries per order and the top functions.
`--conn-max-age S` makes the workers keep their database connections for S seconds (the
settings' default: GOVMALL_DB_CONN_MAX_AGE, 600; 0 is a new connection per request).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from decimal import Decimal
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.common import ROOT, bench_database, say, setup_django

TICKS = os.sysconf("SC_CLK_TCK")
ADDRESSES = ["新华大街 1 号", "钢铁大街 27 号", "锡林南路 15 号", "鄂尔多斯大街 8 号"]


# ---- request bodies --------------------------------------------------------------------------


class Orders:
    """Random order bodies: a random unit, one random supplier, 1–3 of its listings."""

    def __init__(self, data: Any, seed: int) -> None:
        self.units = data.units
        self.offers = [v for v in data.offers.values() if len(v) >= 3]
        self.rng = random.Random(seed)

    def next(self) -> tuple[str, bytes]:
        r = self.rng
        token, source, division = self.units[int(r.random() * len(self.units))]
        offers = self.offers[int(r.random() * len(self.offers))]
        picks = r.sample(offers, r.choice((1, 2, 3)))
        lines = []
        for number, price in picks:
            quantity = 1 + int(r.random() * 3)
            if price * quantity > Decimal("60000"):
                quantity = 1
            lines.append({"listing": number, "quantity": quantity})
        body = {
            "lines": lines,
            "funding_source_id": source,
            "delivery_division": division,
            "delivery_address": r.choice(ADDRESSES),
            "delivery_contact": "王五",
            "delivery_phone": "0471-6543210",
            "note": "基准测试订单",
        }
        return token, json.dumps(body, ensure_ascii=False).encode()


# ---- the server ------------------------------------------------------------------------------

HOOKS = """
def when_ready(server):
    # --preload imported the application in the master; import the URL configuration (views,
    # templates' modules) there too, once, instead of in every worker's first request.
    from django.urls import get_resolver, reverse

    get_resolver().url_patterns
    reverse("trading:order_detail", args=["ORD-0"])  # builds the reverse index once


def post_worker_init(worker):
    max_age = {max_age}
    if max_age is not None:
        from django.conf import settings

        settings.DATABASES["default"]["CONN_MAX_AGE"] = max_age
"""


def db_url(settings_dict: dict[str, Any]) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{settings_dict['NAME']}"


def start_server(url: str, args: argparse.Namespace, workdir: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.pop("DJANGO_DEBUG", None)
    env.update(
        DATABASE_URL=url,
        SECRET_KEY="bench-" + uuid.uuid4().hex * 2,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        GOVMALL_HTTPS="0",
        GOVMALL_VAR=workdir,
        GOVMALL_LOG_LEVEL="ERROR",  # refused orders are counted here, not logged there
        PYTHONPATH=os.path.join(ROOT, "src"),
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "govmall.wsgi:application",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread" if args.threads > 1 else "sync",
        "--threads",
        str(args.threads),
        "--backlog",
        "256",
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
        "--preload",
        "--timeout",
        "120",
    ]
    config = os.path.join(workdir, "gunicorn_hooks.py")
    with open(config, "w") as f:
        f.write(HOOKS.format(max_age=args.conn_max_age))
    command += ["--config", config]
    say(f"starting: gunicorn {' '.join(command[4:])}")
    server = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603 - our own command
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited at start")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            conn.request("GET", "/api/v1/orders/ORD-0")
            conn.getresponse().read()
            conn.close()
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# ---- CPU accounting from /proc ---------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def _pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def process_tree_cpu(root: int) -> tuple[float, float]:
    """CPU seconds (user, system) of `root` and its live children (the gunicorn master and its
    workers)."""
    user = system = 0.0
    for pid in _pids():
        fields = _stat(pid)
        if fields is None:
            continue
        if pid == root or int(fields[1]) == root:
            user += int(fields[11]) / TICKS
            system += int(fields[12]) / TICKS
    return user, system


def backend_pids(url: str) -> set[int]:
    """The PostgreSQL backends serving the bench database (persistent connections only)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]
        ).fetchall()
    return {pid for (pid,) in rows}


def pids_cpu(pids: set[int]) -> float:
    total = 0.0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL process, plus what exited backends left to the
    postmaster (the times of its reaped children)."""
    stats: dict[int, list[str]] = {}
    for pid in _pids():
        try:
            with open(f"/proc/{pid}/comm") as f:
                if not f.read().startswith("postgres"):
                    continue
        except OSError:
            continue
        fields = _stat(pid)
        if fields is not None:
            stats[pid] = fields
    total = 0.0
    for fields in stats.values():
        total += (int(fields[11]) + int(fields[12])) / TICKS
        if int(fields[1]) not in stats:  # the postmaster
            total += (int(fields[13]) + int(fields[14])) / TICKS
    return total


def machine_busy() -> tuple[float, float, float]:
    """Busy, all and stolen CPU time of the machine (stolen: a virtual machine's CPU given to
    other guests by the host, which makes the same work take longer)."""
    with open("/proc/stat") as f:
        parts = [float(x) for x in f.readline().split()[1:]]
    idle = parts[3] + parts[4]
    return sum(parts) - idle, sum(parts), parts[7]


# ---- the load --------------------------------------------------------------------------------


class Load:
    def __init__(self, orders: Orders, port: int, baseline: bool = False) -> None:
        self.orders = orders
        self.port = port
        # baseline: GET /api/v1/me with the same tokens (the framework's floor per request)
        self.method, self.path = ("GET", "/api/v1/me") if baseline else ("POST", "/api/v1/orders")
        self.lock = threading.Lock()
        self.measuring = False
        self.stop = False
        self.latencies: list[float] = []
        self.statuses: Counter[str] = Counter()
        self.numbers: list[str] = []
        self.all_ok = 0

    def client(self) -> None:
        conn = Connection(self.port)
        while not self.stop:
            with self.lock:
                token, body = self.orders.next()
            head = (
                f"{self.method} {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {token}\r\nIdempotency-Key: {uuid.uuid4().hex}\r\n"
            )
            if self.method == "POST":
                head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            start = time.perf_counter()
            try:
                status, payload = conn.request(
                    head.encode() + b"\r\n" + (body if self.method == "POST" else b"")
                )
            except OSError as exc:
                conn.close()
                status, payload = 0, type(exc).__name__.encode()
            elapsed = time.perf_counter() - start
            label = str(status)
            number = None
            if 200 <= status < 300:
                if self.method == "POST":
                    number = json.loads(payload).get("number")
            else:
                try:
                    label += " " + json.loads(payload)["error"]["code"]
                except (ValueError, KeyError, TypeError):
                    label += " " + payload[:60].decode(errors="replace")
            with self.lock:
                if number is not None:
                    self.all_ok += 1
                    self.numbers.append(number)
                if self.measuring:
                    self.latencies.append(elapsed)
                    self.statuses[label] += 1
        conn.close()


class Connection:
    """HTTP/1.1 to the server with just what the load needs: send a request, read the status,
    Content-Length and body, reconnect when the server closes (gunicorn's sync workers close
    after every response). `http.client` parses every header through the email package: ~0.4
    ms of CPU per request, taken from the two cores the server is measured on."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def _read(self, sock: socket.socket) -> None:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def request(self, data: bytes) -> tuple[int, bytes]:
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock = self.sock
        sock.sendall(data)
        while b"\r\n\r\n" not in self.buffer:
            self._read(sock)
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, close = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection":
                close = value.strip().lower() == b"close"
        self.buffer = rest
        while len(self.buffer) < length:
            self._read(sock)
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        if close:
            self.close()
        return status, body


def run_load(
    orders: Orders,
    args: argparse.Namespace,
    server: subprocess.Popen[bytes],
    url: str,
    *,
    baseline: bool = False,
) -> dict[str, Any]:
    load = Load(orders, args.port, baseline)
    threads = [threading.Thread(target=load.client, daemon=True) for _ in range(args.clients)]
    for t in threads:
        t.start()
    say(f"warm-up: {args.warmup} s …")
    time.sleep(args.warmup)
    # The whole cluster (WAL writer, checkpointer … and anything else running) and, with
    # persistent connections (the settings' default), the bench database's own backends.
    backends = backend_pids(url) if args.conn_max_age != 0 else set()
    load.measuring = True
    own0 = pids_cpu(backends)
    app0, pg0, me0, (busy0, all0, steal0) = (
        process_tree_cpu(server.pid),
        postgres_cpu(),
        time.process_time(),
        machine_busy(),
    )
    load0 = os.getloadavg()[0]
    start = time.perf_counter()
    say(f"measuring {load.method} {load.path}: {args.duration} s at {args.clients} clients …")
    time.sleep(args.duration)
    load.measuring = False
    elapsed = time.perf_counter() - start
    app1, pg1, me1, (busy1, all1, steal1) = (
        process_tree_cpu(server.pid),
        postgres_cpu(),
        time.process_time(),
        machine_busy(),
    )
    own1 = pids_cpu(backends)
    load.stop = True
    for t in threads:
        t.join(timeout=70)
    ok = sum(n for label, n in load.statuses.items() if label.startswith("2"))
    if baseline:
        load.numbers, load.all_ok = [], 0
    lat = sorted(load.latencies)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else 0.0

    per = max(ok, 1)
    return {
        "elapsed": elapsed,
        "ok": ok,
        "requests": len(lat),
        "orders_per_s": ok / elapsed,
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "mean": statistics.fmean(lat) * 1000 if lat else 0.0,
        "statuses": dict(load.statuses),
        "app_cpu_ms": (sum(app1) - sum(app0)) * 1000 / per,
        "app_system_ms": (app1[1] - app0[1]) * 1000 / per,
        "pg_cpu_ms": (pg1 - pg0) * 1000 / per,
        "backends_cpu_ms": (own1 - own0) * 1000 / per if backends else None,
        "client_cpu_ms": (me1 - me0) * 1000 / per,
        "machine_busy": (busy1 - busy0) / max(all1 - all0, 1),
        "steal": (steal1 - steal0) / max(all1 - all0, 1),
        "loadavg": (load0, os.getloadavg()[0]),
        "all_ok": load.all_ok,
        "numbers": load.numbers,
    }


# ---- checks ----------------------------------------------------------------------------------


def verify(result: dict[str, Any], stock: int, before: int) -> list[str]:
    """`before`: orders that existed before the load (from --profile)."""
    from django.db import connection

    problems = []
    numbers = result["numbers"]
    if not result["ok"]:
        problems.append("no order was placed in the measured window")
    if len(set(numbers)) != len(numbers):
        problems.append("the same order number was returned twice")
    with connection.cursor() as cursor:

        def one(sql: str, params: list[Any] | None = None) -> Any:
            cursor.execute(sql, params or [])
            return cursor.fetchone()[0]

        orders = one("SELECT count(*) FROM trading_order") - before
        if orders != result["all_ok"]:
            problems.append(f"{orders} orders in the database, {result['all_ok']} 2xx responses")
        unmatched = one(
            "SELECT count(*) FROM trading_order o WHERE (SELECT count(*) FROM audit_event e "
            "WHERE e.object_type = 'trading.order' AND e.object_id = o.id::text "
            "AND e.action = 'order.placed') <> 1"
        )
        if unmatched:
            problems.append(f"{unmatched} orders without exactly one order.placed event")
        bad_totals = one(
            "SELECT count(*) FROM trading_order o WHERE o.total <> o.reserved_amount "
            "OR o.total <> (SELECT sum(l.amount) FROM trading_orderline l "
            "WHERE l.order_id = o.id)"
        )
        if bad_totals:
            problems.append(f"{bad_totals} orders whose lines or reservation differ from total")
        bad_sources = one(
            "SELECT count(*) FROM trading_fundingsource s WHERE s.reserved <> coalesce("
            "(SELECT sum(o.reserved_amount) FROM trading_order o "
            "WHERE o.funding_source_id = s.id), 0)"
        )
        if bad_sources:
            problems.append(f"{bad_sources} funding sources whose reserved ≠ their orders")
        taken = one("SELECT coalesce(sum(%s - stock), 0) FROM catalog_listing", [stock])
        ordered = one("SELECT coalesce(sum(quantity), 0) FROM trading_orderline")
        if taken != ordered:
            problems.append(f"stock taken {taken} ≠ quantities ordered {ordered}")
        result["db_orders"] = orders
        result["db_lines"] = one("SELECT count(*) FROM trading_orderline")
        result["db_events"] = one(
            "SELECT count(*) FROM audit_event WHERE object_type = 'trading.order'"
        )
    return problems


# ---- in-process profile ----------------------------------------------------------------------


def profile(orders: Orders, n: int) -> None:
    """N orders (and N GET /api/v1/me for comparison) in this process under cProfile."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    bodies = [orders.next() for _ in range(2 * n + 20)]

    def post(token: str, body: bytes) -> Any:
        return client.post(
            "/api/v1/orders",
            data=body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
        )

    def me(token: str, _body: bytes) -> Any:
        return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    for call, what in ((me, "GET /api/v1/me"), (post, "POST /api/v1/orders")):
        for token, body in bodies[:10]:  # warm caches and imports
            call(token, body)
        with CaptureQueriesContext(connection) as queries:
            response = call(*bodies[10])
        say(f"{what}: HTTP {response.status_code}, {len(queries)} SQL queries:")
        for q in queries.captured_queries:
            say(f"    {q['time']}s  {q['sql'][:160]}")
        if response.status_code >= 300:
            say(f"    {response.content[:300]!r}")
        chosen = bodies[11 : 11 + n] if call is me else bodies[11 + n : 11 + 2 * n]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = {cursor.fetchone()[0]}
        start, cpu, server = time.perf_counter(), time.process_time(), pids_cpu(backend)
        for token, body in chosen:
            call(token, body)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        server = pids_cpu(backend) - server
        say(
            f"{what}, {n} in-process: {wall / n * 1000:.2f} ms wall, {cpu / n * 1000:.2f} ms "
            f"CPU, its PostgreSQL backend {server / n * 1000:.2f} ms CPU"
        )
        profiler = cProfile.Profile(time.process_time)  # CPU, not wall: the machine is shared
        profiler.enable()
        for token, body in bodies[11 : 11 + n] if call is me else bodies[:0]:
            call(token, body)
        if call is post:
            for _ in range(n):
                call(*orders.next())
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)


# ---- main ----------------------------------------------------------------------------------


def report(result: dict[str, Any], what: str) -> None:
    print(
        f"{what}: {result['orders_per_s']:.1f}/s  ({result['ok']:,} 2xx of "
        f"{result['requests']:,} requests in {result['elapsed']:.1f} s)"
    )
    print(
        f"  latency ms: p50 {result['p50']:.1f}  p95 {result['p95']:.1f}  "
        f"p99 {result['p99']:.1f}  mean {result['mean']:.1f}"
    )
    print(f"  responses: {json.dumps(result['statuses'], ensure_ascii=False, sort_keys=True)}")
    own = result["backends_cpu_ms"]
    print(
        f"  CPU per 2xx: gunicorn {result['app_cpu_ms']:.2f} ms (system "
        f"{result['app_system_ms']:.2f}), PostgreSQL "
        f"{result['pg_cpu_ms']:.2f} ms"
        + (f" (of which its backends {own:.2f} ms)" if own is not None else "")
        + ", client "
        f"{result['client_cpu_ms']:.2f} ms; "
        f"machine busy {result['machine_busy'] * 100:.0f} % (stolen by the host "
        f"{result['steal'] * 100:.1f} %), load average "
        f"{result['loadavg'][0]:.1f} → {result['loadavg'][1]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--suppliers", type=int, default=100)
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument(
        "--runs", type=int, default=1, help="measured windows in a row (the machine's speed varies)"
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help=">1: gthread workers")
    parser.add_argument("--conn-max-age", type=int, default=None)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument(
        "--baseline", action="store_true", help="first measure GET /api/v1/me the same way"
    )
    parser.add_argument("--seed", type=int, default=20260505)
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Run on PostgreSQL: DATABASE_URL=postgres://…")
    if not args.port:
        with socket.socket() as probe:  # a port nothing else listens on
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    setup_django()
    from django.db import connection

    from benchmarks.orders_data import STOCK, generate

    problems: list[str] = []
    with bench_database("orders"), tempfile.TemporaryDirectory() as workdir:
        data = generate(
            units=args.units, n_suppliers=args.suppliers, listings=args.listings, seed=args.seed
        )
        if args.profile:
            profile(Orders(data, args.seed + 1), args.profile)
        if args.duration <= 0:
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM trading_order")
            before = cursor.fetchone()[0]
        url = db_url(connection.settings_dict)
        connection.close()
        server = start_server(url, args, workdir)
        try:
            base = (
                run_load(Orders(data, 1), args, server, url, baseline=True)
                if args.baseline
                else None
            )
            results = [
                run_load(Orders(data, args.seed + 2 + run), args, server, url)
                for run in range(args.runs)
            ]
        finally:
            stop_server(server)
        combined = {
            "ok": sum(r["ok"] for r in results),
            "all_ok": sum(r["all_ok"] for r in results),
            "numbers": [n for r in results for n in r["numbers"]],
        }
        problems = verify(combined, STOCK, before)
        counts = data.counts
        print(
            f"data: {counts['units']:,} purchasing units, {counts['suppliers']:,} suppliers, "
            f"{counts['listings']:,} listed listings ({counts['orderable listings']:,} "
            "up to ¥50,000 offered to the clients)"
        )
        mode = f"{args.workers} {'gthread' if args.threads > 1 else 'sync'} worker(s)"
        if args.threads > 1:
            mode += f" × {args.threads} threads"
        if args.conn_max_age is not None:
            mode += f", CONN_MAX_AGE={args.conn_max_age}"
        print(f"server: gunicorn --preload, {mode}; {args.clients} clients")
        if base is not None:
            report(base, "GET /api/v1/me (baseline)")
        for run, result in enumerate(results, start=1):
            label = f"run {run} of {len(results)}: " if len(results) > 1 else ""
            report(result, f"{label}POST /api/v1/orders: orders")
        if len(results) > 1:
            rates = sorted(r["orders_per_s"] for r in results)
            print(
                f"orders/s over {len(rates)} runs: median {statistics.median(rates):.1f}, "
                f"lowest {rates[0]:.1f}, highest {rates[-1]:.1f}"
            )
        print(
            f"database: {combined['db_orders']:,} orders, {combined['db_lines']:,} lines, "
            f"{combined['db_events']:,} order events"
        )
        for problem in problems:
            print(f"CHECK FAILED: {problem}")
        if not problems:
            print(
                "checks passed: orders = 2xx responses, one order.placed event each, lines = "
                "total = reserved, funding sources and stock consistent"
            )
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
