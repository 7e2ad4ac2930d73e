#version 300 es
// Angular similarity of every cell of a layer to the reference vector (IFeaLiD, Eq. 3):
//   s = 1 - acos(clamp(<v, r> / (|v| |r|), -1, 1)) / (pi / 2),   s = 0 for zero vectors.
// Rendered over the layer's grid, not over screen pixels.
//
// Nothing is repeated per cell that can be done once: the reference arrives normalised (once
// per reference change, on the CPU) and each cell's inverse norm was computed once per upload
// (norm.frag). Each fragment computes a row of four cells (one RGBA32F texel), so every
// reference value it loads serves four cells; per cell and texel slice (16 channels at 8 bit)
// there is one texel fetch, one XOR and per four channels a mask, a conversion and a
// multiply-add (no shifts: codes.glsl's PLANE).
// One draw per texture array: each adds to the sums the previous one left in u_partial, the
// last turns them into similarities. Needs codes.glsl and MAX_GROUPS.
precision highp float;
precision highp int;
precision highp sampler2D;

uniform CODE_SAMPLER u_codes;
uniform int u_slices;         // texel slices in u_codes
uniform int u_firstGroup;     // the layer's group at slice 0 of u_codes
uniform int u_lastColumn;     // the grid's last column (a texel past the edge repeats it)
uniform sampler2D u_inverseNorm;  // four cells per texel
uniform sampler2D u_partial;  // the sums of the arrays before this one
uniform bool u_accumulate;    // false for the first array
uniform bool u_finish;        // true for the last array: write similarities, not sums
uniform bool u_hasReference;  // false for a zero reference vector: every similarity is 0
uniform float u_offsetCorrection;  // takes PLANE's offsets out of each sum (planeCoding.ts)

layout(std140) uniform Reference {
  vec4 u_reference[MAX_GROUPS];  // the unit reference vector, four channels per entry
};

out vec4 o_value;

const float HALF_PI = 1.5707963267948966;

// The products of one texel's channels with the reference planes r0..r3 it covers, four
// channels per component (summed once per cell at the end, not per texel).
vec4 texelProducts(CODE_TEXEL texel, vec4 r0, vec4 r1, vec4 r2, vec4 r3) {
#if GROUPS_PER_TEXEL == 4
  return PLANE(texel, 0) * r0 + PLANE(texel, 1) * r1 + PLANE(texel, 2) * r2 + PLANE(texel, 3) * r3;
#elif GROUPS_PER_TEXEL == 2
  return PLANE(texel, 0) * r0 + PLANE(texel, 1) * r1;
#else
  return PLANE(texel, 0) * r0;
#endif
}

void main() {
  ivec2 texel = ivec2(gl_FragCoord.xy);
  vec4 inverseNorm = texelFetch(u_inverseNorm, texel, 0);
  if (!u_hasReference || inverseNorm == vec4(0.0)) {
    o_value = vec4(0.0);
    return;
  }
  int x = texel.x * 4;
  ivec2 c0 = ivec2(x, texel.y);
  ivec2 c1 = ivec2(min(x + 1, u_lastColumn), texel.y);
  ivec2 c2 = ivec2(min(x + 2, u_lastColumn), texel.y);
  ivec2 c3 = ivec2(min(x + 3, u_lastColumn), texel.y);
  vec4 p0 = vec4(0.0);
  vec4 p1 = vec4(0.0);
  vec4 p2 = vec4(0.0);
  vec4 p3 = vec4(0.0);
  vec4 r1 = vec4(0.0);
  vec4 r2 = vec4(0.0);
  vec4 r3 = vec4(0.0);
  for (int slice = 0; slice < u_slices; ++slice) {
    int group = u_firstGroup + slice * GROUPS_PER_TEXEL;
    vec4 r0 = u_reference[group];
#if GROUPS_PER_TEXEL > 1
    r1 = u_reference[group + 1];
#endif
#if GROUPS_PER_TEXEL > 2
    r2 = u_reference[group + 2];
    r3 = u_reference[group + 3];
#endif
    p0 += texelProducts(flipCodes(fetchCodes(u_codes, ivec3(c0, slice))), r0, r1, r2, r3);
    p1 += texelProducts(flipCodes(fetchCodes(u_codes, ivec3(c1, slice))), r0, r1, r2, r3);
    p2 += texelProducts(flipCodes(fetchCodes(u_codes, ivec3(c2, slice))), r0, r1, r2, r3);
    p3 += texelProducts(flipCodes(fetchCodes(u_codes, ivec3(c3, slice))), r0, r1, r2, r3);
  }
  const vec4 ONES = vec4(1.0);
  vec4 sum = vec4(dot(p0, ONES), dot(p1, ONES), dot(p2, ONES), dot(p3, ONES));
  if (u_accumulate) {
    sum += texelFetch(u_partial, texel, 0);
  }
  if (u_finish) {
    vec4 cosine = clamp((sum + u_offsetCorrection) * inverseNorm, -1.0, 1.0);
    // Zero vectors (inverse norm 0) have no direction: their similarity is 0.
    sum = (1.0 - acos(cosine) / HALF_PI) * vec4(notEqual(inverseNorm, vec4(0.0)));
  }
  o_value = sum;
}
