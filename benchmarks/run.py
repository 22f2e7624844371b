"""Benchmarks (issue 7): reportgen against its floor (bare WeasyPrint) and its peers; writes RESULTS.md.

Run from the repository root::

    python benchmarks/run.py                  # every figure, 5 runs each (about 12 minutes on 2 cores)
    python benchmarks/run.py --repeats 9      # more runs for steadier medians
    python benchmarks/run.py --quick          # 1 run, small inputs: a smoke test, not a measurement
    python benchmarks/run.py --only startup,pdf   # some figures only
    python benchmarks/run.py --refresh-findings   # after editing FINDINGS.md: re-append it, measure nothing

Every figure is the median of N runs with the range (min-max) beside it: the
machines are shared, so single runs lie. Whole-process figures time a child
process from start to exit (peak memory from ``os.wait4``'s ``ru_maxrss``);
in-process figures time one stage after a warm-up render, as a long-running
process (distribute's workers, a pack) sees it. Speed belongs here, never in
the tests.

``pip install -e ".[bench]"`` adds pyinstrument for the whole-process
profile; pandoc and LibreOffice, where installed, are measured alongside.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import figures  # noqa: E402
from _measure import Row  # noqa: E402

FIGURES: dict[str, Callable[[figures.Context], list[Row]]] = {
    "startup": figures.startup,
    "pdf": figures.committee_pdf,
    "statements": figures.statements,
    "performance": figures.performance,
    "distribute": figures.distribute,
    "pack": figures.agenda_pack,
    "peers": figures.peers,
}


def machine(load_at_start: tuple[float, float, float]) -> list[str]:
    libs = ["reportgen", "weasyprint", "python-docx", "matplotlib", "pandas", "Jinja2"]
    lines = [f"- Date: {date.today().isoformat()}",
             f"- CPUs: {os.cpu_count()} (load average at start: {', '.join(f'{x:.2f}' for x in load_at_start)})",
             f"- Python {sys.version.split()[0]} on {sys.platform}"]
    lines.append("- " + ", ".join(f"{lib} {_version(lib)}" for lib in libs))
    return lines


def _version(lib: str) -> str:
    try:
        return version(lib)
    except Exception:  # noqa: BLE001 - a missing library is reported, not fatal
        return "not installed"


def table(rows: list[Row], repeats: int) -> list[str]:
    out = ["| Figure | Median | Range | Goal | Met |", "|---|---|---|---|---|"]
    for row in rows:
        out.append(f"| {row.name} | {row.median} | {row.range} | {row.goal or '-'} | {row.met_text} |")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", "-n", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--quick", action="store_true",
                        help="1 run each on small inputs (4 reports to distribute, a ~20-page pack, 15 areas)")
    parser.add_argument("--only", default=",".join(FIGURES), help=f"comma-separated, from: {', '.join(FIGURES)}")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="where to write the results")
    parser.add_argument("--no-profile", action="store_true",
                        help="skip the profiles (performance report, whole build process)")
    parser.add_argument("--refresh-findings", action="store_true",
                        help="measure nothing: replace the findings at the end of --out with FINDINGS.md as it is now")
    args = parser.parse_args(argv)
    if args.refresh_findings:
        return refresh_findings(args.out)
    repeats = 1 if args.quick else max(1, args.repeats)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in FIGURES]
    if unknown:
        parser.error(f"unknown figure(s) {', '.join(unknown)}; choose from {', '.join(FIGURES)}")

    # Every figure measures the work itself: charts are drawn, not read from the chart
    # cache (the performance figures measure the cache separately). Children inherit this.
    os.environ["REPORTGEN_CACHE_DIR"] = ""
    # In-process figures stand for a long-lived reportgen process (a pack, a distribute
    # worker): give this one the same settings those get.
    from reportgen.runtime import tune_process

    tune_process()
    started = time.perf_counter()
    load_at_start = os.getloadavg()
    rows: list[Row] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as tmp:
        ctx = figures.Context(repeats=repeats, quick=args.quick, tmp=Path(tmp), notes=notes)
        for name in chosen:
            print(f"[{time.perf_counter() - started:6.1f} s] {name} ...", file=sys.stderr, flush=True)
            try:
                rows += FIGURES[name](ctx)
            except Exception as exc:  # noqa: BLE001 - one failing figure must not lose the others
                print(f"{name} failed: {exc}", file=sys.stderr)
                rows.append(Row(f"{name}: failed", f"{type(exc).__name__}: {str(exc).splitlines()[0][:150]}"))
        profile = [] if args.no_profile else figures.profile_performance(ctx) + figures.profile_build_process(ctx)
    lines = ["# reportgen benchmarks", "",
             f"Written by `python benchmarks/run.py{' --quick' if args.quick else ''}"
             f"{'' if args.quick or repeats == 5 else f' --repeats {repeats}'}` "
             f"in {time.perf_counter() - started:.0f} s. "
             f"Each figure: the median of {repeats} run(s), and the range (fastest - slowest)."
             + (" **Quick run: small inputs and one run; not a measurement.**" if args.quick else ""),
             "", "## Machine", "", *machine(load_at_start),
             f"- Load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
             "(above the CPU count means other work competed for the cores: read ranges, not single runs)",
             "", "## Figures", "", *table(rows, repeats), ""]
    if notes:
        lines += ["Notes:", "", *[f"- {note}" for note in notes], ""]
    lines += profile
    lines += figures.findings_text()
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    print("\n".join(table(rows, repeats)))
    return 0


def refresh_findings(out: Path) -> int:
    """FINDINGS.md is written by hand after reading a run; put its new text under that run's figures."""
    findings = figures.findings_text()
    if not out.exists() or not findings:
        print(f"nothing to refresh: {out} or FINDINGS.md is missing", file=sys.stderr)
        return 1
    lines = out.read_text(encoding="utf-8").splitlines()
    if findings[0] in lines:
        lines = lines[:lines.index(findings[0])]
    out.write_text("\n".join(lines + findings) + "\n", encoding="utf-8")
    print(f"refreshed the findings in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
