"""Preparation: requests -> store entries, skipping, failures, weights choices, locking, reading."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from rich.console import Console
from torch import nn

from classroom import encoding, images, networks, preparation
from classroom.extraction import FeatureExtractor
from classroom.preparation import Cause, PrepareRequest, ProgressEvent, prepare
from classroom.store import EntryKey, FeatureStore
from tests.conftest import loaded

MakeImage = Callable[..., Path]
LAYERS = ("conv2_x", "conv3_x")


def _request(image: Path, **changes: object) -> PrepareRequest:
    fields: dict[str, object] = {
        "image": image,
        "architecture": "resnet18",
        "weights": "untrained",
        "layers": LAYERS,
        "precision": 8,
        "max_side": 1024,
    }
    fields.update(changes)
    return PrepareRequest(**fields)  # type: ignore[arg-type]


#: What seed 0 of this torch and torchvision is recorded as (see networks.untrained_weights).
UNTRAINED_ID = networks.untrained_weights("resnet18").identity.weights_id


def _key(request: PrepareRequest, layer: str, weights_id: str = UNTRAINED_ID) -> EntryKey:
    return EntryKey(
        image_sha256=images.content_sha256(request.image),
        max_side=request.max_side,
        model=request.architecture,
        weights_id=weights_id,
        layer=layer,
        precision=request.precision,
    )


@pytest.fixture
def feature_store(tmp_path: Path) -> FeatureStore:
    return FeatureStore(tmp_path / "store")


def _stamps(store: FeatureStore) -> dict[Path, tuple[int, int]]:
    return {
        path: (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in store.root.rglob("*")
        if path.is_file() and path.suffix in {".cfm", ".png"}
    }


def test_prepare_writes_every_layer_and_the_analysis_image(
    feature_store: FeatureStore, make_image: MakeImage
) -> None:
    request = _request(make_image("scene.jpg", 300, 200), max_side=128)

    report = prepare([request], feature_store)

    assert report.ok
    (result,) = report.results
    assert result.prepared == LAYERS
    assert result.present == ()
    assert result.weights == networks.untrained_weights("resnet18").identity
    for layer in LAYERS:
        entry = feature_store.read(_key(request, layer))
        assert entry is not None
        info = entry.header.info
        assert (info.image_width, info.image_height) == (128, 85)
        assert info.stride == networks.layer("resnet18", layer).stride
        assert (info.weights_label, info.untrained) == ("untrained (seed 0)", True)
    analysis = feature_store.image_path(images.content_sha256(request.image), 128)
    with Image.open(analysis) as stored:
        assert stored.size == (128, 85)
        assert stored.mode == "RGB"


def test_a_second_run_prepares_nothing_and_touches_no_file(
    feature_store: FeatureStore, make_image: MakeImage
) -> None:
    requests = [_request(make_image("a.png", 96, 64)), _request(make_image("b.png", 64, 80))]
    prepare(requests, feature_store)
    before = _stamps(feature_store)

    report = prepare(requests, feature_store)

    assert [result.prepared for result in report.results] == [(), ()]
    assert [result.present for result in report.results] == [LAYERS, LAYERS]
    assert report.prepared_layers == 0
    assert report.present_layers == 4
    assert _stamps(feature_store) == before
    assert len(before) == 6


def test_only_missing_or_damaged_layers_are_prepared_again(
    feature_store: FeatureStore, make_image: MakeImage
) -> None:
    request = _request(make_image("a.png", 96, 64), layers=("conv2_x", "conv3_x", "conv4_x"))
    prepare([request], feature_store)
    feature_store.feature_path(_key(request, "conv2_x")).unlink()
    damaged = feature_store.feature_path(_key(request, "conv4_x"))
    data = bytearray(damaged.read_bytes())
    data[-1] ^= 0xFF
    damaged.write_bytes(bytes(data))

    (result,) = prepare([request], feature_store).results

    assert result.prepared == ("conv2_x", "conv4_x")
    assert result.present == ("conv3_x",)
    assert all(feature_store.read(_key(request, layer)) for layer in request.layers)


def test_one_failing_image_does_not_stop_the_others(
    feature_store: FeatureStore, make_image: MakeImage, tmp_path: Path
) -> None:
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("hello")
    missing = tmp_path / "missing.jpg"
    good = make_image("good.png", 64, 64)
    requests = [_request(missing), _request(good), _request(not_an_image)]

    report = prepare(requests, feature_store)

    assert not report.ok
    assert [result.failed for result in report.results] == [True, False, True]
    assert report.results[0].error == f"{missing}: the image file does not exist"
    assert f"{not_an_image}: is not an image file" in (report.results[2].error or "")
    assert report.results[1].prepared == LAYERS
    assert report.failures == [report.results[0], report.results[2]]


def test_untrained_overrides_every_request_and_is_recorded(
    feature_store: FeatureStore, make_image: MakeImage
) -> None:
    request = _request(make_image("a.png", 64, 64), weights="imagenet")
    (result,) = prepare([request], feature_store, untrained=True).results
    assert result.weights is not None
    assert result.weights.untrained
    entry = feature_store.read(_key(request, "conv2_x"))
    assert entry is not None
    assert entry.header.key.weights_id == UNTRAINED_ID
    assert entry.header.info.untrained


def test_missing_pretrained_weights_fail_those_requests_only(
    feature_store: FeatureStore, make_image: MakeImage
) -> None:
    image = make_image("a.png", 64, 64)
    pretrained, untrained = _request(image, weights="imagenet"), _request(image)
    events: list[ProgressEvent] = []

    report = prepare([pretrained, untrained], feature_store, progress=events.append)

    failure = report.results[0].failure
    assert failure is not None
    assert failure.cause is Cause.WEIGHTS_UNAVAILABLE
    assert "The pretrained resnet18 weights (IMAGENET1K_V1) are not available" in failure.message
    assert str(networks.hub_checkpoint_path("resnet18")) in failure.message
    assert report.results[1].prepared == LAYERS
    assert [event.message for event in events].count(
        "Downloading the pretrained ResNet-18 weights (IMAGENET1K_V1, about 45 MB) "
        "from download.pytorch.org…"
    ) == 1, "the progress display says what is being downloaded"


def test_a_weights_file_replaces_pretrained_weights(
    feature_store: FeatureStore,
    make_image: MakeImage,
    resnet18_weights_file: Path,
    resnet18_seeded: nn.Module,
) -> None:
    request = _request(make_image("a.png", 80, 64), weights="imagenet", precision=32)

    (result,) = prepare([request], feature_store, weights_file=resnet18_weights_file).results

    assert result.prepared == LAYERS
    identity = networks.resolve_weights("resnet18", weights_file=resnet18_weights_file).identity
    assert result.weights == identity
    analysis = images.load_analysis_image(request.image)
    expected = FeatureExtractor(loaded(resnet18_seeded, "resnet18"), LAYERS)(analysis.image)
    for layer in LAYERS:
        entry = feature_store.read(_key(request, layer, identity.weights_id))
        assert entry is not None
        assert entry.header.info.weights_label == "seeded-resnet18.pth"
        assert np.array_equal(encoding.decode(entry.encoded()), expected[layer])


def test_a_weights_file_for_another_architecture_fails_clearly(
    feature_store: FeatureStore, make_image: MakeImage, resnet18_weights_file: Path
) -> None:
    requests = [
        _request(make_image("a.png", 64, 64), architecture="resnet34", weights="imagenet"),
        _request(make_image("b.png", 64, 64), architecture="resnet34", weights="imagenet"),
    ]
    report = prepare(requests, feature_store, weights_file=resnet18_weights_file)
    for result in report.results:
        assert result.failure is not None
        assert result.failure.cause is Cause.WEIGHTS_UNUSABLE
        assert result.failure.message.startswith(
            f"{resnet18_weights_file}: is not a resnet34 state dict (missing keys: "
        )


def test_models_are_built_once_per_process(
    feature_store: FeatureStore, make_image: MakeImage, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The app's worker prepares one image per call: the network must stay loaded between.
    built: list[str] = []
    real_build = networks.build_network

    def counting_build(weights: networks.ResolvedWeights) -> networks.LoadedNetwork:
        built.append(weights.identity.weights_id)
        return real_build(weights)

    monkeypatch.setattr(networks, "build_network", counting_build)
    requests = [_request(make_image(f"{n}.png", 64, 48 + n)) for n in range(4)]
    assert prepare(requests[:2], feature_store).ok
    assert prepare(requests[2:3], feature_store).ok
    assert prepare(requests[3:], feature_store).ok
    assert built == [UNTRAINED_ID]


def test_progress_reports_every_request(feature_store: FeatureStore, make_image: MakeImage) -> None:
    events: list[ProgressEvent] = []
    requests = [
        _request(make_image(f"{n}.png", 64, 64), source=f"lesson: image {n}") for n in (1, 2)
    ]

    prepare(requests, feature_store, progress=events.append)

    assert {event.total for event in events} == {2}
    completed = [event.completed for event in events]
    assert completed == sorted(completed)
    assert completed[-1] == 2
    messages = " | ".join(event.message for event in events)
    assert "lesson: image 1: computing conv2_x, conv3_x" in messages
    assert "loading ResNet-18 with untrained (seed 0) weights" in messages


def test_untrained_and_weights_file_exclude_each_other(
    feature_store: FeatureStore, resnet18_weights_file: Path
) -> None:
    with pytest.raises(ValueError, match="exclude each other"):
        prepare([], feature_store, untrained=True, weights_file=resnet18_weights_file)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"layers": ("fc",)}, "resnet18 has no layer 'fc'"),
        ({"layers": ("conv3_x",), "architecture": "vgg19", "weights": "imagenet"}, "vgg19 has no"),
        ({"layers": ()}, "at least one layer"),
        ({"weights": "IMAGENET1K_V9"}, "unknown weights 'IMAGENET1K_V9' for resnet18"),
        ({"architecture": "alexnett"}, "unknown model 'alexnett' — did you mean 'alexnet'"),
        ({"precision": 4}, "precision must be one of"),
        ({"max_side": 16}, "max_side must be at least 32"),
    ],
)
def test_requests_are_validated(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _request(Path("any.png"), **changes)


# Two processes preparing the same lesson at once: see test_faults.py.


# -- reading prepared features --------------------------------------------------------------------


def test_load_prepared_returns_memory_mapped_layers_once_prepared(
    feature_store: FeatureStore, make_image: MakeImage
) -> None:
    request = _request(
        make_image("wide.png", 400, 100), max_side=200, layers=("conv3_x", "conv2_x")
    )
    assert preparation.load_prepared(request, feature_store) is None

    prepare([request], feature_store)
    prepared = preparation.load_prepared(request, feature_store)

    assert prepared is not None
    assert list(prepared.layers) == ["conv3_x", "conv2_x"]
    assert prepared.size == (200, 50)
    assert prepared.original_size == (400, 100)
    assert prepared.analysis_pixel(399, 99) == (199, 49)
    assert prepared.weights.untrained
    assert prepared.image_path == feature_store.image_path(
        images.content_sha256(request.image), 200
    )
    assert not prepared.layers["conv2_x"].codes.flags.writeable
    assert prepared.layers["conv2_x"].header.width == 50


def test_load_prepared_needs_every_layer_and_the_image(
    feature_store: FeatureStore, make_image: MakeImage
) -> None:
    request = _request(make_image("a.png", 64, 64))
    prepare([request], feature_store)
    feature_store.feature_path(_key(request, "conv3_x")).unlink()
    assert preparation.load_prepared(request, feature_store) is None

    prepare([request], feature_store)
    images_dir = feature_store.images_dir
    shutil.rmtree(images_dir)
    assert preparation.load_prepared(request, feature_store) is None


def test_load_prepared_never_downloads(
    feature_store: FeatureStore, make_image: MakeImage, refused_hosts: list[str]
) -> None:
    request = _request(make_image("a.png", 64, 64), weights="imagenet")
    with pytest.raises(networks.WeightsUnavailableError, match="downloading is switched off"):
        preparation.load_prepared(request, feature_store)
    assert preparation.load_prepared(request, feature_store, untrained=True) is None
    assert refused_hosts == []


# -- the report printed for the command line -------------------------------------------------------


def _recording_console() -> Console:
    return Console(file=io.StringIO(), highlight=False, soft_wrap=True, width=100)


def _printed(console: Console) -> str:
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def test_the_summary_counts_what_was_prepared(
    feature_store: FeatureStore, make_image: MakeImage
) -> None:
    requests = [_request(make_image("a.png", 64, 64), source="demo: a")]
    console = _recording_console()
    assert preparation.prepare_and_report(requests, feature_store, console=console)
    printed = _printed(console)
    assert "2 feature maps prepared, 0 already prepared, 0 of 1 requests failed." in printed
    assert f"Store: {feature_store.root}" in printed
    assert "come from untrained (seeded random) weights; the app labels them" in printed


def test_missing_weights_are_explained_once_without_a_traceback(
    feature_store: FeatureStore, make_image: MakeImage
) -> None:
    requests = [
        _request(make_image(f"{name}.png", 64, 64), weights="imagenet", source=f"demo: {name}")
        for name in ("a", "b")
    ]
    console = _recording_console()

    assert not preparation.prepare_and_report(requests, feature_store, console=console)

    printed = _printed(console)
    assert "✗ not prepared: demo: a, demo: b" in printed
    assert printed.count("are not available") == 1
    assert f"Expected file: {networks.hub_checkpoint_path('resnet18')}" in printed
    assert "Traceback" not in printed
    assert "the app labels them" not in printed
    assert "0 feature maps prepared, 0 already prepared, 2 of 2 requests failed." in printed
