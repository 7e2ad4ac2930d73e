#version 300 es
// The layer's (min, max) as the bytes of two float32 numbers in a 2x1 RGBA8 target: texel 0
// holds min, texel 1 max, lowest byte first. The colour scales read these eight bytes back
// asynchronously; RGBA8 is the read-back every driver copies on the GPU, where a float
// read-back may make it wait.
precision highp float;
precision highp int;
precision highp sampler2D;

uniform sampler2D u_minMax;  // 1x1: (min, max)

out vec4 o_bytes;

void main() {
  vec2 range = texelFetch(u_minMax, ivec2(0), 0).rg;
  uint bits = floatBitsToUint(int(gl_FragCoord.x) == 0 ? range.x : range.y);
  o_bytes = vec4((uvec4(bits) >> uvec4(0u, 8u, 16u, 24u)) & 0xFFu) / 255.0;
}
