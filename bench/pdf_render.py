"""How long the portal's three PDFs take to render (target: under 1 s each), and the two
issued ones to render and sign (target: under 0.5 s each, issue 18).

    .venv/bin/python bench/pdf_render.py [-n 10]

Builds one filed alliance in a throw-away SQLite database through the real services (the
first alliance of the demo data: five members, a county return and resubmission), then
renders the 备案申请书, the 推荐公函 and the 备案通知书 N times each after one warm-up,
and the 推荐公函 and 备案通知书 rendered and signed (core.signing, PAdES B-B with the
visible seal, by a demo CA made in the same folder), and prints min / median / max seconds
with the machine it ran on. See bench/README.md.
"""

import argparse
import ctypes.util
import io
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "libharfbuzz-subset0": harfbuzz_subset(),
        "CJK font": cjk_font(),
        "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def harfbuzz_subset() -> str:
    """Without this library WeasyPrint subsets fonts with fontTools: 8–10 s per PDF."""
    version = "not a Debian package"
    try:
        blocks = Path("/var/lib/dpkg/status").read_text().split("\n\n")
    except OSError:
        blocks = []
    for block in blocks:
        if "Package: libharfbuzz-subset0\n" in block and "Status: install ok installed" in block:
            version = next(
                ln.split(": ", 1)[1] for ln in block.splitlines() if ln.startswith("Version")
            )
    library = ctypes.util.find_library("harfbuzz-subset")
    if library is None:
        return "MISSING (apt-get install libharfbuzz-subset0)"
    return f"installed: {library} ({version})"


def cjk_font() -> str:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return "unknown (no fc-match)"
    argv = [fc_match, "Noto Serif CJK SC"]
    return subprocess.run(argv, capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603 - fixed argv


def setup_django(workdir: Path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "alliance_portal.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_PRIVATE_MEDIA_ROOT"] = str(workdir / "private")
    os.environ["PORTAL_SIGNING_DIR"] = str(workdir / "signing")
    os.environ["PORTAL_SIGNING_PASSWORD"] = "bench-only"
    os.environ["PORTAL_SIGNING_TSA_URL"] = ""
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("make_demo_signing_ca", verbosity=0)


def filed_filing():
    from demo import filings as demo
    from demo.accounts import seed_organisations, seed_users
    from filings.models import Filing

    seed_users(seed_organisations())
    # Only the first demo alliance: it ends filed, with a letter and a notice.
    demo.seed(only=[demo.ALLIANCES[0].name])
    return Filing.objects.select_related("alliance", "alliance__lead_unit", "jurisdiction").get(
        state=Filing.State.FILED
    )


def pages(pdf: bytes) -> str:
    try:
        from pypdf import PdfReader  # a dev dependency
    except ImportError:
        return "?"
    return str(len(PdfReader(io.BytesIO(pdf)).pages))


def measure(render, runs: int) -> tuple[list[float], list[float], int]:
    """Wall-clock and CPU seconds per render. CPU time is what to compare between runs on
    a busy machine: wall time also counts waiting for a core."""
    size = len(render())  # warm-up: fonts loaded, templates compiled
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        render()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu, size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=10, help="renders per document")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pdf-bench-") as tmp:
        setup_django(Path(tmp))
        from core.signing import sign_pdf
        from filings import documents

        filing = filed_filing()
        county = filing.jurisdiction.code
        letter = filing.documents.get(kind="recommendation_letter").reference_number
        notice = filing.alliance.filing_number
        cases = [
            ("application_form", lambda: documents.application_form_pdf(filing)),
            (
                "recommendation_letter",
                lambda: documents.recommendation_letter_pdf(filing, letter),
            ),
            ("filing_notice", lambda: documents.filing_notice_pdf(filing, notice)),
            (
                "recommendation_letter_signed",
                lambda: sign_pdf(documents.recommendation_letter_pdf(filing, letter), body=county),
            ),
            ("filing_notice_signed", lambda: sign_pdf(documents.filing_notice_pdf(filing, notice))),
        ]
        for key, value in machine().items():
            print(f"{key:>20}: {value}")
        print(f"{'runs':>20}: {args.runs} per document after 1 warm-up\n")
        print("seconds per render              wall: min  median   max    cpu: median  pages   KiB")
        worst = worst_cpu = 0.0
        medians = []
        for label, render in cases:
            wall, cpu, size = measure(render, args.runs)
            medians.append((label, statistics.median(wall), statistics.median(cpu)))
            worst = max(worst, statistics.median(wall))
            worst_cpu = max(worst_cpu, statistics.median(cpu))
            print(
                f"{label:<32}{min(wall):>9.3f}{statistics.median(wall):>8.3f}{max(wall):>6.3f}"
                f"{statistics.median(cpu):>14.3f}{pages(render()):>7}{size / 1024:>6.0f}"
            )
        print(f"\nslowest median: wall {worst:.3f} s, cpu {worst_cpu:.3f} s (target: under 1 s)")
        signed_wall = max(m[1] for m in medians if m[0].endswith("_signed"))
        signed_cpu = max(m[2] for m in medians if m[0].endswith("_signed"))
        print(
            f"slowest render + sign median: wall {signed_wall:.3f} s, cpu {signed_cpu:.3f} s "
            "(target: under 0.5 s)"
        )
        if worst > 1.5 * worst_cpu:
            print("wall time well above cpu time: the machine is busy; compare cpu times")


if __name__ == "__main__":
    main()
