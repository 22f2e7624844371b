"""reportgen distribute: a month's reports built in parallel, incrementally, recorded and listed."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest

from reportgen.data.periods import parse_period
from reportgen.distribute.run import distribute
from tests.conftest import REPO, pdf_to_text
from tests.distribute_helpers import (
    copy_specs,
    edit_spec,
    report,
    three_reports,
    write_manifest,
)

MARCH = parse_period("2022-03")


class Clock:
    """A clock that ticks a minute per reading, so built_at shows which run built what."""

    def __init__(self) -> None:
        self.now = datetime(2022, 4, 1, 6, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def run(manifest: Path, out: Path, **options):
    options.setdefault("jobs", 2)
    return distribute(manifest, MARCH, out, clock=Clock(), environ={}, **options)


def statuses(result) -> dict[str, str]:
    return {r.report_id: r.status for r in result.reports}


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reportgen", "distribute", *args], check=False,
                          capture_output=True, text=True, env=env, cwd=REPO)


@pytest.fixture
def three(tmp_path) -> Path:
    return three_reports(tmp_path)


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    return "\n".join(p.text for p in document.paragraphs)


def test_parallel_and_serial_runs_write_the_same_documents(tmp_path):
    copy_specs(tmp_path / "specs")
    formats = ("docx", "pdf", "html")
    manifest = write_manifest(tmp_path, reports=[report("alpha", "specs/alpha.yaml", formats),
                                                 report("cpp", "specs/cpp/report.yaml", formats, as_of="spec")])
    parallel = run(manifest, tmp_path / "parallel", jobs=2)
    serial = run(manifest, tmp_path / "serial", jobs=1)
    assert statuses(parallel) == statuses(serial) == {"alpha": "built", "cpp": "built"}

    names = [f"{rid}.{fmt}" for rid in ("alpha", "cpp") for fmt in formats]
    for name in names:
        one, other = parallel.folder / name, serial.folder / name
        # Same text, as Word and a PDF reader see it ...
        if name.endswith(".docx"):
            assert docx_text(one) == docx_text(other)
        if name.endswith(".pdf"):
            assert pdf_to_text(one) == pdf_to_text(other)
        # ... and the same bytes: every date comes from the spec, none from the clock.
        assert one.read_bytes() == other.read_bytes(), f"{name} differs between a parallel and a serial run"
    hashes = [{d["path"]: d["sha256"] for d in json.loads((r.folder / "manifest.json").read_text())["documents"]}
              for r in (parallel, serial)]
    assert hashes[0] == hashes[1] and sorted(hashes[0]) == sorted(names)
    assert "Placement sufficiency" in docx_text(parallel.folder / "alpha.docx")


def test_second_run_with_nothing_changed_rebuilds_nothing(three, tmp_path):
    first = run(three, tmp_path / "out")
    assert set(statuses(first).values()) == {"built"}
    before = {p.name: p.stat().st_mtime_ns for p in first.folder.glob("*.docx")}
    record = (first.folder / "manifest.json").read_text()

    second = run(three, tmp_path / "out")
    assert statuses(second) == {"alpha": "unchanged", "beta": "unchanged", "cpp": "unchanged"}
    assert {p.name: p.stat().st_mtime_ns for p in second.folder.glob("*.docx")} == before
    assert (second.folder / "manifest.json").read_text() == record  # built_at kept from the first run


def test_changing_one_spec_rebuilds_only_that_report(three, tmp_path):
    run(three, tmp_path / "out")
    edit_spec(tmp_path / "specs" / "beta.yaml", summary="A new summary for the beta report.")
    result = run(three, tmp_path / "out")
    assert statuses(result) == {"alpha": "unchanged", "beta": "built", "cpp": "unchanged"}
    assert "A new summary for the beta report." in (result.folder / "beta.html").read_text(encoding="utf-8")


def test_changing_a_data_file_rebuilds_the_report_that_uses_it(three, tmp_path):
    run(three, tmp_path / "out")
    data = tmp_path / "specs" / "cpp" / "data" / "child_protection.csv"
    data.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert statuses(run(three, tmp_path / "out")) == {"alpha": "unchanged", "beta": "unchanged", "cpp": "built"}


def test_force_rebuilds_everything_and_a_damaged_output_is_rebuilt(three, tmp_path):
    first = run(three, tmp_path / "out")
    assert set(statuses(run(three, tmp_path / "out", force=True)).values()) == {"built"}
    (first.folder / "alpha.docx").write_bytes(b"not a document")
    (first.folder / "beta.html").unlink()
    assert statuses(run(three, tmp_path / "out")) == {"alpha": "built", "beta": "built", "cpp": "unchanged"}


def summary_rows(stdout: str) -> dict[str, list[str]]:
    """The reports table of the command's output: report id -> [status, seconds, reason]."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("report "))
    rows = {}
    for line in lines[start + 2:]:
        if not line.strip():
            break
        report_id, status, seconds, *reason = line.split(maxsplit=3)
        rows[report_id] = [status, seconds, *reason]
    return rows


