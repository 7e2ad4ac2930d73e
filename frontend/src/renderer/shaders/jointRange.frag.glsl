#version 300 es
// The range of two maps together: min of their minima, max of their maxima. Chained over the
// images of a cross-image panel, it gives one (min, max) that every image is stretched over,
// so the same colour means the same similarity in every image. 1x1 in, 1x1 out.
precision highp float;
precision highp sampler2D;

uniform sampler2D u_a;  // 1x1: (min, max) so far
uniform sampler2D u_b;  // 1x1: (min, max) of the next map

out vec4 o_range;

void main() {
  vec2 a = texelFetch(u_a, ivec2(0), 0).rg;
  vec2 b = texelFetch(u_b, ivec2(0), 0).rg;
  o_range = vec4(min(a.x, b.x), max(a.y, b.y), 0.0, 1.0);
}
