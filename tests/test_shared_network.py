"""One loaded network shared by the page and the worker threads: what one thread does with it
never shows in another's results.

The app keeps each network loaded once (:data:`classroom.preparation.LOADED_NETWORKS`): the
worker thread extracts features with it while a page's thread computes a technique on it.
Each test forces the interleaving that would go wrong (a thread paused inside a forward pass
by an event, while another runs), never a sleep, and compares with the result each gives
alone, exactly.
"""

from __future__ import annotations

import copy
import threading
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pytest
import torch
from PIL import Image
from torch import nn

from classroom import images, networks
from classroom.extraction import FeatureExtractor
from classroom.preparation import requests_for_lesson
from classroom.techniques import TechniqueRequest, TechniqueResult, technique, technique_names
from classroom.techniques.running import compute
from tests.conftest import picture
from tests.lesson_tree import LessonTree
from tests.tiny_model import TinyClassifier, TinyFeatures

Result = TypeVar("Result")
#: How long a paused thread waits for the other one before the test fails (never reached when
#: the code is right: each wait ends on the other thread's event).
PATIENCE = 120.0


class _Pause:
    """A forward hook that stops the first pass of ``thread`` in it until :meth:`release`.

    The paused thread is inside a forward pass of the shared network, so whatever another
    thread does meanwhile overlaps it for certain.
    """

    def __init__(self) -> None:
        self.thread: int | None = None
        self.reached = threading.Event()
        self._go = threading.Event()

    def hook(self) -> Callable[[nn.Module, object, object], None]:
        """The hook itself: a plain function, which a copy of the module shares as it is."""

        def pause(_module: nn.Module, _inputs: object, _output: object) -> None:
            if threading.get_ident() == self.thread and not self.reached.is_set():
                self.reached.set()
                assert self._go.wait(PATIENCE), "the other thread never finished"

        return pause

    def release(self) -> None:
        self._go.set()


def _paused_while(
    pause: _Pause, paused: Callable[[], Result], meanwhile: Callable[[], Any]
) -> tuple[Result, Any]:
    """``paused()`` in a thread of its own, stopped in ``pause`` while ``meanwhile()`` runs."""
    with ThreadPoolExecutor(1) as pool:

        def run() -> Result:
            pause.thread = threading.get_ident()
            return paused()

        future: Future[Result] = pool.submit(run)
        try:
            assert pause.reached.wait(PATIENCE), "the paused thread never reached the hook"
            other = meanwhile()
        finally:
            pause.release()
        return future.result(timeout=PATIENCE), other


@pytest.fixture
def hooked(request: pytest.FixtureRequest) -> Iterator[Callable[[nn.Module], _Pause]]:
    """Registers a :class:`_Pause` on a module; removed after the test (shared networks)."""
    handles: list[torch.utils.hooks.RemovableHandle] = []

    def register(module: nn.Module) -> _Pause:
        pause = _Pause()
        handles.append(module.register_forward_hook(pause.hook()))
        return pause

    yield register
    for handle in handles:
        handle.remove()


def _equal_maps(
    found: dict[str, npt.NDArray[np.float32]], expected: dict[str, npt.NDArray[np.float32]]
) -> None:
    assert found.keys() == expected.keys()
    for name, values in expected.items():
        np.testing.assert_array_equal(found[name], values, err_msg=name)


# -- a model file's layers are caught by hooks: each call its own --------------------------------


def _model_file(tree: LessonTree, name: str) -> networks.LoadedNetwork:
    """``datasets/name`` loaded through a lesson, as the app loads it."""
    lesson = tree.load(
        'title: Own model\nimages:\n  photo: {path: photo.png, attribution: "tests, CC0"}\n'
        f"steps:\n  - text: Look.\nmodel:\n  file: {name}\n  layers:\n"
        "    - {name: edges, node: early}\n    - {name: blobs, node: late}\n"
    )
    (request,) = requests_for_lesson(lesson)
    return networks.build_network(networks.resolve_weights(request.network, request.weights))


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> networks.LoadedNetwork:
    """A ``torch.export`` classifier file."""
    torch.manual_seed(7)
    tree = LessonTree(tmp_path_factory.mktemp("exported"))
    height, width = torch.export.Dim("height", min=32), torch.export.Dim("width", min=32)
    program = torch.export.export(
        TinyClassifier().eval(),
        (torch.zeros(1, 3, 64, 64),),
        dynamic_shapes={"x": {2: height, 3: width}},
    )
    torch.export.save(program, tree.datasets / "tiny.pt2")
    return _model_file(tree, "tiny.pt2")


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> networks.LoadedNetwork:
    """A TorchScript feature model file (its maps by name)."""
    torch.manual_seed(8)
    tree = LessonTree(tmp_path_factory.mktemp("scripted"))
    path = tree.datasets / "tiny.pt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # TorchScript is deprecated
        torch.jit.save(torch.jit.script(TinyFeatures(TinyClassifier().eval())), path)
    return _model_file(tree, "tiny.pt")


