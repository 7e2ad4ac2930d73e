#version 300 es
// The values map (four cells per texel) from a pair of half-width targets (PairTarget):
// texel t is texel t / 2 of the low target (cells 8(t/2)..+3) for even t, of the high one
// (cells 8(t/2)+4..+7) for odd t. Both are fetched and one is picked by a mask: a branch per
// fragment is a slow path on software renderers. Two fetches per texel against the
// similarity pass's one per cell and slice.
precision highp float;
precision highp int;
precision highp sampler2D;

uniform sampler2D u_low;
uniform sampler2D u_high;

out vec4 o_value;

void main() {
  ivec2 texel = ivec2(gl_FragCoord.xy);
  ivec2 pair = ivec2(texel.x >> 1, texel.y);
  float high = float(texel.x & 1);
  o_value = mix(texelFetch(u_low, pair, 0), texelFetch(u_high, pair, 0), high);
}
