#version 300 es
// Angular similarity of every cell of a layer to the reference vector (IFeaLiD, Eq. 3):
//   s = 1 - acos(clamp(<v, r> / (|v| |r|), -1, 1)) / (pi / 2),   s = 0 for zero vectors.
// Rendered over the layer's grid, not over screen pixels.
//
// Nothing is repeated per cell that can be done once: the reference arrives normalised (once
// per reference change, on the CPU) and each cell's inverse norm was computed once per upload
// (norm.frag). Each fragment computes a row of sixteen cells into four RGBA32F targets (target
// k: cells 16t + 4k .. 16t + 4k + 3; the pass interleaves them into the values map), so every
// reference value it loads serves sixteen cells: a loop-indexed uniform is a masked load per
// fragment on software renderers, and with four cells per fragment those loads were about a
// quarter of the pass (eight cells: 25 to 35 % cheaper; sixteen: another 10 to 15 %).
// Per cell and texel slice (16 channels at 8 bit) there is one texel fetch, one XOR and per
// four channels a mask, a conversion and a multiply-add (no shifts: codes.glsl's PLANE).
// The sixteen cells are written out, not an array in a loop: a compiler that does not unroll
// it would index registers per fragment (a slow path on software renderers).
// One draw per texture array: each adds to the sums the previous one left in u_partial0..3,
// the last turns them into similarities. Needs codes.glsl and MAX_GROUPS.
precision highp float;
precision highp int;
precision highp sampler2D;

uniform CODE_SAMPLER u_codes;
uniform int u_slices;         // texel slices in u_codes
uniform int u_firstGroup;     // the layer's group at slice 0 of u_codes
uniform int u_lastColumn;     // the grid's last column (a texel past the edge repeats it)
uniform int u_lastTexel;      // the last texel of u_inverseNorm's rows
uniform sampler2D u_inverseNorm;  // four cells per texel
uniform sampler2D u_partial0;  // the sums of the arrays before this one, target 0's cells
uniform sampler2D u_partial1;
uniform sampler2D u_partial2;
uniform sampler2D u_partial3;
uniform bool u_accumulate;    // false for the first array
uniform bool u_finish;        // true for the last array: write similarities, not sums
uniform bool u_hasReference;  // false for a zero reference vector: every similarity is 0
uniform float u_offsetCorrection;  // takes PLANE's offsets out of each sum (planeCoding.ts)

layout(std140) uniform Reference {
  vec4 u_reference[MAX_GROUPS];  // the unit reference vector, four channels per entry
};

layout(location = 0) out vec4 o_0;  // cells 16t + 0 .. 16t + 3
layout(location = 1) out vec4 o_1;  // cells 16t + 4 .. 16t + 7
layout(location = 2) out vec4 o_2;  // cells 16t + 8 .. 16t + 11
layout(location = 3) out vec4 o_3;  // cells 16t + 12 .. 16t + 15

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

// The four cells' sums as similarities (zero vectors, inverse norm 0, have none: 0).
vec4 similarities(vec4 sum, vec4 inverseNorm) {
  vec4 cosine = clamp((sum + u_offsetCorrection) * inverseNorm, -1.0, 1.0);
  return (1.0 - acos(cosine) / HALF_PI) * vec4(notEqual(inverseNorm, vec4(0.0)));
}

