#version 300 es
// A page of a layer's channels as a grid of small grey images: each tile is one channel's
// |value| over the layer's largest magnitude (one texel per cell, nearest), through the grey
// table; the chosen channel's tile gets a frame. Gaps show the background. One draw for the
// whole page; the values arrive as a texture array, one layer per tile.
precision highp float;
precision highp int;
precision highp sampler2DArray;

uniform sampler2DArray u_tiles;  // R32F: one layer per tile, one texel per cell
uniform ivec2 u_grid;            // cells per tile (width, height)
uniform int u_count;             // tiles on this page
uniform int u_columns;           // tiles per row
uniform float u_tileSize;        // device pixels per tile side (the longer grid side)
uniform float u_gap;             // device pixels between tiles
uniform float u_canvasHeight;    // device pixels
uniform float u_peak;            // the layer's largest |value|
uniform int u_selected;          // the framed tile, or -1
uniform vec3 u_background;
uniform vec3 u_frame;

out vec4 o_colour;

void main() {
  vec2 at = vec2(gl_FragCoord.x, u_canvasHeight - gl_FragCoord.y);  // from the top-left
  float pitch = u_tileSize + u_gap;
  ivec2 slot = ivec2(floor(at / pitch));
  vec2 inside = at - vec2(slot) * pitch;
  int tile = slot.y * u_columns + slot.x;
  float scale = u_tileSize / float(max(u_grid.x, u_grid.y));
  vec2 extent = vec2(u_grid) * scale;
  if (slot.x >= u_columns || tile >= u_count || any(greaterThanEqual(inside, extent))) {
    bool framing = tile == u_selected && slot.x < u_columns && all(lessThan(inside, extent + u_gap * 0.5));
    o_colour = vec4(framing ? u_frame : u_background, 1.0);
    return;
  }
  ivec2 cell = min(ivec2(inside / scale), u_grid - 1);
  float value = abs(texelFetch(u_tiles, ivec3(cell, tile), 0).r);
  float grey = u_peak > 0.0 ? clamp(value / u_peak, 0.0, 1.0) : 0.0;
  // The same rounding as the reference: round(grey * 255) / 255.
  o_colour = vec4(vec3(floor(grey * 255.0 + 0.5) / 255.0), 1.0);
}
