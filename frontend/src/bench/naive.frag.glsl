#version 300 es
// The straightforward similarity shader the benchmark compares against (the original tool's
// approach): every fragment re-reads the reference texel and accumulates both norms inside
// its loop, instead of using a reference normalised once and norms computed once.
// Runs on the plain layout (one group of four channels per texel), as the original did.
precision highp float;
precision highp int;
uniform CODE_SAMPLER u_codes;
uniform int u_slices;
uniform ivec2 u_referenceCell;

out vec4 o_similarity;

const float HALF_PI = 1.5707963267948966;

void main() {
  ivec2 cell = ivec2(gl_FragCoord.xy);
  float product = 0.0;
  float cellSquares = 0.0;
  float referenceSquares = 0.0;
  for (int group = 0; group < u_slices; ++group) {
    vec4 value = vec4(texelFetch(u_codes, ivec3(cell, group), 0));
    vec4 reference = vec4(texelFetch(u_codes, ivec3(u_referenceCell, group), 0));
    product += dot(value, reference);
    cellSquares += dot(value, value);
    referenceSquares += dot(reference, reference);
  }
  if (cellSquares == 0.0 || referenceSquares == 0.0) {
    o_similarity = vec4(0.0);
    return;
  }
  float cosine = clamp(product / (sqrt(cellSquares) * sqrt(referenceSquares)), -1.0, 1.0);
  o_similarity = vec4(1.0 - acos(cosine) / HALF_PI, 0.0, 0.0, 1.0);
}
