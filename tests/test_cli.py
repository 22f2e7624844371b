"""The command line as a user meets it: help, listings, exit statuses, no tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pytest
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


def test_the_statement_rules_and_their_words_do_not_import_pandas():
    """Statements of series built in memory (the benchmark's 720,000 figures) paid 47 MB for pandas once."""
    code = ("import sys\nimport reportgen.metrics.statements, reportgen.metrics.phrasing, reportgen.chart_alt\n"
            "print('HEAVY=' + ','.join(m for m in ('pandas', 'numpy') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "HEAVY=\n" in result.stdout, result.stdout + result.stderr


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


def test_only_a_command_writing_pdf_starts_importing_weasyprint(example_spec, tmp_path):
    """WeasyPrint's import is started early, to overlap the data step's, and only when a PDF will be written:
    a Word-only build never pays for it. (Here a thread is running, so the PDF is written in this process,
    the import started on a second thread (reportgen/runtime.py); tests/test_pdf_process.py has the build
    that forks a process for it.)"""
    code = (
        "import sys, threading\n"
        "threading.Thread(target=threading.Event().wait, daemon=True).start()\n"
        "from reportgen.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('WEASYPRINT', 'weasyprint' in sys.modules)\n"
    )
    for fmt, imported in (("docx", False), ("pdf", True)):
        out = tmp_path / fmt
        result = subprocess.run([sys.executable, "-c", code, "build", str(example_spec), "-o", str(out),
                                 "--format", fmt], capture_output=True, text=True)
        assert f"WEASYPRINT {imported}" in result.stdout, result.stdout + result.stderr
        assert len(list(out.glob(f"*.{fmt}"))) == 1


@pytest.mark.skipif(sys.platform != "linux", reason="the ldconfig-only lookup is for Linux")
def test_the_background_import_loads_the_same_libraries_without_running_a_compiler():
    """find_library's gcc and ld fallbacks cost a fifth of WeasyPrint's import; the background import skips
    them (reportgen/runtime.py) and must still load the very same Pango, HarfBuzz and fontconfig."""
    code = (
        "import ctypes.util, os, sys, threading\n"
        "full_lookup = ctypes.util.find_library\n"
        "ran = []\n"
        "sys.addaudithook(lambda event, args: ran.append(os.path.basename(str(args[0] or args[1][0])))\n"
        "                 if event == 'subprocess.Popen' else None)\n"
        "if sys.argv[1] == 'background':\n"
        "    from reportgen.runtime import start_importing\n"
        "    start_importing('weasyprint')\n"
        "    for thread in threading.enumerate():\n"
        "        if thread is not threading.main_thread():\n            thread.join()\n"
        "import weasyprint\n"
        "libraries = sorted({line.split()[-1] for line in open('/proc/self/maps')\n"
        "                    if any(n in line for n in ('libpango', 'libharfbuzz', 'libfontconfig', 'libgobject'))})\n"
        "print('LIBRARIES', libraries)\n"
        "print('PROGRAMS', sorted(set(ran)))\n"
        "print('RESTORED', ctypes.util.find_library is full_lookup)\n"
    )
    runs = {}
    for how in ("plain", "background"):
        result = subprocess.run([sys.executable, "-c", code, how], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        runs[how] = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert runs["background"]["LIBRARIES"] == runs["plain"]["LIBRARIES"]
    assert "libpango-1.0.so" in runs["background"]["LIBRARIES"]
    assert runs["background"]["PROGRAMS"] == "['ldconfig']"
    assert runs["background"]["RESTORED"] == "True"


def test_a_failed_background_import_is_raised_once_by_the_thread_that_needs_it(tmp_path):
    """If WeasyPrint cannot load (Pango missing, say) the user sees that error from the build, as without
    the background import, and no second traceback from the thread."""
    (tmp_path / "broken_library.py").write_text("raise OSError(\"cannot load library 'libpango-1.0-0'\")\n")
    code = (
        "import sys, threading\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "from reportgen.runtime import start_importing\n"
        "start_importing('broken_library')\n"
        "for thread in threading.enumerate():\n"
        "    if thread is not threading.main_thread():\n        thread.join()\n"
        "try:\n    import broken_library\n"
        "except OSError as error:\n    print('RAISED', error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "RAISED cannot load library 'libpango-1.0-0'" in result.stdout, result.stdout + result.stderr
    assert result.stderr == ""
