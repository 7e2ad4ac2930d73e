#version 300 es
// The inverse length of every cell's code vector (0 for a zero vector), four cells per
// texel, computed once per upload so that the similarity pass never recomputes a norm.
// One draw per texture array, adding up; the last writes 1 / sqrt(sum). Needs codes.glsl.
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

float squares(ivec2 cell) {
  float sum = 0.0;
  for (int slice = 0; slice < u_slices; ++slice) {
    CODE_TEXEL texel = fetchCodes(u_codes, ivec3(cell, slice));
    for (int k = 0; k < GROUPS_PER_TEXEL; ++k) {
      vec4 value = groupOf(texel, k);
      sum += dot(value, value);
    }
  }
  return sum;
}

void main() {
  ivec2 texel = ivec2(gl_FragCoord.xy);
  int x = texel.x * 4;
  vec4 sum = u_accumulate ? texelFetch(u_partial, texel, 0) : vec4(0.0);
  sum += vec4(
    squares(ivec2(x, texel.y)),
    squares(ivec2(min(x + 1, u_lastColumn), texel.y)),
    squares(ivec2(min(x + 2, u_lastColumn), texel.y)),
    squares(ivec2(min(x + 3, u_lastColumn), texel.y)));
  if (u_finish) {
    sum = vec4(greaterThan(sum, vec4(0.0))) / sqrt(max(sum, vec4(1e-30)));
  }
  o_value = sum;
}
