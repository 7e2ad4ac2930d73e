/** One panel on screen: the image and the coloured cells (markers: markerPass.ts). */
import type { Size } from "../../geometry";
import { Program } from "../program";
import source from "../shaders/composite.frag.glsl?raw";

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
  /** The layer's per-cell colours, or null while it loads (the image shows alone). */
  readonly colour: WebGLTexture | null;
  readonly placeholder: WebGLTexture;
  readonly opacityShift: number;
  readonly colourImage: boolean;
  readonly background: readonly [number, number, number];
}

export class CompositePass {
  static readonly passName = "composite";
  private readonly program: Program;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.program = new Program(gl, "composite", source);
  }

  draw(params: CompositeParams): void {
    const gl = this.gl;
    const program = this.program;
    const { viewport } = params;
    gl.viewport(viewport.x, viewport.y, viewport.width, viewport.height);
    gl.scissor(viewport.x, viewport.y, viewport.width, viewport.height);
    program.use();
    program.texture("u_image", 0, gl.TEXTURE_2D, params.image);
    program.texture("u_colour", 1, gl.TEXTURE_2D, params.colour ?? params.placeholder);
    gl.uniform2f(program.uniform("u_imageSize"), params.imageSize.width, params.imageSize.height);
    const { width, height } = params.imageTexture;
    const top = Math.floor(Math.log2(Math.max(width, height)));
    const level = Math.min(Math.max(Math.round(Math.log2(params.toImage.perPixel)), 0), top);
    gl.uniform1i(program.uniform("u_imageLevel"), level);
    gl.uniform2i(
      program.uniform("u_levelLast"),
      Math.max(1, width >> level) - 1,
      Math.max(1, height >> level) - 1,
    );
    gl.uniform1f(program.uniform("u_cellsPerPixel"), 1 / params.stride);
    gl.uniform4f(program.uniform("u_viewport"), viewport.x, viewport.y, viewport.width, viewport.height);
    gl.uniform3f(program.uniform("u_toImage"), params.toImage.x, params.toImage.y, params.toImage.perPixel);
    gl.uniform1f(program.uniform("u_opacityShift"), params.opacityShift);
    gl.uniform1f(program.uniform("u_colourImage"), params.colourImage ? 1 : 0);
    gl.uniform1f(program.uniform("u_showHeat"), params.colour === null ? 0 : 1);
    gl.uniform3f(program.uniform("u_background"), ...params.background);
    program.drawFullscreen();
  }

  dispose(): void {
    this.program.dispose();
  }
}
