#version 300 es
// The original tool's stretch pass: t = (s - min) / (max - min), min and max found on the CPU.
precision highp float;

uniform sampler2D u_values;  // one cell per texel
uniform float u_min;
uniform float u_max;

out vec4 o_stretched;

void main() {
  float value = texelFetch(u_values, ivec2(gl_FragCoord.xy), 0).r;
  float t = u_max > u_min ? (value - u_min) / (u_max - u_min) : 0.0;
  o_stretched = vec4(t, 0.0, 0.0, 1.0);
}
