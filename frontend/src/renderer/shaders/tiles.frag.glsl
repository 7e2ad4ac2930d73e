#version 300 es
// Tiles in one region of the canvas: a grid of `u_count` tiles from `u_first` (an activations
// page; a technique's filters), or one tile alone, enlarged (first = the chosen tile, one
// column). Each value is one square (texelFetch, nearest); gaps show the background and the
// selected tile of a grid gets a frame. Colours, with s(x) = clamp((x - low) / (high - low), 0, 1):
//   picture   (0): round(s(rgb) * 255) / 255               first-layer filters (0..1: own colours)
//   table     (1): table[clamp(floor(s(v) * 256), 0, 255)] a deeper filter, channel maps
//   magnitude (2): grey round(|v| / high * 255) / 255      activation pages (high: the layer's peak)
// classroom.techniques.figure (pictures), classroom.similarity.map_colours (tables) and the
// activations panel's grey are the references.
precision highp float;
precision highp int;
precision highp sampler2DArray;
precision highp sampler2D;

uniform sampler2DArray u_tiles;  // R32F or RGB32F: one layer per tile, one texel per value
uniform sampler2D u_lut;         // 256x1 colour table (colouring 1)
uniform int u_colouring;         // 0 picture, 1 table, 2 magnitude
uniform vec2 u_range;            // (low, high)
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

vec3 rounded(vec3 unit) {
  return floor(clamp(unit, 0.0, 1.0) * 255.0 + 0.5) / 255.0;
}

vec3 colourOf(vec3 value) {
  float span = u_range.y - u_range.x;
  if (u_colouring == 0) {
    return rounded(span > 0.0 ? (value - u_range.x) / span : vec3(0.0));
  }
  if (u_colouring == 2) {
    return rounded(vec3(u_range.y > 0.0 ? abs(value.r) / u_range.y : 0.0));
  }
  float t = span > 0.0 ? clamp((value.r - u_range.x) / span, 0.0, 1.0) : 0.0;
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
