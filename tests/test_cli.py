"""The command line as a user meets it: help, listings, exit statuses, no tracebacks."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from reportgen.cli import cli, main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reportgen", *args], capture_output=True, text=True)


def test_help_lists_every_command_without_importing_heavy_libraries():
    code = (
        "import sys\n"
        "from reportgen.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('weasyprint', 'pandas', 'docx', 'matplotlib') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "HEAVY=\n" in result.stdout, result.stdout
    for command in ("build", "templates", "styles", "statements", "check"):
        assert command in result.stdout


def test_every_subcommand_has_help():
    runner = CliRunner()
    for command in ("build", "templates", "styles"):
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage:" in result.output


def test_templates_and_styles_are_listed():
    templates = run("templates")
    assert templates.returncode == 0
    assert templates.stdout.startswith("committee_report")
    styles = run("styles")
    assert styles.returncode == 0
    assert "Harrowdale Borough Council" in styles.stdout
    assert "kestrel-vale" in styles.stdout


def test_unknown_format_is_a_usage_error(example_spec, tmp_path):
    result = run("build", str(example_spec), "-o", str(tmp_path), "--format", "docx,odt")
    assert result.returncode == 2
    assert "unknown format(s) odt" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_missing_spec_file_exits_2_and_names_it(tmp_path):
    missing = tmp_path / "nope.yaml"
    result = run("build", str(missing), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert str(missing) in result.stderr and "file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_main_returns_usage_error_status_for_unknown_command(capsys):
    try:
        main(["frobnicate"])
    except SystemExit as exit_:
        assert exit_.code == 2
    assert "No such command" in capsys.readouterr().err


def test_the_command_tunes_the_garbage_collector_but_the_library_leaves_it_alone():
    """The CLI raises the collector's thresholds and skips the last collection at exit, for speed
    (reportgen/runtime.py); importing reportgen does neither."""
    code = (
        "import atexit, gc, sys\n"
        "before = gc.get_threshold()\n"
        "import reportgen.pipeline, reportgen.writers.pdf\n"
        "atexit._run_exitfuncs()\n"
        "print('LIBRARY', gc.get_threshold() == before, gc.get_freeze_count() == 0)\n"
        "from reportgen.cli import main\n"
        "from reportgen.runtime import GC_THRESHOLDS\n"
        "try:\n    main(['templates'])\nexcept SystemExit:\n    pass\n"
        "print('CLI', gc.get_threshold() == GC_THRESHOLDS, gc.get_freeze_count() == 0)\n"
        "atexit._run_exitfuncs()\n"
        "print('AT EXIT', gc.get_freeze_count() > 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert "LIBRARY True True" in result.stdout, output
    assert "CLI True True" in result.stdout and "AT EXIT True" in result.stdout, output
