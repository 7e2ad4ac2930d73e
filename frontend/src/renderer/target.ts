/** A texture the renderer draws into (one per pass output), with its framebuffer. */
import { RendererError } from "./errors";

export type TargetFormat = "rg32f" | "rgba32f" | "rgba8";

export class RenderTarget {
  readonly texture: WebGLTexture;
  readonly framebuffer: WebGLFramebuffer;

  constructor(
    private readonly gl: WebGL2RenderingContext,
    readonly width: number,
    readonly height: number,
    format: TargetFormat,
  ) {
    const internal = { rg32f: gl.RG32F, rgba32f: gl.RGBA32F, rgba8: gl.RGBA8 }[format];
    this.texture = createTexture(gl, gl.TEXTURE_2D);
    gl.texStorage2D(gl.TEXTURE_2D, 1, internal, width, height);
    this.framebuffer = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.framebuffer);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, this.texture, 0);
    const status = gl.checkFramebufferStatus(gl.FRAMEBUFFER);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    if (status !== gl.FRAMEBUFFER_COMPLETE && !gl.isContextLost()) {
      throw new RendererError(
        `this graphics driver cannot render to a ${width.toString()}x${height.toString()} ${format} texture`,
      );
    }
  }

  /** Make this the draw target, covering it entirely. */
  bind(): void {
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.framebuffer);
    gl.viewport(0, 0, this.width, this.height);
  }

  /** Read every texel as RGBA floats (rows from the top of the grid); for tests. */
  readFloats(): Float32Array {
    const gl = this.gl;
    const rgba = new Float32Array(this.width * this.height * 4);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, this.framebuffer);
    gl.readPixels(0, 0, this.width, this.height, gl.RGBA, gl.FLOAT, rgba);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
    return rgba;
  }

  dispose(): void {
    this.gl.deleteFramebuffer(this.framebuffer);
    this.gl.deleteTexture(this.texture);
  }
}

/**
 * Several RGBA32F textures of the same size drawn at once (multiple render targets,
 * `drawBuffers`; WebGL 2 guarantees four): a fragment writes texel t of each, so a pass can
 * compute four cells per target and fragment (the similarity pass: each reference value it
 * loads then serves sixteen cells, not four).
 */
export class MultiTarget {
  readonly textures: readonly WebGLTexture[];
  readonly framebuffer: WebGLFramebuffer;

  constructor(
    private readonly gl: WebGL2RenderingContext,
    readonly width: number,
    readonly height: number,
    count: number,
  ) {
    this.textures = Array.from({ length: count }, () => {
      const texture = createTexture(gl, gl.TEXTURE_2D);
      gl.texStorage2D(gl.TEXTURE_2D, 1, gl.RGBA32F, width, height);
      return texture;
    });
    this.framebuffer = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.framebuffer);
    const attachments = this.textures.map((texture, index) => {
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + index, gl.TEXTURE_2D, texture, 0);
      return gl.COLOR_ATTACHMENT0 + index;
    });
    gl.drawBuffers(attachments);
    const status = gl.checkFramebufferStatus(gl.FRAMEBUFFER);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    if (status !== gl.FRAMEBUFFER_COMPLETE && !gl.isContextLost()) {
      throw new RendererError(
        `this graphics driver cannot render to ${count.toString()} ${width.toString()}x${height.toString()} rgba32f textures at once`,
      );
    }
  }

  /** Make every texture a draw target, covering them entirely. */
  bind(): void {
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.framebuffer);
    gl.viewport(0, 0, this.width, this.height);
  }

  dispose(): void {
    this.gl.deleteFramebuffer(this.framebuffer);
    for (const texture of this.textures) {
      this.gl.deleteTexture(texture);
    }
  }
}

/** A texture with nearest sampling and clamped edges (integer and float textures need both). */
export function createTexture(gl: WebGL2RenderingContext, target: number): WebGLTexture {
  const texture = gl.createTexture();
  gl.bindTexture(target, texture);
  gl.texParameteri(target, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(target, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(target, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(target, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  return texture;
}

/** The default framebuffer's pixels (RGBA, rows from the top), waiting for the GPU (tests). */
export function readCanvasPixels(
  gl: WebGL2RenderingContext,
  canvas: { width: number; height: number },
): { width: number; height: number; pixels: Uint8Array } {
  const { width, height } = canvas;
  const flipped = new Uint8Array(width * height * 4);
  gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
  gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, flipped);
  const pixels = new Uint8Array(flipped.length);
  const row = width * 4;
  for (let y = 0; y < height; y++) {
    pixels.set(flipped.subarray((height - 1 - y) * row, (height - y) * row), y * row);
  }
  return { width, height, pixels };
}
