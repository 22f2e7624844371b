"""Work done in a forked child beside the command (reportgen/forked.py): the two agenda packs at once.

The pytest workers run threads of their own, so nothing forks in them; each
test runs a small program in a fresh process, as the command line does.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FORKS, pdf_to_text

MEETING = Path(__file__).resolve().parents[1] / "examples" / "committee-meeting" / "meeting.yaml"
pytestmark = pytest.mark.skipif(not FORKS, reason="work is forked on Linux with two CPUs or more")

# `reportgen pack`, noting which process wrote each pack. With "thread" first, a thread runs
# beside the command, so it must not fork and lays both packs out itself.
_PACK = """
import os, sys, threading
from reportgen import pack
MAIN = os.getpid()
if sys.argv[1] == "thread":
    threading.Thread(target=threading.Event().wait, daemon=True).start()
write_pack = pack.write_pack
def noting(layout, meeting, style, audience):
    with open(sys.argv[2], "a") as log:
        log.write(f"{audience} {'here' if os.getpid() == MAIN else 'child'}\\n")
    return write_pack(layout, meeting, style, audience)
pack.write_pack = noting
from reportgen.cli import main
try:
    main(sys.argv[3:])
except SystemExit as exit_:
    sys.exit(exit_.code)
"""


def _pack(how: str, out: Path) -> dict[str, str]:
    noted = out.parent / f"{how}-where.txt"
    result = subprocess.run([sys.executable, "-c", _PACK, how, str(noted), "pack", str(MEETING), "-o", str(out)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return dict(line.split() for line in noted.read_text().splitlines())


def test_the_private_pack_is_laid_out_in_a_child_and_both_packs_read_as_from_one_process(tmp_path):
    assert _pack("fork", tmp_path / "forked") == {"public": "here", "private": "child"}
    assert _pack("thread", tmp_path / "one") == {"public": "here", "private": "here"}
    for audience in ("public", "private"):
        forked = next((tmp_path / "forked").glob(f"*-{audience}-pack.pdf"))
        one = next((tmp_path / "one").glob(f"*-{audience}-pack.pdf"))
        assert forked.read_bytes() == one.read_bytes(), audience
    assert "NOT FOR PUBLICATION" in pdf_to_text(next((tmp_path / "forked").glob("*-private-pack.pdf")))


_OUTCOMES = """
import os, sys
from reportgen.errors import InputError
from reportgen.forked import start_in_child
case = sys.argv[1]
def work():
    here = os.getpid() == MAIN
    if case == "value":
        return {"laid out": "here" if here else "child", "bytes": b"%PDF" * 100_000}
    if case == "refused":
        if here:
            raise AssertionError("ran here")
        raise InputError("the report is encrypted", hint="save an unprotected copy")
    if case == "bug":
        return {}["no such key"]
    if case == "killed":
        if not here:
            os._exit(9)
        return "laid out here"
MAIN = os.getpid()
result = start_in_child(work, "the private pack")
try:
    print("RESULT", repr(result())[:60])
except Exception as error:
    import traceback
    traceback.print_exc()
    print("ERROR", type(error).__name__, error)
"""


def _outcome(case: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _OUTCOMES, case], capture_output=True, text=True, timeout=120)


def test_a_childs_result_comes_back_whole():
    result = _outcome("value")
    assert "RESULT {'laid out': 'child', 'bytes': b'%PDF%PDF" in result.stdout, result.stderr


def test_a_childs_error_is_raised_here_with_its_message():
    result = _outcome("refused")
    assert "ERROR InputError the report is encrypted\n  hint: save an unprotected copy" in result.stdout, result.stdout


def test_a_childs_unexpected_error_keeps_the_childs_traceback():
    result = _outcome("bug")
    assert "ERROR KeyError 'no such key'" in result.stdout
    child_part = result.stderr.split("The above exception was the direct cause")[0]
    assert "_RemoteTraceback" in child_part and "in work" in child_part, result.stderr


def test_if_the_child_dies_the_work_is_done_here_with_a_warning():
    result = _outcome("killed")
    assert "RESULT 'laid out here'" in result.stdout, result.stdout + result.stderr
    assert "the process laying out the private pack stopped; laying it out in this one instead" in result.stderr
