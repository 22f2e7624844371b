"""Building blocks for the distribution tests: a small manifest of real specs in a temporary folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import yaml

from reportgen.distribute.runner import Job, Outcome, Rendered
from tests.conftest import REPO

SUFFICIENCY = REPO / "examples" / "committee-meeting" / "reports" / "sufficiency.yaml"
CPP_FOLDER = REPO / "examples" / "cpp-scrutiny"


def copy_specs(folder: Path) -> dict[str, Path]:
    """Two quick specs without data, and the scrutiny report with its data, copied so tests may edit them."""
    folder.mkdir(parents=True, exist_ok=True)
    sufficiency = yaml.safe_load(SUFFICIENCY.read_text(encoding="utf-8"))
    specs = {}
    for name, title in (("alpha", "Placement sufficiency"), ("beta", "Foster carer recruitment")):
        spec = dict(sufficiency, header=dict(sufficiency["header"], title=title))
        specs[name] = folder / f"{name}.yaml"
        specs[name].write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    shutil.copytree(CPP_FOLDER, folder / "cpp")
    specs["cpp"] = folder / "cpp" / "report.yaml"
    return specs


def three_reports(folder: Path) -> Path:
    """A manifest of three reports: two quick ones and the scrutiny report with its data."""
    copy_specs(folder / "specs")
    return write_manifest(
        folder, title="Test reports",
        reports=[report("alpha", "specs/alpha.yaml"), report("beta", "specs/beta.yaml"),
                 report("cpp", "specs/cpp/report.yaml", as_of="spec")],
    )


def write_manifest(folder: Path, **fields: Any) -> Path:
    path = folder / "manifest.yaml"
    path.write_text(yaml.safe_dump(fields, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def report(report_id: str, spec: str, formats: tuple[str, ...] = ("docx", "html"), **more: Any) -> dict[str, Any]:
    return {"id": report_id, "spec": spec, "formats": list(formats), **more}


def edit_spec(path: Path, **changes: Any) -> None:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec.update(changes)
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")


def render_or_die(job: Job) -> Outcome:
    """Stands in for render_job in a worker: a report whose id starts with "die" kills the process, as a
    crash in a C library would; any other is "built" at once."""
    if job.report_id.startswith("die"):
        os._exit(70)
    return Rendered(job.report_id, job.report_id.title(), {"html": (f"{job.report_id}.html", b"<p>built</p>")}, 0.0)
