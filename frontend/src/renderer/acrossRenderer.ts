/**
 * A cross-image panel's renderer: one reference vector (from a cell of the stage's image),
 * compared with every cell of several other images' maps of the same layer, on one canvas
 * and one WebGL 2 context for all of them.
 *
 * Each image runs the stage's own chain for the metric (panelKinds.ts: similarity, metric,
 * reduction), then JointRangePass gives all of them one (min, max), then the colour pass and
 * the stage's CompositePass draw each image in its box. The reference vector reaches each
 * layer's uniform buffer as the stage's does (LayerGpu.setReference); only where it comes from
 * differs. Nothing here knows React.
 */
import type { FeatureFile } from "../data/featureFile";
import { type Size, fullView } from "../geometry";
import { createContext, readCapabilities } from "./capabilities";
import { AbortedError, RendererError } from "./errors";
import { FrameLoop } from "./frameLoop";
import { LayerGpu, type ReferenceVector } from "./layer";
import { DEFAULT_KINDS, type PanelMode } from "./panelKinds";
import type { PanelStatus } from "./panels";
import { PassLibrary } from "./pass";
import { ColourPass } from "./passes/colourPass";
import { CompositePass } from "./passes/compositePass";
import { JointRangePass } from "./passes/jointRangePass";
import { NormPass } from "./passes/normPass";
import { type PanelBox, placePanel } from "./placement";
import { createTexture } from "./target";
import { solidTexture, uploadColourTable, uploadImage } from "./textures";

/** One other image: its id (unique in the panel), its analysis image's size and its layer's stride. */
export interface AcrossImageSpec {
  readonly id: string;
  readonly size: Size;
  readonly stride: number;
}

interface AcrossSlot {
  readonly spec: AcrossImageSpec;
  file: FeatureFile | null;
  gpu: LayerGpu | null;
  status: PanelStatus;
  readonly image: WebGLTexture;
  imageTexture: Size;
  generation: number;
}

/** One image's values as the test hook reads them: one number per cell, rows from the top. */
export interface AcrossValues {
  readonly width: number;
  readonly height: number;
  readonly values: Float32Array;
}

export class AcrossRenderer {
  private readonly gl: WebGL2RenderingContext;
  private readonly passes: PassLibrary;
  private readonly joint: JointRangePass;
  private readonly composite: CompositePass;
  private readonly lut: WebGLTexture;
  private readonly placeholder: WebGLTexture;
  private readonly loop: FrameLoop;
  private slots: AcrossSlot[] = [];
  private reference: ReferenceVector | null = null;
  private mode: PanelMode = { kind: "similarity" };
  private boxes: readonly PanelBox[] = [];
  private pixelRatio = 1;
  private opacityShift = 0;
  private colourImage = false;
  private background: readonly [number, number, number] = [0.94, 0.95, 0.96];
  private valuesDirty = true;
  private computed = false;
  private disposed = false;

