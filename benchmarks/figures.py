"""Each benchmark figure: a function from the run's context to rows of the results table.

Inputs are the repository's examples; the 24-report manifest and the
200-page meeting are generated in a temporary folder from them.
"""

from __future__ import annotations

import copy
import math
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from _measure import (
    Row,
    Stats,
    fmt_mb,
    fmt_s,
    paired_calls,
    paired_processes,
    processes,
    ratio_row,
    reportgen_cmd,
    run_process,
    seconds_row,
    timed,
    tree_peak_mb,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLES = ROOT / "examples"
CPP = EXAMPLES / "cpp-scrutiny" / "report.yaml"
PERFORMANCE = EXAMPLES / "monthly-performance" / "report.yaml"
MEETING = EXAMPLES / "committee-meeting" / "meeting.yaml"
SUFFICIENCY = EXAMPLES / "committee-meeting" / "reports" / "sufficiency.yaml"
HEAVY = ("weasyprint", "pandas", "matplotlib")


@dataclass
class Context:
    repeats: int
    quick: bool
    tmp: Path
    notes: list[str] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def warmup(self) -> int:
        """Untimed runs before the timed ones: none in a quick run."""
        return 0 if self.quick else 1

    def folder(self, name: str) -> Path:
        path = self.tmp / name
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path


# -- start-up ------------------------------------------------------------------


def startup(ctx: Context) -> list[Row]:
    seconds, _ = processes([*reportgen_cmd(), "--help"], ctx.repeats, warmup=ctx.warmup)
    rows = [seconds_row("`reportgen --help`, whole process", seconds, "< 0.3 s", seconds.median < 0.3)]
    run = run_process([sys.executable, "-X", "importtime", "-m", "reportgen", "--help"])
    imported = set()
    heaviest: list[tuple[int, str]] = []
    for line in run.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].strip()
            imported.add(name.split(".")[0])
            if not parts[2].startswith("  "):
                heaviest.append((int(parts[1]), name))
    loaded = [lib for lib in HEAVY if lib in imported]
    top = ", ".join(f"{name} {us / 1000:.0f} ms" for us, name in sorted(heaviest, reverse=True)[:3])
    rows.append(Row("`python -X importtime -m reportgen --help`: weasyprint, pandas, matplotlib imported?",
                    "none" if not loaded else ", ".join(loaded), f"top-level imports: {top}",
                    "none", not loaded))
    return rows


# -- the committee report against bare WeasyPrint ------------------------------------------


def _cpp_document(ctx: Context) -> tuple[Any, Any, Any]:
    if "cpp" not in ctx.cache:
        from reportgen.pipeline import compose_spec
        from reportgen.spec import load_report_spec

        spec, style = load_report_spec(CPP, None)
        ctx.cache["cpp"] = (spec, style, compose_spec(CPP, spec, style))
    return ctx.cache["cpp"]


