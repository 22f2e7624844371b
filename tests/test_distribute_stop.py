"""A distribute run stopped by its scheduler (SIGTERM) or Ctrl-C: clean, resumable, and said so by its status."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.distribute_helpers import copy_specs, report, write_manifest


def six_reports(folder: Path) -> Path:
    """Enough Word and PDF work that a run stopped after its first report has more to do."""
    copy_specs(folder / "specs")
    reports = [report(f"cpp-{n}", "specs/cpp/report.yaml", ("docx", "pdf"), as_of="spec") if n % 2 else
               report(f"alpha-{n}", "specs/alpha.yaml", ("docx", "pdf")) for n in range(1, 7)]
    return write_manifest(folder, title="Test reports", reports=reports)


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("signal_number, send, code, last_line", [
    pytest.param(signal.SIGTERM, os.killpg, 143, "terminated", id="systemctl stop: SIGTERM to every process"),
    pytest.param(signal.SIGTERM, os.kill, 143, "terminated", id="kill PID: SIGTERM to the command alone"),
    pytest.param(signal.SIGINT, os.killpg, 130, "aborted", id="Ctrl-C: SIGINT to every process"),
])
def test_a_run_stopped_partway_exits_with_its_signal_leaving_whole_reports_and_no_process(
        tmp_path, signal_number, send, code, last_line):
    manifest = six_reports(tmp_path)
    folder = tmp_path / "out" / "2022-03"
    run = subprocess.Popen([sys.executable, "-m", "reportgen", "distribute", str(manifest), "--period", "2022-03",
                            "-o", str(tmp_path / "out"), "--jobs", "2"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, cwd=REPO, start_new_session=True)
    # Stopped once the first report is written, with the worker pool busy on the next ones.
    assert wait_for((folder / "manifest.json").exists, 120), run.communicate()
    send(run.pid, signal_number)
    stdout, stderr = run.communicate(timeout=120)

    assert run.returncode == code, stderr
    assert stderr.rstrip().endswith(last_line), stderr
    for noise in ("Traceback", "resource_tracker", "leaked"):
        assert noise not in stderr, stderr
    assert stdout == ""

    # Only whole reports are left, each listed with the bytes it has, and fewer than all six.
    record = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    documents = {d["path"]: d["sha256"] for d in record["documents"]}
    assert sorted(p.name for p in folder.iterdir()) == sorted([".distribute.lock", "manifest.json", *documents])
    for path, sha256 in documents.items():
        assert hashlib.sha256((folder / path).read_bytes()).hexdigest() == sha256
    built = {d["report"] for d in record["documents"]}
    assert sorted(documents) == sorted(f"{rid}.{fmt}" for rid in built for fmt in ("docx", "pdf"))
    assert 1 <= len(built) < 6, built

    # The workers went with it (the resource tracker leaves once the command has gone).
    assert wait_for(lambda: group_gone(run.pid), 10), subprocess.run(
        ["ps", "-o", "pid,ppid,stat,cmd", "-g", str(run.pid)], capture_output=True, text=True).stdout
