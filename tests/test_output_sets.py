"""A report's Word, PDF and HTML are replaced together or not at all, and a failed build leaves no trace."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from reportgen import pipeline
from reportgen.errors import OutputLocationError, SpecError
from reportgen.output import publish_files
from tests.conftest import EXAMPLE_SPEC, example_spec_data

STEM = "child-protection-plans-performance-summary"


def test_a_set_that_cannot_be_written_whole_leaves_every_old_file_as_it_was(tmp_path):
    """A folder where the PDF should go: the new Word draft must not sit beside last run's HTML."""
    out = tmp_path / "out"
    out.mkdir()
    old = {suffix: f"last run's {suffix}".encode() for suffix in (".docx", ".html")}
    for suffix, data in old.items():
        (out / f"{STEM}{suffix}").write_bytes(data)
    (out / f"{STEM}.pdf").mkdir()
    result = subprocess.run([sys.executable, "-m", "reportgen", "build", str(EXAMPLE_SPEC), "-o", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"'{STEM}.pdf' is a folder, where the file should be" in result.stderr
    assert {suffix: (out / f"{STEM}{suffix}").read_bytes() for suffix in old} == old
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{STEM}{s}" for s in (".docx", ".html", ".pdf"))


def test_a_rename_failing_midway_puts_back_the_files_already_replaced(tmp_path, monkeypatch):
    """As when a viewer holds the PDF locked: the first files of the set are restored, nothing is left over."""
    first, second, third = (tmp_path / name for name in ("a.docx", "a.pdf", "a.html"))
    first.write_bytes(b"old docx")
    third.write_bytes(b"old html")
    real_replace = os.replace

    def replace(source, target):
        if Path(target) == second:
            raise PermissionError(13, "Permission denied")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputLocationError, match="could not replace 'a.pdf': Permission denied"):
        publish_files({first: b"new docx", second: b"new pdf", third: b"new html"})
    assert first.read_bytes() == b"old docx" and third.read_bytes() == b"old html" and not second.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "a.html"]


def test_a_whole_set_replaces_every_file_and_leaves_no_temporary_files(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"old pdf")
    publish_files({tmp_path / "a.docx": b"new docx", tmp_path / "a.pdf": b"new pdf"})
    assert (tmp_path / "a.pdf").read_bytes() == b"new pdf" and (tmp_path / "a.docx").read_bytes() == b"new docx"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "a.pdf"]


def test_a_build_that_fails_removes_the_folders_it_made_and_keeps_one_that_was_there(tmp_path):
    """The data cannot give a statement the prose asks for: found after the output folder is made."""
    spec = tmp_path / "report.yaml"
    data = example_spec_data()
    data["summary"] = "[[cpp_count:shift]]"
    data["data"]["as_of"] = "2018-08"
    spec.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    made = tmp_path / "reports" / "2018-10"
    with pytest.raises(SpecError, match="the data gives no 'shift' statement"):
        pipeline.build(spec, made, ["html"])
    assert not (tmp_path / "reports").exists()
    there = tmp_path / "there"
    there.mkdir()
    with pytest.raises(SpecError):
        pipeline.build(spec, there, ["html"])
    assert there.is_dir() and not any(there.iterdir())


@pytest.mark.parametrize("title, stem", [
    ("Children's social care performance: March 2022", "childrens-social-care-performance-march-2022"),
    ("Children’s services – Q1 2023/24", "childrens-services-q1-2023-24"),
    ("Ysgol Gŵyr: school places", "ysgol-gwyr-school-places"),
])
def test_a_reports_file_name_reads_as_its_title_does(title, stem):
    """An adopter's "Children's ..." became children-s-...; an apostrophe is dropped, an accent kept as its letter."""
    from reportgen.output import slug

    assert slug(title) == stem
