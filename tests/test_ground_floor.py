"""Unit tests of the shared helpers: paths, validation, checks, figures, display."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import ipywidgets as widgets
import pytest

from postparis import display, figures, paths
from postparis.checks import (
    AnswerCheckFailed,
    expect,
    expect_close,
    expect_raises,
    expect_same_items,
)
from postparis.validation import (
    CourseInputError,
    check_choice,
    check_number,
    check_probability,
)

# -- paths -----------------------------------------------------------------------------


def test_data_dir_is_found_from_any_working_directory(tmp_path: Path) -> None:
    code = "from postparis.paths import data_path; print(data_path('datapackage.json'))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert Path(done.stdout.strip()).is_file()


def test_data_dir_env_var_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "datapackage.json").write_text("{}")
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))
    assert paths.data_dir() == tmp_path


def test_data_dir_env_var_without_package_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))
    with pytest.raises(paths.DataNotFoundError, match=r"has no datapackage\.json"):
        paths.data_dir()


def test_missing_data_file_lists_what_exists() -> None:
    with pytest.raises(paths.DataNotFoundError, match=r"no file 'nope\.csv'.*datapackage\.json"):
        paths.data_path("nope.csv")


@pytest.mark.parametrize("bad", ["", "../data/x.csv", "a/b.csv", 3])
def test_data_path_rejects_paths(bad: object) -> None:
    with pytest.raises(CourseInputError, match="plain file name"):
        paths.data_path(bad)  # type: ignore[arg-type]


def test_wheel_carries_the_data(tmp_path: Path) -> None:
    root = paths.repository_root()
    assert root is not None
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(root)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("postparis-*.whl"))
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "postparis/_data/datapackage.json" in names
    assert "postparis/_data/article_paragraphs.csv" in names


# -- validation --------------------------------------------------------------------------


@pytest.mark.parametrize("good", [0, 0.0, 0.3, 1, 1.0])
def test_probability_accepts_the_unit_interval(good: float) -> None:
    assert check_probability(good) == float(good)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (1.3, r"between 0 and 1 \(write 30% as 0\.3\); you gave 1\.3"),
        (-0.1, "between 0 and 1; you gave -0.1"),
        (float("nan"), "between 0 and 1"),
        ("0.5", "must be a number between 0 and 1"),
        (True, "must be a number between 0 and 1"),
    ],
)
def test_probability_rejects_with_a_clear_message(bad: object, message: str) -> None:
    with pytest.raises(CourseInputError, match=message):
        check_probability(bad, "a probability")


def test_number_bounds() -> None:
    assert check_number(5, "x", minimum=0, maximum=10) == 5.0
    with pytest.raises(CourseInputError, match="at most 10"):
        check_number(11, "x", maximum=10)
    with pytest.raises(CourseInputError, match="at least 0"):
        check_number(-1, "x", minimum=0)
    with pytest.raises(CourseInputError, match="must be a number"):
        check_number(None, "x")


def test_choice_tolerates_case_and_spaces() -> None:
    assert check_choice("  john   BRENNAN ", ["Thomas Pickering", "John Brennan"], "actor") == (
        "John Brennan"
    )


def test_choice_suggests_a_close_name() -> None:
    with pytest.raises(CourseInputError, match="Did you mean 'Thomas Pickering'"):
        check_choice("Thomas Pickring", ["Thomas Pickering", "John Brennan"], "actor")


def test_choice_lists_options_when_nothing_is_close() -> None:
    with pytest.raises(CourseInputError, match="Choose one of: 'a', 'b'"):
        check_choice("zzz", ["a", "b"], "lever")
    with pytest.raises(CourseInputError, match="as text in quotes"):
        check_choice(3, ["a", "b"], "lever")


def test_course_input_error_is_a_value_error() -> None:
    assert issubclass(CourseInputError, ValueError)


# -- checks ----------------------------------------------------------------------------


def test_expect() -> None:
    expect(True, "never shown")
    with pytest.raises(AnswerCheckFailed, match="Your list has 3 speakers"):
        expect(False, "Your list has 3 speakers")
    assert issubclass(AnswerCheckFailed, AssertionError)


def test_expect_close() -> None:
    expect_close(0.1 + 0.2, 0.3, "x")
    expect_close(1000.0004, 1000.0, "x", tolerance=1e-6)
    with pytest.raises(AnswerCheckFailed, match="off"):
        expect_close(0.31, 0.3, "off")
    with pytest.raises(AnswerCheckFailed, match="should be a number"):
        expect_close("abc", 0.3, "off")
    with pytest.raises(AnswerCheckFailed):
        expect_close(float("nan"), 0.3, "nan")


def test_expect_same_items_names_what_differs() -> None:
    expect_same_items(["b", "a"], ["a", "b"], "list")
    with pytest.raises(AnswerCheckFailed, match=r"misses 'c' and has 1 extra: 'x'"):
        expect_same_items(["a", "x"], ["a", "c"], "list of speakers")
    with pytest.raises(AnswerCheckFailed, match="a duplicate"):
        expect_same_items(["a", "a"], ["a"], "list")
    with pytest.raises(AnswerCheckFailed, match="should be a list"):
        expect_same_items(3, ["a"], "list")  # type: ignore[arg-type]


def test_expect_raises() -> None:
    expect_raises(ValueError, int, "x", message="never shown")
    with pytest.raises(AnswerCheckFailed, match="should reject"):
        expect_raises(ValueError, int, "3", message="should reject")
    with pytest.raises(AnswerCheckFailed, match="It raised ZeroDivisionError"):
        expect_raises(ValueError, lambda: 1 / 0, message="wrong error")


# -- figures -----------------------------------------------------------------------------


def test_figure_html_has_alt_text_caption_and_image() -> None:
    fig, ax = figures.new_figure()
    ax.plot([2014, 2015], [1, 2])
    figures.add_source(ax, "Bank of Russia")
    html = figures.figure_html(fig, 'Rouble "weaker" & oil cheaper.', "A caption")
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', html)
    assert 'alt="Rouble &quot;weaker&quot; &amp; oil cheaper."' in html
    assert "<figcaption>A caption</figcaption>" in html
    assert any("Source: Bank of Russia" in t.get_text() for t in ax.texts)


def test_svg_output_is_available() -> None:
    fig, _ = figures.new_figure()
    assert "data:image/svg+xml;base64," in figures.figure_html(
        fig, "An empty chart for the test.", "c", fmt="svg"
    )


@pytest.mark.parametrize(
    ("alt", "caption"), [("", "c"), ("too short", "c"), ("long enough alt", "")]
)
def test_figures_require_alt_text_and_caption(alt: str, caption: str) -> None:
    fig, _ = figures.new_figure()
    with pytest.raises(CourseInputError):
        figures.figure_html(fig, alt, caption)


def test_source_line_is_required() -> None:
    _, ax = figures.new_figure()
    with pytest.raises(CourseInputError, match="source line"):
        figures.add_source(ax, " ")


def test_accessible_figure_reprs() -> None:
    fig, _ = figures.new_figure()
    shown = figures.show_figure(fig, alt="An empty chart for the test.", caption="Empty")
    assert shown._repr_html_().startswith('<figure class="postparis-figure"')
    assert repr(shown) == "[Figure: Empty] An empty chart for the test."


def test_palette_is_okabe_ito() -> None:
    assert len(set(figures.PALETTE.values())) == 8
    assert figures.PALETTE["vermillion"] == "#D55E00"


# -- display -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "headless"),
    [
        ({}, False),
        ({"NBGRADER_EXECUTION": "autograde"}, True),
        ({"POSTPARIS_HEADLESS": "1"}, True),
        ({"POSTPARIS_HEADLESS": "0"}, False),
    ],
)
def test_is_headless(env: dict[str, str], headless: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in display.HEADLESS_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert display.is_headless() is headless


def test_show_prints_a_notice_when_headless(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    slider = widgets.IntSlider()
    assert display.show(slider, name="the slider") is slider
    assert "[the slider: interactive in JupyterLab" in capsys.readouterr().out


def test_show_displays_in_a_browser_session(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in display.HEADLESS_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    shown = []
    monkeypatch.setattr(display, "display", shown.append)
    slider = widgets.IntSlider()
    display.show(slider)
    assert shown == [slider]
