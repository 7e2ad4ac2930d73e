"""classroom: see how a convolutional network perceives an image, layer by layer.

The package is organised one module per concern, with data flowing one way::

    lessons  ->  preparation (images, extraction, encoding, store)  ->  app  ->  component

with the network registry (:mod:`classroom.networks`) read by all of them.

Importing :mod:`classroom` is cheap: it does not import torch, Streamlit or numpy.
Import the submodule you need instead.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
