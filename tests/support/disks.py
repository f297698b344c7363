"""Folders that really refuse to be written (read-only, no permission, full), and finding words left in
files: what the durability and forgetting tests share."""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

IS_ROOT = os.geteuid() == 0
SECRET = "the surprise trip to Porto"


class Disk:
    """A folder whose writing can really be taken away and given back.

    As root with mount allowed: a 64 KiB tmpfs (remounted read-only, or filled to the last byte).
    Otherwise: the immutable flag (chattr, root) or the folder's mode (not root) for "cannot write",
    and a file-size limit (RLIMIT_FSIZE) for "no room".
    """

    def __init__(self, root: Path) -> None:
        self.point = root / "disk"
        self.point.mkdir()
        self.tmpfs = self._mount()
        self.data = self.point / "data"
        self.data.mkdir(mode=0o700)
        self._undo: list[list[str]] = []
        self._limit: tuple[int, int] | None = None

    def _mount(self) -> bool:
        # TOGETHERLY_TEST_DISK=plain tries the fallbacks on a machine that could mount a tmpfs.
        if not IS_ROOT or os.environ.get("TOGETHERLY_TEST_DISK") == "plain" or not shutil.which("mount"):
            return False
        command = ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(self.point)]
        return subprocess.run(command, capture_output=True).returncode == 0

    def read_only(self) -> str:
        """Take writing away; the reason the store will give."""
        if self.tmpfs:
            self._run(["mount", "-o", "remount,ro", str(self.point)], ["mount", "-o", "remount,rw", str(self.point)])
            return "the disk is read-only"
        return self.no_permission()

    def no_permission(self) -> str:
        if IS_ROOT and subprocess.run(["chattr", "+i", str(self.data)], capture_output=True).returncode == 0:
            self._undo.append(["chattr", "-i", str(self.data)])
            return "permission denied"
        if not IS_ROOT:
            self.data.chmod(0o500)
            self._undo.append(["chmod", "700", str(self.data)])
            return "permission denied"
        return self.read_only()  # root where chattr does not work: the tmpfs, remounted

    def fill(self) -> str:
        if self.tmpfs:
            with (self.point / "filler").open("wb", buffering=0) as filler, contextlib.suppress(OSError):
                while True:
                    filler.write(b"\0" * 1024)
                    filler.flush()
            return "the disk is full"
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing us
        self._limit = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, self._limit[1]))
        return "File too large"

    def writable(self) -> None:
        while self._undo:
            subprocess.run(self._undo.pop(), check=True, capture_output=True)
        if self._limit:
            resource.setrlimit(resource.RLIMIT_FSIZE, self._limit)
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
            self._limit = None
        (self.point / "filler").unlink(missing_ok=True)

    def remove(self) -> None:
        self.writable()
        if self.tmpfs:
            subprocess.run(["umount", "-l", str(self.point)], check=True)

    def _run(self, do: list[str], undo: list[str]) -> None:
        subprocess.run(do, check=True, capture_output=True)
        self._undo.append(undo)


def holding(*folders: Path, words: str = SECRET) -> list[str]:
    """Every file under `folders` that still contains `words`."""
    return sorted(p.name for folder in folders if folder.exists() for p in folder.rglob("*")
                  if p.is_file() and words in p.read_text(errors="replace"))


@contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """The folder refuses new files (immutable as root, read-only mode otherwise), then is writable again."""
    root = os.geteuid() == 0
    if root:
        subprocess.run(["chattr", "+i", str(folder)], check=True, capture_output=True)
    else:
        folder.chmod(0o500)
    try:
        yield
    finally:
        if root:
            subprocess.run(["chattr", "-i", str(folder)], check=True, capture_output=True)
        else:
            folder.chmod(0o700)