def committee_pdf(ctx: Context) -> list[Row]:
    from weasyprint import CSS, HTML
    from weasyprint.css.counters import CounterStyle
    from weasyprint.text.fonts import FontConfiguration

    from reportgen.pipeline import compose_spec, render
    from reportgen.writers.css import house_css, running_header_css
    from reportgen.writers.html import to_html
    from reportgen.writers.pdf import PDF_OPTIONS, AllowListFetcher

    spec, style, document = _cpp_document(ctx)
    html = to_html(document, style, css="", src=lambda url: url)
    css = house_css(style, print_media=True) + running_header_css(document.metadata.running_header, style)
    fetcher, fonts, counters = AllowListFetcher(), FontConfiguration(), CounterStyle()
    sheet = CSS(string=css, font_config=fonts, counter_style=counters, url_fetcher=fetcher)

    def bare_warm() -> bytes:
        return HTML(string=html, url_fetcher=fetcher).write_pdf(
            stylesheets=[sheet], font_config=fonts, counter_style=counters, presentational_hints=False, **PDF_OPTIONS)

    def bare_cold() -> bytes:
        f, fc, cs = AllowListFetcher(), FontConfiguration(), CounterStyle()
        return HTML(string=html, url_fetcher=f).write_pdf(
            stylesheets=[CSS(string=css, font_config=fc, counter_style=cs, url_fetcher=f)],
            font_config=fc, counter_style=cs, presentational_hints=False, **PDF_OPTIONS)

    def pdf_only() -> bytes:
        return render(document, style, "pdf")

    def with_data() -> bytes:
        return render(compose_spec(CPP, spec, style), style, "pdf")

    pdf = pdf_only()
    bare_warm(), render(document, style, "docx")  # warm-ups: fonts, parsed CSS, imports
    import io

    from pikepdf import Pdf

    pages = len(Pdf.open(io.BytesIO(pdf)).pages)
    ctx.cache["cpp_pages"] = pages
    # In-process renders take half a second: three times the pairs steady the ratios at little cost.
    n = ctx.repeats if ctx.quick else 3 * ctx.repeats
    rg, floor, ratio = paired_calls(pdf_only, bare_warm, n)
    rg_data, floor2, ratio_data = paired_calls(with_data, bare_warm, n)
    compose = timed(lambda: compose_spec(CPP, spec, style), n)
    cold = timed(bare_cold, n)
    docx, pdf_again, share = paired_calls(lambda: render(document, style, "docx"), pdf_only, n)
    ctx.cache["cpp_docx_inproc"] = docx
    rows = [
        seconds_row(f"Committee report (cpp-scrutiny, {pages} pages) to PDF in process: render only", rg),
        seconds_row("... the same with its data step (load CSV, statements, template, read): compose + render",
                    rg_data),
        seconds_row("... of which the data step alone (compose_spec)", compose),
        seconds_row("Bare WeasyPrint, same HTML + CSS, CSS and fonts reused (the floor)", floor),
        seconds_row("Bare WeasyPrint, same HTML + CSS, CSS and fonts built per document", cold),
        ratio_row("Ratio reportgen PDF render / bare WeasyPrint (statements separate)", ratio, "≤ 1.15",
                  ratio.median <= 1.15),
        ratio_row("Ratio reportgen compose + PDF / bare WeasyPrint (statements included)", ratio_data, "≤ 1.15",
                  ratio_data.median <= 1.15),
        seconds_row("Word (.docx) writing, same document, in process", docx),
        ratio_row("Word writing time as a share of PDF time", share, "≤ 20%", share.median <= 0.20, percent=True),
    ]
    # Whole processes: `reportgen build` against a bare WeasyPrint script on the same files.
    out = ctx.folder("cpp-build")
    build = [*reportgen_cmd(), "build", str(CPP), "-o", str(out), "--format"]
    n = ctx.repeats
    docx_proc, _ = processes([*build, "docx"], n, warmup=ctx.warmup)
    run_process([*build, "html"])
    ctx.cache["cpp_html_file"] = next(out.glob("*.html"))
    ctx.cache["cpp_docx_file"] = next(out.glob("*.docx"))
    ctx.cache["cpp_docx_proc"] = docx_proc
    (ctx.tmp / "bare.html").write_text(html, encoding="utf-8")
    (ctx.tmp / "bare.css").write_text(css, encoding="utf-8")
    script = ctx.tmp / "bare.py"
    script.write_text(_BARE_SCRIPT, encoding="utf-8")
    # The ratio sits near its goal and one whole process varies by ±20% here: twice the pairs.
    pdf_proc, bare_proc, whole_ratio, (pdf_cpu, bare_cpu) = paired_processes(
        [*build, "pdf"], [sys.executable, str(script), str(ctx.tmp)], 2 * n, warmup=ctx.warmup)
    ctx.cache["cpp_pdf_proc"] = pdf_proc
    rows += [
        seconds_row("`reportgen build cpp-scrutiny --format pdf`, whole process", pdf_proc),
        seconds_row("Bare WeasyPrint script (import, parse CSS, render, write), whole process", bare_proc),
        ratio_row("Ratio whole process reportgen / bare WeasyPrint (paired runs)", whole_ratio,
                  "≤ 1.15", whole_ratio.median <= 1.15),
        seconds_row("... CPU time of `reportgen build --format pdf` (user + system, both its processes)", pdf_cpu),
        seconds_row("... CPU time of the bare WeasyPrint script (one process)", bare_cpu),
        seconds_row("`reportgen build cpp-scrutiny --format docx`, whole process", docx_proc),
        _import_costs(),
    ]
    return rows


