"""A collection's forward passes on one worker or several give the same bytes, in order.

Both sides run every convolution on one torch thread: the same chunks then make the same
bytes. (With more torch threads, oneDNN may sum in another order and differ in the last bits
on some CPUs, which says nothing about the workers.)"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from classroom.collections.sources import digits_collection
from classroom.collections.vectors import load_network
from classroom.collections.workers import CHUNK, chunks, forward_maps

LAYERS = ["block1", "block2", "block3"]


def test_chunks_cover_every_image_once_in_order() -> None:
    ranges = chunks(2 * CHUNK + 5)
    assert ranges == [(0, CHUNK), (CHUNK, 2 * CHUNK), (2 * CHUNK, 2 * CHUNK + 5)]
    assert chunks(0) == []


def test_two_workers_give_the_bytes_of_one() -> None:
    collection = digits_collection(2 * CHUNK + 5)  # two whole chunks and a short one
    network = load_network("digits", "trained")
    reported: list[tuple[int, int]] = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        one = forward_maps(network, collection.images, LAYERS, lambda *_: None)
    finally:
        torch.set_num_threads(threads)
    two = forward_maps(
        network, collection.images, LAYERS, lambda d, t: reported.append((d, t)), workers=2
    )
    for name in LAYERS:
        assert one[name].dtype == two[name].dtype == np.float32
        assert one[name].shape[0] == len(collection)
        assert one[name].tobytes() == two[name].tobytes(), name
    # Each image's maps are its own: a chunk's images are not mixed up with another's.
    alone = forward_maps(network, collection.images[-3:], LAYERS, lambda *_: None)
    np.testing.assert_allclose(alone["block3"], two["block3"][-3:], rtol=1e-5, atol=1e-6)
    assert reported == [
        (CHUNK, len(collection)),
        (2 * CHUNK, len(collection)),
        (len(collection), len(collection)),
    ]


def test_no_workers_is_refused() -> None:
    network = load_network("digits", "untrained")
    with pytest.raises(ValueError, match="workers must be at least 1"):
        forward_maps(network, np.zeros((1, 8, 8, 3), np.uint8), LAYERS, lambda *_: None, workers=0)


def test_a_thread_already_running_keeps_its_torch_threads_while_workers_run() -> None:
    """The workers set torch's thread count to one while they run. Torch keeps the count per
    thread from the thread's first use: a thread already running (the page's, extracting
    features of the shared network) keeps its own, and the caller's is put back after."""
    import threading

    collection = digits_collection(CHUNK + 1)
    network = load_network("digits", "untrained")
    threads = torch.get_num_threads()
    started, inside, read = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, int] = {}

    def page() -> None:
        seen["before"] = torch.get_num_threads()
        started.set()
        assert inside.wait(120)
        seen["during"] = torch.get_num_threads()
        read.set()

    running = threading.Thread(target=page)
    running.start()
    assert started.wait(120)  # the thread used torch before the workers start

    def progress(done: int, _total: int) -> None:
        if done == CHUNK:  # the first chunk is done: the workers are running
            seen["caller"] = torch.get_num_threads()
            inside.set()
            assert read.wait(120)

    forward_maps(network, collection.images, LAYERS, progress, workers=2)
    running.join(120)
    assert seen == {"before": threads, "caller": 1, "during": threads}
    assert torch.get_num_threads() == threads
