"""The worker processes: a report that kills its worker fails alone; the others are still built."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.distribute.runner import Failed, Job, Rendered, run_jobs
from tests.distribute_helpers import render_or_die


def jobs(*report_ids: str) -> list[Job]:
    return [Job(report_id, Path(f"{report_id}.yaml"), ("html",), None) for report_id in report_ids]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_report_that_kills_its_worker_fails_alone(workers):
    done = []
    outcomes = run_jobs(jobs("alpha", "die-first", "beta", "gamma", "die-again", "delta"), workers, done.append,
                        render=render_or_die)
    assert [o.report_id for o in outcomes] == ["alpha", "die-first", "beta", "gamma", "die-again", "delta"]
    built = {o.report_id for o in outcomes if isinstance(o, Rendered)}
    failed = {o.report_id: o.reason for o in outcomes if isinstance(o, Failed)}
    assert built == {"alpha", "beta", "gamma", "delta"}
    assert set(failed) == {"die-first", "die-again"}
    assert all("worker process died while rendering it" in reason for reason in failed.values())
    assert sorted(o.report_id for o in done) == sorted(o.report_id for o in outcomes)  # each reported once


def test_no_jobs_start_no_pool():
    assert run_jobs([], 2, lambda outcome: None, render=render_or_die) == []
