"""Orchestration: lessons -> prepared store entries, with progress, locking and a report.

Nothing here knows about Streamlit or the terminal: :func:`prepare` reports progress through a
callback, which the CLI renders with ``rich.progress`` (:func:`prepare_from_cli`) and the app
with ``st.progress``. The app reads prepared features only through :func:`load_prepared`, so it
never opens store files itself.

Work is keyed like the store: an image (by content), a model, a weights identity, the size cap,
and the layers at a precision. Each (image, model, weights, size cap) is prepared under a
cross-process lock, so two processes never compute the same maps; layers already valid in the
store are skipped and all missing ones come from one forward pass.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final, cast

from classroom import images, models
from classroom.encoding import PRECISIONS, EncodedLayer, Precision, encode
from classroom.store import EntryKey, FeatureStore, LayerInfo, PreparedLayer

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from rich.console import Console
    from torch import nn

    from classroom.extraction import FeatureExtractor
    from classroom.lessons import Lesson

__all__ = [
    "DEFAULT_LAYERS",
    "LOADED_NETWORKS",
    "Cause",
    "Failure",
    "LoadedNetworks",
    "PrepareReport",
    "PrepareRequest",
    "PreparedImage",
    "ProgressCallback",
    "ProgressEvent",
    "RequestResult",
    "load_prepared",
    "prepare",
    "prepare_and_report",
    "prepare_from_cli",
    "requests_for_lesson",
    "unexpected",
]

_LOGGER = logging.getLogger(__name__)

DEFAULT_LAYERS: Final = ("conv2_x", "conv3_x", "conv4_x")

#: Failures caused by the input (images.ImageError and models.WeightsFileError are
#: ValueErrors); their messages are written for the user and are shown as they are.
_EXPECTED_ERRORS: Final = (ValueError, OSError, models.WeightsUnavailableError)


@dataclass(frozen=True)
class PrepareRequest:
    """The feature maps of one image, one network and one set of weights.

    Attributes:
        image: the image file.
        architecture: ``resnet18`` ... ``resnet152``.
        weights: ``"imagenet"``, ``"untrained"`` or a torchvision weights enum member name.
        layers: layer names, e.g. ``("conv2_x", "conv3_x", "conv4_x")``.
        precision: bits per stored value.
        max_side: cap on the analysis image's longest side.
        source: where the request comes from, for reports (e.g. ``"edges-to-parts: coins"``).
    """

    image: Path
    architecture: str = models.DEFAULT_ARCHITECTURE
    weights: str = models.IMAGENET
    layers: tuple[str, ...] = DEFAULT_LAYERS
    precision: Precision = 8
    max_side: int = images.DEFAULT_MAX_SIDE
    source: str = ""

    def __post_init__(self) -> None:
        models.validate_weights_name(self.architecture, self.weights)
        if not self.layers:
            raise ValueError("a request needs at least one layer")
        for layer in self.layers:
            models.layer_stride(layer)
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, not {self.precision!r}")
        if self.max_side < images.MIN_SIDE:
            raise ValueError(f"max_side must be at least {images.MIN_SIDE}, not {self.max_side}")

    @property
    def name(self) -> str:
        """How reports name the request."""
        return self.source or str(self.image)


def requests_for_lesson(lesson: Lesson) -> list[PrepareRequest]:
    """Everything some step of ``lesson`` shows, as requests (one per image and weights)."""
    return [
        PrepareRequest(
            image=image.path,
            architecture=lesson.model,
            weights=weights,
            layers=tuple(layers),
            precision=lesson.precision,
            max_side=lesson.max_side,
            source=f"{lesson.id}: {image.id}"
            + ("" if weights == lesson.weights else f" ({weights})"),
        )
        for image, weights, layers in lesson.feature_needs()
    ]


@dataclass(frozen=True)
class ProgressEvent:
    """Where a :func:`prepare` run stands: ``completed`` of ``total`` requests are done."""

    completed: int
    total: int
    message: str


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
        if isinstance(error, models.WeightsUnavailableError):
            return cls.WEIGHTS_UNAVAILABLE
        if isinstance(error, models.WeightsFileError):
            return cls.WEIGHTS_UNUSABLE
        return cls.OTHER


@dataclass(frozen=True)
class Failure:
    """Why something could not be prepared: a message for people and its :class:`Cause`."""

    message: str
    cause: Cause = Cause.OTHER

    @classmethod
    def of(cls, error: Exception) -> Failure:
        """The failure an expected error stands for (its message is written for the user)."""
        return cls(str(error), Cause.of(error))

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
    weights: models.WeightsIdentity | None = None

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


class LoadedNetworks:
    """Networks and their feature extractors, kept loaded for the life of the process.

    The app's worker calls :func:`prepare` once per image, and loading ResNet-101 (a 170 MB
    file checked parameter by parameter, then traced) takes longer than its forward pass.
    Keyed by the weights' identity (a content hash, or seed and versions), so a changed file is
    a new network; the ``capacity`` most recently used are kept (ResNet-101 holds 170 MB).
    """

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[
            tuple[str, str], tuple[nn.Module, dict[tuple[str, ...], FeatureExtractor]]
        ] = OrderedDict()
        self._lock = threading.Lock()

    def extractor(
        self,
        weights: models.ResolvedWeights,
        layers: tuple[str, ...],
        *,
        on_load: Callable[[], None],
    ) -> FeatureExtractor:
        """The extractor of ``layers``, building the network first if it is not loaded.

        Raises:
            WeightsFileError: if the weights cannot be loaded into the network.
        """
        from classroom.extraction import FeatureExtractor

        key = (weights.architecture, weights.identity.weights_id)
        with self._lock:
            entry = self._entries.pop(key, None)
            if entry is None:
                on_load()
                entry = (models.build_model(weights), {})
            self._entries[key] = entry  # the most recently used last
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
            model, extractors = entry
            if layers not in extractors:
                extractors[layers] = FeatureExtractor(model, layers)
            return extractors[layers]

    def clear(self) -> None:
        """Unload every network (tests start from nothing)."""
        with self._lock:
            self._entries.clear()


#: The networks :func:`prepare` uses, shared by every call in this process.
LOADED_NETWORKS: Final = LoadedNetworks(capacity=2)


@dataclass
class _Pipeline:
    """One :func:`prepare` run: remembers weights that cannot be loaded, so that each image
    of the run does not try again."""

    store: FeatureStore
    weights_file: Path | None
    untrained: bool
    notify: Callable[[str], None]
    _unloadable: dict[tuple[str, str], models.WeightsFileError] = field(default_factory=dict)

    def weights(self, request: PrepareRequest) -> models.ResolvedWeights:
        """The request's weights (models remembers failed downloads and file hashes)."""
        return models.resolve_weights(
            request.architecture,
            _weights_name(request, self.untrained),
            weights_file=self.weights_file,
            on_download=self.notify,
        )

    def extractor(
        self, weights: models.ResolvedWeights, layers: tuple[str, ...]
    ) -> FeatureExtractor:
        key = (weights.architecture, weights.identity.weights_id)
        known = self._unloadable.get(key)
        if known is not None:
            raise known

        def announce() -> None:
            self.notify(f"loading {weights.architecture} with {weights.identity.label} weights")

        try:
            return LOADED_NETWORKS.extractor(weights, layers, on_load=announce)
        except models.WeightsFileError as error:
            self._unloadable[key] = error
            raise

    def run(self, request: PrepareRequest) -> RequestResult:
        weights = self.weights(request)
        identity = weights.identity
        image_sha256 = images.content_sha256(request.image)
        keys = _entry_keys(request, image_sha256, identity)
        lock = _lock_name(image_sha256, request.max_side, request.architecture, identity)
        with self.store.lock(lock):
            # Checked under the lock: another process may have just prepared them.
            present = tuple(
                layer for layer, key in keys.items() if self.store.read(key) is not None
            )
            missing = tuple(layer for layer in keys if layer not in present)
            image_stored = self.store.read_image(image_sha256, request.max_side) is not None
            if not missing and image_stored:
                return RequestResult(request, present=present, weights=identity)

            analysis = images.load_analysis_image(request.image, request.max_side)
            if analysis.sha256 != image_sha256:
                raise images.ImageError(f"{request.image}: the file changed while being prepared")
            if not image_stored:
                self.store.write_image(image_sha256, request.max_side, analysis.png_bytes())
            if missing:
                extractor = self.extractor(weights, missing)
                self.notify(f"{request.name}: computing {', '.join(missing)}")
                maps = extractor(analysis.image)
                width, height = analysis.size
                for layer in missing:
                    info = LayerInfo(
                        stride=models.layer_stride(layer),
                        image_width=width,
                        image_height=height,
                        weights_label=identity.label,
                        untrained=identity.untrained,
                    )
                    encoded = _encode(maps[layer], request, layer, weights)
                    self.store.write(keys[layer], info, encoded)
        return RequestResult(request, prepared=missing, present=present, weights=identity)


