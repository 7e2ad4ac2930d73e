#version 300 es
// One channel's values over the grid (code times the cell's scale), four cells per texel:
// the single-channel view. Needs codes.glsl; the array holding the channel is u_codes.
precision highp float;
precision highp int;
precision highp sampler2D;

uniform CODE_SAMPLER u_codes;
uniform int u_slice;      // the channel's texel slice in u_codes
uniform int u_group;      // its group within the texel
uniform int u_component;  // and its component within the group
uniform int u_lastColumn;
uniform sampler2D u_scales;

out vec4 o_value;

float value(ivec2 cell) {
  vec4 group = groupOf(fetchCodes(u_codes, ivec3(cell, u_slice)), u_group);
  return group[u_component] * texelFetch(u_scales, cell, 0).r;
}

void main() {
  ivec2 texel = ivec2(gl_FragCoord.xy);
  int x = texel.x * 4;
  o_value = vec4(
    value(ivec2(x, texel.y)),
    value(ivec2(min(x + 1, u_lastColumn), texel.y)),
    value(ivec2(min(x + 2, u_lastColumn), texel.y)),
    value(ivec2(min(x + 3, u_lastColumn), texel.y)));
}
