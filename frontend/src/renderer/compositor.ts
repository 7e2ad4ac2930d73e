/**
 * What every frame draws: each panel's composite (the image and its coloured cells) and its
 * markers, from the scene's state (view, pinned pixel, opacity, image colour, background)
 * and the textures all panels share (the image, the colour table, a placeholder).
 *
 * Its cost follows the displayed pixels only: one composite per panel box, markers in their
 * own small boxes. It never reads a layer's codes or runs a value pass.
 */
import {
  type Point,
  type Rect,
  type Size,
  type ViewTransform,
  cellInGrid,
  cellOf,
  fullView,
} from "../geometry";
import { PINNED_RGB } from "../palette";
import type { Slot } from "./panels";
import { CompositePass } from "./passes/compositePass";
import { MarkerPass } from "./passes/markerPass";
import { ReceptiveFieldPass } from "./passes/receptiveFieldPass";
import { receptiveFieldOf } from "./receptiveField";
import { type PanelBox, placePanel } from "./placement";
import { createTexture } from "./target";
import { solidTexture, uploadColourTable, uploadImage } from "./textures";

/** What the last frame drew for one panel (the browser tests read this). */
export interface DrawnPanel {
  readonly id: string;
  readonly frame: number;
  readonly reference: Point | null;
  readonly cell: Point | null;
  /** Marker centre in stage CSS pixels. */
  readonly marker: Point | null;
  readonly computedFrame: number;
  /** The reference cell's theoretical receptive field in image coordinates, where known. */
  readonly receptiveField: Rect | null;
}

/** The scene's state that only changes what is composited, never the panels' values. */
export interface Scene {
  view: ViewTransform;
  reference: Point | null;
  pinned: Point | null;
  opacityShift: number;
  colourImage: boolean;
  background: readonly [number, number, number];
  markersVisible: boolean;
  markerScale: number;
  pixelRatio: number;
  boxes: PanelBox[];
  imageSize: Size;
}

export function initialScene(): Scene {
  return {
    view: fullView({ width: 1, height: 1 }),
    reference: null,
    pinned: null,
    opacityShift: 0,
    colourImage: false,
    background: [0.5, 0.5, 0.5],
    markersVisible: true,
    markerScale: 1,
    pixelRatio: 1,
    boxes: [],
    imageSize: { width: 1, height: 1 },
  };
}

export class Compositor {
  readonly lut: WebGLTexture;
  private readonly composite: CompositePass;
  private readonly markers: MarkerPass;
  private readonly receptiveFields: ReceptiveFieldPass;
  private readonly image: WebGLTexture;
  private readonly placeholder: WebGLTexture;
  private imageTextureSize: Size = { width: 1, height: 1 };

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.composite = new CompositePass(gl);
    this.markers = new MarkerPass(gl);
    this.receptiveFields = new ReceptiveFieldPass(gl);
    this.image = solidTexture(gl, [128, 128, 128, 255]);
    this.placeholder = solidTexture(gl, [0, 0, 0, 0]);
    this.lut = createTexture(gl, gl.TEXTURE_2D);
  }

  /** The analysis image, mipmapped so that every zoom samples about one texel per pixel. */
  setImage(source: TexImageSource, size: Size): void {
    uploadImage(this.gl, this.image, source);
    this.imageTextureSize = size;
  }

  setColourTable(colours: readonly (readonly number[])[]): void {
    uploadColourTable(this.gl, this.lut, colours);
  }

  /** Draw every panel onto the canvas; returns what each panel showed. */
  draw(scene: Scene, slots: readonly Slot[], canvas: Size, frame: number): DrawnPanel[] {
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.disable(gl.SCISSOR_TEST);
    gl.viewport(0, 0, canvas.width, canvas.height);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.enable(gl.SCISSOR_TEST);
    const drawn = slots.map((slot, index) => this.drawPanel(scene, slot, scene.boxes[index], canvas, frame));
    gl.disable(gl.SCISSOR_TEST);
    return drawn;
  }

  private drawPanel(
    scene: Scene,
    slot: Slot,
    box: PanelBox | undefined,
    canvas: Size,
    frame: number,
  ): DrawnPanel {
    const { spec } = slot;
    const reference = scene.reference;
    // The grid comes from the stored file's header (a floor-rounding network has fewer cells
    // than ceil(image / stride)); before the file arrives the stride is all there is.
    const grid = slot.gpu?.file.header ?? null;
    const cell =
      reference === null
        ? null
        : grid === null
          ? cellOf(reference, spec.stride)
          : cellInGrid(reference, spec.stride, grid);
    const field = receptiveFieldOf(spec.receptiveField, cell);
    const result: DrawnPanel = {
      id: spec.id,
      frame,
      reference,
      cell,
      marker: null,
      computedFrame: slot.computedFrame,
      receptiveField: field,
    };
    if (box === undefined || box.width <= 0 || box.height <= 0) {
      return result;
    }
    const placed = placePanel({
      box,
      canvasHeight: canvas.height,
      pixelRatio: scene.pixelRatio,
      image: scene.imageSize,
      view: scene.view,
      stride: spec.stride,
      grid,
      reference,
      pinned: scene.pinned,
    });
    this.composite.draw({
      viewport: placed.viewport,
      toImage: placed.toImage,
      imageSize: scene.imageSize,
      imageTexture: this.imageTextureSize,
      stride: spec.stride,
      image: this.image,
      colour: slot.gpu !== null && slot.status.kind === "ready" ? slot.gpu.colour : null,
      placeholder: this.placeholder,
      opacityShift: scene.opacityShift,
      colourImage: scene.colourImage,
      background: scene.background,
    });
    if (scene.markersVisible && field !== null) {
      const { x, y, perPixel } = placed.toImage;
      this.receptiveFields.draw({
        viewport: placed.viewport,
        pixelRatio: scene.pixelRatio,
        square: {
          x0: (field.x0 - x) / perPixel,
          y0: (field.y0 - y) / perPixel,
          x1: (field.x1 - x) / perPixel,
          y1: (field.y1 - y) / perPixel,
        },
      });
    }
    if (scene.markersVisible) {
      this.markers.draw({
        viewport: placed.viewport,
        pixelRatio: scene.pixelRatio,
        markerScale: scene.markerScale,
        reference: placed.reference,
        referenceCell: placed.referenceCell,
        pinned: placed.pinned,
        pinnedColour: PINNED_RGB,
      });
    }
    return { ...result, marker: placed.marker };
  }

  dispose(): void {
    this.composite.dispose();
    this.markers.dispose();
    this.receptiveFields.dispose();
    this.gl.deleteTexture(this.image);
    this.gl.deleteTexture(this.placeholder);
    this.gl.deleteTexture(this.lut);
  }
}
