/** One panel on screen: the image and the coloured cells (markers: markerPass.ts). */
import type { Size } from "../../geometry";
import { Program } from "../program";
import source from "../shaders/composite.frag.glsl?raw";
import vertexSource from "../shaders/composite.vert.glsl?raw";

/** A viewport in device pixels, origin bottom-left (GL convention). */
export interface Viewport {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Everything one panel's composite needs, in device pixels where it is on screen. */
export interface CompositeParams {
  readonly viewport: Viewport;
  /** Image coordinates of the viewport's top-left corner and image pixels per device pixel. */
  readonly toImage: { x: number; y: number; perPixel: number };
  readonly imageSize: Size;
  /** The image texture's size (1x1 for the placeholder before the image loads). */
  readonly imageTexture: Size;
  readonly stride: number;
  readonly image: WebGLTexture;
  /** The layer's per-cell colours (a texture and its size), or null while it loads (the image shows alone). */
  readonly colour: { readonly texture: WebGLTexture; readonly width: number; readonly height: number } | null;
  readonly placeholder: WebGLTexture;
  readonly opacityShift: number;
  readonly colourImage: boolean;
  readonly background: readonly [number, number, number];
}

export class CompositePass {
  static readonly passName = "composite";
  private readonly program: Program;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.program = new Program(gl, "composite", source, {}, vertexSource);
  }

  /**
   * Draw one panel. The caller has the scissor test enabled (it stays on). Only the pixels
   * whose centres fall on the image are shaded; the rest of the panel is cleared to the
   * background, which costs a fill, not a shader run.
   */
  draw(params: CompositeParams): void {
    const gl = this.gl;
    const program = this.program;
    const { viewport } = params;
    gl.viewport(viewport.x, viewport.y, viewport.width, viewport.height);
    const shaded = imagePixels(params);
    if (
      shaded.width < viewport.width ||
      shaded.height < viewport.height ||
      shaded.x !== viewport.x ||
      shaded.y !== viewport.y
    ) {
      gl.scissor(viewport.x, viewport.y, viewport.width, viewport.height);
      gl.clearColor(...params.background, 1);
      gl.clear(gl.COLOR_BUFFER_BIT);
    }
    if (shaded.width <= 0 || shaded.height <= 0) {
      return;
    }
    gl.scissor(shaded.x, shaded.y, shaded.width, shaded.height);
    program.use();
    program.texture("u_image", 0, gl.TEXTURE_2D, params.image);
    program.texture("u_colour", 1, gl.TEXTURE_2D, params.colour?.texture ?? params.placeholder);
    gl.uniform2i(
      program.uniform("u_lastCell"),
      (params.colour?.width ?? 1) - 1,
      (params.colour?.height ?? 1) - 1,
    );
    const { width, height } = params.imageTexture;
    const top = Math.floor(Math.log2(Math.max(width, height)));
    const level = Math.min(Math.max(Math.round(Math.log2(params.toImage.perPixel)), 0), top);
    gl.uniform1i(program.uniform("u_imageLevel"), level);
    gl.uniform2i(
      program.uniform("u_levelLast"),
      Math.max(1, width >> level) - 1,
      Math.max(1, height >> level) - 1,
    );
    gl.uniform2f(program.uniform("u_scales"), 2 ** -level, 1 / params.stride);
    gl.uniform2f(program.uniform("u_viewportSize"), viewport.width, viewport.height);
    gl.uniform3f(program.uniform("u_toImage"), params.toImage.x, params.toImage.y, params.toImage.perPixel);
    gl.uniform1f(program.uniform("u_opacityShift"), params.opacityShift);
    gl.uniform1f(program.uniform("u_colourImage"), params.colourImage ? 1 : 0);
    gl.uniform1f(program.uniform("u_showHeat"), params.colour === null ? 0 : 1);
    program.drawFullscreen();
  }

  dispose(): void {
    this.program.dispose();
  }
}

/**
 * The device pixels of a panel whose centres fall on the image, as a GL rectangle (origin
 * bottom-left): column i of the viewport (from its left) shows image x = x0 + (i + 0.5) * p,
 * which lies in [0, width) for i in [ceil(-x0 / p - 0.5), ceil((width - x0) / p - 0.5)); rows
 * likewise from the top.
 */
export function imagePixels({ viewport, toImage, imageSize }: CompositeParams): Viewport {
  const { x, y, perPixel } = toImage;
  const span = (origin: number, size: number, limit: number): [number, number] => [
    Math.min(Math.max(Math.ceil(-origin / perPixel - 0.5), 0), limit),
    Math.min(Math.max(Math.ceil((size - origin) / perPixel - 0.5), 0), limit),
  ];
  const [left, right] = span(x, imageSize.width, viewport.width);
  const [top, bottom] = span(y, imageSize.height, viewport.height);
  return {
    x: viewport.x + left,
    y: viewport.y + viewport.height - Math.max(bottom, top),
    width: Math.max(right - left, 0),
    height: Math.max(bottom - top, 0),
  };
}
