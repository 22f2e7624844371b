"""A council's own house style, kept in its own folder ($REPORTGEN_STYLES), not inside reportgen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
import yaml

from reportgen import resources
from reportgen.distribute.inputs import inputs_hash
from tests.conftest import EXAMPLE_SPEC, REPO, example_spec_data, pdf_to_text

LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="80" viewBox="0 0 300 80">'
        '<title>Trafford Council</title><text x="0" y="50" font-size="40">TRAFFORD COUNCIL</text></svg>')


def own_styles(root: Path) -> Path:
    """A style folder outside reportgen: style ``trafford`` with its own logo and its own font kit."""
    style = yaml.safe_load((REPO / "styles" / "default" / "style.yaml").read_text(encoding="utf-8"))
    style.update(name="trafford", council="Trafford Council", description="Trafford's own", logo="logo.svg",
                 logo_raster="logo.png",
                 fonts={"body": {"family": "Arial", "kit": "liberation-sans"},
                        "headings": {"family": "Georgia", "kit": "trafford-serif"}})
    folder = root / "trafford"
    folder.mkdir(parents=True)
    (folder / "style.yaml").write_text(yaml.safe_dump(style), encoding="utf-8")
    (folder / "logo.svg").write_text(LOGO, encoding="utf-8")
    shutil.copy(REPO / "styles" / "default" / "logo.png", folder / "logo.png")
    shutil.copytree(REPO / "styles" / "_fonts" / "liberation-serif", root / "_fonts" / "trafford-serif")
    return root


def reportgen(*args: str, styles: Path | str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, resources.STYLES_VARIABLE: str(styles)}
    return subprocess.run([sys.executable, "-m", "reportgen", *args], capture_output=True, text=True, env=env)


def spec_with_style(tmp_path: Path, style: str = "trafford") -> Path:
    spec = example_spec_data()
    spec["style"] = style
    spec["data"]["files"] = [str((EXAMPLE_SPEC.parent / f).resolve()) for f in spec["data"]["files"]]
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return path


def test_a_style_in_the_councils_own_folder_drives_both_word_and_pdf(tmp_path):
    styles = own_styles(tmp_path / "council-styles")
    result = reportgen("build", str(spec_with_style(tmp_path)), "-o", str(tmp_path / "out"),
                       styles=styles)
    assert result.returncode == 0, result.stderr
    pdf = next((tmp_path / "out").glob("*.pdf"))
    assert "TRAFFORD COUNCIL" in pdf_to_text(pdf)  # the council's own logo, read from its own folder
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Georgia" in fonts  # headings from the kit in the council's own _fonts/
    word = docx.Document(str(next((tmp_path / "out").glob("*.docx"))))
    assert word.styles["Heading 1"].font.name == "Georgia"


def test_the_councils_style_is_listed_and_wins_over_one_of_the_same_name(tmp_path):
    styles = own_styles(tmp_path / "council-styles")
    shutil.copytree(styles / "trafford", styles / "default")
    listed = reportgen("styles", styles=styles)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert any(line.startswith("trafford") and "Trafford Council" in line for line in lines)
    assert any(line.startswith("default") and "Trafford Council" in line for line in lines)
    assert any(line.startswith("kestrel-vale") for line in lines)  # reportgen's own are still there


def test_a_missing_style_folder_is_named_as_the_variables_mistake(tmp_path):
    result = reportgen("build", str(EXAMPLE_SPEC), "-o", str(tmp_path / "out"), styles=tmp_path / "nowhere")
    assert result.returncode == 2
    assert f"$REPORTGEN_STYLES names {tmp_path / 'nowhere'}, which is not a folder" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


def test_a_councils_style_cannot_reach_files_outside_its_style_folders(tmp_path):
    styles = own_styles(tmp_path / "council-styles")
    (tmp_path / "secret.svg").write_text(LOGO.replace("TRAFFORD", "SECRET"), encoding="utf-8")
    path = styles / "trafford" / "style.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("logo: logo.svg", "logo: ../../secret.svg"),
                    encoding="utf-8")
    result = reportgen("build", str(spec_with_style(tmp_path)), "-o", str(tmp_path / "out"), styles=styles)
    assert result.returncode == 2
    assert "secret.svg" in result.stderr and "outside the project's templates/ and styles/ folders" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_change_to_the_councils_style_rebuilds_its_monthly_reports(tmp_path, monkeypatch):
    styles = own_styles(tmp_path / "council-styles")
    monkeypatch.setenv(resources.STYLES_VARIABLE, str(styles))
    spec = spec_with_style(tmp_path)
    data = [Path(f) for f in yaml.safe_load(spec.read_text(encoding="utf-8"))["data"]["files"]]
    before = inputs_hash(spec, data, ["pdf"], "2022-03")
    (styles / "trafford" / "logo.svg").write_text(LOGO.replace("80", "90"), encoding="utf-8")
    after_logo = inputs_hash(spec, data, ["pdf"], "2022-03")
    (styles / "_fonts" / "trafford-serif" / "LiberationSerif-Bold.ttf").write_bytes(b"not the same font")
    after_font = inputs_hash(spec, data, ["pdf"], "2022-03")
    assert len({before, after_logo, after_font}) == 3


@pytest.mark.parametrize("kit", ["nowhere"])
def test_a_font_kit_found_in_no_style_folder_names_the_folders_looked_in(tmp_path, kit):
    styles = own_styles(tmp_path / "council-styles")
    path = styles / "trafford" / "style.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("trafford-serif", kit), encoding="utf-8")
    result = reportgen("build", str(spec_with_style(tmp_path)), "-o", str(tmp_path / "out"), styles=styles)
    assert result.returncode == 2
    assert f"fonts.headings.kit: no *-Regular.ttf in _fonts/{kit}/ of {styles.resolve()} or " in result.stderr


def test_a_font_kit_without_italics_is_warned_about_not_silently_faked(tmp_path):
    styles = own_styles(tmp_path / "council-styles")
    for face in ("Italic", "BoldItalic"):
        (styles / "_fonts" / "trafford-serif" / f"LiberationSerif-{face}.ttf").unlink()
    result = reportgen("build", str(spec_with_style(tmp_path)), "-o", str(tmp_path / "out"), styles=styles)
    assert result.returncode == 0, result.stderr
    assert ("fonts.headings.kit: _fonts/trafford-serif/ has no Italic or BoldItalic face: the PDF will fake it "
            "by slanting or thickening the regular one (add *-Italic.ttf, *-BoldItalic.ttf)") in result.stderr
    assert result.stderr.count("has no Italic") == 1  # once per run, not once per document or chart


@pytest.mark.parametrize("colour, background, ratio", [
    ("#767676", "#ffffff", 4.54), ("#777777", "#ffffff", 4.48),  # WebAIM's threshold pair for 4.5:1
    ("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#56b4e9", "#ffffff", 2.31),
])
def test_contrast_is_wcags_ratio(colour, background, ratio):
    from reportgen.contrast import contrast_ratio

    assert round(contrast_ratio(colour, background), 2) == ratio == round(contrast_ratio(background, colour), 2)


def test_a_style_too_faint_to_read_is_refused_naming_each_colour_and_what_it_needs(tmp_path):
    """Published documents must meet WCAG 2.2 AA: an audit found England's line in #e69f00, 2.2:1 on white."""
    styles = own_styles(tmp_path / "council-styles")
    path = styles / "trafford" / "style.yaml"
    style = yaml.safe_load(path.read_text(encoding="utf-8"))
    style["colours"] |= {"primary": "#7fa7c0", "chart_palette": ["#d55e00", "#e69f00"]}
    path.write_text(yaml.safe_dump(style), encoding="utf-8")
    result = reportgen("build", str(spec_with_style(tmp_path)), "-o", str(tmp_path / "out"), styles=styles)
    assert result.returncode == 2 and not (tmp_path / "out").exists()
    assert ("colours.primary: #7fa7c0 has a contrast of 2.5:1 against the white page, too faint for headings and "
            "links: WCAG 2.2 1.4.3 Contrast (Minimum) needs at least 4.5:1; choose a darker colour") in result.stderr
    assert ("colours.chart_palette[2]: #e69f00 has a contrast of 2.2:1 against the white page, too faint for a "
            "comparator's chart line: WCAG 2.2 1.4.11 Non-text Contrast needs at least 3:1") in result.stderr
    assert "chart_palette[1]" not in result.stderr  # #d55e00 is 3.9:1


@pytest.mark.parametrize("name", ["default", "kestrel-vale"])
def test_the_styles_reportgen_ships_meet_the_contrast_they_ask_of_others(name):
    from reportgen.contrast import contrast_problems
    from reportgen.style import load_style

    assert list(contrast_problems(load_style(name).colours)) == []
