"""The two networks classroom trains itself, so that lessons and tests have real learned features
offline (pretrained ImageNet weights cannot always be downloaded).

* ``shapes``: a small VGG-like network trained on generated images of shapes (circle, square,
  triangle, star, cross) over random textured backgrounds; fully convolutional with global
  average pooling, so it takes any image from 96 pixels up (issue 10).
* ``digits``: a smaller network of the same kind trained on scikit-learn's bundled handwritten
  digits, upsampled to 32 x 32 (issue 14).

Modules, one concern each (data flows top to bottom; nothing imports upwards):

* :mod:`~classroom.trained.shapes`, :mod:`~classroom.trained.backgrounds`: drawing one shape,
  rendering one textured background (numpy and Pillow only);
* :mod:`~classroom.trained.scenes`: composing shapes on a background, and the seeded random
  samples the shapes network learns from;
* :mod:`~classroom.trained.digits`: the digits data set and its fixed held-out split;
* :mod:`~classroom.trained.specs`: each network's layers, classes and input normalisation as
  plain data (no torch), for the network registry;
* :mod:`~classroom.trained.architectures`: the ``torch.nn.Module`` of each network;
* :mod:`~classroom.trained.data`: the batches each network trains and is evaluated on;
* :mod:`~classroom.trained.training`: the recipes, the seeded training loop and evaluation;
* :mod:`~classroom.trained.weights`: the shipped weights and their recipe files;
* :mod:`~classroom.trained.terminal`: ``classroom train`` (the only module that prints).

Importing this package is cheap: torch is imported only by the modules that need it.
"""

__all__: list[str] = []
