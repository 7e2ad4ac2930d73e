"""Broken lessons, one mistake each, with the exact problem an instructor reads.

Data for tests/test_lesson_problems.py: each entry is the lesson's text and its one
``(line, field, message)``.
"""

from __future__ import annotations

from tests.lesson_tree import VALID

__all__ = ["BROKEN", "ESCAPES"]


STEP_END = "    reference: [10, 20]\n"
BROKEN: dict[str, tuple[str, tuple[int, str, str]]] = {
    "misspelt field": (
        VALID.replace("title:", "titel:"),
        (1, "titel", "unknown field 'titel' — did you mean 'title'?"),
    ),
    "unknown field": (
        VALID + "colour: red\n",
        (
            9,
            "colour",
            "unknown field 'colour' (known fields: title, audience, summary, order, model, "
            "weights, num_classes, class_names, layers, precision, max_side, images, collections, "
            "steps)",
        ),
    ),
    "misspelt image field": (
        VALID.replace("attribution:", "atribution:"),
        (5, "images.photo.atribution", "unknown field 'atribution' — did you mean 'attribution'?"),
    ),
    "misspelt question field": (
        VALID + "    question: {prompt: 'Why?', hnit: Look closer.}\n",
        (9, "steps[0].question.hnit", "unknown field 'hnit' — did you mean 'hint'?"),
    ),
    "weights on a step": (
        VALID + "    weights: untrained\n",
        (
            9,
            "steps[0].weights",
            "unknown field 'weights': a step sets weights per layer: "
            "layers: [{layer: conv3_x, weights: untrained}]",
        ),
    ),
    "missing field": (
        VALID.replace("    attribution: generated for the tests, CC0\n", ""),
        (3, "images.photo", "missing required field 'attribution'"),
    ),
    "question without prompt": (
        VALID + "    question: {hint: Look closer.}\n",
        (9, "steps[0].question", "missing required field 'prompt'"),
    ),
    "title is a number": (
        VALID.replace("title: Test lesson", "title: 12"),
        (1, "title", "expected text, found 12"),
    ),
    "title is empty": (
        VALID.replace("title: Test lesson", "title: ''"),
        (1, "title", "expected some text, found an empty text"),
    ),
    "text is only spaces": (
        VALID.replace("Look at the photo.", "'   '"),
        (7, "steps[0].text", "expected some text, found only spaces"),
    ),
    "reference is text": (
        VALID.replace("[10, 20]", "10, 20"),
        (
            8,
            "steps[0].reference",
            "expected two whole numbers [x, y] (pixels from the top-left corner of the image), "
            "found '10, 20'",
        ),
    ),
    "reference has a fraction": (
        VALID.replace("[10, 20]", "[10.5, 20]"),
        (
            8,
            "steps[0].reference",
            "expected two whole numbers [x, y] (pixels from the top-left corner of the image), "
            "found [10.5, 20]",
        ),
    ),
    "reference is negative": (
        VALID.replace("[10, 20]", "[-1, 20]"),
        (
            8,
            "steps[0].reference",
            "expected two whole numbers [x, y] (pixels from the top-left corner of the image), "
            "found [-1, 20]",
        ),
    ),
    "reference outside the image": (
        VALID.replace("[10, 20]", "[64, 20]"),
        (
            8,
            "steps[0].reference",
            "expected two whole numbers [x, y] inside the 64×48 image (x below 64, y below 48), "  # noqa: RUF001
            "found [64, 20]",
        ),
    ),
    "locked is yes": (
        VALID + "    locked: yes\n",
        (9, "steps[0].locked", "expected true or false, found 'yes'"),
    ),
    "unknown metric": (
        VALID + "    metric: manhattan\n",
        (
            9,
            "steps[0].metric",
            "expected 'angular', 'cosine', 'euclidean' or 'dot', found 'manhattan'",
        ),
    ),
    "locked without reference": (
        VALID.replace(STEP_END, "    locked: true\n"),
        (8, "steps[0].locked", "a locked step needs a reference: [x, y] to hold"),
    ),
    "precision is text": (
        VALID + 'precision: "8"\n',
        (9, "precision", "expected 8, 16 or 32, found '8'"),
    ),
    "unknown precision": (
        VALID + "precision: 12\n",
        (9, "precision", "expected 8, 16 or 32, found 12"),
    ),
    "unknown model": (
        VALID + "model: resnet100\n",
        (
            9,
            "model",
            "unknown model 'resnet100' — did you mean 'resnet101'? (the models: resnet18, "
            "resnet34, resnet50, resnet101, resnet152, vgg16, vgg16_bn, vgg19, vgg19_bn, "
            "alexnet, densenet121, convnext_tiny, mobilenet_v3_large, efficientnet_b0, shapes, "
            "digits; or a model file: {file: ..., layers: [...]})",
        ),
    ),
    "unknown layer": (
        VALID + "layers: [conv2_x, conv3x]\n",
        (
            9,
            "layers[1]",
            "resnet101 has no layer 'conv3x' — did you mean 'conv3_x'? (its layers: conv1, "
            "conv2_x, conv3_x, conv4_x, conv5_x)",
        ),
    ),
    "a layer of another model": (
        VALID + "model: vgg16\nlayers: [block2, conv3_x]\n",
        (
            10,
            "layers[1]",
            "vgg16 has no layer 'conv3_x' (its layers: block1, block2, block3, block4, block5)",
        ),
    ),
    "a step's layer of another model": (
        VALID + "    layers: [conv2_x, {layer: stage2, weights: untrained}]\nmodel: resnet18\n",
        (
            9,
            "steps[0].layers[1].layer",
            "resnet18 has no layer 'stage2' (its layers: conv1, conv2_x, conv3_x, conv4_x, "
            "conv5_x)",
        ),
    ),
    "weights of another model": (
        VALID + "model: alexnet\nweights: IMAGENET1K_V2\n",
        (
            10,
            "weights",
            "unknown weights 'IMAGENET1K_V2' for alexnet — did you mean 'IMAGENET1K_V1'? "
            "(choose one of imagenet, untrained, IMAGENET1K_V1, or a weights file in the "
            "datasets directory)",
        ),
    ),
    "a weights file outside the datasets": (
        VALID + "weights: ../pets.pth\n",
        (
            9,
            "weights",
            "weights file: '..' is not allowed: images must stay inside datasets/, found "
            "'../pets.pth'",
        ),
    ),
    "classes without a file of one's own": (
        VALID + "num_classes: 2\n",
        (
            9,
            "num_classes",
            "num_classes describes a weights or model file of your own (weights: "
            "models/pets.pth); the lesson's weights are named pretrained weights, whose "
            "classes are known",
        ),
    ),
    "a model file of the wrong kind": (
        VALID + "model: {file: net.onnx, layers: [{name: early, node: layer1}]}\n",
        (
            9,
            "model.file",
            "expected a TorchScript (.pt) or torch.export (.pt2) model file, found 'net.onnx' "
            "(a state dict of a registry model goes under weights:)",
        ),
    ),
    "a model file without layers": (
        VALID + "model: {file: photo.pt}\n",
        (9, "model", "missing required field 'layers'"),
    ),
    "a misspelt field of a model file": (
        VALID + "model: {file: photo.pt, layers: [{name: early, nod: layer1}]}\n",
        (9, "model.layers[0].nod", "unknown field 'nod' — did you mean 'node'?"),
    ),
    "layers is not a list": (
        VALID + "layers: conv2_x\n",
        (9, "layers", "expected a list (lines starting with '- '), found 'conv2_x'"),
    ),
    "layer listed twice": (
        VALID + "layers:\n  - conv2_x\n  - conv3_x\n  - conv2_x\n",
        (12, "layers[2]", "conv2_x is already shown; remove this layer"),
    ),
    "order is not a number": (
        VALID + "order: first\n",
        (9, "order", "expected a whole number, found 'first'"),
    ),
    "max_side too small": (
        VALID + "max_side: 10\n",
        (9, "max_side", "expected a number of at least 64, found 10"),
    ),
    "no steps": (
        VALID.split("steps:")[0] + "steps: []\n",
        (6, "steps", "expected at least one entry, found none"),
    ),
    "steps is a mapping": (
        VALID.split("steps:")[0] + "steps:\n  text: Look.\n",
        (6, "steps", "expected a list (lines starting with '- '), found a mapping (text)"),
    ),
    "no images": (
        "title: t\nimages: {}\nsteps:\n  - text: Look.\n",
        (2, "images", "expected at least one entry, found none"),
    ),
    "step names a missing image": (
        VALID + "    image: foto\n",
        (
            9,
            "steps[0].image",
            "no image 'foto' under images: — did you mean 'photo'? (known: photo)",
        ),
    ),
    "duplicate step ids": (
        VALID.replace("  - text:", "  - id: look\n    text:") + "  - id: look\n    text: Again.\n",
        (10, "steps[1].id", "duplicate step id 'look' (also used by steps[0])"),
    ),
    "an id equal to a default id": (
        VALID + "  - id: step-1\n    text: Again.\n",
        (9, "steps[1].id", "duplicate step id 'step-1' (also used by steps[0])"),
    ),
    "step id with a space": (
        VALID.replace("  - text:", "  - id: first step\n    text:"),
        (
            7,
            "steps[0].id",
            "expected a name of letters, digits, '-' and '_', found 'first step'",
        ),
    ),
    "panel of the wrong type": (
        VALID + "    layers: [conv2_x, 5]\n",
        (
            9,
            "steps[0].layers[1]",
            "expected a layer name such as conv3_x, or {layer: conv3_x, weights: untrained}, "
            "found 5",
        ),
    ),
    "same panel twice": (
        VALID + "    layers: [conv3_x, {layer: conv3_x, weights: imagenet}]\n",
        (
            9,
            "steps[0].layers[1]",
            "conv3_x with weights imagenet is already shown; remove this panel",
        ),
    ),
    "too many panels": (
        VALID + "    layers: [conv1, conv2_x, conv3_x, conv4_x, conv5_x, "
        "{layer: conv1, weights: untrained}, {layer: conv2_x, weights: untrained}]\n",
        (9, "steps[0].layers", "expected at most 6 entries, found 7 entries"),
    ),
    "no panels": (
        VALID + "    layers: []\n",
        (9, "steps[0].layers", "expected at least one entry, found none"),
    ),
    "duplicate key": (
        VALID + "title: Again\n",
        (
            9,
            "title",
            "duplicate key 'title' (first at line 1); YAML would silently keep only the last one",
        ),
    ),
    "not a mapping": (
        "- title: Test lesson\n",
        (
            1,
            "",
            "expected a lesson: a mapping of title:, images:, steps: ..., "
            "found [a mapping (title)]",
        ),
    ),
    "empty file": (
        "# nothing yet\n",
        (1, "", "expected a lesson: a mapping of title:, images:, steps: ..., found an empty file"),
    ),
    "not YAML": (
        VALID.replace("[10, 20]", "[10, 20"),
        (9, "", "expected ',' or ']', but got '<stream end>'"),
    ),
    "a YAML tag": (
        VALID + "summary: !!python/name:os.system ''\n",
        (
            9,
            "summary",
            "YAML tags like '!!python/name:os.system' are not allowed in lesson files; "
            "remove the tag",
        ),
    ),
    "an alias": (
        VALID + "summary: &words Look.\naudience: *words\n",
        (
            9,
            "",
            "anchors (&name) and aliases (*name) are not allowed in lesson files; "
            "write the value out",
        ),
    ),
}


_OUTSIDE = "expected a path inside the datasets directory, found the absolute path"
_DOTS = "'..' is not allowed: images must stay inside datasets/, found"
#: Image paths that try to leave datasets/, and what the instructor reads on line 4.
ESCAPES: dict[str, tuple[str, str]] = {
    "..": ("../photo.png", f"{_DOTS} '../photo.png'"),
    "hidden ..": ("./sub/../../photo.png", f"{_DOTS} './sub/../../photo.png'"),
    "absolute": ("/etc/passwd", f"{_OUTSIDE} '/etc/passwd'"),
    "windows drive": ("C:/photo.png", f"{_OUTSIDE} 'C:/photo.png'"),
    "backslashes": ("sub\\photo.png", "use '/' between folder names, found 'sub\\photo.png'"),
}
