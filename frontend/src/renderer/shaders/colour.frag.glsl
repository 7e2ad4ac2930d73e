#version 300 es
// Per cell: the adaptive stretch t = (v - min) / (max - min) (0 for a flat map; Elmqvist et al.
// 2010) and the colour-table entry clamp(floor(t * 256), 0, 255). The colour goes to rgb and
// t to alpha, where the composite turns it into opacity. Done once per cell, not per pixel.
// Needs CELLS, the cells per texel of the values map.
precision highp float;
precision highp int;
precision highp sampler2D;

uniform sampler2D u_values;   // CELLS (1 or 4) cells per texel
uniform sampler2D u_lut;      // 256x1 colour table

flat in vec2 v_range;         // (min, max), read once per vertex (colour.vert)

out vec4 o_colour;

void main() {
  ivec2 cell = ivec2(gl_FragCoord.xy);
#if CELLS == 4
  // The cell's component picked by a mask: an index computed per fragment into a vector is
  // a slow path on software renderers.
  vec4 four = texelFetch(u_values, ivec2(cell.x >> 2, cell.y), 0);
  float value = dot(four, vec4(equal(ivec4(cell.x & 3), ivec4(0, 1, 2, 3))));
#else
  float value = texelFetch(u_values, cell, 0).r;
#endif
  vec2 range = v_range;
  float t = range.y > range.x ? (value - range.x) / (range.y - range.x) : 0.0;
  int index = clamp(int(floor(t * 256.0)), 0, 255);
  o_colour = vec4(texelFetch(u_lut, ivec2(index, 0), 0).rgb, clamp(t, 0.0, 1.0));
}
