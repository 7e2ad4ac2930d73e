"""Networks kept loaded for the life of the process, with their feature extractors."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from classroom import networks

if TYPE_CHECKING:
    from classroom.extraction import FeatureExtractor

__all__ = ["LOADED_NETWORKS", "LoadedNetworks"]


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
            tuple[str, str], tuple[networks.LoadedNetwork, dict[tuple[str, ...], FeatureExtractor]]
        ] = OrderedDict()
        self._lock = threading.Lock()

    def extractor(
        self,
        weights: networks.ResolvedWeights,
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
                entry = (networks.build_network(weights), {})
            self._entries[key] = entry  # the most recently used last
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
            network, extractors = entry
            if layers not in extractors:
                extractors[layers] = FeatureExtractor(network, layers)
            return extractors[layers]

    def clear(self) -> None:
        """Unload every network (tests start from nothing)."""
        with self._lock:
            self._entries.clear()


#: The networks :func:`prepare` uses, shared by every call in this process.
LOADED_NETWORKS: Final = LoadedNetworks(capacity=2)
