#version 300 es
// The viewport-covering triangle (as fullscreen.vert) that also hands each fragment its image
// coordinates, interpolated: the mapping is affine, so the rasteriser computes it for free
// instead of every fragment working it out from gl_FragCoord.
uniform vec2 u_viewportSize;  // device pixels
uniform vec3 u_toImage;       // image = u_toImage.xy + local * u_toImage.z, local from top-left

out vec2 v_image;

void main() {
  vec2 corner = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
  vec2 local = vec2(corner.x, 1.0 - corner.y) * u_viewportSize;
  v_image = u_toImage.xy + local * u_toImage.z;
}
