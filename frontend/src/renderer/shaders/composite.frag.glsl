#version 300 es
// One panel on screen: the input image (greyscale by default) beneath the coloured cells.
// Cells are sampled nearest (the view shows cells, not a blur) and the heat map ends at the
// image edge, so a partial last cell is clipped, never stretched. Opacity follows the
// stretched similarity t, shifted by the control (IFeaLiD, section 2.3).
//
// This runs for every displayed pixel of every frame (pan, zoom, opacity), so it does only
// what each pixel needs: two texel fetches and a blend. The markers are drawn afterwards
// over their own small boxes (marker.frag), not tested for in every pixel.
precision highp float;
precision highp int;
precision highp sampler2D;

uniform sampler2D u_image;    // the analysis image, mipmapped
uniform int u_imageLevel;     // the mipmap level whose texels are about one screen pixel
uniform ivec2 u_levelLast;    // that level's last texel
uniform sampler2D u_colour;   // per cell: rgb colour, alpha t
uniform vec2 u_imageSize;     // image pixels
uniform float u_cellsPerPixel; // 1 / stride: cells per image pixel
uniform vec4 u_viewport;      // origin (GL, bottom-left) and size, device pixels
uniform vec3 u_toImage;       // image = u_toImage.xy + local * u_toImage.z
uniform float u_opacityShift; // -1 .. 1
uniform float u_colourImage;  // 0 greyscale, 1 colour
uniform float u_showHeat;     // 0 until the layer is ready
uniform vec3 u_background;

out vec4 o_colour;

const vec3 LUMA = vec3(0.2126, 0.7152, 0.0722);

void main() {
  vec2 local = vec2(gl_FragCoord.x - u_viewport.x, u_viewport.y + u_viewport.w - gl_FragCoord.y);
  vec2 at = u_toImage.xy + local * u_toImage.z;
  if (any(lessThan(at, vec2(0.0))) || any(greaterThanEqual(at, u_imageSize))) {
    o_colour = vec4(u_background, 1.0);
    return;
  }
  // The nearest texel of the level that matches the zoom: as smooth as filtering when zoomed
  // out, crisp image pixels when zoomed in, and far cheaper than trilinear filtering.
  vec3 photo = texelFetch(u_image, min(ivec2(at) >> u_imageLevel, u_levelLast), u_imageLevel).rgb;
  vec3 colour = mix(vec3(dot(photo, LUMA)), photo, u_colourImage);
  // Pixels past the last cell (a floor-rounding network such as VGG) show the image alone.
  ivec2 cell = ivec2(at * u_cellsPerPixel);
  if (any(greaterThanEqual(cell, textureSize(u_colour, 0)))) {
    o_colour = vec4(colour, 1.0);
    return;
  }
  vec4 heat = texelFetch(u_colour, cell, 0);
  o_colour = vec4(mix(colour, heat.rgb, u_showHeat * clamp(heat.a + u_opacityShift, 0.0, 1.0)), 1.0);
}
