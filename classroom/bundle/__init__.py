"""Lesson bundles: a prepared lesson in one file, opened by a viewer without torch.

* :mod:`classroom.bundle.manifest`: what a bundle holds, member-name rules, limits;
* :mod:`classroom.bundle.writing`: :func:`write_bundle` (``classroom bundle``);
* :mod:`classroom.bundle.opening`: :func:`open_bundle`, verify then unpack (``classroom open``);
* :mod:`classroom.bundle.figure`: a step's panels as a picture for slides (``classroom figure``).

docs/bundles.md says how instructors make them and students open them.
"""

from __future__ import annotations

from classroom.bundle.errors import BundleError
from classroom.bundle.manifest import BUNDLE_SUFFIX, Limits, Manifest
from classroom.bundle.opening import OpenedBundle, open_bundle, verify_bundle

__all__ = [
    "BUNDLE_SUFFIX",
    "BundleError",
    "Limits",
    "Manifest",
    "OpenedBundle",
    "open_bundle",
    "verify_bundle",
]