def test_two_threads_extracting_a_model_files_layers_each_get_their_own_maps(
    exported: networks.LoadedNetwork, hooked: Callable[[nn.Module], _Pause]
) -> None:
    """A model file's layers are caught by forward hooks. Hooks on the shared network fire for
    every thread's pass: a pass paused after its layers were caught got the other thread's
    maps in their place."""
    first, second = (Image.fromarray(picture(80, 64, seed=seed)) for seed in (1, 2))
    pause = hooked(exported.model.get_submodule("head"))
    extractor = FeatureExtractor(exported, ["edges", "blobs"])
    alone = extractor(first), extractor(second)
    assert not np.array_equal(alone[0]["blobs"], alone[1]["blobs"])

    found = _paused_while(pause, lambda: extractor(first), lambda: extractor(second))
    _equal_maps(found[0], alone[0])
    _equal_maps(found[1], alone[1])
    assert not any(
        module._forward_hooks for module in exported.model.get_submodule("late").modules()
    )


def test_a_technique_runs_on_a_torch_export_model_file(
    exported: networks.LoadedNetwork, tmp_path: Path
) -> None:
    """A technique's private modules are made without deepcopy, which cannot copy an exported
    program's symbolic tensors."""
    path = tmp_path / "photo.png"
    Image.fromarray(picture(80, 64, seed=3)).save(path)
    analysis = images.load_analysis_image(path, 512)
    result = compute(TechniqueRequest("activations", layer="blobs"), exported, analysis)
    # Its tiles are the layer's channels, strongest first, as extraction computes them.
    channels = FeatureExtractor(exported, ["blobs"])(analysis.image)["blobs"].transpose(2, 0, 1)
    order = np.argsort(-channels.mean(axis=(1, 2)), kind="stable")
    np.testing.assert_array_equal(result.maps[0].values, channels[order])


# -- a technique and an extraction of one registry network, at once ----------------------------


@pytest.fixture
def photo(tmp_path: Path) -> images.AnalysisImage:
    path = tmp_path / "photo.png"
    Image.fromarray(picture(96, 80, seed=5)).save(path)
    return images.load_analysis_image(path, 512)


def _same_result(found: TechniqueResult, expected: TechniqueResult) -> None:
    assert found.predictions == expected.predictions
    assert len(found.maps) == len(expected.maps)
    for got, want in zip(found.maps, expected.maps, strict=True):
        np.testing.assert_array_equal(got.values, want.values, err_msg=want.title)


@pytest.mark.parametrize("name", ["guided_backprop", "grad_cam"])
def test_a_technique_and_an_extraction_at_once_each_give_what_they_give_alone(
    resnet18_untrained: networks.LoadedNetwork,
    photo: images.AnalysisImage,
    hooked: Callable[[nn.Module], _Pause],
    name: str,
) -> None:
    """The page computes a technique while the worker extracts features of the same network:
    the technique is paused inside its forward pass while a new extractor is traced and run,
    so Captum's hooks, the switched-off in-place ReLUs and the tracing all overlap."""
    network = resnet18_untrained
    request = TechniqueRequest(name, layer="conv4_x", target="3")
    layers = ["conv2_x", "conv5_x"]
    technique_alone = compute(request, network, photo)
    extraction_alone = FeatureExtractor(network, layers)(photo.image)
    model = network.model
    pause = hooked(model.get_submodule("layer2"))
    before = _state(model)
    technique, extraction = _paused_while(
        pause,
        lambda: compute(request, network, photo),
        lambda: FeatureExtractor(network, layers)(photo.image),
    )
    _same_result(technique, technique_alone)
    _equal_maps(extraction, extraction_alone)
    assert _state(model) == before


