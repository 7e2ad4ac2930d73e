#version 300 es
// A technique's tiles (a bank of filters, a page of channels) in one region of the canvas:
// the grid (first = 0, every tile) or the enlarged tile beside it (first = the chosen tile,
// one column). Each value is one square (texelFetch, nearest). Colours as
// classroom.techniques.figure colours them:
//   picture tiles: round(clamp(rgb, 0, 1) * 255) / 255 (first-layer filters, their own colours)
//   other tiles:   t = clamp((v - low) / (high - low), 0, 1); table[clamp(floor(t * 256), 0, 255)]
// The chosen tile of the grid gets a frame. Gaps show the background.
precision highp float;
precision highp int;
precision highp sampler2DArray;
precision highp sampler2D;

uniform sampler2DArray u_tiles;  // R32F or RGB32F: one layer per tile, one texel per value
uniform sampler2D u_lut;         // 256x1 colour table (tiles that are not pictures)
uniform bool u_picture;
uniform vec2 u_range;            // (low, high) of the colour table
uniform vec2 u_origin;           // the region's top-left, device pixels from the canvas's top-left
uniform ivec2 u_grid;            // values per tile (width, height)
uniform int u_first;             // the region's first tile
uniform int u_count;             // tiles in the region
uniform int u_columns;           // tiles per row
uniform float u_tileSize;        // device pixels per tile side (the longer grid side)
uniform float u_gap;             // device pixels between tiles
uniform float u_canvasHeight;    // device pixels
uniform int u_selected;          // the framed tile (absolute index), or -1
uniform vec3 u_background;
uniform vec3 u_frame;

out vec4 o_colour;

vec3 colourOf(vec3 value) {
  if (u_picture) {
    return floor(clamp(value, 0.0, 1.0) * 255.0 + 0.5) / 255.0;
  }
  float t = u_range.y > u_range.x ? clamp((value.r - u_range.x) / (u_range.y - u_range.x), 0.0, 1.0) : 0.0;
  return texelFetch(u_lut, ivec2(clamp(int(floor(t * 256.0)), 0, 255), 0), 0).rgb;
}

void main() {
  vec2 at = vec2(gl_FragCoord.x, u_canvasHeight - gl_FragCoord.y) - u_origin;
  float pitch = u_tileSize + u_gap;
  ivec2 slot = ivec2(floor(at / pitch));
  vec2 inside = at - vec2(slot) * pitch;
  int position = slot.y * u_columns + slot.x;
  int tile = u_first + position;
  float scale = u_tileSize / float(max(u_grid.x, u_grid.y));
  vec2 extent = vec2(u_grid) * scale;
  if (slot.x >= u_columns || position >= u_count || any(greaterThanEqual(inside, extent))) {
    bool framing = tile == u_selected && slot.x < u_columns && all(lessThan(inside, extent + u_gap * 0.5));
    o_colour = vec4(framing ? u_frame : u_background, 1.0);
    return;
  }
  ivec2 cell = min(ivec2(inside / scale), u_grid - 1);
  o_colour = vec4(colourOf(texelFetch(u_tiles, ivec3(cell, tile), 0).rgb), 1.0);
}
