#version 300 es
// One point of one cell of the scatter-plot matrix: x and y are two dimensions of the same
// point, already scaled into [0, 1]; the selection mask is shared by every cell and layer, so
// one upload highlights the brushed points everywhere at once. Pan and zoom are one uniform
// (the visible range on each axis): the points buffer is never uploaded again.
precision highp float;

const int PALETTE_SIZE = 16;

in float a_x;
in float a_y;
in float a_class;
in float a_selected;

uniform vec4 u_cell;      // the cell in device pixels: x, y (from the top), width, height
uniform vec2 u_canvas;    // the canvas in device pixels
uniform vec4 u_view;      // the visible ranges in scaled units: x low, x high, y low, y high
uniform float u_pointSize;
// 0: the points outside the selection; 1: those inside, drawn on top; 2: every point faded
// (the picture a moving brush's highlighted points are drawn over, made once per brush).
uniform int u_highlight;
uniform int u_anySelected;
uniform vec3 u_palette[PALETTE_SIZE];

out vec4 v_colour;
// 1 when this draw paints the point highlighted (what the test hook reads back).
flat out float v_highlighted;
// 1 when this draw paints the point at all (inside the visible ranges; the hook reads it back).
flat out float v_drawn;

void main() {
  bool selected = a_selected > 0.5;
  bool under = u_highlight == 2;
  vec2 unit = (vec2(a_x, a_y) - u_view.xz) / (u_view.yw - u_view.xz);
  bool visible = all(greaterThanEqual(unit, vec2(0.0))) && all(lessThanEqual(unit, vec2(1.0)));
  bool drawn = visible && (under || (u_highlight == 1) == selected);
  v_highlighted = (drawn && selected && !under) ? 1.0 : 0.0;
  v_drawn = drawn ? 1.0 : 0.0;
  if (!drawn) {
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0);  // outside the clip volume: not drawn
    gl_PointSize = 1.0;
    v_colour = vec4(0.0);
    return;
  }
  vec2 pixel = u_cell.xy + vec2(unit.x, 1.0 - unit.y) * u_cell.zw;
  vec2 clip = pixel / u_canvas * 2.0 - 1.0;
  gl_Position = vec4(clip.x, -clip.y, 0.0, 1.0);
  vec3 colour = u_palette[int(a_class) % PALETTE_SIZE];
  bool faded = under || (u_anySelected == 1 && !selected);
  gl_PointSize = selected && !under && u_anySelected == 1 ? u_pointSize * 1.5 : u_pointSize;
  v_colour = faded ? vec4(mix(colour, vec3(0.82), 0.8), 1.0) : vec4(colour, 1.0);
}
