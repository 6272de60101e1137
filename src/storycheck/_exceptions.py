"""Every error storycheck raises on purpose, so callers can catch one base class.

    StorycheckError
     ├── InputError          bad input: the CLI prints one line and exits 2
     │    ├── UnreadableInput     missing, unreadable, binary or wrongly encoded
     │    ├── EmptyInput          nothing left after parsing
     │    ├── UnknownFormat       no reader for this file
     │    └── MalformedInput      broken JSON / HTML / feed, or a bad record
     ├── ModelError          an embedding or scoring backend could not load or run
     └── StoreError          the database could not be opened, migrated or written
"""

from __future__ import annotations

__all__ = [
    "StorycheckError",
    "InputError",
    "UnreadableInput",
    "EmptyInput",
    "UnknownFormat",
    "MalformedInput",
    "ModelError",
    "StoreError",
]


class StorycheckError(Exception):
    """Base class of every error storycheck raises on purpose."""

    exit_code = 1


class InputError(StorycheckError):
    """The input cannot be used; the message names the file and the reason."""

    exit_code = 2

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class UnreadableInput(InputError):
    pass


class EmptyInput(InputError):
    pass


class UnknownFormat(InputError):
    pass


class MalformedInput(InputError):
    pass


class ModelError(StorycheckError):
    exit_code = 3


class StoreError(StorycheckError):
    exit_code = 4
