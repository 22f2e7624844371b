"""Shared fixtures: the repository's paths, and ways of reading outputs back as a user's tools would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

# Every test draws its charts (the chart cache's own tests turn it on in a folder of their own),
# and the tests never read or fill the cache of the person running them. Subprocesses inherit this.
os.environ["REPORTGEN_CACHE_DIR"] = ""

REPO = Path(__file__).resolve().parents[1]
FORKS = sys.platform == "linux" and len(os.sched_getaffinity(0)) >= 2
"""Whether reportgen's commands fork a second process here (reportgen/forked.py), as they do on CI."""
SHARED_DATA = REPO.parent / "shared" / "data"
EXAMPLE_SPEC = REPO / "examples" / "cpp-scrutiny" / "report.yaml"


@pytest.fixture
def example_spec() -> Path:
    return EXAMPLE_SPEC


def example_spec_data() -> dict:
    """The example spec as a dict, its data files made absolute so it can be rewritten anywhere."""
    import yaml

    spec = yaml.safe_load(EXAMPLE_SPEC.read_text(encoding="utf-8"))
    spec["data"]["files"] = [str(EXAMPLE_SPEC.parent / f) for f in spec["data"]["files"]]
    return spec


def pdf_to_text(pdf: Path, *, layout: bool = False) -> str:
    """Text of a PDF as poppler's pdftotext extracts it (a real client)."""
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(pdf), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def soffice_convert(source: Path, out_dir: Path, to: str = "pdf") -> Path:
    """Convert with LibreOffice headless, the real Word client available here.

    Each call gets its own user profile so parallel tests do not fight over one.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is not installed; .ci/run installs libreoffice-writer")
    profile = out_dir / f"lo-profile-{uuid.uuid4().hex}"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", to, "--outdir", str(out_dir), str(source)],
        capture_output=True, text=True, timeout=180,
    )
    converted = out_dir / f"{source.stem}.{to}"
    assert result.returncode == 0 and converted.exists(), f"LibreOffice failed: {result.stderr}"
    return converted
