"""The shipped weights of the trained networks, their recipe files, saving and safe loading.

``classroom/trained/weights/<network>.pt`` is a plain state dict (tensors only, so
``torch.load(..., weights_only=True)`` reads it and no pickled code can run), its floating-point
tensors stored as float16 to halve the file (loaded back as float32; the held-out accuracy in
the recipe is measured on the float16 weights as loaded). ``<network>.json`` next to it is the
recipe: seed, every hyper-parameter, data set sizes, torch version, training time, held-out
accuracy and the weights' SHA-256, which loading checks, so a recipe never describes other
weights than the ones beside it.
"""

from __future__ import annotations

import json
import math
import os
import platform
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from classroom.hashing import file_sha256
from classroom.trained.specs import TrainedNetwork, network_spec

if TYPE_CHECKING:
    import torch

    from classroom.trained.architectures import TrainedCNN
    from classroom.trained.training import Evaluation, TrainingResult

__all__ = [
    "WEIGHTS_DIR",
    "TrainedWeightsError",
    "load_recipe",
    "load_trained",
    "recipe_path",
    "save_trained",
    "shipped_weights_path",
]

#: Where the shipped weights and recipes live (inside the package, so the wheel carries them).
WEIGHTS_DIR: Final = Path(__file__).resolve().parent / "weights"
_RECIPE_FORMAT: Final = 1


class TrainedWeightsError(RuntimeError):
    """A weights or recipe file is missing, unreadable, or does not match (names the file)."""


def shipped_weights_path(network: str) -> Path:
    """``classroom/trained/weights/<network>.pt``."""
    return WEIGHTS_DIR / network_spec(network).weights_file


def recipe_path(weights: Path) -> Path:
    """The recipe file next to a weights file: the same name with ``.json``."""
    return weights.with_suffix(".json")


def _half_state(model: TrainedCNN) -> dict[str, torch.Tensor]:
    return {
        name: (tensor.half() if tensor.is_floating_point() else tensor).detach().clone()
        for name, tensor in model.state_dict().items()
    }


def _write_json(path: Path, record: dict[str, Any]) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)


def save_trained(
    result: TrainingResult,
    evaluate: Callable[[TrainedCNN], Evaluation],
    path: Path,
    *,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Write ``result``'s weights (float16) to ``path`` and its recipe next to it.

    ``evaluate(model) -> Evaluation`` measures the weights *as saved and reloaded*, so the
    recipe's accuracy is that of the file. Returns the recipe record.

    Raises:
        FileExistsError: if ``path`` or its recipe exists and ``overwrite`` is False.
    """
    import numpy as np
    import torch

    recipe_file = recipe_path(path)
    for target in (path, recipe_file):
        if target.exists() and not overwrite:
            raise FileExistsError(f"{target} exists; choose another output or overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    torch.save(_half_state(result.model), temporary)
    temporary.replace(path)
    reloaded = load_trained(result.recipe.network, path, verify=False)
    evaluation = evaluate(reloaded)
    recipe = result.recipe
    record: dict[str, Any] = {
        "format": _RECIPE_FORMAT,
        "network": recipe.network,
        "recipe": asdict(recipe),
        "data": _data_sizes(recipe.network, recipe.steps * recipe.batch_size),
        "held_out": {
            "accuracy": evaluation.accuracy,
            "correct": evaluation.correct,
            "total": evaluation.total,
        },
        "training_seconds": round(result.seconds, 1),
        "final_loss": round(result.final_loss, 4) if math.isfinite(result.final_loss) else None,
        "weights": {
            "file": path.name,
            "sha256": file_sha256(path),
            "bytes": path.stat().st_size,
            "storage": "float16 (loaded as float32)",
        },
        "versions": {
            "torch": torch.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }
    _write_json(recipe_file, record)
    return record


def _data_sizes(network: str, images_seen: int) -> dict[str, Any]:
    if network == "digits":
        from classroom.trained.digits import digits_split

        split = digits_split()
        return {
            "source": "sklearn.datasets.load_digits, upsampled to 32 x 32",
            "training_images": len(split.train_labels),
            "held_out_images": len(split.held_out_labels),
            "images_seen": images_seen,
        }
    from classroom.trained.data import HELD_OUT_SEED

    return {
        "source": "classroom.trained.scenes.shapes_sample (generated on the fly)",
        "training_images": images_seen,
        "held_out_seed": HELD_OUT_SEED,
    }


def load_recipe(weights: Path) -> dict[str, Any]:
    """The recipe record next to ``weights``.

    Raises:
        TrainedWeightsError: if it is missing or not a recipe (the message names the file).
    """
    path = recipe_path(weights)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TrainedWeightsError(f"{path}: the recipe of {weights.name} is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TrainedWeightsError(f"{path}: not a readable recipe ({error})") from None
    if not isinstance(record, dict) or not isinstance(record.get("weights"), dict):
        raise TrainedWeightsError(f"{path}: not a recipe (no 'weights' entry)")
    return record


def load_trained(
    network: str | TrainedNetwork, path: Path | None = None, *, verify: bool = True
) -> TrainedCNN:
    """The trained network in eval mode, from ``path`` (default: the shipped weights).

    The file is read with ``weights_only=True`` and must hold exactly the network's tensors.
    With ``verify``, its SHA-256 must match the recipe next to it.

    Raises:
        TrainedWeightsError: naming the file, if it is missing, unreadable, not a state dict of
            this network, or does not match its recipe.
    """
    import torch

    from classroom.trained.architectures import build_network

    spec = network_spec(network) if isinstance(network, str) else network
    path = shipped_weights_path(spec.name) if path is None else path
    if not path.is_file():
        raise TrainedWeightsError(f"{path}: the {spec.name} network's weights are missing")
    if verify:
        expected = load_recipe(path)["weights"].get("sha256")
        actual = file_sha256(path)
        if actual != expected:
            raise TrainedWeightsError(
                f"{path}: SHA-256 {actual} does not match its recipe's {expected}"
            )
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises many kinds; all mean "unreadable" here
        raise TrainedWeightsError(f"{path}: not a loadable state dict ({error})") from None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise TrainedWeightsError(f"{path}: not a state dict of tensors")
    model = build_network(spec)
    expected_shapes = {name: tuple(t.shape) for name, t in model.state_dict().items()}
    found_shapes = {name: tuple(t.shape) for name, t in state.items()}
    if found_shapes != expected_shapes:
        missing = sorted(set(expected_shapes) - set(found_shapes))
        unexpected = sorted(set(found_shapes) - set(expected_shapes))
        differing = sorted(
            name
            for name in set(found_shapes) & set(expected_shapes)
            if found_shapes[name] != expected_shapes[name]
        )
        raise TrainedWeightsError(
            f"{path}: not the {spec.name} network's weights (missing {missing[:3]}, "
            f"unexpected {unexpected[:3]}, other shapes {differing[:3]})"
        )
    model.load_state_dict(
        {name: t.float() if t.is_floating_point() else t for name, t in state.items()}
    )
    return model.eval()
