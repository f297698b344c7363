"""Downloading what the user asked for: the only network access Togetherly makes. One way for every kind
(a Vosk model, a Whisper model, a Piper voice; each kind has its own catalog): say where it connects
(`announce`), stream each file with a progress bar into a hidden folder beside its destination (`staging`),
check its size and digests (`fetch`, `verify`), and move it into place whole (`move_into_place`). What the
files are (a zip to unpack, a voice's three files) is the caller's."""

from __future__ import annotations

import hashlib
import http.client
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from assistant.errors import ModelError

CHUNK_BYTES = 64 * 1024
TIMEOUT_S = 30.0
"""Per network operation: a stalled server fails the download instead of hanging it."""
USER_AGENT = "togetherly-model-download/0.1"
SHA256 = re.compile(r"[0-9a-f]{64}")


def given_sha256(sha256: str | None) -> str | None:
    """A SHA-256 the user typed (`--sha256`), in the form digests are compared in; ModelError if it is none."""
    if sha256 is None:
        return None
    sha256 = sha256.strip().lower()
    if not SHA256.fullmatch(sha256):
        raise ModelError(f"invalid --sha256 {sha256!r}: expected 64 hexadecimal digits")
    return sha256


def web_url(url: str) -> str:
    """`url`, when it is one a download may use; ModelError for any other scheme (file://, ftp://)."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ModelError(f"cannot download {url!r}: only http:// and https:// URLs are supported")
    return url


def say(out: TextIO, message: str) -> None:
    print(message, file=out, flush=True)


def announce(out: TextIO, url: str, what: str, size: int | None = None) -> None:
    """Say exactly where we connect, before doing it (privacy)."""
    amount = f" ({size / 1e6:.0f} MB)" if size else ""
    say(out, f"Connecting to {urllib.parse.urlsplit(url).netloc} to download {what}{amount} from {url}")
    say(out, "(downloads you ask for are the only time Togetherly uses the network)")


def make_folder(folder: Path, what: str) -> None:
    """Create the folder a download goes into; ModelError naming it when that is impossible."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(f"cannot create the {what} {folder} ({exc.strerror or exc})") from exc


@contextmanager
def staging(folder: Path, what: str) -> Iterator[Path]:
    """A hidden folder inside `folder` (so the final rename stays on one disk) to download and check in. It is
    removed afterwards, whatever happened, so a failed download leaves nothing; an OSError inside (a full disk,
    permissions) becomes a ModelError saying `what` failed."""
    place: Path | None = None
    try:
        place = Path(tempfile.mkdtemp(prefix=".download-", dir=folder))
        yield place
    except OSError as exc:
        raise ModelError(f"{what} failed: {exc.strerror or exc} ({exc.filename or folder})") from exc
    finally:
        if place is not None:
            shutil.rmtree(place, ignore_errors=True)


@dataclass(frozen=True)
class Digests:
    """Of a downloaded file: SHA-256, and MD5 where a source publishes only that (Piper's voices)."""

    sha256: str
    md5: str


def fetch(url: str, part: Path, size: int | None, label: str, out: TextIO, *,
          elsewhere: str = "download the file elsewhere") -> Digests:
    """Stream `url` into `part` with a progress bar; return its digests. Raises ModelError for every network
    problem; `elsewhere` says what the user can do instead when the server cannot be reached."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    digest = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False)
    received = 0
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            if response.geturl() != url:
                say(out, f"Redirected to {response.geturl()}")
            header = response.headers.get("Content-Length")
            announced = int(header) if header and header.isdigit() else None
            if size is not None and announced is not None and announced != size:
                raise ModelError(
                    f"download of {label} rejected: the server offers {announced} bytes but the "
                    f"catalog expects {size}; the file on the server has changed"
                )
            expected = size if size is not None else announced
            with (
                part.open("wb") as sink,
                tqdm(total=expected, unit="B", unit_scale=True, unit_divisor=1024, desc=label,
                     file=out, mininterval=0.5, leave=True) as bar,
            ):
                while chunk := response.read(CHUNK_BYTES):
                    sink.write(chunk)
                    digest.update(chunk)
                    md5.update(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
                    if expected is not None and received > expected:
                        # Stop early rather than fill the disk with something that is not the model.
                        raise ModelError(f"download of {label} rejected: the server sent more than the "
                                         f"expected {expected} bytes")
    except ModelError:
        raise
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the open response; the error is kept as __cause__ for a while
        raise ModelError(f"download of {label} failed: {url} answered HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise ModelError(
            f"download of {label} failed: cannot reach {url} ({exc.reason}); check the network "
            f"connection, or {elsewhere}"
        ) from exc
    except http.client.IncompleteRead as exc:
        raise ModelError(
            f"download of {label} was cut off after {received + len(exc.partial)} bytes; try again"
        ) from exc
    except (OSError, http.client.HTTPException) as exc:  # timeouts, resets, TLS errors, disk full
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise ModelError(f"download of {label} failed after {received} bytes: {reason}; try again") from exc
    # urllib does not complain when a server closes the connection early: count the bytes ourselves.
    if expected is not None and received != expected:
        raise ModelError(
            f"download of {label} is incomplete: got {received} of {expected} bytes "
            "(the connection was interrupted); try again"
        )
    return Digests(digest.hexdigest(), md5.hexdigest())


def move_into_place(source: Path, destination: Path) -> None:
    """Rename a checked download (a folder) to where it is found, in one step: it appears whole or not at
    all. Never replaces what appeared there meanwhile (ModelError); other OSErrors are the caller's."""
    try:
        source.rename(destination)
    except OSError as exc:
        if destination.exists():
            raise ModelError(f"{destination} appeared while downloading; not replaced") from exc
        raise


def check_space(directory: Path, needed: int, label: str) -> None:
    free = shutil.disk_usage(directory).free
    if needed > free:
        raise ModelError(
            f"not enough disk space to unpack {label}: it needs {needed / 1e6:.0f} MB, "
            f"{free / 1e6:.0f} MB are free in {directory}"
        )


def verify(digest: str, expected: str | None, label: str, out: TextIO, kind: str = "SHA-256") -> None:
    """Compare a `kind` digest with the one expected (None: none is known, which is said)."""
    if expected is None:
        say(out, f"No checksum is known for this download, so it cannot be verified ({kind}: {digest})")
    elif digest != expected:
        raise ModelError(
            f"download of {label} rejected: {kind} mismatch (expected {expected}, got {digest}); "
            "the file is corrupt or was changed on the server. Nothing was installed."
        )
    else:
        say(out, f"{kind} checksum verified.")
