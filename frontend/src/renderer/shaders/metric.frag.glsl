#version 300 es
// The other metrics of the similarity view, from what the chain already has: the angular
// similarity s the similarity pass wrote (so the angle's cosine is cos((1 - s) * pi / 2)), the
// cell's inverse code norm (norm pass, once per upload) and its scale (the features are
// codes times scale, so a cell's length is scale / inverse norm). Per cell, four per texel:
//   METRIC 1 cosine:    c                       (0 for a zero vector, like the angle)
//   METRIC 2 Euclidean: sqrt(|v|^2 + |r|^2 - 2 |v| |r| c)
//   METRIC 3 dot:       |v| |r| c
// classroom/similarity.py `compare` is the reference. Needs METRIC.
precision highp float;
precision highp int;
precision highp sampler2D;

uniform sampler2D u_values;        // angular similarity, four cells per texel
uniform sampler2D u_inverseNorm;   // four cells per texel
uniform sampler2D u_scales;        // one cell per texel
uniform int u_lastColumn;
uniform float u_referenceLength;   // |r|: the reference cell's scale times its code norm

out vec4 o_value;

const float HALF_PI = 1.5707963267948966;

float scaleAt(int x, int y) {
  return texelFetch(u_scales, ivec2(min(x, u_lastColumn), y), 0).r;
}

void main() {
  ivec2 texel = ivec2(gl_FragCoord.xy);
  vec4 similarity = texelFetch(u_values, texel, 0);
  vec4 inverseNorm = texelFetch(u_inverseNorm, texel, 0);
  vec4 present = vec4(notEqual(inverseNorm, vec4(0.0)));
  vec4 cosine = cos((1.0 - similarity) * HALF_PI) * present;
#if METRIC == 1
  o_value = cosine;
#else
  int x = texel.x * 4;
  vec4 scale = vec4(scaleAt(x, texel.y), scaleAt(x + 1, texel.y), scaleAt(x + 2, texel.y),
                    scaleAt(x + 3, texel.y));
  vec4 length = scale * present / max(inverseNorm, vec4(1e-30));
#if METRIC == 2
  float r = u_referenceLength;
  o_value = sqrt(max(length * length + r * r - 2.0 * length * r * cosine, vec4(0.0)));
#else
  o_value = length * u_referenceLength * cosine;
#endif
#endif
}
