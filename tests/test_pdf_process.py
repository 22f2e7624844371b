"""The PDF writer in a forked process of its own (reportgen/writers/pdf_process.py).

A one-report command lays its PDF out in a second process, started before it
reads its data, so WeasyPrint's import and the data step run side by side.
What a user must see: the same files as from one process, the same errors,
a PDF even if that process dies, and no process left behind.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reportgen import errors
from reportgen.forked import can_fork
from tests.conftest import FORKS

needs_fork = pytest.mark.skipif(not FORKS, reason="the PDF process is forked on Linux with two CPUs or more")

# Runs the command as the console script does, then reports what ran where. With "thread" as its
# first argument a thread is started first, and a forked child is never made beside a thread.
_RUN_CLI = """
import multiprocessing, sys, threading
if sys.argv[1] == "thread":
    stop = threading.Event()
    threading.Thread(target=stop.wait, daemon=True).start()
from reportgen.cli import main
try:
    main(sys.argv[2:])
except SystemExit as exit_:
    code = exit_.code
else:
    code = 0
print("WEASYPRINT HERE", "weasyprint" in sys.modules)
print("CHILDREN LEFT", len(multiprocessing.active_children()))
sys.exit(code)
"""


def run_cli(how: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _RUN_CLI, how, *args], capture_output=True, text=True,
                          env=env, timeout=300)


@needs_fork
def test_a_build_writes_the_same_files_as_in_one_process_and_leaves_no_process(example_spec, tmp_path):
    forked = run_cli("fork", "build", str(example_spec), "-o", str(tmp_path / "forked"))
    one = run_cli("thread", "build", str(example_spec), "-o", str(tmp_path / "one"))
    assert forked.returncode == 0 and one.returncode == 0, forked.stderr + one.stderr
    # This process never imported WeasyPrint: the child laid the PDF out. Beside a thread it could not fork.
    assert "WEASYPRINT HERE False" in forked.stdout
    assert "WEASYPRINT HERE True" in one.stdout
    assert "CHILDREN LEFT 0" in forked.stdout
    files = sorted(path.name for path in (tmp_path / "forked").iterdir())
    assert [Path(name).suffix for name in files] == [".docx", ".html", ".pdf"]
    for name in files:
        assert (tmp_path / "forked" / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name


@needs_fork
def test_reportgen_no_fork_keeps_the_build_in_one_process(example_spec, tmp_path):
    """The escape hatch for a debugger, or a host that limits processes."""
    env = {**os.environ, "REPORTGEN_NO_FORK": "1"}
    result = run_cli("fork", "build", str(example_spec), "-o", str(tmp_path), "--format", "pdf", env=env)
    assert result.returncode == 0, result.stderr
    assert "WEASYPRINT HERE True" in result.stdout
    assert len(list(tmp_path.glob("*.pdf"))) == 1


@needs_fork
def test_minutes_lay_out_both_pdfs_in_the_pdf_process(tmp_path):
    meeting = Path(__file__).resolve().parents[1] / "examples" / "committee-meeting" / "meeting.yaml"
    forked = run_cli("fork", "minutes", str(meeting), "-o", str(tmp_path / "forked"))
    one = run_cli("thread", "minutes", str(meeting), "-o", str(tmp_path / "one"))
    assert forked.returncode == 0 and one.returncode == 0, forked.stderr + one.stderr
    assert "WEASYPRINT HERE False" in forked.stdout and "CHILDREN LEFT 0" in forked.stdout
    pdfs = sorted(path.name for path in (tmp_path / "forked").glob("*.pdf"))
    assert len(pdfs) == 2  # the public minutes and the private ones (an exempt item has a minute)
    for name in pdfs:
        assert (tmp_path / "forked" / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name


@needs_fork
def test_a_library_the_pdf_process_cannot_load_is_reported_once_without_a_traceback(example_spec, tmp_path):
    """WeasyPrint failing to load Pango, as on a machine without it: the same one-line error as before."""
    fake = tmp_path / "fake"
    (fake / "weasyprint").mkdir(parents=True)
    (fake / "weasyprint" / "__init__.py").write_text("raise OSError(\"cannot load library 'libpango-1.0-0'\")\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(fake), *sys.path])}
    out = tmp_path / "out"
    result = run_cli("fork", "build", str(example_spec), "-o", str(out), "--format", "docx,pdf", env=env)
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("cannot load library 'libpango-1.0-0'") == 1, result.stderr
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr, result.stderr
    assert "CHILDREN LEFT 0" in result.stdout
    assert not out.exists() or not any(out.iterdir())  # no Word draft without its PDF


_KILL_THE_CHILD = """
import io, multiprocessing, sys
from pathlib import Path
from reportgen.pipeline import compose_spec
from reportgen.spec import load_report_spec
from reportgen.writers.pdf_process import PdfProcessWriter
spec, style = load_report_spec(Path(sys.argv[1]), None)
document = compose_spec(Path(sys.argv[1]), spec, style, formats=["pdf"])
writer = PdfProcessWriter()
for child in multiprocessing.active_children():
    child.kill()
    child.join()
out = io.BytesIO()
writer.write(document, style, out)
writer.close()
Path(sys.argv[2]).write_bytes(out.getvalue())
"""


@needs_fork
def test_if_the_pdf_process_dies_the_pdf_is_laid_out_here_with_a_warning(example_spec, tmp_path):
    pdf = tmp_path / "report.pdf"
    result = subprocess.run([sys.executable, "-c", _KILL_THE_CHILD, str(example_spec), str(pdf)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert ("the process laying out the PDF of 'Child protection plans: performance summary' stopped; "
            "laying it out in this one instead") in result.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Child protection plans: performance summary" in text


def test_no_process_is_forked_beside_another_thread():
    """A forked child would inherit locks held by threads that do not exist in it."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        assert not can_fork()
    finally:
        stop.set()
        thread.join()


@pytest.mark.parametrize("error", [
    errors.ResourceRefusedError("file:///etc/passwd", "outside the allow-list"),
    errors.OutputLocationError(Path("/reports"), "permission denied"),
    errors.UnknownNameError("style", "defualt", ["default"]),
    errors.TemplateError("committee_report.html.j2", 12, "'header' is undefined"),
    errors.SpecError([errors.Problem("report.yaml", "header.title", "is required", 3)], hint="add a title"),
], ids=lambda error: type(error).__name__)
def test_an_error_from_another_process_arrives_whole(error):
    """Errors cross from the PDF process and distribute's workers by pickle: message, hint and fields intact."""
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error) and copy.__dict__ == error.__dict__
    assert copy.exit_code == error.exit_code
