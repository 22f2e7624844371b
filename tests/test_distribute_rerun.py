"""A rerun of reportgen distribute: quick when nothing changed, thorough when anything did."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from reportgen.data.periods import parse_period
from reportgen.distribute import inputs
from reportgen.distribute.inputs import InputsHasher, inputs_hash
from reportgen.distribute.run import distribute
from tests.conftest import REPO
from tests.distribute_helpers import three_reports

MARCH = parse_period("2022-03")
HEAVY = ("weasyprint", "docx", "pandas", "matplotlib", "jinja2", "smtplib", "ssl", "email_validator",
         "multiprocessing")
"""What an unchanged rerun has no use for: the renderers, the index's templating, mail, the process pool."""


def copy_of_reportgen(folder: Path) -> Path:
    """The package's code, copied to ``folder`` (as another checkout would hold it)."""
    return Path(shutil.copytree(inputs.CODE_FOLDER, folder / "reportgen",
                                ignore=shutil.ignore_patterns("__pycache__")))


def run(manifest: Path, out: Path, **options):
    return distribute(manifest, MARCH, out, jobs=options.pop("jobs", 2), environ={}, **options)


def statuses(result) -> dict[str, str]:
    return {r.report_id: r.status for r in result.reports}


def imported_by_cli(*args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run the command with ``-X importtime``; every module it imported, by dotted name."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "reportgen", "distribute", *args],
                            capture_output=True, text=True, cwd=REPO, check=False)
    modules = {line.rpartition("|")[2].strip() for line in result.stderr.splitlines()
               if line.startswith("import time:")}
    return result, modules


@pytest.fixture
def three(tmp_path) -> Path:
    return three_reports(tmp_path)


def test_an_unchanged_rerun_loads_no_renderer_templating_mail_or_pool(three, tmp_path):
    run(three, tmp_path / "out")
    result, modules = imported_by_cli(str(three), "--period", "2022-03", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line.split()[:2] for line in result.stdout.splitlines()]
    assert [row for row in rows if row[1:] == ["unchanged"]] == [["alpha", "unchanged"], ["beta", "unchanged"],
                                                                 ["cpp", "unchanged"]]
    assert "reportgen.distribute.run" in modules  # the check itself saw the run's imports
    assert sorted(m for m in modules if m.split(".")[0] in HEAVY) == []


def test_an_unchanged_rerun_rewrites_neither_index_nor_manifest_json(three, tmp_path):
    first = run(three, tmp_path / "out")
    files = [first.folder / "index.html", first.folder / "manifest.json"]
    before = [(p.stat().st_ino, p.stat().st_mtime_ns) for p in files]
    assert set(statuses(run(three, tmp_path / "out")).values()) == {"unchanged"}
    assert [(p.stat().st_ino, p.stat().st_mtime_ns) for p in files] == before


def test_the_index_follows_a_new_title_or_audience_with_nothing_rebuilt(three, tmp_path):
    first = run(three, tmp_path / "out")
    index = first.folder / "index.html"
    manifest = yaml.safe_load(three.read_text(encoding="utf-8"))
    manifest["title"] = "Renamed reports"
    manifest["reports"][1]["audience"] = "Corporate parenting panel"
    three.write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")

    second = run(three, tmp_path / "out")
    assert set(statuses(second).values()) == {"unchanged"}
    html = index.read_text(encoding="utf-8")
    assert "<title>Renamed reports: March 2022</title>" in html and "Corporate parenting panel" in html


def test_a_deleted_index_is_written_again(three, tmp_path):
    first = run(three, tmp_path / "out")
    page = (first.folder / "index.html").read_text(encoding="utf-8")
    (first.folder / "index.html").unlink()
    run(three, tmp_path / "out")
    assert (first.folder / "index.html").read_text(encoding="utf-8") == page


def test_an_edit_that_keeps_size_and_modification_time_still_rebuilds(three, tmp_path):
    """File hashes are remembered within a process; an in-place edit must not be served from memory."""
    run(three, tmp_path / "out")
    spec = tmp_path / "specs" / "beta.yaml"
    text, stat = spec.read_text(encoding="utf-8"), spec.stat()
    edited = text.replace("Foster carer recruitment", "Foster carer Recruitment", 1)
    assert edited != text and len(edited) == len(text)
    spec.write_text(edited, encoding="utf-8")
    os.utime(spec, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert spec.stat().st_size == stat.st_size and spec.stat().st_mtime_ns == stat.st_mtime_ns
    assert statuses(run(three, tmp_path / "out")) == {"alpha": "unchanged", "beta": "built", "cpp": "unchanged"}


def test_one_hasher_for_a_run_gives_each_report_the_hash_it_would_have_alone(three, tmp_path):
    specs = tmp_path / "specs"
    reports = [(specs / "alpha.yaml", "2022-03"), (specs / "cpp" / "report.yaml", None),
               (specs / "alpha.yaml", None), (specs / "beta.yaml", "2022-03")]
    hasher = InputsHasher()
    shared = [hasher.inputs_hash(spec, [], ["docx"], "2022-03", as_of=as_of) for spec, as_of in reports]
    alone = [inputs_hash(spec, [], ["docx"], "2022-03", as_of=as_of) for spec, as_of in reports]
    assert shared == alone and len(set(shared)) == 4


def test_a_change_to_reportgens_code_rebuilds_every_report(three, tmp_path, monkeypatch):
    code = copy_of_reportgen(tmp_path / "checkout")
    monkeypatch.setattr(inputs, "CODE_FOLDER", code)  # the hash reads the copy; the build runs the real code
    run(three, tmp_path / "out")
    assert set(statuses(run(three, tmp_path / "out")).values()) == {"unchanged"}

    writer = code / "distribute" / "summary.py"
    writer.write_text(writer.read_text(encoding="utf-8") + "\n# a fix, same version number\n", encoding="utf-8")
    assert statuses(run(three, tmp_path / "out")) == {"alpha": "built", "beta": "built", "cpp": "built"}


def test_the_code_counts_by_content_not_by_where_it_is_installed(three, tmp_path, monkeypatch):
    spec = tmp_path / "specs" / "alpha.yaml"

    def hashed(code: Path) -> str:
        monkeypatch.setattr(inputs, "CODE_FOLDER", code)
        return inputs_hash(spec, [], ["docx"], "2022-03")

    installed = inputs.CODE_FOLDER
    here, there = copy_of_reportgen(tmp_path / "a"), copy_of_reportgen(tmp_path / "b" / "c")
    assert hashed(here) == hashed(there) == hashed(installed)
    (there / "extra.py").write_text("X = 1\n", encoding="utf-8")
    assert hashed(there) != hashed(here)
    (there / "extra.py").unlink()
    (there / "notes.txt").write_text("not code\n", encoding="utf-8")
    assert hashed(there) == hashed(here)


def test_upgrading_a_library_that_shapes_the_documents_rebuilds_every_report(three, tmp_path, monkeypatch):
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))  # found first, as a newer install would be
    run(three, tmp_path / "out")
    (site / "pytest-99.0.dist-info").mkdir()  # a tool that does not touch the documents
    assert set(statuses(run(three, tmp_path / "out")).values()) == {"unchanged"}
    (site / "WeasyPrint-99.0.dist-info").mkdir()  # older tools keep the project's own spelling
    assert statuses(run(three, tmp_path / "out")) == {"alpha": "built", "beta": "built", "cpp": "built"}
    assert "weasyprint-99.0" in InputsHasher()._libraries().split(",")
