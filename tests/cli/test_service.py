"""`togetherly service install`: a systemd user unit that runs the assistant, restarts it after a failure and
stops it with SIGTERM (which ends a ritual as "stop" does); written where systemd looks, and removed again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _service(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    return subprocess.run([sys.executable, "-m", "assistant", "service", *args], capture_output=True, text=True,
                          timeout=120, env=env)


def test_install_writes_a_unit_that_runs_the_assistant_and_remove_takes_it_away(tmp_path: Path) -> None:
    data = tmp_path / "data"
    installed = _service(tmp_path, "install", "--data-dir", str(data))
    assert installed.returncode == 0, installed.stderr
    unit = tmp_path / "config" / "systemd" / "user" / "togetherly.service"
    text = unit.read_text()
    assert f"ExecStart={sys.executable} -m assistant --data-dir {data}" in text
    assert "Restart=on-failure" in text and "KillSignal=SIGTERM" in text and "WantedBy=default.target" in text
    assert "SuccessExitStatus=130 143" in text, "a stop (exit 128 + SIGTERM) is not a failure"
    assert "loginctl enable-linger" in installed.stdout
    status = _service(tmp_path, "status")
    assert status.returncode == 0 and str(unit) in status.stdout
    removed = _service(tmp_path, "remove")
    assert removed.returncode == 0 and not unit.exists()
    assert _service(tmp_path, "status").returncode == 1


@pytest.mark.skipif(shutil.which("systemd-analyze") is None and os.environ.get("CI") != "true",
                    reason="systemd-analyze is not installed (in CI it must be: the test runs there)")
def test_the_unit_is_one_systemd_accepts(tmp_path: Path) -> None:
    assert _service(tmp_path, "install").returncode == 0
    unit = tmp_path / "config" / "systemd" / "user" / "togetherly.service"
    checked = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
