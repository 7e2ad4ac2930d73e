#version 300 es
// The theoretical receptive field of the reference cell: a dashed square over the panel,
// amber ink on a dark halo so that it reads on any colour, drawn only inside four thin
// strips along its edges (scissor boxes), blended like the markers (premultiplied alpha).
precision highp float;

uniform vec4 u_viewport;      // origin (GL, bottom-left) and size, device pixels
uniform vec4 u_square;        // x0, y0, x1, y1 in device pixels from the viewport's top-left
uniform float u_pixelRatio;
uniform float u_dash;         // dash period, device pixels

out vec4 o_colour;

const vec3 INK = vec3(1.0, 0.72, 0.1);

float stroke(float d, float reach) {
  return 1.0 - smoothstep(reach - 0.5 * u_pixelRatio, reach + 0.5 * u_pixelRatio, d);
}

void main() {
  vec2 local = vec2(gl_FragCoord.x - u_viewport.x, u_viewport.y + u_viewport.w - gl_FragCoord.y);
  vec2 centre = 0.5 * (u_square.xy + u_square.zw);
  vec2 q = abs(local - centre) - 0.5 * (u_square.zw - u_square.xy);
  float d = abs(max(q.x, q.y) > 0.0 ? length(max(q, 0.0)) : max(q.x, q.y));
  // Along the edge: dashes of half the period (x on horizontal edges, y on vertical ones).
  float along = q.y > q.x ? local.x : local.y;
  float dash = step(0.5, fract(along / u_dash));
  float halo = 0.6 * stroke(d, 2.0 * u_pixelRatio);
  float ink = mix(0.35, 1.0, dash) * stroke(d, 1.0 * u_pixelRatio);
  o_colour = vec4(INK * ink, 1.0 - (1.0 - halo) * (1.0 - ink));
}
