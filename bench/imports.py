"""The import of the paper-era register (portal.imports) at scale: N alliances (default
10,000), each with its lead unit and two partners — 3 N member rows — from one workbook.

    .venv/bin/python bench/imports.py [N]

Builds the workbook (N lead units and N/2 partner units in 单位, N alliances in 联盟, 3 N
rows in 成员单位, N/2 past summaries in 年度总结), then, in a fresh process so that its
peak memory is the import's, runs the dry run and the import as the Celery jobs do
(``portal.imports.service.run``: the file read and checked, every row validated, every
record written in one transaction with its audit entry). The import's transaction is
rolled back at the end, so every run measures the same work on the same database
(``alliance_bench_import``, created and migrated on the first run): the audit entries
are therefore not sealed here. ``--seal`` commits an import of N new alliances instead
(under new names and numbers; they stay in the bench database) and times it with the
sealing of its audit entries, which the job does after the commit. Targets: the import
≤ 60 s, peak memory ≤ 500 MB.
"""

import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/alliance_bench_import"
)

from _django import machine, setup  # noqa: E402


def build(n: int, prefix: str = "导入基准", offset: int = 0) -> bytes:
    from openpyxl import Workbook

    from demo.accounts import demo_uscc
    from portal.imports.columns import ALLIANCES, MEMBERS, ORGANISATIONS, SUMMARIES

    book = Workbook(write_only=True)
    units = book.create_sheet(ORGANISATIONS.title)
    units.append(ORGANISATIONS.headers)

    def code(name):
        return demo_uscc(name, authority="91", division="130602")

    leads = [code(f"{prefix}企业{i:05d}") for i in range(n)]
    partners = [code(f"{prefix}院所{k:05d}") for k in range(max(2, n // 2))]
    for i, uscc in enumerate(leads):
        units.append(
            [f"{prefix}企业{i:05d}有限公司", uscc, "企业", "制造业", "张三", "", "", "", ""]
        )
    for k, uscc in enumerate(partners):
        units.append(
            [
                f"{prefix}院所{k:05d}",
                uscc,
                "科研机构",
                "科学研究和技术服务业",
                "李四",
                "",
                "",
                "",
                "",
            ]
        )
    alliances = book.create_sheet(ALLIANCES.title)
    alliances.append(ALLIANCES.headers)
    members = book.create_sheet(MEMBERS.title)
    members.append(MEMBERS.headers)
    summaries = book.create_sheet(SUMMARIES.title)
    summaries.append(SUMMARIES.headers)
    for i, uscc in enumerate(leads):
        year = 2016 + i % 9
        number = f"保科联备〔{year}〕{offset + i + 1:05d}号"
        alliances.append(
            [
                f"{prefix}联盟{i:05d}",
                "一类：产业技术创新战略联盟",
                uscc,
                number,
                f"{year}-06-30",
                "已备案",
                "",
                "",
                "王五",
                "0312-1234567",
                "",
                "",
                "",
            ]
        )
        members.append([number, uscc, "牵头单位", "是", "牵头"])
        for partner in (partners[(2 * i) % len(partners)], partners[(2 * i + 1) % len(partners)]):
            members.append([number, partner, "成员单位", "是", ""])
        if i % 2 == 0:
            summaries.append(
                [number, 2025, "2026-01-20", "2026-02-10", 1, 2, 1, 0, 5, 100000, 0, "基准"]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_sealed(path: str) -> dict:
    """In the child process, ``--seal``: the import committed, so that its audit entries
    are sealed after the commit as in the Celery job (the data stays in the bench database)."""
    from accounts.models import Role, User
    from audit.models import AuditEntry
    from portal.imports import service

    data = open(path, "rb").read()
    staff, _ = User.objects.get_or_create(
        username="bench_import_staff", defaults={"role": Role.MUNICIPAL_STAFF}
    )
    started = time.perf_counter()
    report = service.run(data, name="bench.xlsx", user=staff, dry_run=False)
    seconds = time.perf_counter() - started
    return {
        "created": report.get("created"),
        "refusals": report["refusal_count"],
        "import_and_seal_s": round(seconds, 1),
        "unsealed_left": AuditEntry.objects.filter(seq__isnull=True).count(),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def run_import(path: str) -> dict:
    """In the child process: the dry run, then the import (rolled back), timed."""
    from django.db import transaction

    from accounts.models import Role, User
    from portal.imports import service

    data = open(path, "rb").read()
    staff, _ = User.objects.get_or_create(
        username="bench_import_staff", defaults={"role": Role.MUNICIPAL_STAFF}
    )
    started = time.perf_counter()
    dry = service.run(data, name="bench.xlsx", user=staff, dry_run=True)
    dry_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        real = service.run(data, name="bench.xlsx", user=staff, dry_run=False)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "rows": real["rows"],
        "created": real.get("created"),
        "refusals": real["refusal_count"],
        "first_refusals": real["refusals"][:3],
        "dry_run_s": round(dry_seconds, 1),
        "import_s": round(seconds, 1),
        "peak_rss_mb": round(peak_mb),
        "dry_refusals": dry["refusal_count"],
    }


def main(n: int, *, seal: bool = False) -> int:
    started = time.perf_counter()
    stamp = int(time.time())
    data = build(n, f"封存{stamp}", (stamp % 10_000) * 100_000) if seal else build(n)
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as handle:
        handle.write(data)
        path = handle.name
    print(
        f"workbook: {n} alliances, {3 * n} members, {len(data) / 2**20:.1f} MB "
        f"built in {time.perf_counter() - started:.1f} s"
    )
    child = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, __file__, "--sealed" if seal else "--child", path],
        capture_output=True,
        text=True,
        check=False,
    )
    os.unlink(path)
    if child.returncode:
        print(child.stdout, child.stderr)
        return 1
    result = json.loads(child.stdout.strip().splitlines()[-1])
    if seal:
        print(f"import committed and its audit entries sealed: {result}")
        return 1 if result["refusals"] else 0
    print(
        f"rows: {result['rows']}, records created: {result['created']}, refusals: {result['refusals']}"
    )
    print(f"dry run: {result['dry_run_s']} s")
    mark = "" if result["import_s"] <= 60 else "  MISSED"
    print(f"import: {result['import_s']} s (target ≤ 60 s){mark}")
    mark = "" if result["peak_rss_mb"] <= 500 else "  MISSED"
    print(
        f"peak memory (RSS of the importing process): {result['peak_rss_mb']} MB (target ≤ 500 MB){mark}"
    )
    print(f"machine: {machine()}")
    return 1 if result["refusals"] else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        setup(migrate=False)
        print(json.dumps(run_import(sys.argv[2]), ensure_ascii=False))
    elif sys.argv[1:2] == ["--sealed"]:
        setup(migrate=False)
        print(json.dumps(run_sealed(sys.argv[2]), ensure_ascii=False))
    else:
        setup()
        args = [a for a in sys.argv[1:] if a != "--seal"]
        sys.exit(main(int(args[0]) if args else 10_000, seal="--seal" in sys.argv))
