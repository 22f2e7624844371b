"""Bad manifests and bad command lines: exit 2, the field named, nothing built, written or sent."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta

import pytest

from tests.conftest import REPO
from tests.distribute_helpers import copy_specs, report, write_manifest

SMTP = {"host": "mail.example.org", "port": 587, "security": "starttls", "username": "reportgen",
        "password_env": "TEST_SMTP_PASSWORD", "sender": "Reports <reports@example.org>"}
PERSON = {"name": "Jo Bennett", "email": "jo@example.org", "reports": ["alpha"]}


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reportgen", "distribute", *args], check=False,
                          capture_output=True, text=True, cwd=REPO, env=env)


def manifest_fields(**changes):
    fields = {"reports": [report("alpha", "specs/alpha.yaml")], "recipients": [PERSON], "smtp": SMTP}
    fields.update(changes)
    return fields


BAD = {
    "missing spec": ({"reports": [report("alpha", "specs/nowhere.yaml")]},
                     'reports[1] ("alpha").spec', "file not found"),
    "missing data file": ({"reports": [report("alpha", "specs/alpha.yaml", data=["specs/alpha.yaml", "gone.csv"])]},
                          'reports[1] ("alpha").data[2]', "file not found"),
    "unknown recipient report": ({"recipients": [dict(PERSON, reports=["alpha", "omega"])]},
                                 'recipients[1] ("Jo Bennett").reports', "unknown report(s) 'omega'"),
    "username without password variable": ({"smtp": {k: v for k, v in SMTP.items() if k != "password_env"}},
                                           "smtp", "a username needs password_env"),
    "password in clear text": ({"smtp": dict(SMTP, security="none")}, "smtp", "clear text"),
    "a password instead of its variable": ({"smtp": dict(SMTP, password="hunter2")},
                                           "smtp.password", "unknown field"),
    "bad security": ({"smtp": dict(SMTP, security="ssl")}, "smtp.security", "'starttls', 'tls' or 'none'"),
    "report id twice": ({"reports": [report("alpha", "specs/alpha.yaml"), report("alpha", "specs/beta.yaml")]},
                        'reports[2] ("alpha").id', "used twice"),
    "report id not a file name": ({"reports": [report("Alpha Report", "specs/alpha.yaml")], "recipients": []},
                                  'reports[1] ("Alpha Report").id', "should match pattern"),
    "link without a base URL": ({"recipients": [dict(PERSON, delivery="link")]},
                                'recipients[1] ("Jo Bennett").delivery', "link_base_url"),
    "unknown format": ({"reports": [report("alpha", "specs/alpha.yaml", ("docx", "odt"))]},
                       'reports[1] ("alpha").formats[2]', "'docx', 'pdf' or 'html'"),
    "no reports": ({"reports": [], "recipients": []}, "reports", "at least 1 item"),
    "a format twice": ({"reports": [report("alpha", "specs/alpha.yaml", ("pdf", "docx", "pdf"))]},
                       'reports[1] ("alpha").formats', "'pdf' is listed twice"),
    "a report twice for one recipient": ({"recipients": [dict(PERSON, reports=["alpha", "alpha"])]},
                                         'recipients[1] ("Jo Bennett").reports',
                                         "'alpha' is listed twice; each report is sent once"),
    "recipient email without a domain": ({"recipients": [{**PERSON, "email": "jo.bennett"}]},
                                         'recipients[1] ("Jo Bennett").email',
                                         "not a valid email address: An email address must"),
    "sender without a domain": ({"smtp": {**SMTP, "sender": "Reports <reports@localhost>"}},
                                "smtp.sender", "not a valid email address: The part after the @-sign"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_manifest_exits_2_naming_the_field_and_writes_nothing(tmp_path, case):
    changes, field, message = BAD[case]
    copy_specs(tmp_path / "specs")
    manifest = write_manifest(tmp_path, **manifest_fields(**changes))
    out = tmp_path / "out"
    result = cli(str(manifest), "--period", "2022-03", "-o", str(out))
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{manifest}: {field}: " in result.stderr, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("period", ["2022-3", "March 2022", "2022-13", "2022/03", "2022-03-01", ""])
def test_period_must_be_year_and_month(tmp_path, period):
    copy_specs(tmp_path / "specs")
    manifest = write_manifest(tmp_path, **manifest_fields())
    result = cli(str(manifest), "--period", period, "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "YYYY-MM" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_month_not_yet_begun_is_refused_before_anything_is_built_or_sent(tmp_path):
    """2032 typed for 2022: reports titled for a month years away must not reach anyone's inbox."""
    copy_specs(tmp_path / "specs")
    manifest = write_manifest(tmp_path, **manifest_fields())
    env = os.environ | {"TEST_SMTP_PASSWORD": "secret"}
    next_month = (date.today().replace(day=1) + timedelta(days=32)).strftime("%Y-%m")
    for period in (next_month, "2032-03"):
        result = cli(str(manifest), "--period", period, "-o", str(tmp_path / "out"), "--send", env=env)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert f"{period} is a month that has not begun" in result.stderr
        assert not (tmp_path / "out").exists()


def test_send_without_the_password_variable_set_exits_2_before_building(tmp_path):
    copy_specs(tmp_path / "specs")
    manifest = write_manifest(tmp_path, **manifest_fields())
    env = {k: v for k, v in os.environ.items() if k != "TEST_SMTP_PASSWORD"}
    result = cli(str(manifest), "--period", "2022-03", "-o", str(tmp_path / "out"), "--send", env=env)
    assert result.returncode == 2
    assert "smtp.password_env: environment variable TEST_SMTP_PASSWORD is not set" in result.stderr
    assert not (tmp_path / "out").exists()
    result = cli(str(manifest), "--period", "2022-03", "-o", str(tmp_path / "out"), "--send",
                 env=env | {"TEST_SMTP_PASSWORD": ""})
    assert result.returncode == 2
    assert "smtp.password_env: environment variable TEST_SMTP_PASSWORD is empty" in result.stderr


def test_send_without_smtp_settings_exits_2(tmp_path):
    copy_specs(tmp_path / "specs")
    manifest = write_manifest(tmp_path, **{k: v for k, v in manifest_fields().items() if k != "smtp"})
    result = cli(str(manifest), "--period", "2022-03", "-o", str(tmp_path / "out"), "--send")
    assert result.returncode == 2 and ": smtp: --send needs smtp settings" in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_manifest_file_exits_2(tmp_path):
    result = cli(str(tmp_path / "nope.yaml"), "--period", "2022-03", "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and "nope.yaml: file not found" in result.stderr
