#version 300 es
// One step of the min/max reduction: each fragment folds a BLOCK x BLOCK block of its source
// into (min, max), until one texel is left, so the stretch never needs the map on the CPU.
// The first step reads the values map (CELLS cells per texel, cells past the grid's width
// ignored); later steps read (min, max) pairs. Needs CELLS (1 or 4).
precision highp float;
precision highp int;
precision highp sampler2D;

#define BLOCK 4

uniform sampler2D u_source;
uniform ivec2 u_sourceSize;
uniform bool u_first;
uniform int u_gridWidth;      // first step: cells per row

out vec4 o_minMax;

void main() {
  ivec2 base = ivec2(gl_FragCoord.xy) * BLOCK;
  float low = 3.4e38;
  float high = -3.4e38;
  for (int dy = 0; dy < BLOCK; ++dy) {
    for (int dx = 0; dx < BLOCK; ++dx) {
      ivec2 at = base + ivec2(dx, dy);
      if (at.x >= u_sourceSize.x || at.y >= u_sourceSize.y) continue;
      vec4 value = texelFetch(u_source, at, 0);
      if (u_first) {
        // Every cell of the texel at once, those past the grid's width masked out (no
        // per-fragment component index: a slow path on software renderers).
#if CELLS == 4
        bvec4 inGrid = lessThan(ivec4(at.x * 4) + ivec4(0, 1, 2, 3), ivec4(u_gridWidth));
        vec4 lows = mix(vec4(3.4e38), value, inGrid);
        vec4 highs = mix(vec4(-3.4e38), value, inGrid);
        low = min(low, min(min(lows.x, lows.y), min(lows.z, lows.w)));
        high = max(high, max(max(highs.x, highs.y), max(highs.z, highs.w)));
#else
        low = min(low, value.x);
        high = max(high, value.x);
#endif
      } else {
        low = min(low, value.x);
        high = max(high, value.y);
      }
    }
  }
  o_minMax = vec4(low, high, 0.0, 1.0);
}
