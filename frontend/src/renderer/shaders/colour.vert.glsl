#version 300 es
// The viewport-covering triangle (as fullscreen.vert) that also reads the map's (min, max)
// once per vertex and hands it on unchanged (flat), instead of one fetch per cell.
precision highp float;
precision highp sampler2D;

uniform sampler2D u_minMax;   // 1x1: (min, max)

flat out vec2 v_range;

void main() {
  vec2 corner = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
  v_range = texelFetch(u_minMax, ivec2(0), 0).rg;
}