def _encode(
    values: npt.NDArray[np.float32],
    request: PrepareRequest,
    layer: str,
    weights: models.ResolvedWeights,
) -> EncodedLayer:
    """Encode one map; NaN or infinite features are blamed on the weights that made them."""
    import numpy as np

    try:
        return encode(values, request.precision)
    except ValueError:
        if np.isfinite(values).all():
            raise
    source = weights.file if weights.file is not None else weights.identity.label
    raise models.WeightsFileError(
        f"{source}: these {weights.architecture} weights give NaN or infinite values at {layer} "
        f"for {request.image}, so nothing was stored. The weights are broken (saved from a "
        "training run that diverged?); use other weights."
    )


def unexpected(error: Exception) -> Failure:
    """The failure a bug stands for: its type and message, since they were not written for users."""
    return Failure(f"{type(error).__name__}: {error}")


def _weights_name(request: PrepareRequest, untrained: bool) -> str:
    return models.UNTRAINED if untrained else request.weights


def _entry_keys(
    request: PrepareRequest, image_sha256: str, weights: models.WeightsIdentity
) -> dict[str, EntryKey]:
    """The store key of each requested layer, in request order."""
    return {
        layer: EntryKey(
            image_sha256=image_sha256,
            max_side=request.max_side,
            model=request.architecture,
            weights_id=weights.weights_id,
            layer=layer,
            precision=request.precision,
        )
        for layer in dict.fromkeys(request.layers)
    }


