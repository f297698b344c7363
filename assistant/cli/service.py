"""`togetherly service install|remove|status`: Togetherly as a systemd user service, so it starts with the
machine (with lingering on, before anyone logs in), comes back after a failure, and stops the way Ctrl-C
does: SIGTERM ends a ritual as "stop" does, keeping what was said."""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

UNIT_NAME = "togetherly.service"
STOP_TIMEOUT_S = 20
"""Time to say goodbye and save what was said after SIGTERM, before systemd kills the process."""


def unit_dir() -> Path:
    """Where systemd looks for the user's own units: $XDG_CONFIG_HOME/systemd/user."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "systemd" / "user"


def unit_text(command: list[str]) -> str:
    """The unit that runs `command`: the assistant at the microphone, with the options given."""
    return "\n".join([
        "[Unit]",
        "Description=Togetherly, an offline voice companion for couples",
        "After=sound.target pipewire.service pulseaudio.service",
        "",
        "[Service]",
        f"ExecStart={shlex.join(command)}",
        "Restart=on-failure",
        "RestartSec=5",
        "KillSignal=SIGTERM",
        "SuccessExitStatus=130 143",  # 128 + SIGINT or SIGTERM: stopped as asked, not a failure
        f"TimeoutStopSec={STOP_TIMEOUT_S}",
        "",
        "[Install]",
        "WantedBy=default.target",
        "",
    ])


def _systemctl(*args: str) -> subprocess.CompletedProcess[str] | None:
    """`systemctl --user ARGS`, or None when there is no systemd user manager to ask."""
    if shutil.which("systemctl") is None:
        return None
    try:
        return subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None


def install(data_dir: Path | None, now: bool) -> int:
    command = [sys.executable, "-m", "assistant"]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir.resolve())]
    folder = unit_dir()
    folder.mkdir(parents=True, exist_ok=True)
    unit = folder / UNIT_NAME
    replaced = unit.exists()
    unit.write_text(unit_text(command))
    print(f"{'Replaced' if replaced else 'Wrote'} {unit}: it runs {shlex.join(command)}")
    reload = _systemctl("daemon-reload")
    if reload is None or reload.returncode != 0:
        print("No systemd user manager answered here; on the machine itself run:\n"
              f"  systemctl --user daemon-reload && systemctl --user enable {'--now ' if now else ''}togetherly")
    else:
        enabled = _systemctl("enable", *(["--now"] if now else []), "togetherly")
        if enabled is None or enabled.returncode != 0:
            print(f"systemctl could not enable it: {(enabled.stderr if enabled else '').strip()}", file=sys.stderr)
            return 1
        print("Enabled: Togetherly starts when you log in" + (", and it is running now." if now else "."))
    print(f"To start it at boot, before anyone logs in: loginctl enable-linger {getpass.getuser()}")
    print("Stop it with `systemctl --user stop togetherly` (it says goodbye and keeps what was said); "
          "`togetherly service remove` takes it away.")
    return 0


def remove() -> int:
    unit = unit_dir() / UNIT_NAME
    stopped = _systemctl("disable", "--now", "togetherly")
    if unit.exists():
        unit.unlink()
        print(f"Removed {unit}.")
    else:
        print(f"There is no {unit}; nothing to remove.")
    if stopped is not None:
        _systemctl("daemon-reload")
    return 0


def status() -> int:
    unit = unit_dir() / UNIT_NAME
    if not unit.exists():
        print(f"Not installed as a service ({unit} does not exist): `togetherly service install`.")
        return 1
    active = _systemctl("is-active", "togetherly")
    state = active.stdout.strip() if active is not None and active.stdout.strip() else \
        "unknown (no systemd user manager)"
    print(f"Installed: {unit}\nState: {state}")
    return 0
