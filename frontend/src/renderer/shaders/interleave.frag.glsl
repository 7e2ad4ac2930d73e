#version 300 es
// The values map (four cells per texel) from the similarity pass's four targets
// (MultiTarget): texel t of the map is texel t / 4 of target t % 4. All four are fetched and
// one is kept by a mask: a branch or a computed sampler per fragment is a slow path on
// software renderers. Four fetches per texel against the similarity pass's one per cell and
// texel slice.
precision highp float;
precision highp int;
precision highp sampler2D;

uniform sampler2D u_target0;
uniform sampler2D u_target1;
uniform sampler2D u_target2;
uniform sampler2D u_target3;

out vec4 o_value;

void main() {
  ivec2 texel = ivec2(gl_FragCoord.xy);
  ivec2 at = ivec2(texel.x >> 2, texel.y);
  vec4 pick = vec4(equal(ivec4(texel.x & 3), ivec4(0, 1, 2, 3)));
  o_value = texelFetch(u_target0, at, 0) * pick.x + texelFetch(u_target1, at, 0) * pick.y +
            texelFetch(u_target2, at, 0) * pick.z + texelFetch(u_target3, at, 0) * pick.w;
}
