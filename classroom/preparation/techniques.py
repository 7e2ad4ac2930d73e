"""Technique results into the store, and back out for the app.

A lesson step's techniques are computed once, by ``classroom prepare`` (or by the app the
first time a step is shown) and kept in the store under a key of everything that determines
them (:class:`~classroom.store.ResultKey`), so a prepared lesson opens without recomputing
anything. The network comes from the process's loaded networks (shared with extraction).
A technique that does not use the image (``uses_image = False``: maximize) keeps its result
under its own key instead, one result for every image, the command line and the app's worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from classroom import images, networks
from classroom.preparation.networks import LOADED_NETWORKS
from classroom.store import FeatureStore, ResultKey
from classroom.techniques.request import TechniqueRequest

if TYPE_CHECKING:
    from classroom.lessons import Lesson
    from classroom.techniques.result import TechniqueResult

__all__ = [
    "TechniqueJob",
    "compute_technique",
    "jobs_for_lesson",
    "prepare_techniques",
    "read_technique",
]


@dataclass(frozen=True)
class TechniqueJob:
    """One technique on one image with one network's weights.

    Attributes:
        request: the technique, layer, class, reference pixel and parameters.
        image: the image file.
        network: the architecture (with its classes).
        weights: a weights name or file, as preparation takes them.
        max_side: the analysis image's size cap.
        class_names: the lesson's class names, when it declares its own.
    """

    request: TechniqueRequest
    image: Path
    network: networks.NetworkChoice
    weights: str
    max_side: int = images.DEFAULT_MAX_SIDE
    class_names: tuple[str, ...] | None = None

    def resolve(
        self, *, untrained: bool = False, weights_file: Path | None = None, download: bool = True
    ) -> networks.ResolvedWeights:
        """The weights, as preparation resolves them (``--untrained``, ``--weights-file``)."""
        name = networks.UNTRAINED if untrained else self.weights
        return networks.resolve_weights(
            self.network, name, weights_file=weights_file, download=download
        )

    def key(self, weights: networks.ResolvedWeights) -> ResultKey:
        return ResultKey(
            images.content_sha256(self.image),
            self.max_side,
            weights.architecture,
            weights.identity.weights_id,
            self.request.key_text,
        )


def jobs_for_lesson(lesson: Lesson) -> list[TechniqueJob]:
    """Every technique some step of ``lesson`` shows, in step order."""
    names = tuple(lesson.class_names) if lesson.class_names else None
    return [
        TechniqueJob(
            use.request(step.reference),
            lesson.image(step.image).path,
            lesson.network,
            lesson.weights,
            lesson.max_side,
            names,
        )
        for step in lesson.steps
        for use in step.techniques
    ]


def read_technique(
    job: TechniqueJob,
    store: FeatureStore | None = None,
    *,
    untrained: bool = False,
    weights_file: Path | None = None,
) -> TechniqueResult | None:
    """The cached result, or None (never computes, never downloads)."""
    store = store if store is not None else FeatureStore()
    weights = job.resolve(untrained=untrained, weights_file=weights_file, download=False)
    entry = job.request.entry
    if not entry.uses_image:
        return _read_own_cache(job, weights, store)
    return store.read_result(job.key(weights))


def _read_own_cache(
    job: TechniqueJob, weights: networks.ResolvedWeights, store: FeatureStore
) -> TechniqueResult | None:
    from classroom.techniques.running import class_names_of

    names = job.class_names if job.class_names is not None else class_names_of(weights)
    return job.request.entry.read_cached(weights, job.request, names, store)


def compute_technique(
    job: TechniqueJob,
    store: FeatureStore | None = None,
    *,
    untrained: bool = False,
    weights_file: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> TechniqueResult:
    """The cached result, else computed now and cached.

    Raises:
        ValueError: for a request the network or image cannot answer (the message says why).
        networks.WeightsUnavailableError: if pretrained weights cannot be had.
    """
    from classroom.techniques.running import compute

    store = store if store is not None else FeatureStore()
    weights = job.resolve(untrained=untrained, weights_file=weights_file)
    key = job.key(weights)
    own_cache = not job.request.entry.uses_image
    cached = _read_own_cache(job, weights, store) if own_cache else store.read_result(key)
    if cached is not None:
        return cached
    first_layer = job.network.default_layers[0]
    network = LOADED_NETWORKS.extractor(weights, (first_layer,), on_load=lambda: None).network
    analysis = images.load_analysis_image(job.image, job.max_side)
    result = compute(
        job.request,
        network,
        analysis,
        class_names=job.class_names,
        progress=progress,
        store=store if own_cache else None,
    )
    if not own_cache:
        store.write_result(key, result)
    return result


def prepare_techniques(
    lesson: Lesson,
    store: FeatureStore | None = None,
    *,
    untrained: bool = False,
    weights_file: Path | None = None,
    report: Callable[[str], None] | None = None,
) -> list[str]:
    """Compute every step technique of ``lesson`` not yet in the store; the failures' messages."""
    failures = []
    for job in jobs_for_lesson(lesson):
        try:
            if read_technique(job, store, untrained=untrained, weights_file=weights_file):
                done = "already prepared"
            else:
                compute_technique(job, store, untrained=untrained, weights_file=weights_file)
                done = "computed"
        except (ValueError, OSError, networks.WeightsUnavailableError) as error:
            failures.append(f"{lesson.id}: {job.request.label}: {error}")
            continue
        if report is not None:
            report(f"{lesson.id}: {job.request.label} on {job.image.name}: {done}")
    return failures
