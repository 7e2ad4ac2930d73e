/** A page of channel tiles in one draw (activations panels). */
import type { Pass } from "../pass";
import { Program } from "../program";
import source from "../shaders/activationTiles.frag.glsl?raw";
import type { TileLayout } from "../tileLayout";

export interface TilesPassInput {
  readonly tiles: WebGLTexture;
  readonly grid: { readonly width: number; readonly height: number };
  readonly count: number;
  readonly layout: TileLayout;
  readonly pixelRatio: number;
  readonly canvasHeight: number;
  readonly peak: number;
  readonly selected: number;
  readonly background: readonly [number, number, number];
  readonly frame: readonly [number, number, number];
}

export class ActivationTilesPass implements Pass<TilesPassInput> {
  static readonly passName = "activationTiles";
  private readonly program: Program;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.program = new Program(gl, "activation tiles", source);
  }

  run(input: TilesPassInput): void {
    const gl = this.gl;
    const program = this.program;
    program.use();
    program.texture("u_tiles", 0, gl.TEXTURE_2D_ARRAY, input.tiles);
    gl.uniform2i(program.uniform("u_grid"), input.grid.width, input.grid.height);
    gl.uniform1i(program.uniform("u_count"), input.count);
    gl.uniform1i(program.uniform("u_columns"), input.layout.columns);
    gl.uniform1f(program.uniform("u_tileSize"), input.layout.tile * input.pixelRatio);
    gl.uniform1f(program.uniform("u_gap"), input.layout.gap * input.pixelRatio);
    gl.uniform1f(program.uniform("u_canvasHeight"), input.canvasHeight);
    gl.uniform1f(program.uniform("u_peak"), input.peak);
    gl.uniform1i(program.uniform("u_selected"), input.selected);
    gl.uniform3f(program.uniform("u_background"), ...input.background);
    gl.uniform3f(program.uniform("u_frame"), ...input.frame);
    program.drawFullscreen();
  }

  dispose(): void {
    this.program.dispose();
  }
}
