#version 300 es
// The read floor: every texel of a layer's codes fetched once and summed, nothing else (no
// unpacking, no reference). The cheapest way found to touch every byte on the GPU (one
// cell per fragment), for the benchmark's "how far from the limit" figure.
precision highp float;
precision highp int;
precision highp usampler2DArray;

uniform usampler2DArray u_codes;
uniform int u_slices;

out vec4 o_sum;

void main() {
  ivec2 cell = ivec2(gl_FragCoord.xy);
  uvec4 sum = uvec4(0u);
  for (int slice = 0; slice < u_slices; ++slice) {
    sum += texelFetch(u_codes, ivec3(cell, slice), 0);
  }
  o_sum = vec4(sum);
}
