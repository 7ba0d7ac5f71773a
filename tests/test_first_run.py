"""`make test` on a fresh machine: it installs a Chromium for the browser tests before running them.

The Makefile's `browser` target runs here with a PATH that has no Chromium and stand-ins for apt-get, id and
Python that only record how they were called, so nothing is installed for real.
"""

import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def stand_in(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def machine_without_chromium(tmp_path):
    tools = tmp_path / "bin"
    tools.mkdir()
    calls = tmp_path / "calls"
    stand_in(tools, "python", f'echo "python $*" >> {calls}')
    stamp = tmp_path / "installed-stamp"
    stamp.touch()

    def run_make(*, root: bool, apt: bool) -> str:
        stand_in(tools, "id", "echo 0" if root else "echo 1000")
        if apt:
            stand_in(tools, "apt-get", f'echo "apt-get $*" >> {calls}')
        subprocess.run(
            [MAKE, "-s", "browser", f"BIN={tools}", f"STAMP={stamp}"],
            cwd=settings.BASE_DIR,
            check=True,
            env={"PATH": str(tools), "HOME": str(tmp_path)},
            capture_output=True,
            timeout=60,
        )
        return calls.read_text() if calls.exists() else ""

    return run_make


def test_make_test_installs_the_browser_first():
    plan = subprocess.run(
        [MAKE, "-n", "-p", "test"], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    ).stdout
    assert any(line.startswith("test:") and "browser" in line.split() for line in plan.splitlines())


def test_as_root_with_apt_it_installs_debians_chromium(machine_without_chromium):
    assert "apt-get install -y -q chromium" in machine_without_chromium(root=True, apt=True)


def test_without_apt_it_installs_playwrights_chromium(machine_without_chromium):
    assert machine_without_chromium(root=False, apt=False) == "python -m playwright install chromium\n"