def test_a_failing_report_does_not_stop_the_others(three, tmp_path):
    beta = tmp_path / "specs" / "beta.yaml"
    good = beta.read_text(encoding="utf-8")
    edit_spec(beta, header={"title": "A header with no date"})
    result = cli(str(three), "--period", "2022-03", "-o", str(tmp_path / "out"), "--jobs", "2")
    assert result.returncode == 1, result.stderr
    rows = summary_rows(result.stdout)
    assert [rows[r][0] for r in ("alpha", "beta", "cpp")] == ["built", "failed", "built"]
    assert "header.meeting_date" in rows["beta"][2]
    assert "1 report(s) failed" in result.stderr and "Traceback" not in result.stderr
    folder = tmp_path / "out" / "2022-03"
    assert not (folder / "beta.docx").exists() and (folder / "alpha.docx").is_file() and (folder / "cpp.docx").is_file()
    record = json.loads((folder / "manifest.json").read_text())
    assert [f["report"] for f in record["failed"]] == ["beta"]
    assert {d["report"] for d in record["documents"]} == {"alpha", "cpp"}

    # Fixed, the rerun builds only the report that failed.
    beta.write_text(good, encoding="utf-8")
    rerun = cli(str(three), "--period", "2022-03", "-o", str(tmp_path / "out"))
    assert rerun.returncode == 0, rerun.stderr
    assert {r: row[0] for r, row in summary_rows(rerun.stdout).items()} == {
        "alpha": "unchanged", "beta": "built", "cpp": "unchanged"}


def test_a_report_as_at_a_month_the_data_does_not_reach_yet_is_not_built_or_sent(tmp_path):
    """The cron run on the 3rd, before the month's figures are in, must not mail "no figure" for everything."""
    copy_specs(tmp_path / "specs")
    data = tmp_path / "specs" / "cpp" / "data" / "child_protection.csv"
    manifest = write_manifest(tmp_path, reports=[report("cpp", "specs/cpp/report.yaml")],  # as at --period
                              recipients=[{"name": "Jo Bennett", "email": "jo@example.org", "reports": ["cpp"]}])
    october = parse_period("2018-10")
    early = distribute(manifest, october, tmp_path / "out", clock=Clock(), environ={}, jobs=1)
    (cpp,) = early.reports
    assert cpp.status == "failed" and not early.ok
    assert "the data has no figures yet for October 2018 of cpp_count (latest: September 2018)" in cpp.reason
    assert "cpp_repeat_pct" not in cpp.reason  # its year to date is the latest there is as at October
    assert [d.status for d in early.deliveries] == ["held"]
    assert not (tmp_path / "out" / "2018-10" / "cpp.docx").exists()

    with data.open("a", encoding="utf-8") as rows:
        rows.write("cpp_count,Harrowdale,2018-10,251,,\n")  # the month's figures arrive
    late = distribute(manifest, october, tmp_path / "out", clock=Clock(), environ={}, jobs=1)
    assert [r.status for r in late.reports] == ["built"] and late.ok
    assert "251 in October 2018" in docx_text(tmp_path / "out" / "2018-10" / "cpp.docx")

    # By December 2019 the DfE's 2018/19 figure is due as well (the contract's publication_lag_months: 8)
    year_on = distribute(manifest, parse_period("2019-12"), tmp_path / "out", clock=Clock(), environ={}, jobs=1)
    assert "for 2018/19 of cpp_repeat_pct (latest: April to August 2018)" in year_on.reports[0].reason

    # A period before the data starts is not "not in yet": waiting will not bring it.
    too_early = distribute(manifest, parse_period("2010-01"), tmp_path / "out", clock=Clock(), environ={}, jobs=1)
    reason = too_early.reports[0].reason
    assert "the data starts after the period the report is written as at: there is no figure for January 2010 " \
           "of cpp_count" in reason and "yet" not in reason


