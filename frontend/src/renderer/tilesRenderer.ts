/**
 * The renderer of panels made of tiles: one canvas, a texture array holding the tiles (a
 * layer per tile), TilesPass drawing the grid in one draw and, where the layout has one, the
 * chosen tile again, enlarged, in a viewport of its own beside the grid. An activations panel
 * draws a page of channels in grey; a tiles panel a technique's filters or channels with one
 * enlarged. Choosing another tile only redraws; nothing is uploaded again. No React here.
 */
import type { Size } from "../geometry";
import { createContext } from "./capabilities";
import { type TilesColouring, TilesPass, type TilesRegion } from "./passes/tilesPass";
import { createTexture, readCanvasPixels } from "./target";
import { uploadColourTable } from "./textures";
import type { TileLayout } from "./tileLayout";
import type { EnlargedTile } from "./tilesPanelLayout";

export interface TileBank {
  /** Tile after tile, rows from the top, `channels` floats per value. */
  readonly values: Float32Array;
  readonly count: number;
  /** Values per tile. */
  readonly grid: Size;
  readonly channels: 1 | 3;
}

export interface TileColours {
  readonly colouring: TilesColouring;
  /** (low, high); for "magnitude", (0, the largest |value|). */
  readonly range: readonly [number, number];
  /** The 256-entry table, for "table". */
  readonly colours?: readonly (readonly number[])[];
}

/** The grid, and the enlarged tile where the panel has one (CSS pixels). */
export interface TilesCanvasLayout {
  readonly grid: TileLayout;
  readonly enlarged: EnlargedTile | null;
  readonly size: Size;
}

export class TilesRenderer {
  private readonly gl: WebGL2RenderingContext;
  private readonly pass: TilesPass;
  private readonly lut: WebGLTexture;
  private tiles: WebGLTexture | null = null;
  private bank: TileBank | null = null;
  private colours: TileColours = { colouring: "magnitude", range: [0, 1] };
  private layout: TilesCanvasLayout | null = null;
  private pixelRatio = 1;
  private selected = -1;
  private readonly background: readonly [number, number, number] = [0.94, 0.95, 0.96];

  /** @throws RendererError when WebGL 2 is missing (the panel says so) */
  constructor(private readonly canvas: HTMLCanvasElement) {
    this.gl = createContext(canvas);
    this.pass = new TilesPass(this.gl);
    this.lut = createTexture(this.gl, this.gl.TEXTURE_2D);
    uploadColourTable(this.gl, this.lut, []);
  }

  setTiles(bank: TileBank): void {
    const gl = this.gl;
    if (this.tiles !== null) {
      gl.deleteTexture(this.tiles);
    }
    this.tiles = createTexture(gl, gl.TEXTURE_2D_ARRAY);
    const { width, height } = bank.grid;
    const colour = bank.channels === 3;
    const layers = Math.max(1, bank.count);
    gl.texStorage3D(gl.TEXTURE_2D_ARRAY, 1, colour ? gl.RGB32F : gl.R32F, width, height, layers);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    if (bank.count > 0) {
      const format = colour ? gl.RGB : gl.RED;
      gl.texSubImage3D(
        gl.TEXTURE_2D_ARRAY,
        0,
        0,
        0,
        0,
        width,
        height,
        bank.count,
        format,
        gl.FLOAT,
        bank.values,
      );
    }
    this.bank = bank;
    this.render();
  }

  setColours(colours: TileColours): void {
    if (colours.colours !== undefined) {
      uploadColourTable(this.gl, this.lut, colours.colours);
    }
    this.colours = colours;
    this.render();
  }

  setLayout(layout: TilesCanvasLayout, pixelRatio: number): void {
    this.layout = layout;
    this.pixelRatio = pixelRatio;
    this.canvas.width = Math.max(1, Math.round(layout.size.width * pixelRatio));
    this.canvas.height = Math.max(1, Math.round(layout.size.height * pixelRatio));
    this.render();
  }

  /** The tile framed in the grid (and drawn enlarged where the layout has room for it), or -1. */
  setSelected(index: number | null): void {
    this.selected = index ?? -1;
    this.render();
  }

  render(): void {
    const { gl, bank, layout } = this;
    if (bank === null || layout === null || gl.isContextLost()) {
      return;
    }
    const ratio = this.pixelRatio;
    const { grid, enlarged } = layout;
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    this.draw(bank.grid, {
      origin: { x: 0, y: 0 },
      first: 0,
      count: bank.count,
      columns: grid.columns,
      tileSize: grid.tile * ratio,
      gap: grid.gap * ratio,
      selected: this.selected,
    });
    if (enlarged === null || this.selected < 0 || this.selected >= bank.count) {
      return;
    }
    // The enlarged tile in a viewport of its own: the grid's draw stays as it is around it.
    const side = Math.round(enlarged.side * ratio);
    const left = Math.round(enlarged.x * ratio);
    const top = Math.round(enlarged.y * ratio);
    gl.viewport(left, this.canvas.height - top - side, side, side);
    this.draw(bank.grid, {
      origin: { x: left, y: top },
      first: this.selected,
      count: 1,
      columns: 1,
      tileSize: side,
      gap: 0,
      selected: -1,
    });
  }

  private draw(grid: Size, region: TilesRegion): void {
    if (this.tiles === null) {
      return;
    }
    this.pass.run({
      tiles: this.tiles,
      lut: this.lut,
      colouring: this.colours.colouring,
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
