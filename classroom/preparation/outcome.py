"""What preparation reports: progress, failures with their cause, per-request results."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from classroom import networks

if TYPE_CHECKING:
    from classroom.preparation.requests import PrepareRequest


__all__ = [
    "Cause",
    "Failure",
    "PrepareReport",
    "ProgressCallback",
    "ProgressEvent",
    "RequestResult",
    "unexpected",
]


@dataclass(frozen=True)
class ProgressEvent:
    """Where a :func:`prepare` run stands: ``completed`` of ``total`` requests are done.

    Attributes:
        completed: requests done.
        total: requests in the run.
        message: for a log or terminal: the request's name (its lesson and image ids) and
            ``stage``, e.g. ``edges-to-parts: camera: computing conv2_x``.
        stage: what is being done, without naming the request (``computing conv2_x``), for
            interfaces that name it their own way (the app shows titles, not ids).
    """

    completed: int
    total: int
    message: str
    stage: str = ""


ProgressCallback = Callable[[ProgressEvent], None]


class Cause(enum.Enum):
    """What a failure is blamed on; each calls for its own way out."""

    #: Pretrained weights are neither on this machine nor downloadable: put the file in place
    #: (or give one with --weights-file), or use untrained weights. Trying again does not help.
    WEIGHTS_UNAVAILABLE = "weights unavailable"
    #: The weights cannot be used (a file for another architecture, broken values): other
    #: weights, or untrained ones. Trying again does not help.
    WEIGHTS_UNUSABLE = "weights unusable"
    #: Anything else (the image, the store, a bug); the message says which. Fix it, try again.
    OTHER = "other"

    @classmethod
    def of(cls, error: Exception) -> Cause:
        if isinstance(error, networks.WeightsUnavailableError):
            return cls.WEIGHTS_UNAVAILABLE
        if isinstance(error, networks.WeightsFileError):
            return cls.WEIGHTS_UNUSABLE
        return cls.OTHER


@dataclass(frozen=True)
class Failure:
    """Why something could not be prepared: a message for people and its :class:`Cause`.

    Attributes:
        message: what went wrong, naming the file, and what to do.
        cause: what is to blame.
        problem: the message without the file's name, where the error has one (a picture's
            problem), for a page that names the file its own way (an upload by the name it
            was uploaded under, not the stored copy's path).
    """

    message: str
    cause: Cause = Cause.OTHER
    problem: str | None = None

    @classmethod
    def of(cls, error: Exception) -> Failure:
        """The failure an expected error stands for (its message is written for the user)."""
        problem = getattr(error, "problem", None)
        return cls(str(error), Cause.of(error), problem if isinstance(problem, str) else None)

    @property
    def weights(self) -> bool:
        """Whether the weights are to blame (so other weights help and retrying does not)."""
        return self.cause is not Cause.OTHER


@dataclass(frozen=True)
class RequestResult:
    """What happened to one request.

    Attributes:
        request: the request.
        prepared: layers computed and stored now.
        present: layers that were already valid in the store.
        failure: why the request failed, or None.
        weights: the weights used, once they were identified.
    """

    request: PrepareRequest
    prepared: tuple[str, ...] = ()
    present: tuple[str, ...] = ()
    failure: Failure | None = None
    weights: networks.WeightsIdentity | None = None

    @property
    def failed(self) -> bool:
        return self.failure is not None

    @property
    def error(self) -> str | None:
        """The failure's message, or None."""
        return self.failure.message if self.failure is not None else None


@dataclass(frozen=True)
class PrepareReport:
    """The outcome of :func:`prepare`, one result per request, in request order."""

    results: tuple[RequestResult, ...]

    @property
    def ok(self) -> bool:
        return not any(result.failed for result in self.results)

    @property
    def failures(self) -> list[RequestResult]:
        return [result for result in self.results if result.failed]

    @property
    def prepared_layers(self) -> int:
        return sum(len(result.prepared) for result in self.results)

    @property
    def present_layers(self) -> int:
        return sum(len(result.present) for result in self.results)


def unexpected(error: Exception) -> Failure:
    """The failure a bug stands for, told as such: the error itself was not written for users.

    The message says what happened and what to do; the error's type and text come last, for
    whoever reports it (the traceback is in the log).
    """
    return Failure(
        "something unexpected went wrong in classroom itself (not in your files). Try again; "
        "if it happens again, restart classroom, and report it with the log of the terminal "
        f"classroom runs in. The error was {type(error).__name__}: {error}"
    )
