"""Bad report specs: every problem listed with its field path, exit 2, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO, example_spec_data


def example() -> dict:
    return example_spec_data()


def build(spec: dict | str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``reportgen build`` of ``spec``: a dict written as YAML, or the file's text as it is."""
    path = tmp_path / "report.yaml"
    text = spec if isinstance(spec, str) else yaml.safe_dump(spec, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "reportgen", "build", str(path), "-o", str(tmp_path / "out"), *extra],
        capture_output=True, text=True,
    )


def test_every_problem_is_listed_with_its_field_path(tmp_path):
    spec = example()
    del spec["header"]["meeting_date"]
    spec["header"]["contact"]["email"] = "not an email"
    spec["header"]["key_decision"] = "perhaps"
    spec["recommendations"] = []
    spec["sumary"] = "typo"
    result = build(spec, tmp_path)
    assert result.returncode == 2
    err = result.stderr
    assert "5 problems in the report spec" in err
    for path in ("header.meeting_date", "header.contact.email", "header.key_decision", "recommendations", "sumary"):
        assert f": {path}: " in err, f"{path} not reported in:\n{err}"
    assert "unknown field" in err  # the typo is called out, not ignored
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_exempt_report_needs_its_schedule_12a_paragraph(tmp_path):
    spec = example()
    spec["header"]["classification"] = "exempt"
    result = build(spec, tmp_path)
    assert result.returncode == 2
    assert "header" in result.stderr and "Schedule 12A" in result.stderr


def test_unknown_implications_row_names_the_rows_the_style_has(tmp_path):
    spec = example()
    spec["implications"]["finance"] = "typo for financial"
    result = build(spec, tmp_path)
    assert result.returncode == 2
    assert "implications" in result.stderr and "finance" in result.stderr
    assert "financial" in result.stderr  # the right key is suggested by the listing


def test_unknown_template_lists_the_available_ones(tmp_path):
    spec = example()
    spec["template"] = "comittee_report"
    result = build(spec, tmp_path)
    assert result.returncode == 2
    assert ": template: unknown template 'comittee_report' (did you mean 'committee_report'?); " \
           "available: committee_report" in result.stderr


def test_unknown_style_lists_the_available_ones(tmp_path):
    result = build(example(), tmp_path, "--style", "nowhere")
    assert result.returncode == 2
    assert "unknown style 'nowhere'; available: default, kestrel-vale" in result.stderr


def test_yaml_syntax_error_names_line(tmp_path):
    result = build("header:\n  title: [unclosed\n", tmp_path)
    assert result.returncode == 2
    assert "not valid YAML" in result.stderr and "line" in result.stderr


def test_an_impossible_date_is_named_by_its_field_not_a_traceback(tmp_path):
    text = (REPO / "examples" / "cpp-scrutiny" / "report.yaml").read_text(encoding="utf-8")
    assert "meeting_date: 2018-10-09" in text
    result = build(text.replace("meeting_date: 2018-10-09", "meeting_date: 2018-13-09"), tmp_path)
    assert result.returncode == 2
    assert "header.meeting_date: expected a date as YYYY-MM-DD, e.g. 2018-10-09; " \
           "month value is outside expected range of 1-12 (got '2018-13-09') (line 9)" in result.stderr
    assert "Traceback" not in result.stderr