_BUILD_IMPORTS = ("reportgen.pipeline", "reportgen.data.load", "reportgen.metrics.statements", "reportgen.writers.pdf")
"""What `reportgen build --format pdf` imports, in its order, minus the thread that starts WeasyPrint early."""


def _import_costs() -> Row:
    """What each heavy library costs to import, as `reportgen build --format pdf` imports it.

    Measured with ``-X importtime`` in one thread: the build itself imports
    WeasyPrint on a second thread (reportgen/runtime.py), and importtime's
    nesting is shared between threads, so timing the real command would
    charge WeasyPrint's time to whatever the main thread was importing.
    """
    code = "import " + ", ".join(_BUILD_IMPORTS)
    cumulative: dict[str, int] = {}
    for line in run_process([sys.executable, "-X", "importtime", "-c", code]).stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].strip()
            cumulative[name] = max(cumulative.get(name, 0), int(parts[1]))
    shown = [f"{lib} {cumulative[lib] / 1e6:.2f} s" for lib in ("weasyprint", "pandas", "numpy", "pydantic",
                                                                 "jinja2", "docx") if lib in cumulative]
    return Row("... imports of `reportgen build --format pdf`, one after another in one thread "
               "(cumulative -X importtime, 1 run; each library counted where first imported)",
               ", ".join(shown))


_BARE_SCRIPT = '''\
import sys
from pathlib import Path
from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration
from reportgen.writers.pdf import PDF_OPTIONS, AllowListFetcher
folder = Path(sys.argv[1])
fetcher, fonts, counters = AllowListFetcher(), FontConfiguration(), CounterStyle()
sheet = CSS(string=(folder / "bare.css").read_text(), font_config=fonts, counter_style=counters, url_fetcher=fetcher)
HTML(string=(folder / "bare.html").read_text(), url_fetcher=fetcher).write_pdf(
    folder / "bare.pdf", stylesheets=[sheet], font_config=fonts, counter_style=counters,
    presentational_hints=False, **PDF_OPTIONS)
'''


# -- statements ------------------------------------------------------------------------


_STATEMENTS = re.compile(r"([\d,]+) statements in ([\d.]+) s.*peak memory (\d+) MB")


def statements(ctx: Context) -> list[Row]:
    rows = []
    for only, label in (("ees", "EES: every local authority x measure, vs England and region"),
                        ("synthetic", "synthetic 150 areas x 40 measures x 120 months, vs every other area")):
        argv = [sys.executable, str(HERE / "statements_bench.py"), "--only", only] + (["--quick"] if ctx.quick else [])
        runs = [run_process(argv, cwd=ROOT) for _ in range(ctx.repeats)]
        found = [_STATEMENTS.search(r.stdout) for r in runs]
        if not all(found):
            rows.append(Row(f"Statements, {label}", "skipped", runs[0].stdout.strip()[:120]))
            continue
        took = Stats(tuple(float(m.group(2)) for m in found if m))
        peak = Stats(tuple(float(m.group(3)) for m in found if m))
        count = found[0].group(1) if found[0] else "?"
        label = label.replace("150 areas", "15 areas") if ctx.quick else label
        rows.append(seconds_row(f"Statements ({count}), {label}: time", took))
        rows.append(Row("... peak memory of that process", fmt_mb(peak.median),
                        f"{fmt_mb(peak.low)} - {fmt_mb(peak.high)} (n={peak.n})"))
    return rows


# -- the performance report, with charts ----------------------------------------------


