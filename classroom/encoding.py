"""The value transform between float32 feature maps and texture-ready codes.

A feature map of shape ``(H, W, D)`` is stored as integer (or float) *codes* laid out
exactly as the renderer samples them: ``(S, H, W, T)`` with ``T`` channels per 16-byte
texel (16 at 8 bit, 8 at 16 bit, 4 at 32 bit) and ``S = ceil(D / T)`` texel slices. One
slice is one layer of a WebGL 2 ``TEXTURE_2D_ARRAY`` in ``RGBA32UI`` (integer codes, unpacked
by the shaders) or ``RGBA32F``, so the browser uploads the bytes as they arrive, without
re-arranging them; one texel fetch yields ``T`` channels.

The transform is a **per-pixel scale** (see ``docs/feature-format.md``)::

    s_p    = max_k |x_pk| / L           (L = 255 for 8 bit, 65535 for 16 bit; 127 / 32767 signed)
    q_pk   = round(x_pk / s_p)          (q_p = 0 where s_p = 0)
    x'_pk  = q_pk * s_p                 (the reconstruction)

Because each feature vector is only multiplied by its own positive factor, the angle
between two reconstructed vectors equals the angle between their codes, and both equal
the angle between the original vectors up to rounding. The similarity view therefore
works on the codes directly. The original IFeaLiD format shifts all values by the global
minimum instead, which changes angles as soon as the data is signed; and one global scale
would spend most of the 8-bit range on the few largest activations of a layer.

32-bit precision keeps the float32 values unchanged (every scale is 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

import numpy as np
import numpy.typing as npt

__all__ = [
    "CODE_DTYPES",
    "PRECISIONS",
    "TEXEL_BYTES",
    "EncodedLayer",
    "Precision",
    "channels_per_texel",
    "code_dtype",
    "decode",
    "encode",
    "levels",
]

Precision = Literal[8, 16, 32]
PRECISIONS: Final[tuple[Precision, ...]] = get_args(Precision)

#: numpy dtype name of the codes, by (precision, signed). The names are part of the file format.
CODE_DTYPES: Final[dict[tuple[int, bool], str]] = {
    (8, False): "uint8",
    (8, True): "int8",
    (16, False): "uint16",
    (16, True): "int16",
    (32, False): "float32",
    (32, True): "float32",
}


def code_dtype(precision: Precision, signed: bool) -> np.dtype[np.generic]:
    """The little-endian numpy dtype of the codes for ``precision`` and signedness."""
    return np.dtype(CODE_DTYPES[(precision, signed)]).newbyteorder("<")


#: Every texel holds 16 bytes: one RGBA32UI or RGBA32F texel fetch, whatever the precision.
TEXEL_BYTES: Final = 16


def channels_per_texel(precision: Precision) -> int:
    """``T``: how many codes of ``precision`` bits fill one 16-byte texel (16, 8 or 4)."""
    return TEXEL_BYTES * 8 // precision


def levels(precision: Precision, signed: bool) -> int:
    """Largest code magnitude ``L`` of an integer precision (the per-pixel scale divides by it)."""
    if precision == 32:
        raise ValueError("32-bit precision stores float32 values and has no integer levels")
    bits = precision - 1 if signed else precision
    return int(2**bits - 1)


@dataclass(frozen=True)
class EncodedLayer:
    """One feature map in texture-ready form.

    Attributes:
        codes: ``(S, H, W, T)`` codes with ``T = channels_per_texel(precision)``; channel
            ``k`` is ``codes[k // T, :, :, k % T]``. Channels past ``channels`` (padding up to
            a multiple of ``T``) are zero.
        scales: ``(H, W)`` float32 per-pixel scale ``s_p`` (all ones at 32 bit).
        channels: the number of real channels ``D``.
        precision: 8, 16 or 32.
        signed: whether the source had negative values (codes are then signed integers).
    """

    codes: npt.NDArray[np.generic]
    scales: npt.NDArray[np.float32]
    channels: int
    precision: Precision
    signed: bool

    @property
    def height(self) -> int:
        return int(self.codes.shape[1])

    @property
    def width(self) -> int:
        return int(self.codes.shape[2])

    @property
    def slices(self) -> int:
        return int(self.codes.shape[0])

    @property
    def channels_per_texel(self) -> int:
        return int(self.codes.shape[3])

    def code_vectors(self) -> npt.NDArray[np.float64]:
        """The codes as ``(H, W, D)`` float64 vectors: what the browser's shader multiplies."""
        return _channels_last(self).astype(np.float64)


def encode(features: npt.ArrayLike, precision: Precision) -> EncodedLayer:
    """Encode an ``(H, W, D)`` feature map at ``precision`` bits.

    Raises:
        ValueError: if the array is not three-dimensional, is empty or holds NaN or infinity
            (a broken weights file produces those; they must never reach a classroom).
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
    values = np.asarray(features, dtype=np.float32)
    if values.ndim != 3 or 0 in values.shape:
        raise ValueError(
            f"a feature map must have shape (H, W, D) with no empty axis, not {values.shape}"
        )
    if not np.isfinite(values).all():
        raise ValueError("the feature map holds NaN or infinite values")

    height, width, channels = values.shape
    signed = bool((values < 0).any())
    per_texel = channels_per_texel(precision)
    padded = (-channels) % per_texel
    if padded:
        values = np.concatenate([values, np.zeros((height, width, padded), np.float32)], axis=2)

    if precision == 32:
        codes: npt.NDArray[np.generic] = values
        scales = np.ones((height, width), np.float32)
    else:
        top = levels(precision, signed)
        magnitude = np.abs(values).max(axis=2)
        scales = (magnitude / np.float32(top)).astype(np.float32)
        # Divide by the float32 scale actually stored, so that decode() inverts encode() exactly.
        safe = np.where(scales > 0, scales, np.float32(1))
        # In place on one quotient: a 1024-pixel picture's conv2_x map is 67 MB, and each
        # temporary would be another 67 MB while the server prepares it.
        quotient = values / safe[:, :, None]
        np.rint(quotient, out=quotient)
        np.clip(quotient, -top, top, out=quotient)
        codes = quotient.astype(code_dtype(precision, signed))
        del quotient

    # (H, W, S*T) -> (S, H, W, T): one texture-array slice per texel's worth of channels.
    texture_ready = np.ascontiguousarray(
        codes.reshape(height, width, -1, per_texel).transpose(2, 0, 1, 3),
        dtype=code_dtype(precision, signed),
    )
    return EncodedLayer(texture_ready, np.ascontiguousarray(scales), channels, precision, signed)


def decode(layer: EncodedLayer) -> npt.NDArray[np.float32]:
    """Reconstruct the ``(H, W, D)`` float32 feature map ``x' = q * s``."""
    values = np.asarray(_channels_last(layer), dtype=np.float32)
    reconstructed: npt.NDArray[np.float32] = values * layer.scales[:, :, None]
    return reconstructed


def _channels_last(layer: EncodedLayer) -> npt.NDArray[np.generic]:
    """The ``(H, W, D)`` codes (a copy): slices and texel positions back in channel order."""
    vectors = np.moveaxis(layer.codes, 0, 2).reshape(layer.height, layer.width, -1)
    return vectors[:, :, : layer.channels]
