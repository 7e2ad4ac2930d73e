#version 300 es
// One marker over a panel, drawn only inside its own small box (a scissor), blended over the
// composite with premultiplied alpha (ONE, ONE_MINUS_SRC_ALPHA): a dark halo, then the ink,
// so it reads on any colour. u_shape: 0 the reference ring, 1 the pinned disc, 2 the frame of
// the reference cell.
precision highp float;

uniform int u_shape;
uniform vec4 u_viewport;      // origin (GL, bottom-left) and size, device pixels
uniform vec4 u_geometry;      // ring/disc: centre (x, y) and radius; frame: x0, y0, x1, y1
uniform vec3 u_ink;
uniform float u_pixelRatio;
uniform float u_markerSize;   // device pixels per marker unit (pixel ratio times presenter scale)

out vec4 o_colour;

// Anti-aliased coverage of a stroke of half-width `reach` at distance `d` from its centre.
float stroke(float d, float reach) {
  return 1.0 - smoothstep(reach - 0.5 * u_pixelRatio, reach + 0.5 * u_pixelRatio, d);
}

void main() {
  vec2 local = vec2(gl_FragCoord.x - u_viewport.x, u_viewport.y + u_viewport.w - gl_FragCoord.y);
  float halo;
  float ink;
  if (u_shape == 0) {
    float d = abs(length(local - u_geometry.xy) - u_geometry.z);
    halo = 0.85 * stroke(d, 2.2 * u_markerSize);
    ink = stroke(d, 1.0 * u_markerSize);
  } else if (u_shape == 1) {
    float d = length(local - u_geometry.xy);
    halo = 0.85 * stroke(d, u_geometry.z + 1.5 * u_markerSize);
    ink = stroke(d, u_geometry.z);
  } else {
    vec2 centre = 0.5 * (u_geometry.xy + u_geometry.zw);
    vec2 q = abs(local - centre) - 0.5 * (u_geometry.zw - u_geometry.xy);  // to the frame
    float d = abs(max(q.x, q.y) > 0.0 ? length(max(q, 0.0)) : max(q.x, q.y));
    halo = 0.7 * stroke(d, 1.6 * u_pixelRatio);
    ink = 0.9 * stroke(d, 0.6 * u_pixelRatio);
  }
  // mix(mix(dst, black, halo), ink colour, ink), premultiplied.
  o_colour = vec4(u_ink * ink, 1.0 - (1.0 - halo) * (1.0 - ink));
}
