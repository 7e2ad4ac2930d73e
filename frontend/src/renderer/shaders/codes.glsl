// Reading feature codes from texture arrays (see codeLayout.ts). GLSL has no #include, so the
// program inserts this after the #version line of the shaders that read codes.
// Needs CODE_SAMPLER and CODE_LAYOUT: 0 plain (one group of four channels per texel: float
// codes, and the benchmark's copy of integer codes), 1 / 2 unsigned / signed bytes (16
// channels, four groups per RGBA32UI texel), 3 / 4 unsigned / signed shorts (8 channels, two
// groups per RGBA32UI texel). 1-4 are the file's own layouts (little-endian words).
//
// Unpacking goes through int: every code fits in an int, and int -> float is one instruction
// where uint -> float is several on CPUs without an unsigned conversion (software renderers).
// Signed codes are sign-extended with arithmetic shifts.
precision highp float;
precision highp int;
precision highp usampler2DArray;
precision highp isampler2DArray;
precision highp sampler2DArray;

// PLANE(texel, k) (k a constant): the k-th byte (short) of each of the texel's four words, as
// one vec4: channels k, k + 4, k + 8, k + 12 at 8 bit (k, k + 2, k + 4, k + 6 at 16 bit), read
// without shifts (planeCoding.ts): plane k masked in place and converted, i.e. each code plus
// its plane's offset, times 2^(CODE_BITS k), of a texel that went through flipCodes first. The
// similarity pass's reference is stored in that order and scale (LayerGpu.setReference).
// groupOf gives channels in their own order (4k .. 4k + 3), as codes.
#if CODE_LAYOUT == 0
#define GROUPS_PER_TEXEL 1
#define PLANE(texel, k) (texel)
#define CODE_TEXEL vec4
vec4 flipCodes(vec4 texel) {
  return texel;
}
CODE_TEXEL fetchCodes(CODE_SAMPLER codes, ivec3 at) {
  return vec4(texelFetch(codes, at, 0));
}
vec4 groupOf(vec4 texel, int k) {
  return texel;
}
#else
#define CODE_TEXEL uvec4
CODE_TEXEL fetchCodes(CODE_SAMPLER codes, ivec3 at) {
  return texelFetch(codes, at, 0);
}
// Needs CODE_BITS and CODE_FLIP (planeDefines in planeCoding.ts).
uvec4 flipCodes(uvec4 texel) {
  return texel ^ uvec4(CODE_FLIP);
}
#define PLANE(texel, k) vec4(ivec4((texel) & uvec4(PLANE_MASK << uint(CODE_BITS * (k)))))
#endif

#if CODE_LAYOUT == 1
#define GROUPS_PER_TEXEL 4
#define PLANE_MASK 0xFFu
vec4 groupOf(uvec4 texel, int k) {
  uint word = texel[k];
  return vec4(ivec4(uvec4(word, word >> 8u, word >> 16u, word >> 24u) & 0xFFu));
}
#elif CODE_LAYOUT == 2
#define GROUPS_PER_TEXEL 4
#define PLANE_MASK 0xFFu
vec4 groupOf(uvec4 texel, int k) {
  int word = int(texel[k]);
  return vec4(ivec4(word << 24, word << 16, word << 8, word) >> 24);
}
#elif CODE_LAYOUT == 3
#define GROUPS_PER_TEXEL 2
#define PLANE_MASK 0xFFFFu
vec4 groupOf(uvec4 texel, int k) {
  uvec2 words = k == 0 ? texel.xy : texel.zw;
  return vec4(ivec4(uvec4(words.x & 0xFFFFu, words.x >> 16u, words.y & 0xFFFFu, words.y >> 16u)));
}
#elif CODE_LAYOUT == 4
#define GROUPS_PER_TEXEL 2
#define PLANE_MASK 0xFFFFu
vec4 groupOf(uvec4 texel, int k) {
  ivec2 words = ivec2(k == 0 ? texel.xy : texel.zw);
  return vec4(ivec4(words.x << 16, words.x, words.y << 16, words.y) >> 16);
}
#endif
