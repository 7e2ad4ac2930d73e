#version 300 es
// A round point in its class's colour (faded when another selection is shown).
precision mediump float;

in vec4 v_colour;
flat in float v_highlighted;
flat in float v_drawn;
out vec4 outColour;

void main() {
  vec2 offset = gl_PointCoord - 0.5;
  if (dot(offset, offset) > 0.25) {
    discard;
  }
  outColour = v_colour;
}
