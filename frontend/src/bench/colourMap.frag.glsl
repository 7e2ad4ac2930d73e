#version 300 es
// The original tool's colour map of the stretched values (t to alpha, as this view shows it).
precision highp float;

uniform sampler2D u_stretched;  // one cell per texel
uniform sampler2D u_lut;        // 256x1 colour table

out vec4 o_colour;

void main() {
  float t = texelFetch(u_stretched, ivec2(gl_FragCoord.xy), 0).r;
  int index = clamp(int(floor(t * 256.0)), 0, 255);
  o_colour = vec4(texelFetch(u_lut, ivec2(index, 0), 0).rgb, clamp(t, 0.0, 1.0));
}
