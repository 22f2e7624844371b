"""What a distribute run's reports warn of: each warning once per run, however many reports share its cause."""

from __future__ import annotations

import shutil
import subprocess
import sys

import yaml

from tests.conftest import REPO
from tests.distribute_helpers import report, write_manifest

PERFORMANCE = REPO / "examples" / "monthly-performance"
SHARED = "cla_number_and_rate_per_10k_children.csv: measure lac_count, area Gateshead: 5 EES figures not used"
"""The first of the four warnings the example performance report's data gives: naming the file, measure and area."""


def reportgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reportgen", *args], check=False, capture_output=True, text=True,
                          cwd=REPO)


def test_reports_sharing_a_data_file_warn_of_it_once_in_a_run_and_a_single_build_still_warns(tmp_path):
    shutil.copytree(PERFORMANCE, tmp_path / "perf")
    second = tmp_path / "perf" / "second.yaml"  # another report on the same data files
    spec = yaml.safe_load((tmp_path / "perf" / "report.yaml").read_text(encoding="utf-8"))
    spec["header"]["title"] = "Children looked after: [[as_of]]"
    second.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    manifest = write_manifest(tmp_path, reports=[report("perf-a", "perf/report.yaml", ("html",)),
                                                 report("perf-b", "perf/report.yaml", ("html",)),
                                                 report("perf-c", "perf/second.yaml", ("html",))])

    run = reportgen("-v", "distribute", str(manifest), "--period", "2022-03", "-o", str(tmp_path / "out"))
    assert run.returncode == 0, run.stderr
    assert [line.split()[1] for line in run.stdout.splitlines() if line.startswith("perf-")] == ["built"] * 3
    warnings = [line for line in run.stderr.splitlines() if line.startswith("WARNING: ")]
    assert len(warnings) == 1, "\n".join(warnings)
    assert "4 data warnings; the first: " in warnings[0] and f"{tmp_path / 'perf' / 'data'}/{SHARED}" in warnings[0]
    each = [line for line in run.stderr.splitlines() if line.startswith("INFO: data warning: ")]  # -v lists them
    assert len(each) == len(set(each)) == 4 and any(SHARED in line for line in each)

    single = reportgen("build", str(second), "-o", str(tmp_path / "single"), "--format", "html")
    assert single.returncode == 0, single.stderr
    assert [line for line in single.stderr.splitlines() if SHARED in line] == [
        line.replace(str(tmp_path / "perf" / "report.yaml"), str(second)) for line in warnings]