void main() {
  ivec2 texel = ivec2(gl_FragCoord.xy);
  vec4 n0 = texelFetch(u_inverseNorm, ivec2(min(texel.x * 4 + 0, u_lastTexel), texel.y), 0);
  vec4 n1 = texelFetch(u_inverseNorm, ivec2(min(texel.x * 4 + 1, u_lastTexel), texel.y), 0);
  vec4 n2 = texelFetch(u_inverseNorm, ivec2(min(texel.x * 4 + 2, u_lastTexel), texel.y), 0);
  vec4 n3 = texelFetch(u_inverseNorm, ivec2(min(texel.x * 4 + 3, u_lastTexel), texel.y), 0);
  if (!u_hasReference || (n0 == vec4(0.0) && n1 == vec4(0.0) && n2 == vec4(0.0) && n3 == vec4(0.0))) {
    o_0 = vec4(0.0);
    o_1 = vec4(0.0);
    o_2 = vec4(0.0);
    o_3 = vec4(0.0);
    return;
  }
  int x = texel.x * 16;
  ivec2 c0 = ivec2(x, texel.y);
  ivec2 c1 = ivec2(min(x + 1, u_lastColumn), texel.y);
  ivec2 c2 = ivec2(min(x + 2, u_lastColumn), texel.y);
  ivec2 c3 = ivec2(min(x + 3, u_lastColumn), texel.y);
  ivec2 c4 = ivec2(min(x + 4, u_lastColumn), texel.y);
  ivec2 c5 = ivec2(min(x + 5, u_lastColumn), texel.y);
  ivec2 c6 = ivec2(min(x + 6, u_lastColumn), texel.y);
  ivec2 c7 = ivec2(min(x + 7, u_lastColumn), texel.y);
  ivec2 c8 = ivec2(min(x + 8, u_lastColumn), texel.y);
  ivec2 c9 = ivec2(min(x + 9, u_lastColumn), texel.y);
  ivec2 c10 = ivec2(min(x + 10, u_lastColumn), texel.y);
  ivec2 c11 = ivec2(min(x + 11, u_lastColumn), texel.y);
  ivec2 c12 = ivec2(min(x + 12, u_lastColumn), texel.y);
  ivec2 c13 = ivec2(min(x + 13, u_lastColumn), texel.y);
  ivec2 c14 = ivec2(min(x + 14, u_lastColumn), texel.y);
  ivec2 c15 = ivec2(min(x + 15, u_lastColumn), texel.y);
  vec4 p0 = vec4(0.0);
  vec4 p1 = vec4(0.0);
  vec4 p2 = vec4(0.0);
  vec4 p3 = vec4(0.0);
  vec4 p4 = vec4(0.0);
  vec4 p5 = vec4(0.0);
  vec4 p6 = vec4(0.0);
  vec4 p7 = vec4(0.0);
  vec4 p8 = vec4(0.0);
  vec4 p9 = vec4(0.0);
  vec4 p10 = vec4(0.0);
  vec4 p11 = vec4(0.0);
  vec4 p12 = vec4(0.0);
  vec4 p13 = vec4(0.0);
  vec4 p14 = vec4(0.0);
  vec4 p15 = vec4(0.0);
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
    p4 += texelProducts(flipCodes(fetchCodes(u_codes, ivec3(c4, slice))), r0, r1, r2, r3);
    p5 += texelProducts(flipCodes(fetchCodes(u_codes, ivec3(c5, slice))), r0, r1, r2, r3);
    p6 += texelProducts(flipCodes(fetchCodes(u_codes, ivec3(c6, slice))), r0, r1, r2, r3);
    p7 += texelProducts(flipCodes(fetchCodes(u_codes, ivec3(c7, slice))), r0, r1, r2, r3);
    p8 += texelProducts(flipCodes(fetchCodes(u_codes, ivec3(c8, slice))), r0, r1, r2, r3);
    p9 += texelProducts(flipCodes(fetchCodes(u_codes, ivec3(c9, slice))), r0, r1, r2, r3);
    p10 += texelProducts(flipCodes(fetchCodes(u_codes, ivec3(c10, slice))), r0, r1, r2, r3);
    p11 += texelProducts(flipCodes(fetchCodes(u_codes, ivec3(c11, slice))), r0, r1, r2, r3);
    p12 += texelProducts(flipCodes(fetchCodes(u_codes, ivec3(c12, slice))), r0, r1, r2, r3);
    p13 += texelProducts(flipCodes(fetchCodes(u_codes, ivec3(c13, slice))), r0, r1, r2, r3);
    p14 += texelProducts(flipCodes(fetchCodes(u_codes, ivec3(c14, slice))), r0, r1, r2, r3);
    p15 += texelProducts(flipCodes(fetchCodes(u_codes, ivec3(c15, slice))), r0, r1, r2, r3);
  }
  const vec4 ONES = vec4(1.0);
  vec4 s0 = vec4(dot(p0, ONES), dot(p1, ONES), dot(p2, ONES), dot(p3, ONES));
  vec4 s1 = vec4(dot(p4, ONES), dot(p5, ONES), dot(p6, ONES), dot(p7, ONES));
  vec4 s2 = vec4(dot(p8, ONES), dot(p9, ONES), dot(p10, ONES), dot(p11, ONES));
  vec4 s3 = vec4(dot(p12, ONES), dot(p13, ONES), dot(p14, ONES), dot(p15, ONES));
  if (u_accumulate) {
    s0 += texelFetch(u_partial0, texel, 0);
    s1 += texelFetch(u_partial1, texel, 0);
    s2 += texelFetch(u_partial2, texel, 0);
    s3 += texelFetch(u_partial3, texel, 0);
  }
  if (u_finish) {
    s0 = similarities(s0, n0);
    s1 = similarities(s1, n1);
    s2 = similarities(s2, n2);
    s3 = similarities(s3, n3);
  }
  o_0 = s0;
  o_1 = s1;
  o_2 = s2;
  o_3 = s3;
}