  /** @throws RendererError when WebGL 2 or a needed feature is missing (the panel says so) */
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onStatus: (id: string, status: PanelStatus) => void = () => undefined,
  ) {
    const gl = createContext(canvas);
    this.gl = gl;
    this.passes = new PassLibrary(gl);
    this.joint = new JointRangePass(gl);
    this.composite = new CompositePass(gl);
    this.lut = createTexture(gl, gl.TEXTURE_2D);
    this.placeholder = solidTexture(gl, [0, 0, 0, 0]);
    this.loop = new FrameLoop(() => {
      this.render();
    });
  }

  /** The other images, in display order; images no longer shown release their GPU memory. */
  setImages(specs: readonly AcrossImageSpec[]): void {
    const kept = new Map(this.slots.map((slot) => [slot.spec.id, slot]));
    this.slots = specs.map((spec) => {
      const slot = kept.get(spec.id);
      kept.delete(spec.id);
      return (
        slot ?? {
          spec,
          file: null,
          gpu: null,
          status: { kind: "waiting" },
          image: solidTexture(this.gl, [128, 128, 128, 255]),
          imageTexture: { width: 1, height: 1 },
          generation: 0,
        }
      );
    });
    for (const gone of kept.values()) {
      this.release(gone);
      this.gl.deleteTexture(gone.image);
    }
    this.invalidate();
  }

  /** Give an image its feature file: uploaded in steps, then every cell's inverse norm. */
  async setFile(id: string, file: FeatureFile): Promise<void> {
    const slot = this.slots.find((candidate) => candidate.spec.id === id);
    if (slot === undefined || slot.file === file || this.disposed) {
      return;
    }
    slot.file = file;
    this.release(slot);
    const generation = slot.generation;
    const isCurrent = (): boolean =>
      !this.disposed &&
      !this.gl.isContextLost() &&
      slot.generation === generation &&
      this.slots.includes(slot);
    this.setStatus(slot, { kind: "uploading", fraction: 0 });
    try {
      const gpu = new LayerGpu(this.gl, file, readCapabilities(this.gl, {}), { cellsPerTexel: 4 });
      slot.gpu = gpu;
      await gpu.upload(isCurrent, (fraction) => {
        this.setStatus(slot, { kind: "uploading", fraction });
      });
      this.passes.run([NormPass], { layer: gpu, cell: { x: 0, y: 0 }, channel: 0, lut: this.lut });
      this.setStatus(slot, { kind: "ready" });
      this.invalidate();
    } catch (error) {
      if (error instanceof AbortedError || !isCurrent()) {
        return;
      }
      this.release(slot);
      const message =
        error instanceof RendererError ? error.message : `could not show this image: ${String(error)}`;
      this.setStatus(slot, { kind: "error", message });
    }
  }

  setImage(id: string, source: TexImageSource, size: Size): void {
    const slot = this.slots.find((candidate) => candidate.spec.id === id);
    if (slot !== undefined && !this.gl.isContextLost()) {
      uploadImage(this.gl, slot.image, source);
      slot.imageTexture = size;
      this.loop.schedule();
    }
  }

  /** The reference vector (null: no reference pixel yet; the images show without a map). */
  setReference(reference: ReferenceVector | null): void {
    this.reference = reference;
    this.invalidate();
  }

  /** A metric's mode; the single-channel mode of a stage panel does not apply across images. */
  setMode(mode: PanelMode): void {
    if (mode.kind !== "channel" && mode.kind !== this.mode.kind) {
      this.mode = mode;
      this.invalidate();
    }
  }

  setColourTable(colours: readonly (readonly number[])[]): void {
    uploadColourTable(this.gl, this.lut, colours);
    this.invalidate();
  }

  /** The canvas's CSS size, the device pixel ratio and each image's box (in `setImages` order). */
  setLayout(css: Size, pixelRatio: number, boxes: readonly PanelBox[]): void {
    this.pixelRatio = pixelRatio;
    this.boxes = boxes;
    this.canvas.width = Math.max(1, Math.round(css.width * pixelRatio));
    this.canvas.height = Math.max(1, Math.round(css.height * pixelRatio));
    this.loop.schedule();
  }

  setAppearance(
    opacityShift: number,
    colourImage: boolean,
    background: readonly [number, number, number],
  ): void {
    this.opacityShift = opacityShift;
    this.colourImage = colourImage;
    this.background = background;
    this.loop.schedule();
  }

  /** The panel kind the images show now (a metric's; test hook). */
  get modeName(): string {
    return this.mode.kind;
  }

  /** Whether every image is on the GPU. */
  ready(): boolean {
    return this.slots.length > 0 && this.slots.every((slot) => slot.status.kind === "ready");
  }

  /** Draw now: compute what changed, then composite every image. */
  render(): void {
    this.loop.cancel();
    const gl = this.gl;
    if (this.disposed || gl.isContextLost()) {
      return;
    }
    if (this.valuesDirty) {
      this.computeValues();
    }
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.enable(gl.SCISSOR_TEST);
    this.slots.forEach((slot, index) => {
      const box = this.boxes[index];
      if (box === undefined) {
        return;
      }
      const { size, stride } = slot.spec;
      const header = slot.gpu?.file.header;
      const placed = placePanel({
        box,
        canvasHeight: this.canvas.height,
        pixelRatio: this.pixelRatio,
        image: size,
        view: fullView(size),
        stride,
        grid: header === undefined ? null : { width: header.width, height: header.height },
        reference: null,
        pinned: null,
      });
      this.composite.draw({
        viewport: placed.viewport,
        toImage: placed.toImage,
        imageSize: size,
        imageTexture: slot.imageTexture,
        stride,
        image: slot.image,
        colour: this.computed && slot.gpu !== null ? slot.gpu.colour : null,
        placeholder: this.placeholder,
        opacityShift: this.opacityShift,
        colourImage: this.colourImage,
        background: this.background,
      });
    });
    gl.disable(gl.SCISSOR_TEST);
  }

  /** The metric of every cell of every image (after `render`), in `setImages` order. */
  values(): (AcrossValues | null)[] {
    this.render();
    return this.slots.map((slot) => {
      const gpu = slot.gpu;
      if (gpu === null || !this.computed) {
        return null;
      }
      return { width: gpu.file.header.width, height: gpu.file.header.height, values: gpu.readValues() };
    });
  }

  /** The shared (min, max) the images are stretched over, or null before any is computed. */
  range(): { min: number; max: number } | null {
    this.render();
    const gpu = this.slots[0]?.gpu;
    if (gpu == null || !this.computed) {
      return null;
    }
    const texel = gpu.minMax.readFloats();
    return { min: texel[0] ?? 0, max: texel[1] ?? 0 };
  }

  /** Each image's chain for the metric, one joint range, then each image's colours. */
  private computeValues(): void {
    const layers = this.slots.flatMap((slot) =>
      slot.status.kind === "ready" && slot.gpu !== null ? [slot.gpu] : [],
    );
    const reference = this.reference;
    this.computed = reference !== null && layers.length === this.slots.length && layers.length > 0;
    if (!this.computed || reference === null) {
      return;
    }
    const chain = DEFAULT_KINDS[this.mode.kind].chain.filter((pass) => pass !== ColourPass);
    for (const layer of layers) {
      layer.setReference(reference);
      this.passes.run(chain, { layer, cell: { x: 0, y: 0 }, channel: 0, lut: this.lut });
    }
    this.joint.run(layers);
    for (const layer of layers) {
      this.passes.run([ColourPass], { layer, cell: { x: 0, y: 0 }, channel: 0, lut: this.lut });
    }
    this.valuesDirty = false;
  }

  private invalidate(): void {
    this.valuesDirty = true;
    this.loop.schedule();
  }

  private setStatus(slot: AcrossSlot, status: PanelStatus): void {
    slot.status = status;
    this.onStatus(slot.spec.id, status);
  }

  private release(slot: AcrossSlot): void {
    slot.generation += 1;
    if (slot.gpu !== null && !this.gl.isContextLost()) {
      slot.gpu.dispose();
    }
    slot.gpu = null;
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.loop.stop();
    for (const slot of this.slots) {
      this.release(slot);
      this.gl.deleteTexture(slot.image);
    }
    this.passes.dispose();
    this.joint.dispose();
    this.composite.dispose();
    this.gl.deleteTexture(this.lut);
    this.gl.deleteTexture(this.placeholder);
  }
}
