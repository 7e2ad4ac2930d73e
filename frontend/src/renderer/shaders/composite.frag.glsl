#version 300 es
// One panel on screen: the input image (greyscale by default) beneath the coloured cells,
// plus the markers. Cells are sampled nearest (the view shows cells, not a blur) and the
// heat map ends at the image edge, so a partial last cell is clipped, never stretched; pixels
// past the last cell (a floor-rounding network such as VGG) show the image alone.
// Opacity follows the stretched similarity t, shifted by the control (IFeaLiD, section 2.3).
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
uniform float u_pixelRatio;
uniform float u_markerSize;   // device pixels per marker unit (pixel ratio times presenter scale)
uniform vec3 u_reference;     // marker at (x, y) local device pixels; z = 1 to draw
uniform vec4 u_referenceCell; // the reference cell (x0, y0, x1, y1), local device pixels
uniform vec3 u_pinned;        // pinned marker, as u_reference
uniform vec3 u_pinnedColour;

out vec4 o_colour;

// Anti-aliased coverage of a stroke of half-width `reach` at distance `d` from its centre.
float stroke(float d, float reach) {
  return 1.0 - smoothstep(reach - 0.5 * u_pixelRatio, reach + 0.5 * u_pixelRatio, d);
}

// Markers: cheap bounding tests first, so that most pixels skip the maths.
vec3 ring(vec3 colour, vec2 local, vec2 centre, float radius, vec3 ink) {
  vec2 offset = abs(local - centre);
  if (max(offset.x, offset.y) > radius + 4.0 * u_markerSize) return colour;
  float d = abs(length(offset) - radius);
  colour = mix(colour, vec3(0.0), 0.85 * stroke(d, 2.2 * u_markerSize));
  return mix(colour, ink, stroke(d, 1.0 * u_markerSize));
}

vec3 disc(vec3 colour, vec2 local, vec2 centre, float radius, vec3 ink) {
  vec2 offset = abs(local - centre);
  if (max(offset.x, offset.y) > radius + 4.0 * u_markerSize) return colour;
  float d = length(offset);
  colour = mix(colour, vec3(0.0), 0.85 * stroke(d, radius + 1.5 * u_markerSize));
  return mix(colour, ink, stroke(d, radius));
}

vec3 outline(vec3 colour, vec2 local, vec4 rect) {
  vec2 size = rect.zw - rect.xy;
  if (min(size.x, size.y) < 10.0 * u_pixelRatio) return colour;  // too small to frame
  vec2 centre = 0.5 * (rect.xy + rect.zw);
  vec2 q = abs(local - centre) - 0.5 * size;  // signed distance to the frame
  if (abs(max(q.x, q.y)) > 3.0 * u_pixelRatio) return colour;
  float d = abs(max(q.x, q.y) > 0.0 ? length(max(q, 0.0)) : max(q.x, q.y));
  colour = mix(colour, vec3(0.0), 0.7 * stroke(d, 1.6 * u_pixelRatio));
  return mix(colour, vec3(1.0), 0.9 * stroke(d, 0.6 * u_pixelRatio));
}

void main() {
  vec2 local = vec2(gl_FragCoord.x - u_viewport.x, u_viewport.y + u_viewport.w - gl_FragCoord.y);
  vec2 at = u_toImage.xy + local * u_toImage.z;
  vec3 colour = u_background;
  if (all(greaterThanEqual(at, vec2(0.0))) && all(lessThan(at, u_imageSize))) {
    // The nearest texel of the level that matches the zoom: as smooth as filtering when zoomed
    // out, crisp image pixels when zoomed in, and far cheaper than trilinear filtering.
    ivec2 texel = min(ivec2(at) >> u_imageLevel, u_levelLast);
    vec3 photo = texelFetch(u_image, texel, u_imageLevel).rgb;
    float grey = dot(photo, vec3(0.2126, 0.7152, 0.0722));
    colour = mix(vec3(grey), photo, u_colourImage);
    ivec2 cell = ivec2(at * u_cellsPerPixel);
    if (all(lessThan(cell, textureSize(u_colour, 0)))) {
      vec4 heat = texelFetch(u_colour, cell, 0);
      colour = mix(colour, heat.rgb, u_showHeat * clamp(heat.a + u_opacityShift, 0.0, 1.0));
    }
  }
  if (u_reference.z > 0.0) {
    colour = outline(colour, local, u_referenceCell);
    colour = ring(colour, local, u_reference.xy, 7.0 * u_markerSize, vec3(1.0));
  }
  if (u_pinned.z > 0.0) {
    colour = disc(colour, local, u_pinned.xy, 3.5 * u_markerSize, u_pinnedColour);
  }
  o_colour = vec4(colour, 1.0);
}
