/**
 * An activations panel's renderer: one canvas, one draw per page (ActivationTilesPass) over a
 * texture array holding the page's channels, one layer per tile. Nothing here knows React.
 */
import type { Size } from "../geometry";
import { createContext } from "./capabilities";
import { ActivationTilesPass } from "./passes/activationTilesPass";
import { createTexture, readCanvasPixels } from "./target";
import type { TileLayout } from "./tileLayout";

export interface TilePage {
  /** Per tile, its channel's values, one per cell, rows from the top. */
  readonly values: Float32Array;
  readonly count: number;
  readonly grid: Size;
  /** The layer's largest |value|: every tile's white. */
  readonly peak: number;
}

export class TilesRenderer {
  private readonly gl: WebGL2RenderingContext;
  private readonly pass: ActivationTilesPass;
  private tiles: WebGLTexture | null = null;
  private page: TilePage | null = null;
  private layout: TileLayout | null = null;
  private pixelRatio = 1;
  private selected = -1;
  private background: readonly [number, number, number] = [0.94, 0.95, 0.96];

  /** @throws RendererError when WebGL 2 is missing (the panel says so) */
  constructor(private readonly canvas: HTMLCanvasElement) {
    this.gl = createContext(canvas);
    this.pass = new ActivationTilesPass(this.gl);
  }

  setPage(page: TilePage): void {
    const gl = this.gl;
    if (this.tiles !== null) {
      gl.deleteTexture(this.tiles);
    }
    this.tiles = createTexture(gl, gl.TEXTURE_2D_ARRAY);
    const { width, height } = page.grid;
    const layers = Math.max(1, page.count);
    gl.texStorage3D(gl.TEXTURE_2D_ARRAY, 1, gl.R32F, width, height, layers);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    if (page.count > 0) {
      gl.texSubImage3D(
        gl.TEXTURE_2D_ARRAY,
        0,
        0,
        0,
        0,
        width,
        height,
        page.count,
        gl.RED,
        gl.FLOAT,
        page.values,
      );
    }
    this.page = page;
    this.render();
  }

  setLayout(layout: TileLayout, pixelRatio: number): void {
    this.layout = layout;
    this.pixelRatio = pixelRatio;
    this.canvas.width = Math.max(1, Math.round(layout.size.width * pixelRatio));
    this.canvas.height = Math.max(1, Math.round(layout.size.height * pixelRatio));
    this.render();
  }

  setSelected(index: number | null): void {
    this.selected = index ?? -1;
    this.render();
  }

  setBackground(rgb: readonly [number, number, number]): void {
    this.background = rgb;
    this.render();
  }

  render(): void {
    const { gl, page, layout, tiles } = this;
    if (page === null || layout === null || tiles === null || gl.isContextLost()) {
      return;
    }
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    this.pass.run({
      tiles,
      grid: page.grid,
      count: page.count,
      layout,
      pixelRatio: this.pixelRatio,
      canvasHeight: this.canvas.height,
      peak: page.peak,
      selected: this.selected,
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
    if (this.tiles !== null) {
      this.gl.deleteTexture(this.tiles);
    }
  }
}
