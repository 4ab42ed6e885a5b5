"""Helpers for driving real widgets."""

import pytest


def type_into(qtbot, widget, text):
    """Type like a person: real key events for ASCII; CJK arrives as an input method commits it."""
    for ch in text:
        if ord(ch) < 128:
            qtbot.keyClicks(widget, ch)
        else:
            widget.insert(ch)


@pytest.fixture
def typer(qtbot):
    return lambda widget, text: type_into(qtbot, widget, text)


@pytest.fixture(scope="session", autouse=True)
def chinese_font(qapp):
    """As the program does at start: a machine without a Chinese font gets the bundled one,
    so grabbed screenshots show characters rather than boxes."""
    from ui import theme

    return theme.ensure_chinese_font()


@pytest.fixture(autouse=True)
def app_font_restored(qapp):
    """A test that switches to large text leaves the next test the font it found."""
    font = qapp.font()
    yield
    if qapp.font() != font:
        qapp.setFont(font)


@pytest.fixture(autouse=True)
def no_job_left_running(qapp, app_font_restored):
    """A test that leaves a background job working fails: the job would write into the next test's
    files, or report to a window that is gone. Every job is then waited for, with what its report
    starts, so that the next test begins with none."""
    from ui import worker

    yield
    left = worker.running()
    worker.wait_idle()
    if left:
        pytest.fail(f"{len(left)} background job(s) still running when the test ended: "
                    f"{[job.name for job in left]}")
