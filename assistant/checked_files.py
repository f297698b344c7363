"""Files that must be whole before they are used (a model shipped inside a package): checked against their
sizes and SHA-256 digests the first time, after which a stamp (path, size, modification time) in the user's
cache folder spares hashing them at every start while nothing has changed."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ModelError
from assistant.paths import cache_dir
from assistant.private_files import write_private

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckedFiles:
    folder: Path
    expected: dict[str, tuple[int, str]]
    """File name -> (size in bytes, SHA-256)."""
    what: str
    """How a file is named in messages: "the Whisper model file"."""
    fix: str
    """What to do about a damaged or missing file, said with the error."""
    stamp_name: str
    """The stamp's file name starts so: "whisper"."""

    def verify(self) -> None:
        """Every file present, of the right size and digest; ModelError naming the first that is not."""
        stamp = self._stamp()
        if stamp is not None and self._stamp_path().is_file():
            try:
                if json.loads(self._stamp_path().read_text()) == stamp:
                    return
            except (OSError, ValueError):
                pass
        for name, (size, digest) in self.expected.items():
            path = self.folder / name
            if not path.is_file():
                raise ModelError(f"{self.what} {path} is missing; {self.fix}")
            if path.stat().st_size != size:
                raise ModelError(f"{self.what} {path} is damaged ({path.stat().st_size:,} bytes, "
                                 f"expected {size:,}); {self.fix}")
            if sha256_of(path) != digest:
                raise ModelError(f"{self.what} {path} is damaged (its SHA-256 does not match); {self.fix}")
        log.info("%s in %s verified", self.what, self.folder)
        self._save_stamp(stamp)

    def _stamp(self) -> dict[str, object] | None:
        try:
            files = {n: [(s := (self.folder / n).stat()).st_size, s.st_mtime_ns] for n in sorted(self.expected)}
        except OSError:
            return None
        return {"folder": str(self.folder.resolve()), "files": files}

    def _stamp_path(self) -> Path:
        key = hashlib.sha256(str(self.folder.resolve()).encode()).hexdigest()[:16]
        return cache_dir() / f"{self.stamp_name}-{key}.verified.json"

    def _save_stamp(self, stamp: dict[str, object] | None) -> None:
        if stamp is None:
            return
        path = self._stamp_path()
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_private(path, json.dumps(stamp))
        except OSError as exc:  # a read-only cache only costs hashing again next time
            log.info("could not keep the verification stamp %s: %s", path.name, exc)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