def _lock_name(
    image_sha256: str, max_side: int, architecture: str, identity: models.WeightsIdentity
) -> str:
    text = f"{image_sha256}|{max_side}|{architecture}|{identity.weights_id}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def prepare(
    requests: Sequence[PrepareRequest],
    store: FeatureStore | None = None,
    *,
    weights_file: Path | None = None,
    untrained: bool = False,
    progress: ProgressCallback | None = None,
) -> PrepareReport:
    """Make sure every request's feature maps and analysis image are in ``store``.

    Args:
        requests: what to prepare; one failing request does not stop the others.
        store: the feature store (default: :class:`FeatureStore` at its default root).
        weights_file: a state dict that replaces every pretrained source (not untrained ones).
        untrained: use seeded random weights for every request (recorded as such).
        progress: called as work advances; never required.

    Returns:
        One result per request: what was prepared, what was already there, what failed and why.
    """
    if untrained and weights_file is not None:
        raise ValueError("untrained and weights_file exclude each other")
    store = store if store is not None else FeatureStore()
    store.remove_stale_temporaries()
    total = len(requests)
    completed = 0

    def notify(message: str) -> None:
        if progress is not None:
            progress(ProgressEvent(completed, total, message))

    pipeline = _Pipeline(store, weights_file, untrained, notify)
    results: list[RequestResult] = []
    for request in requests:
        notify(f"{request.name}: checking")
        try:
            results.append(pipeline.run(request))
        except _EXPECTED_ERRORS as error:
            results.append(RequestResult(request, failure=Failure.of(error)))
        except Exception as error:  # a bug must not cost the other lessons their preparation
            _LOGGER.exception("preparing %s failed", request.name)
            results.append(RequestResult(request, failure=unexpected(error)))
        completed += 1
    notify("done")
    return PrepareReport(tuple(results))


# -- reading prepared features (for the app) ------------------------------------------------------


@dataclass(frozen=True)
class PreparedImage:
    """Prepared, validated feature maps of one image, ready to show.

    Attributes:
        image_path: the analysis image (PNG) in the store.
        size: ``(width, height)`` of the analysis image: the view's pixel coordinates.
        original_size: ``(width, height)`` of the source picture after EXIF orientation.
        layers: each requested layer's memory-mapped entry, in request order.
        weights: the weights that produced them.
    """

    image_path: Path
    size: tuple[int, int]
    original_size: tuple[int, int]
    layers: dict[str, PreparedLayer]
    weights: models.WeightsIdentity

    def analysis_pixel(self, x: int, y: int) -> tuple[int, int]:
        """Original-image pixel (as lessons give reference pixels) -> analysis-image pixel."""
        return images.map_pixel(x, y, self.original_size, self.size)


def load_prepared(
    request: PrepareRequest,
    store: FeatureStore | None = None,
    *,
    weights_file: Path | None = None,
    untrained: bool = False,
) -> PreparedImage | None:
    """The request's prepared entries, or None when anything is missing (then :func:`prepare`).

    Reads are memory-mapped: the operating system shares one copy of each file among all
    sessions, and nothing is copied. Each call validates the files (a checksum pass over
    them), so the app keeps the result in ``st.cache_resource`` rather than calling this on
    every rerun. Weights are only identified here, never downloaded or loaded.

    Raises:
        images.ImageError: if the image file cannot be read.
        models.WeightsUnavailableError: if pretrained weights are not on this machine.
        models.WeightsFileError: if ``weights_file`` cannot be read.
    """
    store = store if store is not None else FeatureStore()
    weights = models.resolve_weights(
        request.architecture,
        _weights_name(request, untrained),
        weights_file=weights_file,
        download=False,
    )
    image_sha256 = images.content_sha256(request.image)
    image_path = store.read_image(image_sha256, request.max_side)
    if image_path is None:
        return None
    layers: dict[str, PreparedLayer] = {}
    for layer, key in _entry_keys(request, image_sha256, weights.identity).items():
        prepared = store.read(key)
        if prepared is None:
            return None
        layers[layer] = prepared
    first = next(iter(layers.values())).header.info
    return PreparedImage(
        image_path=image_path,
        size=(first.image_width, first.image_height),
        original_size=images.upright_size(request.image),
        layers=layers,
        weights=weights.identity,
    )


