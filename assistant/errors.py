"""Errors a user can be told about, each with a specific, actionable message.

    TogetherlyError
    ├── AudioFormatError     a WAV file we cannot read (format, truncation, not a WAV)
    ├── AudioDeviceError     no microphone / speaker, or PortAudio missing
    ├── ModelError           a speech model missing, broken, or a download that failed
    ├── DataFileError        an intent, response or deck file that does not validate (names file and line)
    ├── NotesError           the notes file cannot be read or written
    └── ConfigError          the config file is unreadable or invalid
"""

from __future__ import annotations


class TogetherlyError(Exception):
    """Base class: the message is meant for the user, printed without a traceback."""


class AudioFormatError(TogetherlyError):
    pass


class AudioDeviceError(TogetherlyError):
    pass


class ModelError(TogetherlyError):
    pass


class DataFileError(TogetherlyError):
    def __init__(self, path: object, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class NotesError(TogetherlyError):
    pass


class ConfigError(TogetherlyError):
    pass


class DataDirError(TogetherlyError):
    """The data folder cannot be created or made private (a file in the way, a read-only disk)."""
