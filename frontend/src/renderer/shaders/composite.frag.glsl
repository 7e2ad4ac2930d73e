#version 300 es
// One panel on screen: the input image (greyscale by default) beneath the coloured cells.
// Cells are sampled nearest (the view shows cells, not a blur) and the heat map ends at the
// image edge, so a partial last cell is clipped, never stretched. Opacity follows the
// stretched similarity t, shifted by the control (IFeaLiD, section 2.3).
//
// This runs for every displayed pixel of every frame (pan, zoom, opacity), so it does only
// what each pixel needs: two texel fetches and a blend, without branches. It runs only over
// the image's part of the panel (a scissor; the rest is cleared to the background), its
// image coordinates come interpolated from the vertex shader, and the markers are drawn
// afterwards over their own small boxes (marker.frag), not tested for in every pixel.
precision highp float;
precision highp int;
precision highp sampler2D;

uniform sampler2D u_image;    // the analysis image, mipmapped
uniform int u_imageLevel;     // the mipmap level whose texels are about one screen pixel
uniform ivec2 u_levelLast;    // that level's last texel
uniform sampler2D u_colour;   // per cell: rgb colour, alpha t
uniform ivec2 u_lastCell;     // u_colour's last texel
uniform float u_opacityShift; // -1 .. 1
uniform float u_colourImage;  // 0 greyscale, 1 colour
uniform float u_showHeat;     // 0 until the layer is ready

in vec4 v_at;                 // this pixel's centre: xy in the image's level, zw in cells

out vec4 o_colour;

const vec3 LUMA = vec3(0.2126, 0.7152, 0.0722);

void main() {
  // The nearest texel of the level that matches the zoom: as smooth as filtering when zoomed
  // out, crisp image pixels when zoomed in, and far cheaper than trilinear filtering.
  // (Coordinates are >= 0 on the image, so truncating is flooring; the clamp catches the
  // edge's rounding.)
  ivec4 at = ivec4(v_at);
  ivec2 pixel = clamp(at.xy, ivec2(0), u_levelLast);
  vec3 photo = texelFetch(u_image, pixel, u_imageLevel).rgb;
  vec3 colour = mix(vec3(dot(photo, LUMA)), photo, u_colourImage);
  // Pixels past the last cell (a floor-rounding network such as VGG) show the image alone.
  ivec2 cell = at.zw;
  vec4 heat = texelFetch(u_colour, min(cell, u_lastCell), 0);
  float inGrid = float(all(lessThanEqual(cell, u_lastCell)));
  float opacity = u_showHeat * inGrid * clamp(heat.a + u_opacityShift, 0.0, 1.0);
  o_colour = vec4(mix(colour, heat.rgb, opacity), 1.0);
}
