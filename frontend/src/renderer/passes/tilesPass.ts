/**
 * Tiles in one draw per region: an activations page, a technique's filters and the chosen one
 * enlarged (tiles.frag: one texture array, a layer per tile).
 */
import type { Size } from "../../geometry";
import type { Pass } from "../pass";
import { Program } from "../program";
import source from "../shaders/tiles.frag.glsl?raw";

/** One region of the canvas, device pixels: a grid of `count` tiles from `first`. */
export interface TilesRegion {
  readonly origin: { readonly x: number; readonly y: number };
  readonly first: number;
  readonly count: number;
  readonly columns: number;
  readonly tileSize: number;
  readonly gap: number;
  /** The framed tile (absolute index), or -1. */
  readonly selected: number;
}

/** How values become colours (tiles.frag says the formulas). */
export type TilesColouring = "picture" | "table" | "magnitude";

const COLOURINGS: Record<TilesColouring, number> = { picture: 0, table: 1, magnitude: 2 };

export interface TilesPassInput {
  readonly tiles: WebGLTexture;
  /** The colour table ("table"); any texture otherwise. */
  readonly lut: WebGLTexture;
  readonly colouring: TilesColouring;
  readonly range: readonly [number, number];
  readonly grid: Size;
  readonly region: TilesRegion;
  readonly canvasHeight: number;
  readonly background: readonly [number, number, number];
  readonly frame: readonly [number, number, number];
}

export class TilesPass implements Pass<TilesPassInput> {
  static readonly passName = "tiles";
  private readonly program: Program;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.program = new Program(gl, "tiles", source);
  }

  run(input: TilesPassInput): void {
    const gl = this.gl;
    const program = this.program;
    const { region } = input;
    program.use();
    program.texture("u_tiles", 0, gl.TEXTURE_2D_ARRAY, input.tiles);
    program.texture("u_lut", 1, gl.TEXTURE_2D, input.lut);
    gl.uniform1i(program.uniform("u_colouring"), COLOURINGS[input.colouring]);
    gl.uniform2f(program.uniform("u_range"), input.range[0], input.range[1]);
    gl.uniform2f(program.uniform("u_origin"), region.origin.x, region.origin.y);
    gl.uniform2i(program.uniform("u_grid"), input.grid.width, input.grid.height);
    gl.uniform1i(program.uniform("u_first"), region.first);
    gl.uniform1i(program.uniform("u_count"), region.count);
    gl.uniform1i(program.uniform("u_columns"), region.columns);
    gl.uniform1f(program.uniform("u_tileSize"), region.tileSize);
    gl.uniform1f(program.uniform("u_gap"), region.gap);
    gl.uniform1f(program.uniform("u_canvasHeight"), input.canvasHeight);
    gl.uniform1i(program.uniform("u_selected"), region.selected);
    gl.uniform3f(program.uniform("u_background"), ...input.background);
    gl.uniform3f(program.uniform("u_frame"), ...input.frame);
    program.drawFullscreen();
  }

  dispose(): void {
    this.program.dispose();
  }
}
