// Reading feature codes from texture arrays (see codeLayout.ts). GLSL has no #include, so the
// program inserts this after the #version line of the shaders that read codes.
// Needs CODE_SAMPLER and CODE_LAYOUT: 0 plain (one group of four channels per texel: float
// codes, and the benchmark's copy of integer codes), 1 / 2 unsigned / signed bytes (16
// channels, four groups per RGBA32UI texel), 3 / 4 unsigned / signed shorts (8 channels, two
// groups per RGBA32UI texel). 1-4 are the file's own layouts (little-endian words).
precision highp float;
precision highp int;
precision highp usampler2DArray;
precision highp isampler2DArray;
precision highp sampler2DArray;

#if CODE_LAYOUT == 0
#define GROUPS_PER_TEXEL 1
#define CODE_TEXEL vec4
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
#endif

#if CODE_LAYOUT == 1 || CODE_LAYOUT == 2
#define GROUPS_PER_TEXEL 4
vec4 groupOf(uvec4 texel, int k) {
  uint word = texel[k];
  vec4 bytes = vec4(word & 0xFFu, (word >> 8u) & 0xFFu, (word >> 16u) & 0xFFu, word >> 24u);
#if CODE_LAYOUT == 2
  bytes -= 256.0 * step(128.0, bytes);  // two's complement
#endif
  return bytes;
}
#elif CODE_LAYOUT == 3 || CODE_LAYOUT == 4
#define GROUPS_PER_TEXEL 2
vec4 groupOf(uvec4 texel, int k) {
  uvec2 words = k == 0 ? texel.xy : texel.zw;
  vec4 shorts = vec4(uvec4(words.x, words.x >> 16u, words.y, words.y >> 16u) & 0xFFFFu);
#if CODE_LAYOUT == 4
  shorts -= 65536.0 * step(32768.0, shorts);  // two's complement
#endif
  return shorts;
}
#endif
