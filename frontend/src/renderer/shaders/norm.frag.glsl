#version 300 es
// The inverse length of every cell's code vector (0 for a zero vector), four cells per
// texel, computed once per upload so that the similarity pass never recomputes a norm.
// One draw per texture array, adding up; the last writes 1 / sqrt(sum). A texel's codes are
// read by planes without shifts, as the similarity pass reads them (codes.glsl's PLANE; a
// vector shift is four scalar ones on software renderers): the squares are the same, in
// another order within the texel. Needs codes.glsl and PLANE_OFFSETS.
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

// Plane k's four codes themselves: PLANE reads each code plus its plane's offset, times
// 2^(CODE_BITS k), both exact in float (planeCoding.ts), so no shift is needed.
const vec4 PLANE_OFFSET = PLANE_OFFSETS;
#define PLANE_CODES(texel, k) (PLANE(texel, k) * exp2(-float(CODE_BITS * (k))) - PLANE_OFFSET[k])

float texelSquares(CODE_TEXEL texel) {
  vec4 value = PLANE_CODES(texel, 0);
  float sum = dot(value, value);
#if GROUPS_PER_TEXEL > 1
  value = PLANE_CODES(texel, 1);
  sum += dot(value, value);
#endif
#if GROUPS_PER_TEXEL > 2
  value = PLANE_CODES(texel, 2);
  sum += dot(value, value);
  value = PLANE_CODES(texel, 3);
  sum += dot(value, value);
#endif
  return sum;
}

float squares(ivec2 cell) {
  float sum = 0.0;
  for (int slice = 0; slice < u_slices; ++slice) {
    sum += texelSquares(flipCodes(fetchCodes(u_codes, ivec3(cell, slice))));
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