def test_a_second_run_for_the_same_period_while_one_is_running_is_refused_with_exit_75(three, tmp_path):
    """Two overlapping cron runs must not both build and send: the second waits for another day."""
    import fcntl

    folder = tmp_path / "out" / "2022-03"
    folder.mkdir(parents=True)
    with open(folder / ".distribute.lock", "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as the running one holds it
        second = cli(str(three), "--period", "2022-03", "-o", str(tmp_path / "out"))
    assert second.returncode == 75, second.stderr  # EX_TEMPFAIL: neither a failure nor bad input
    assert f"another `reportgen distribute` is running for {folder}" in second.stderr
    assert sorted(p.name for p in folder.iterdir()) == [".distribute.lock"]  # nothing built, nothing recorded
    assert cli(str(three), "--period", "2022-03", "-o", str(tmp_path / "out")).returncode == 0  # once it is free


def test_manifest_json_records_every_document(three, tmp_path):
    result = run(three, tmp_path / "out")
    record = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    assert record["period"] == "2022-03" and record["failed"] == []
    assert [(d["report"], d["format"]) for d in record["documents"]] == [
        ("alpha", "docx"), ("alpha", "html"), ("beta", "docx"), ("beta", "html"), ("cpp", "docx"), ("cpp", "html")]
    for document in record["documents"]:
        path = result.folder / document["path"]
        assert not Path(document["path"]).is_absolute() and path.is_file()
        assert document["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert document["size"] == path.stat().st_size
        assert len(document["inputs_hash"]) == 64
        assert datetime.fromisoformat(document["built_at"]).year == 2022
    by_report = {d["report"]: d["inputs_hash"] for d in record["documents"]}
    assert len(set(by_report.values())) == 3
    assert {d["title"] for d in record["documents"]} >= {"Placement sufficiency", "Foster carer recruitment"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "a":
            self.links.append(dict(attrs)["href"])


def test_index_lists_every_document_with_relative_links(three, tmp_path):
    result = run(three, tmp_path / "out")
    html = (result.folder / "index.html").read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(html)
    assert sorted(parser.links) == sorted(
        d["path"] for d in json.loads((result.folder / "manifest.json").read_text())["documents"])
    for link in parser.links:
        assert "/" not in link and (result.folder / link).is_file()
    tags = [tag for tag, _ in parser.tags]
    assert ("html", {"lang": "en-GB"}) in parser.tags
    assert {"table", "caption", "thead", "th", "title", "h1", "main"} <= set(tags)
    assert all(attrs.get("scope") in ("col", "row") for tag, attrs in parser.tags if tag == "th")
    assert "<title>Test reports: March 2022</title>" in html
    assert "Placement sufficiency" in html and "Foster carer recruitment" in html


def test_the_example_manifest_builds_for_march_2022(tmp_path):
    out = tmp_path / "out"
    result = cli("examples/monthly-distribution/manifest.yaml", "--period", "2022-03", "-o", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    record = json.loads((out / "2022-03" / "manifest.json").read_text())
    reports = {d["report"] for d in record["documents"]}
    assert len(reports) >= 2
    assert {d["format"] for d in record["documents"]} == {"docx", "pdf"}
    assert "Dry run: nothing was sent" in result.stdout
    assert "jo.bennett@harrowdale.gov.uk.example" in result.stdout and "would send" in result.stdout
    assert "Child protection plans" in pdf_to_text(out / "2022-03" / "cpp-scrutiny.pdf")


def test_a_monthly_report_is_titled_and_listed_for_the_run_s_period(tmp_path):
    """The example performance report's title says [[as_of]]: as at February it must not say March."""
    spec = REPO / "examples" / "monthly-performance" / "report.yaml"
    manifest = write_manifest(tmp_path, reports=[report("perf", str(spec), formats=("html",))],
                              recipients=[{"name": "Lee Carter", "email": "lee@example.org", "reports": ["perf"]}])
    result = distribute(manifest, parse_period("2022-02"), tmp_path / "out", clock=Clock(), environ={}, jobs=1)
    assert [r.status for r in result.reports] == ["built"], result.reports
    record = json.loads((tmp_path / "out" / "2022-02" / "manifest.json").read_text(encoding="utf-8"))
    assert {d["title"] for d in record["documents"]} == {"Children's social care performance: February 2022"}
    page = (tmp_path / "out" / "2022-02" / "perf.html").read_text(encoding="utf-8")
    title = re.sub(r"<[^>]+>", "", page.split("<h1>")[1].split("</h1>")[0])
    assert title == "Children's social care performance: February\u00a02022"  # the last two words kept together
    assert "March 2022" not in page.split("<h2")[0]