# -- the command line ---------------------------------------------------------------------------


def _lesson_files(paths: Iterable[Path], console: Console) -> tuple[list[Path], bool]:
    """The lesson files under ``paths``, and whether every directory could be read."""
    from rich.markup import escape

    from classroom import lessons

    files: list[Path] = []
    readable = True
    for path in paths:
        try:
            files.extend(lessons.discover_lessons(path) if path.is_dir() else [path])
        except OSError as error:
            console.print(
                f"[red]✗ lessons not prepared:[/red] {escape(str(path))} cannot be read "
                f"({escape(error.strerror or str(error))})"
            )
            readable = False
    return files, readable


def prepare_from_cli(
    paths: Sequence[Path],
    *,
    untrained: bool = False,
    weights_file: Path | None = None,
    precision: int | None = None,
) -> bool:
    """``classroom prepare``: prepare every lesson under ``paths`` with a progress bar.

    The store is maintained first (:meth:`FeatureStore.maintain`: older format folders, month-old
    uploads). A lesson that does not load is reported and the others are still prepared.
    Returns True when everything was prepared.
    """
    from rich.markup import escape

    from classroom import lessons

    console = _console()
    files, lessons_ok = _lesson_files(paths, console)
    if not files:
        console.print(f"No lesson files (*.yaml, *.yml) in {escape(', '.join(map(str, paths)))}.")
        return False
    requests: list[PrepareRequest] = []
    for file in files:
        try:
            lesson_requests = requests_for_lesson(lessons.load_lesson(file))
        except (ValueError, OSError) as error:
            console.print(f"[red]✗ lesson not prepared:[/red] {escape(str(error))}")
            lessons_ok = False
            continue
        if precision is not None:
            lesson_requests = [
                replace(r, precision=cast("Precision", precision)) for r in lesson_requests
            ]
        requests.extend(lesson_requests)
    store = FeatureStore()
    maintenance = store.maintain()
    if maintenance.removed:
        console.print(escape(maintenance.summary()))
    prepared = prepare_and_report(
        requests, store, untrained=untrained, weights_file=weights_file, console=console
    )
    return lessons_ok and prepared


def _console() -> Console:
    from rich.console import Console

    # soft_wrap: long paths in messages stay on one line, so they can be copied.
    return Console(highlight=False, soft_wrap=True)


def prepare_and_report(
    requests: Sequence[PrepareRequest],
    store: FeatureStore | None = None,
    *,
    untrained: bool = False,
    weights_file: Path | None = None,
    console: Console | None = None,
) -> bool:
    """:func:`prepare` with a ``rich`` progress bar, then a summary; True when all succeeded.

    Failures are printed as messages, never as tracebacks, each cause once.
    """
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = console if console is not None else _console()
    store = store if store is not None else FeatureStore()
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("preparing", total=len(requests))

        def show(event: ProgressEvent) -> None:
            bar.update(task, completed=event.completed, description=escape(event.message))

        report = prepare(
            requests, store, weights_file=weights_file, untrained=untrained, progress=show
        )
    _print_summary(console, report, store)
    return report.ok


def _print_summary(console: Console, report: PrepareReport, store: FeatureStore) -> None:
    from rich.markup import escape

    # The same cause (missing weights, say) often fails many images: say it once.
    by_error: dict[str, list[str]] = {}
    for failure in report.failures:
        by_error.setdefault(failure.error or "", []).append(failure.request.name)
    for error, names in by_error.items():
        console.print(f"[red]✗ not prepared:[/red] {escape(', '.join(names))}")
        console.print(escape(error))
    untrained = any(r.weights is not None and r.weights.untrained for r in report.results)
    console.print(
        f"{report.prepared_layers} feature maps prepared, {report.present_layers} already "
        f"prepared, {len(report.failures)} of {len(report.results)} requests failed. "
        f"Store: {escape(str(store.root))}"
    )
    if untrained:
        console.print(
            "[yellow]Some features come from untrained (seeded random) weights; "
            "the app labels them 'untrained'.[/]"
        )