def performance(ctx: Context) -> list[Row]:
    import time

    import reportgen.charts as charts
    from reportgen.pipeline import FORMATS, compose_spec, render
    from reportgen.spec import load_report_spec

    spent: list[float] = []
    original = charts.trend_chart

    def counting(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    charts.trend_chart = counting  # type: ignore[assignment]
    try:
        spec, style = load_report_spec(PERFORMANCE, None)
        document = compose_spec(PERFORMANCE, spec, style)  # warm-up: imports, fonts, matplotlib
        for fmt in FORMATS:
            render(document, style, fmt)
        totals, chart_times, stage = [], [], {"compose": [], **{fmt: [] for fmt in FORMATS}}
        for _ in range(ctx.repeats):
            spent.clear()
            start = time.perf_counter()
            document = compose_spec(PERFORMANCE, spec, style)
            stage["compose"].append(time.perf_counter() - start)
            for fmt in FORMATS:
                t = time.perf_counter()
                render(document, style, fmt)
                stage[fmt].append(time.perf_counter() - t)
            totals.append(time.perf_counter() - start)
            chart_times.append(sum(spent))
        charts_drawn = len(spent)
    finally:
        charts.trend_chart = original  # type: ignore[assignment]
    total, chart = Stats(tuple(totals)), Stats(tuple(chart_times))
    share = Stats(tuple(c / t for c, t in zip(chart_times, totals)))
    out = ctx.folder("performance-build")
    whole, peak = processes([*reportgen_cmd(), "build", str(PERFORMANCE), "-o", str(out)], ctx.repeats)
    pdf_only, _ = processes([*reportgen_cmd(), "build", str(PERFORMANCE), "--format", "pdf", "-o", str(out)],
                            ctx.repeats)
    rows = [
        seconds_row("Performance report (monthly-performance), docx + pdf + html, in process: total", total),
        seconds_row(f"... of which drawing its {charts_drawn} trend charts (SVG, and the PNG for Word)", chart),
        ratio_row("... chart share of the total", share, percent=True),
    ]
    for name, values in stage.items():
        rows.append(seconds_row(f"... stage {name}", Stats(tuple(values))))
    together = tree_peak_mb([*reportgen_cmd(), "build", str(PERFORMANCE), "-o", str(out)])
    rows += [seconds_row("`reportgen build monthly-performance` (all formats), whole process", whole),
             Row("... peak memory of its larger process (ru_maxrss; the PDF is laid out in a second one)",
                 fmt_mb(peak.median), f"{fmt_mb(peak.low)} - {fmt_mb(peak.high)}"),
             Row("... peak memory of its processes together (summed PSS, sampled every 20 ms, 1 run)",
                 fmt_mb(together) if together is not None else "not measured (needs Linux)"),
             seconds_row("`reportgen build monthly-performance --format pdf` (no PNG drawn), whole process",
                         pdf_only)]
    return rows + _performance_from_the_chart_cache(ctx, spec, style, out)


def _performance_from_the_chart_cache(ctx: Context, spec: Any, style: Any, out: Path) -> list[Row]:
    """The same builds again with the charts in the chart cache (a rebuild after editing the prose)."""
    import os
    import time

    from reportgen.pipeline import FORMATS, compose_spec, render

    cache = ctx.folder("chart-cache")
    env = {**os.environ, "REPORTGEN_CACHE_DIR": str(cache)}
    os.environ["REPORTGEN_CACHE_DIR"] = str(cache)
    try:
        compose_spec(PERFORMANCE, spec, style)  # fills the cache (the PNGs too)
        totals = []
        for _ in range(ctx.repeats):
            start = time.perf_counter()
            document = compose_spec(PERFORMANCE, spec, style)
            for fmt in FORMATS:
                render(document, style, fmt)
            totals.append(time.perf_counter() - start)
    finally:
        os.environ["REPORTGEN_CACHE_DIR"] = ""
    whole, _ = processes([*reportgen_cmd(), "build", str(PERFORMANCE), "-o", str(out)], ctx.repeats, env=env)
    return [seconds_row("... the same in process, its charts from the chart cache", Stats(tuple(totals))),
            seconds_row("... `reportgen build monthly-performance` (all formats), whole process, charts from "
                        "the chart cache (no matplotlib import)", whole)]


# -- distribute ----------------------------------------------------------------------------


def _manifest(ctx: Context, count: int) -> Path:
    entries = []
    for i in range(count):
        if i % 2 == 0:
            entries.append({"id": f"r{i + 1:02d}-cpp-scrutiny", "spec": str(CPP), "as_of": "spec",
                            "formats": ["docx", "pdf"]})
        else:
            entries.append({"id": f"r{i + 1:02d}-sufficiency", "spec": str(SUFFICIENCY), "formats": ["docx", "pdf"]})
    path = ctx.tmp / "distribute" / "manifest.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"title": "Benchmark reports", "reports": entries}), encoding="utf-8")
    return path


_SPIN = "s = 0\nfor i in range({n}): s += i * i\n"
"""A fixed CPU-bound Python workload: what two reports rendering at once compete for."""


def _parallel_ceiling(ctx: Context) -> Stats:
    """How much faster two CPU-bound processes finish together than one after the other, here.

    On a shared or hyperthreaded machine two "CPUs" rarely give 2x; the
    distribute speed-up can only be judged against what this machine gives.
    """
    import subprocess
    import time

    argv = [sys.executable, "-c", _SPIN.format(n=2_000_000 if ctx.quick else 12_000_000)]
    ratios = []
    for _ in range(ctx.repeats):
        start = time.perf_counter()
        for _ in range(2):
            subprocess.run(argv, check=True)
        one_after_other = time.perf_counter() - start
        start = time.perf_counter()
        both = [subprocess.Popen(argv) for _ in range(2)]
        for proc in both:
            proc.wait()
        ratios.append(one_after_other / (time.perf_counter() - start))
    return Stats(tuple(ratios))


def distribute(ctx: Context) -> list[Row]:
    count = 2 if ctx.quick else 24
    manifest = _manifest(ctx, count)
    base = [*reportgen_cmd(), "distribute", str(manifest), "--period", "2022-03"]
    one: list[float] = []
    two: list[float] = []
    for _ in range(ctx.repeats):
        for jobs, into in (("1", one), ("2", two)):
            out = ctx.folder(f"distribute-out-{jobs}")
            into.append(run_process([*base, "-o", str(out), "--jobs", jobs]).seconds)
    out = ctx.tmp / "distribute-out-2"
    reruns = [run_process([*base, "-o", str(out), "--jobs", "2"]) for _ in range(ctx.repeats)]
    kept = "kept" in reruns[-1].stdout or "unchanged" in reruns[-1].stdout
    s1, s2 = Stats(tuple(one)), Stats(tuple(two))
    speedup = Stats(tuple(a / b for a, b in zip(one, two)))
    rerun = Stats(tuple(r.seconds for r in reruns))
    rerun_share = rerun.median / s2.median
    ceiling = _parallel_ceiling(ctx)
    return [
        ratio_row("Machine ceiling: two CPU-bound Python processes at once vs one after the other", ceiling),
        seconds_row(f"`reportgen distribute` {count} reports (docx + pdf), `--jobs 1`", s1),
        seconds_row(f"`reportgen distribute` {count} reports (docx + pdf), `--jobs 2`", s2),
        ratio_row("Speed-up `--jobs 2` over `--jobs 1` (paired runs)", speedup, "≥ 1.7x", speedup.median >= 1.7),
        ratio_row("... as a share of the machine ceiling above", Stats((speedup.median / ceiling.median,)),
                  percent=True),
        seconds_row("Unchanged rerun (nothing rebuilt)" + ("" if kept else " (could not confirm it kept them)"),
                    rerun),
        ratio_row("Unchanged rerun as a share of the first run (`--jobs 2`)", Stats((rerun_share,)), "< 5%",
                  rerun_share < 0.05, percent=True),
    ]


# -- a 200-page agenda pack -------------------------------------------------------------


def _meeting(ctx: Context, repeats: int) -> Path:
    meeting = yaml.safe_load(MEETING.read_text(encoding="utf-8"))
    folder = MEETING.parent
    items = []
    reports = []
    for item in meeting["items"]:
        if item.get("report"):
            item["report"] = str((folder / item["report"]).resolve())
        (reports if item.get("standing") is None else items).append(item)
    copies = []
    for rep in range(repeats):
        for item in reports:
            made = copy.deepcopy(item)
            made["old"] = item["number"]
            if rep:
                made["title"] = f"{item['title']} ({rep + 1})"
                made.pop("minute", None)
            copies.append(made)
    # Exempt (Part II) items come after every public one; number them all in order.
    copies.sort(key=lambda i: i.get("exempt_paragraph") is not None)
    number = max(i["number"] for i in items)
    renumbered: dict[int, int] = {}
    for made in copies:
        number += 1
        renumbered.setdefault(made.pop("old"), number)
        made["number"] = number
    for declaration in meeting.get("declarations", []):
        declaration["item"] = renumbered.get(declaration["item"], declaration["item"])
    meeting["items"] = items + copies
    path = ctx.tmp / "pack" / f"meeting-{repeats}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(meeting, sort_keys=False), encoding="utf-8")
    return path


def _pages(pdf: Path) -> int:
    from pikepdf import Pdf

    with Pdf.open(pdf) as doc:
        return len(doc.pages)


def agenda_pack(ctx: Context) -> list[Row]:
    out = ctx.folder("pack-out")
    repeats = 1
    if not ctx.quick:  # how many copies of the example's reports make at least 200 pages (pages per copy vary a little)
        probes = []
        for copies in (1, 2):  # the front sheet and standing items come once, the reports per copy
            run_process([*reportgen_cmd(), "pack", str(_meeting(ctx, copies)), "-o", str(out)])
            probes.append(_pages(next(out.glob("*-private-pack.pdf"))))
        per_copy = max(1, probes[1] - probes[0])
        repeats = max(1, math.ceil((200 - (probes[0] - per_copy)) / per_copy))
    meeting = _meeting(ctx, repeats)
    argv = [*reportgen_cmd(), "pack", str(meeting), "-o", str(out)]
    seconds, peak = processes(argv, ctx.repeats)
    private = _pages(next(out.glob("*-private-pack.pdf")))
    public = _pages(next(out.glob("*-public-pack.pdf")))
    name = f"`reportgen pack`: {private}-page private + {public}-page public pack ({repeats} x the example's reports)"
    together = tree_peak_mb(argv)
    return [seconds_row(name + ", whole process", seconds),
            Row("... peak memory of its larger process (child's ru_maxrss; the private pack is laid out in a "
                "second one)", fmt_mb(peak.median), f"{fmt_mb(peak.low)} - {fmt_mb(peak.high)} (n={peak.n})"),
            Row("... peak memory of its processes together (summed PSS, sampled every 20 ms, 1 run)",
                fmt_mb(together) if together is not None else "not measured (needs Linux)"),
            Row("... seconds per page (both packs' pages)", f"{seconds.median / (private + public) * 1000:.0f} ms")]


# -- peers --------------------------------------------------------------------------------------


def peers(ctx: Context) -> list[Row]:
    if "cpp_html_file" not in ctx.cache:
        out = ctx.folder("cpp-build")
        run_process([*reportgen_cmd(), "build", str(CPP), "-o", str(out), "--format", "docx,html"])
        ctx.cache["cpp_html_file"] = next(out.glob("*.html"))
        ctx.cache["cpp_docx_file"] = next(out.glob("*.docx"))
    html, docx = ctx.cache["cpp_html_file"], ctx.cache["cpp_docx_file"]
    rows = []
    pandoc = shutil.which("pandoc")
    if pandoc:
        target = ctx.tmp / "pandoc.docx"
        seconds, _ = processes([pandoc, str(html), "-o", str(target)], ctx.repeats, warmup=ctx.warmup)
        rows.append(seconds_row("Peer: pandoc, reportgen's HTML of cpp-scrutiny to .docx, whole process", seconds))
        if "cpp_docx_proc" in ctx.cache:
            rows.append(seconds_row("... beside `reportgen build cpp-scrutiny --format docx`",
                                    ctx.cache["cpp_docx_proc"]))
    else:
        rows.append(Row("Peer: pandoc to .docx", "skipped: pandoc not installed"))
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        profile = ctx.tmp / "lo-profile"
        out = ctx.folder("lo-out")
        argv = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                "--outdir", str(out), str(docx)]
        seconds, _ = processes(argv, ctx.repeats, warmup=ctx.warmup)
        rows.append(seconds_row("Peer: LibreOffice, reportgen's .docx of cpp-scrutiny to PDF, whole process", seconds))
        if "cpp_pdf_proc" in ctx.cache:
            rows.append(seconds_row("... beside `reportgen build cpp-scrutiny --format pdf`",
                                    ctx.cache["cpp_pdf_proc"]))
    else:
        rows.append(Row("Peer: LibreOffice .docx to PDF", "skipped: soffice not installed"))
    return rows


