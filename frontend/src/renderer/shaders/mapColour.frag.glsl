#version 300 es
// A technique's map coloured over the range the technique states (not its current min/max):
//   t = clamp((v - low) / (high - low), 0, 1)   (0 for an empty range)
//   colour = table[clamp(floor(t * 256), 0, 255)]
// classroom.similarity.map_colours is the reference. Alpha is the composite's opacity: t for a
// sequential map (low values let the image through), |2t - 1| for a diverging one (no change
// is see-through, both signs show).
precision highp float;
precision highp int;
precision highp sampler2D;

uniform sampler2D u_values;   // one value per image pixel (R32F)
uniform sampler2D u_lut;      // 256x1 colour table
uniform vec2 u_range;         // (low, high)
uniform bool u_diverging;

out vec4 o_colour;

void main() {
  float value = texelFetch(u_values, ivec2(gl_FragCoord.xy), 0).r;
  float t = u_range.y > u_range.x ? clamp((value - u_range.x) / (u_range.y - u_range.x), 0.0, 1.0) : 0.0;
  int index = clamp(int(floor(t * 256.0)), 0, 255);
  float opacity = u_diverging ? abs(2.0 * t - 1.0) : t;
  o_colour = vec4(texelFetch(u_lut, ivec2(index, 0), 0).rgb, opacity);
}
