#version 300 es
// The viewport-covering triangle (as fullscreen.vert) that also hands each fragment its image
// coordinates, interpolated: the mapping is affine, so the rasteriser computes it for free
// instead of every fragment working it out from gl_FragCoord. It hands them on already
// scaled to the two textures the fragment reads (the image's mipmap level, the cells), so a
// fragment only truncates them: no per-fragment shift by the level (a vector shift is four
// scalar ones in software renderers) and no multiply.
uniform vec2 u_viewportSize;  // device pixels
uniform vec3 u_toImage;       // image = u_toImage.xy + local * u_toImage.z, local from top-left
uniform vec2 u_scales;        // 2^-level (texels of the image's level per image pixel), 1 / stride

out vec4 v_at;                // xy: texel of the image's level, zw: cell (both unrounded)

void main() {
  vec2 corner = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
  vec2 local = vec2(corner.x, 1.0 - corner.y) * u_viewportSize;
  vec2 image = u_toImage.xy + local * u_toImage.z;
  v_at = vec4(image * u_scales.x, image * u_scales.y);
}