def _state(model: nn.Module) -> list[tuple[str, object]]:
    """What a technique or a trace could leave changed on the shared network's modules."""
    state: list[tuple[str, object]] = []
    for name, module in model.named_modules():
        state.append((name, module.training))
        state.append((name, len(module._forward_hooks) + len(module._backward_hooks)))
        if isinstance(module, nn.ReLU):
            state.append((name, module.inplace))
    for name, parameter in model.named_parameters():
        state.append((name, (parameter.requires_grad, parameter.grad is None)))
    return state


def test_a_technique_leaves_the_shared_network_as_it_found_it(
    resnet18_untrained: networks.LoadedNetwork, photo: images.AnalysisImage
) -> None:
    """Captum's hooks, the switched-off in-place ReLUs and the backward pass stay on the
    technique's own modules; the weights are the same tensors, not a copy."""
    model = resnet18_untrained.model
    before = _state(model)
    weights = {name: parameter.data_ptr() for name, parameter in model.named_parameters()}
    compute(TechniqueRequest("guided_backprop", target="1"), resnet18_untrained, photo)
    assert _state(model) == before
    assert {name: p.data_ptr() for name, p in model.named_parameters()} == weights


@pytest.mark.parametrize("name", [name for name in technique_names() if technique(name).uses_image])
def test_every_technique_gives_on_its_twin_what_it_gives_on_a_whole_copy(
    resnet18_untrained: networks.LoadedNetwork,
    photo: images.AnalysisImage,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    """The twin's weights are views without gradient: a technique that needed the weights'
    gradients (or changed them) would differ here from its result on a deep copy."""
    FeatureExtractor(resnet18_untrained, ["conv1"])  # the shared network, as the app has it
    request = TechniqueRequest(name, layer="conv3_x", target="1", reference=(40, 30))
    on_twin = compute(request, resnet18_untrained, photo)
    _on_whole_copies(monkeypatch)
    _same_result(on_twin, compute(request, resnet18_untrained, photo))


def test_the_shared_network_is_handed_out_in_the_order_no_later_extractor_changes() -> None:
    """Extraction converts a network to channels-last in place. The process's loaded networks
    make the first extractor before any thread is handed the network, so another thread's
    forward pass never sees a tensor replaced under it."""
    from classroom.preparation import LoadedNetworks

    loaded = LoadedNetworks(capacity=1)
    weights = networks.untrained_weights("resnet18")
    network = loaded.extractor(weights, ("conv1",), on_load=lambda: None).network
    tensors = [(p.data_ptr(), p.stride()) for p in network.model.parameters()]
    first = network.model.get_submodule("conv1")
    assert isinstance(first, nn.Conv2d)
    assert first.weight.is_contiguous(memory_format=torch.channels_last)
    loaded.extractor(weights, ("conv2_x", "conv5_x"), on_load=lambda: None)
    assert [(p.data_ptr(), p.stride()) for p in network.model.parameters()] == tensors


@pytest.mark.parametrize("kind", ["torch.export", "TorchScript"])
def test_a_techniques_backward_pass_on_a_model_file_leaves_the_shared_one_untouched(
    exported: networks.LoadedNetwork,
    scripted: networks.LoadedNetwork,
    photo: images.AnalysisImage,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    """The effective receptive field runs a backward pass through the model file: its twin
    (also of a TorchScript module) takes no gradient into the shared weights. On TorchScript,
    which deepcopy can copy, it gives what a whole copy gives."""
    network = exported if kind == "torch.export" else scripted
    model = network.model
    flags = [parameter.requires_grad for parameter in model.parameters()]
    request = TechniqueRequest("receptive_field", layer="blobs", reference=(40, 30))
    result = compute(request, network, photo)
    assert all(parameter.grad is None for parameter in model.parameters())
    assert [parameter.requires_grad for parameter in model.parameters()] == flags
    assert float(result.maps[0].values.max()) > 0
    if kind == "TorchScript":
        _on_whole_copies(monkeypatch)
        _same_result(result, compute(request, network, photo))


def _on_whole_copies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Techniques run on a deep copy of the network from now on, as they did before twins."""
    monkeypatch.setattr(
        "classroom.techniques.running._private_modules",
        lambda network: copy.deepcopy(network.model).eval(),
    )
