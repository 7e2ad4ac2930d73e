/**
 * The markers over a panel: the reference ring and the frame of its cell, the pinned dot.
 * Each is drawn inside its own bounding box only (a scissor box, a few hundred pixels), so
 * a frame's cost stays that of the panels' pixels, however the markers move.
 */
import type { Point, Rect } from "../../geometry";
import { Program } from "../program";
import source from "../shaders/marker.frag.glsl?raw";
import type { Viewport } from "./compositePass";

export interface MarkerParams {
  readonly viewport: Viewport;
  readonly pixelRatio: number;
  /** Marker size relative to the default (larger in presenter mode). */
  readonly markerScale: number;
  /** Marker positions in local device pixels (origin top-left), or null to hide. */
  readonly reference: Point | null;
  readonly referenceCell: Rect | null;
  readonly pinned: Point | null;
  readonly pinnedColour: readonly [number, number, number];
}

const RING = 0;
const DISC = 1;
const FRAME = 2;
/** Ring and disc radii in marker units (device pixels at scale 1 and ratio 1). */
const RING_RADIUS = 7;
const DISC_RADIUS = 3.5;
/** How far a halo reaches past a shape, in marker units. */
const HALO = 4;

export class MarkerPass {
  static readonly passName = "markers";
  private readonly program: Program;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.program = new Program(gl, "marker", source);
  }

  draw(params: MarkerParams): void {
    const { reference, referenceCell, pinned, viewport } = params;
    if (reference === null && pinned === null) {
      return;
    }
    const gl = this.gl;
    const program = this.program;
    const unit = params.pixelRatio * params.markerScale;
    program.use();
    gl.uniform4f(program.uniform("u_viewport"), viewport.x, viewport.y, viewport.width, viewport.height);
    gl.uniform1f(program.uniform("u_pixelRatio"), params.pixelRatio);
    gl.uniform1f(program.uniform("u_markerSize"), unit);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    if (reference !== null && referenceCell !== null) {
      this.frame(params, referenceCell);
    }
    if (reference !== null) {
      const radius = RING_RADIUS * unit;
      this.shape(params, RING, [reference.x, reference.y, radius, 0], [1, 1, 1], radius + HALO * unit);
    }
    if (pinned !== null) {
      const radius = DISC_RADIUS * unit;
      this.shape(params, DISC, [pinned.x, pinned.y, radius, 0], params.pinnedColour, radius + HALO * unit);
    }
    gl.disable(gl.BLEND);
  }

  /** The frame of the reference cell, as four thin strips (never the cell's inside). */
  private frame(params: MarkerParams, cell: Rect): void {
    const ratio = params.pixelRatio;
    if (Math.min(cell.x1 - cell.x0, cell.y1 - cell.y0) < 10 * ratio) {
      return; // too small to frame
    }
    const reach = 3 * ratio;
    const geometry: [number, number, number, number] = [cell.x0, cell.y0, cell.x1, cell.y1];
    const strips: [number, number, number, number][] = [
      [cell.x0 - reach, cell.y0 - reach, cell.x1 + reach, cell.y0 + reach],
      [cell.x0 - reach, cell.y1 - reach, cell.x1 + reach, cell.y1 + reach],
      [cell.x0 - reach, cell.y0 + reach, cell.x0 + reach, cell.y1 - reach],
      [cell.x1 - reach, cell.y0 + reach, cell.x1 + reach, cell.y1 - reach],
    ];
    for (const strip of strips) {
      this.drawIn(params, FRAME, geometry, [1, 1, 1], strip);
    }
  }

  private shape(
    params: MarkerParams,
    shape: number,
    geometry: [number, number, number, number],
    ink: readonly [number, number, number],
    reach: number,
  ): void {
    const [x, y] = geometry;
    this.drawIn(params, shape, geometry, ink, [x - reach, y - reach, x + reach, y + reach]);
  }

  /** Draw one shape inside a local box (device pixels from the viewport's top-left). */
  private drawIn(
    params: MarkerParams,
    shape: number,
    geometry: [number, number, number, number],
    ink: readonly [number, number, number],
    [x0, y0, x1, y1]: [number, number, number, number],
  ): void {
    const { viewport } = params;
    const left = Math.max(0, Math.floor(x0));
    const top = Math.max(0, Math.floor(y0));
    const right = Math.min(viewport.width, Math.ceil(x1));
    const bottom = Math.min(viewport.height, Math.ceil(y1));
    if (right <= left || bottom <= top) {
      return;
    }
    const gl = this.gl;
    const program = this.program;
    gl.scissor(viewport.x + left, viewport.y + viewport.height - bottom, right - left, bottom - top);
    gl.uniform1i(program.uniform("u_shape"), shape);
    gl.uniform4f(program.uniform("u_geometry"), ...geometry);
    gl.uniform3f(program.uniform("u_ink"), ...ink);
    program.drawFullscreen();
  }

  dispose(): void {
    this.program.dispose();
  }
}
