#version 300 es
// The inverse length of every cell's code vector (0 for a zero vector), four cells per
// texel, computed once per upload so that the similarity pass never recomputes a norm.
// One draw per texture array, adding up; the last writes 1 / sqrt(sum). The groups of a
// texel are unpacked with constant indices (a variable component index is slow to compile
// into per-fragment code on software renderers). Needs codes.glsl.
precision highp float;
precision highp int;
precision highp sampler2D;

uniform CODE_SAMPLER u_codes;
uniform int u_slices;
uniform int u_lastColumn;
uniform sampler2D u_partial;
uniform bool u_accumulate;
uniform bool u_finish;

out vec4 o_value;

float texelSquares(CODE_TEXEL texel) {
  vec4 value = groupOf(texel, 0);
  float sum = dot(value, value);
#if GROUPS_PER_TEXEL > 1
  value = groupOf(texel, 1);
  sum += dot(value, value);
#endif
#if GROUPS_PER_TEXEL > 2
  value = groupOf(texel, 2);
  sum += dot(value, value);
  value = groupOf(texel, 3);
  sum += dot(value, value);
#endif
  return sum;
}

float squares(ivec2 cell) {
  float sum = 0.0;
  for (int slice = 0; slice < u_slices; ++slice) {
    sum += texelSquares(fetchCodes(u_codes, ivec3(cell, slice)));
  }
  return sum;
}

void main() {
  ivec2 texel = ivec2(gl_FragCoord.xy);
  int x = texel.x * 4;
  ivec2 c0 = ivec2(x, texel.y);
  ivec2 c1 = ivec2(min(x + 1, u_lastColumn), texel.y);
  ivec2 c2 = ivec2(min(x + 2, u_lastColumn), texel.y);
  ivec2 c3 = ivec2(min(x + 3, u_lastColumn), texel.y);
  vec4 sum = u_accumulate ? texelFetch(u_partial, texel, 0) : vec4(0.0);
  sum += vec4(squares(c0), squares(c1), squares(c2), squares(c3));
  if (u_finish) {
    sum = vec4(greaterThan(sum, vec4(0.0))) / sqrt(max(sum, vec4(1e-30)));
  }
  o_value = sum;
}
