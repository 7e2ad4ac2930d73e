/**
 * A tiles panel's renderer: one canvas, two draws of TechniqueTilesPass over one texture array
 * (a layer per tile): the grid, then the chosen tile enlarged in its own viewport. Moving the
 * choice redraws, nothing is uploaded again. Nothing here knows React.
 */
import type { Size } from "../geometry";
import { createContext } from "./capabilities";
import { TechniqueTilesPass, type TilesRegion } from "./passes/techniqueTilesPass";
import { createTexture, readCanvasPixels } from "./target";
import { uploadColourTable } from "./textures";
import type { TilesPanelLayout } from "./tilesPanelLayout";

export interface TileBank {
  /** Tile after tile, rows from the top, `channels` floats per value. */
  readonly values: Float32Array;
  readonly count: number;
  /** Values per tile. */
  readonly grid: Size;
  readonly channels: 1 | 3;
}

export interface TileColours {
  /** Picture tiles are their own RGB (0 to 1); the others go through the table over `range`. */
  readonly picture: boolean;
  readonly range: readonly [number, number];
  readonly colours: readonly (readonly number[])[];
}

export class TechniqueTilesRenderer {
  private readonly gl: WebGL2RenderingContext;
  private readonly pass: TechniqueTilesPass;
  private readonly lut: WebGLTexture;
  private tiles: WebGLTexture | null = null;
  private bank: TileBank | null = null;
  private colours: TileColours = { picture: true, range: [0, 1], colours: [] };
  private layout: TilesPanelLayout | null = null;
  private pixelRatio = 1;
  private chosen = 0;
  private readonly background: readonly [number, number, number] = [0.94, 0.95, 0.96];

  /** @throws RendererError when WebGL 2 is missing (the panel says so) */
  constructor(private readonly canvas: HTMLCanvasElement) {
    this.gl = createContext(canvas);
    this.pass = new TechniqueTilesPass(this.gl);
    this.lut = createTexture(this.gl, this.gl.TEXTURE_2D);
  }

  setBank(bank: TileBank): void {
    const gl = this.gl;
    if (this.tiles !== null) {
      gl.deleteTexture(this.tiles);
    }
    this.tiles = createTexture(gl, gl.TEXTURE_2D_ARRAY);
    const { width, height } = bank.grid;
    const colour = bank.channels === 3;
    gl.texStorage3D(gl.TEXTURE_2D_ARRAY, 1, colour ? gl.RGB32F : gl.R32F, width, height, bank.count);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    gl.texSubImage3D(
      gl.TEXTURE_2D_ARRAY,
      0,
      0,
      0,
      0,
      width,
      height,
      bank.count,
      colour ? gl.RGB : gl.RED,
      gl.FLOAT,
      bank.values,
    );
    this.bank = bank;
    this.render();
  }

  setColours(colours: TileColours): void {
    uploadColourTable(this.gl, this.lut, colours.colours);
    this.colours = colours;
    this.render();
  }

  setLayout(layout: TilesPanelLayout, pixelRatio: number): void {
    this.layout = layout;
    this.pixelRatio = pixelRatio;
    this.canvas.width = Math.max(1, Math.round(layout.size.width * pixelRatio));
    this.canvas.height = Math.max(1, Math.round(layout.size.height * pixelRatio));
    this.render();
  }

  /** The tile framed in the grid and drawn enlarged. */
  setChosen(index: number): void {
    this.chosen = index;
    this.render();
  }

  render(): void {
    const { gl, bank, layout, tiles } = this;
    if (bank === null || layout === null || tiles === null || gl.isContextLost()) {
      return;
    }
    const ratio = this.pixelRatio;
    const { grid, enlarged } = layout;
    const chosen = Math.min(Math.max(0, this.chosen), bank.count - 1);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    this.draw(bank.grid, {
      origin: { x: 0, y: 0 },
      first: 0,
      count: bank.count,
      columns: grid.columns,
      tileSize: grid.tile * ratio,
      gap: grid.gap * ratio,
      selected: chosen,
    });
    // The enlarged tile in a viewport of its own: the grid's draw stays as it is around it.
    const side = Math.round(enlarged.side * ratio);
    const left = Math.round(enlarged.x * ratio);
    const top = Math.round(enlarged.y * ratio);
    gl.viewport(left, this.canvas.height - top - side, side, side);
    this.draw(bank.grid, {
      origin: { x: left, y: top },
      first: chosen,
      count: 1,
      columns: 1,
      tileSize: side,
      gap: 0,
      selected: -1,
    });
  }

  private draw(grid: Size, region: TilesRegion): void {
    const tiles = this.tiles;
    if (tiles === null) {
      return;
    }
    this.pass.run({
      tiles,
      lut: this.lut,
      picture: this.colours.picture,
      range: this.colours.range,
      grid,
      region,
      canvasHeight: this.canvas.height,
      background: this.background,
      frame: [1, 0.29, 0.29],
    });
  }

  /** The canvas as drawn (RGBA, rows from the top); draws first (tests). */
  pixels(): { width: number; height: number; pixels: Uint8Array } {
    this.render();
    return readCanvasPixels(this.gl, this.canvas);
  }

  dispose(): void {
    this.pass.dispose();
    this.gl.deleteTexture(this.lut);
    if (this.tiles !== null) {
      this.gl.deleteTexture(this.tiles);
    }
  }
}
