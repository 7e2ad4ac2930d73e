"""The prepared-feature store: one immutable file per encoded feature map.

* :mod:`classroom.store.format`: the feature-file format (keys, headers, serialize, parse);
* :mod:`classroom.store.files`: :class:`FeatureStore`, the directory with atomic writes
  (:mod:`classroom.store.atomic`) and validated reads (files opened by
  :mod:`classroom.store.opening`, analysis images sealed by :mod:`classroom.store.sealed_png`,
  damaged files reported once and removed by :mod:`classroom.store.damage`);
* :mod:`classroom.store.maintenance`: removing what nobody reads again.
"""

from __future__ import annotations

from classroom.store.files import (
    FILE_MODE,
    FeatureStore,
    StoreFile,
    StoreWriteError,
    default_store_root,
)
from classroom.store.format import (
    FEATURE_SUFFIX,
    FORMAT_VERSION,
    MAGIC,
    DamagedEntryError,
    EntryKey,
    FeatureFileHeader,
    LayerInfo,
    PreparedLayer,
)
from classroom.store.maintenance import (
    UPLOAD_MAX_AGE_DAYS,
    MaintenanceReport,
    Removal,
    Removed,
)
from classroom.store.results import ResultKey

__all__ = [
    "FEATURE_SUFFIX",
    "FILE_MODE",
    "FORMAT_VERSION",
    "MAGIC",
    "UPLOAD_MAX_AGE_DAYS",
    "DamagedEntryError",
    "EntryKey",
    "FeatureFileHeader",
    "FeatureStore",
    "LayerInfo",
    "MaintenanceReport",
    "PreparedLayer",
    "Removal",
    "Removed",
    "ResultKey",
    "StoreFile",
    "StoreWriteError",
    "default_store_root",
]
