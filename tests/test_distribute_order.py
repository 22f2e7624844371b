"""The order reports are built in: longest first, by the times the last run recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportgen.data.periods import parse_period
from reportgen.distribute.contents import read_contents
from reportgen.distribute.run import distribute
from reportgen.distribute.runner import Job, longest_first
from tests.distribute_helpers import three_reports

MARCH, APRIL = parse_period("2022-03"), parse_period("2022-04")


class Order:
    """A progress listener noting the reports in the order they finish (with one worker: the order started)."""

    def __init__(self) -> None:
        self.finished: list[str] = []

    def start(self, total: int) -> None:
        pass

    def advance(self, result) -> None:
        self.finished.append(result.report_id)


def built_in_order(manifest: Path, out: Path, period=MARCH, **options) -> list[str]:
    order = Order()
    distribute(manifest, period, out, jobs=1, environ={}, progress=order, **options)
    return order.finished


def record_times(folder: Path, seconds: dict[str, float | None]) -> None:
    """Rewrite the build times in ``folder``'s manifest.json (None: as a file from before they were kept)."""
    path = folder / "manifest.json"
    contents = json.loads(path.read_text(encoding="utf-8"))
    for document in contents["documents"]:
        if seconds[document["report"]] is None:
            del document["build_seconds"]
        else:
            document["build_seconds"] = seconds[document["report"]]
    path.write_text(json.dumps(contents, indent=2), encoding="utf-8")


@pytest.fixture
def three(tmp_path) -> Path:
    return three_reports(tmp_path)


def job(report_id: str) -> Job:
    return Job(report_id, Path(f"{report_id}.yaml"), ("docx",), None)


def test_longest_first_puts_untimed_reports_first_and_keeps_manifest_order_for_ties():
    jobs = [job("a"), job("b"), job("c"), job("d"), job("e")]
    ordered = longest_first(jobs, {"a": 0.2, "b": 3.0, "d": 0.2, "e": 1.5})
    assert [j.report_id for j in ordered] == ["c", "b", "e", "a", "d"]
    assert longest_first(jobs, {}) == jobs


def test_each_build_time_is_recorded_and_the_next_run_starts_the_longest(three, tmp_path):
    out = tmp_path / "out"
    assert built_in_order(three, out) == ["alpha", "beta", "cpp"]  # nothing on record: manifest order
    recorded = read_contents(out / "2022-03")
    assert all(r.build_seconds is not None and r.build_seconds > 0 for rs in recorded.values() for r in rs)

    record_times(out / "2022-03", {"alpha": 0.4, "beta": 9.0, "cpp": 2.5})
    assert built_in_order(three, out, force=True) == ["beta", "cpp", "alpha"]


def test_a_new_period_is_ordered_by_the_last_periods_times(three, tmp_path):
    out = tmp_path / "out"
    built_in_order(three, out)
    record_times(out / "2022-03", {"alpha": 0.4, "beta": 1.0, "cpp": 7.0})
    assert built_in_order(three, out, APRIL) == ["cpp", "beta", "alpha"]


def test_a_manifest_json_from_before_build_times_still_counts(three, tmp_path):
    out = tmp_path / "out"
    built_in_order(three, out)
    record_times(out / "2022-03", {"alpha": None, "beta": None, "cpp": None})
    assert built_in_order(three, out) == []  # all three read back and found unchanged
    assert built_in_order(three, out, force=True) == ["alpha", "beta", "cpp"]