# -- profile --------------------------------------------------------------------------------


def _bucket(filename: str) -> str:
    for key, name in (("/reportgen/charts", "reportgen charts (own code)"), ("/matplotlib/", "matplotlib"),
                      ("/weasyprint/", "WeasyPrint"), ("/tinycss2/", "WeasyPrint"), ("/cssselect2/", "WeasyPrint"),
                      ("/pydyf/", "WeasyPrint"), ("/fontTools/", "WeasyPrint (fontTools subsetting)"),
                      ("/docx/", "python-docx"), ("/lxml/", "lxml"), ("/pandas/", "pandas"),
                      ("/jinja2/", "Jinja"), ("/reportgen/", "reportgen (own code)")):
        if key in filename:
            return name
    return "other (stdlib, C extensions, ...)"


def profile_performance(ctx: Context) -> list[str]:
    """cProfile of the slowest thing that is ours: building the performance report (warm process)."""
    import cProfile
    import pstats

    from reportgen.pipeline import FORMATS, compose_spec, render
    from reportgen.spec import load_report_spec

    spec, style = load_report_spec(PERFORMANCE, None)
    warm = compose_spec(PERFORMANCE, spec, style)
    for fmt in FORMATS:
        render(warm, style, fmt)
    profiler = cProfile.Profile()
    profiler.enable()
    document = compose_spec(PERFORMANCE, spec, style)
    for fmt in FORMATS:
        render(document, style, fmt)
    profiler.disable()
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values())
    buckets: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in raw.items():
        buckets[_bucket(filename)] = buckets.get(_bucket(filename), 0.0) + tottime
    ours = sorted(((v[3], f"`{Path(k[0]).relative_to(ROOT)}:{k[1]}` `{k[2]}`") for k, v in raw.items()
                   if "/reportgen/" in k[0] and str(ROOT) in k[0]), reverse=True)
    lines = ["## Profile: the performance report (docx + pdf + html), warm process, cProfile", "",
             f"Total {fmt_s(total)} under the profiler (cProfile slows Python-heavy code more than C).", "",
             "Own time by library:", "", "| Where | Share |", "|---|---|"]
    for name, seconds in sorted(buckets.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {name} | {seconds / total * 100:.0f}% ({fmt_s(seconds)}) |")
    lines += ["", "reportgen functions by cumulative time (including what they call):", "",
              "| Function | Cumulative | Share |", "|---|---|---|"]
    for cumulative, name in ours[:14]:
        lines.append(f"| {name} | {fmt_s(cumulative)} | {cumulative / total * 100:.0f}% |")
    ctx.cache["profile_buckets"] = {k: v / total for k, v in buckets.items()}
    return lines + [""]


def profile_build_process(ctx: Context) -> list[str]:
    """pyinstrument's call tree of a whole `reportgen build` process: where the gap to bare WeasyPrint goes.

    A sampling profiler, so imports and C code are not distorted the way
    cProfile distorts them. Skipped, with a line saying so, when pyinstrument
    is not installed (``pip install -e ".[bench]"``).
    """
    import importlib.util

    title = "## Profile: `reportgen build cpp-scrutiny --format pdf` as a whole process, pyinstrument"
    if importlib.util.find_spec("pyinstrument") is None:
        return [title, "", 'Not run: pyinstrument is not installed (`pip install -e ".[bench]"`).', ""]
    out = ctx.folder("profile-build")
    run = run_process([sys.executable, "-m", "pyinstrument", "--no-color", "--no-unicode", "-r", "text",
                       "-p", "processor_options.filter_threshold=0.02", "-m", "reportgen", "build", str(CPP),
                       "-o", str(out), "--format", "pdf"])
    lines = [line.rstrip() for line in run.stdout.splitlines() if line.strip()]
    duration = next((line.split("Duration:")[1].split()[0] for line in lines if "Duration:" in line), "?")
    # The call tree: after pyinstrument's banner and "Program:" line, before its closing hint.
    start = next((i + 1 for i, line in enumerate(lines) if line.startswith("Program:")), 0)
    end = next((i for i, line in enumerate(lines) if line.startswith("To view this report")), len(lines))
    tree = lines[start:end]
    shown = tree[:70]
    return [title, "",
            f"Duration {duration} s. Sampled every millisecond; frames under 2% of the total are left out, "
            "library frames folded.", "",
            "```", *shown, *(["... (cut)"] if len(tree) > len(shown) else []), "```", ""]


def findings_text() -> list[str]:
    text = (HERE / "FINDINGS.md")
    return text.read_text(encoding="utf-8").splitlines() if text.exists() else []

