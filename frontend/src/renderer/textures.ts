/** Textures every panel renderer makes the same way: a solid colour, the image, a colour table. */
import { createTexture } from "./target";

/** A 1x1 RGBA8 texture of one colour (placeholders). */
export function solidTexture(gl: WebGL2RenderingContext, rgba: readonly number[]): WebGLTexture {
  const texture = createTexture(gl, gl.TEXTURE_2D);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(rgba));
  return texture;
}

/** The analysis image as it is (no flip, premultiplying or colour management), mipmapped. */
export function uploadImage(gl: WebGL2RenderingContext, texture: WebGLTexture, source: TexImageSource): void {
  gl.bindTexture(gl.TEXTURE_2D, texture);
  gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
  gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
  gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE, source);
  gl.generateMipmap(gl.TEXTURE_2D);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR_MIPMAP_LINEAR);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
}

/** A 256x1 RGBA8 colour table from RGB triples (0-255). */
export function uploadColourTable(
  gl: WebGL2RenderingContext,
  texture: WebGLTexture,
  colours: readonly (readonly number[])[],
): void {
  const table = new Uint8Array(256 * 4);
  colours.slice(0, 256).forEach((colour, index) => {
    table.set([colour[0] ?? 0, colour[1] ?? 0, colour[2] ?? 0, 255], index * 4);
  });
  gl.bindTexture(gl.TEXTURE_2D, texture);
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 256, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, table);
}
