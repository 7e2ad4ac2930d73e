/**
 * The similarity view's renderer: ONE WebGL 2 context on one canvas behind all panels.
 *
 * Browsers limit the number of contexts, and one context lets every panel repaint in the same
 * animation frame (a viewport and scissor per panel). Per layer and reference change the
 * passes run over the layer's grid: similarity (or one channel) -> min/max reduction ->
 * colour; then every frame composites each panel over the image. Nothing here knows React.
 *
 * A lost context is restored from the feature files still in memory; no byte is fetched again.
 */
import { type FeatureFile, cellCodes } from "../data/featureFile";
import { type Point, type Size, type ViewTransform, cellInGrid, cellOf, fullView } from "../geometry";
import { PINNED_RGB } from "../palette";
import { type Capabilities, createContext, enableExtensions, readCapabilities } from "./capabilities";
import { AbortedError, RendererError } from "./errors";
import { LayerGpu, unitVector } from "./layer";
import { type PanelBox, placePanel } from "./placement";
import { MinMaxReader, type Range } from "./minMaxReader";
import { ChannelPass } from "./passes/channelPass";
import { ColourPass } from "./passes/colourPass";
import { CompositePass } from "./passes/compositePass";
import { NormPass } from "./passes/normPass";
import { ReductionPass } from "./passes/reductionPass";
import { SimilarityPass, type SimilarityStrategy } from "./passes/similarityPass";
import { createTexture } from "./target";

export type { Range } from "./minMaxReader";
export type { PanelBox } from "./placement";

/** One panel: a layer (by entry id) and its stride over the image. */
export interface PanelSpec {
  readonly id: string;
  readonly layer: string;
  readonly stride: number;
}

export type PanelMode =
  { readonly kind: "similarity" } | { readonly kind: "channel"; readonly channel: number };

export type PanelStatus =
  | { readonly kind: "waiting" }
  | { readonly kind: "uploading"; readonly fraction: number }
  | { readonly kind: "ready" }
  | { readonly kind: "error"; readonly message: string };

export interface RendererCallbacks {
  /** A panel's loading state changed. */
  readonly onStatus?: (id: string, status: PanelStatus) => void;
  /** A panel's current (min, max), read asynchronously (may lag one frame). */
  readonly onRange?: (id: string, range: Range, mode: PanelMode) => void;
  /** The context was lost (true) or restored (false). */
  readonly onContextLost?: (lost: boolean) => void;
}

export interface RendererOptions extends RendererCallbacks {
  /** Replaces the similarity pass (the benchmark measures the original tool's approach). */
  readonly similarity?: (gl: WebGL2RenderingContext) => SimilarityStrategy;
  /** Lower limits than the device's, to exercise splitting (tests). */
  readonly limits?: Partial<Capabilities>;
}

/** What the last frame drew for one panel (the browser tests read this). */
export interface DrawnPanel {
  readonly id: string;
  readonly frame: number;
  readonly reference: Point | null;
  readonly cell: Point | null;
  /** Marker centre in stage CSS pixels. */
  readonly marker: Point | null;
  readonly computedFrame: number;
}

interface Slot {
  spec: PanelSpec;
  file: FeatureFile | null;
  gpu: LayerGpu | null;
  status: PanelStatus;
  mode: PanelMode;
  referenceCell: Point | null;
  valuesDirty: boolean;
  /** Whether the colour scale has the range of this map (false after an upload or a new mode). */
  rangeKnown: boolean;
  computedFrame: number;
  /** Bumped to abandon an upload in flight. */
  generation: number;
}

interface Passes {
  readonly norm: NormPass;
  readonly similarity: SimilarityStrategy;
  readonly channel: ChannelPass;
  readonly reduction: ReductionPass;
  readonly colour: ColourPass;
  readonly composite: CompositePass;
}

export class Renderer {
  private readonly gl: WebGL2RenderingContext;
  private capabilities: Capabilities;
  private passes: Passes;
  private readonly reader: MinMaxReader;
  private limits: Partial<Capabilities>;
  private readonly slots = new Map<string, Slot>();
  private order: PanelSpec[] = [];
  private boxes: PanelBox[] = [];
  private pixelRatio = 1;
  private imageSize: Size = { width: 1, height: 1 };
  private imageSource: TexImageSource | null = null;
  private imageTextureSize: Size = { width: 1, height: 1 };
  private imageTexture: WebGLTexture;
  private placeholder: WebGLTexture;
  private lut: WebGLTexture;
  private colours: readonly (readonly number[])[] = [];
  private view: ViewTransform = fullView({ width: 1, height: 1 });
  private reference: Point | null = null;
  private pinned: Point | null = null;
  private opacityShift = 0;
  private colourImage = false;
  private background: readonly [number, number, number] = [0.5, 0.5, 0.5];
  private markersVisible = true;
  private markerScale = 1;
  private frameRequest: number | null = null;
  private frame = 0;
  private drawn: DrawnPanel[] = [];
  private lost = false;
  private disposed = false;
  private loseContext: WEBGL_lose_context | null = null;

  /**
   * @throws RendererError when WebGL 2 or a needed feature is missing (say so in the panel)
   */
  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly options: RendererOptions = {},
  ) {
    this.gl = createContext(canvas);
    this.limits = options.limits ?? {};
    this.capabilities = readCapabilities(this.gl, this.limits);
    this.passes = this.createPasses();
    this.reader = new MinMaxReader(this.gl, (id, range) => {
      const slot = this.slots.get(id);
      if (slot !== undefined) {
        this.options.onRange?.(id, range, slot.mode);
      }
    });
    [this.imageTexture, this.placeholder, this.lut] = this.createSharedTextures();
    canvas.addEventListener("webglcontextlost", this.handleContextLost);
    canvas.addEventListener("webglcontextrestored", this.handleContextRestored);
  }

  // -- configuration -------------------------------------------------------------------------

  /** The panels in display order; layers no longer shown release their GPU memory. */
  setPanels(specs: readonly PanelSpec[]): void {
    const keep = new Set(specs.map((spec) => spec.id));
    for (const [id, slot] of this.slots) {
      if (!keep.has(id)) {
        this.releaseSlot(slot);
        this.slots.delete(id);
      }
    }
    for (const spec of specs) {
      const slot = this.slots.get(spec.id);
      if (slot === undefined) {
        this.slots.set(spec.id, {
          spec,
          file: null,
          gpu: null,
          status: { kind: "waiting" },
          mode: { kind: "similarity" },
          referenceCell: null,
          valuesDirty: true,
          rangeKnown: false,
          computedFrame: -1,
          generation: 0,
        });
      } else {
        slot.spec = spec;
      }
    }
    this.order = [...specs];
    this.requestFrame();
  }

  /** Give a panel its feature file; uploads it in steps and reports progress. */
  async setFile(id: string, file: FeatureFile): Promise<void> {
    const slot = this.slots.get(id);
    if (slot === undefined || slot.file === file) {
      return;
    }
    slot.file = file;
    await this.upload(slot);
  }

  /** Stage size in CSS pixels, the device pixel ratio and each panel's box. */
  setLayout(stage: Size, pixelRatio: number, boxes: readonly PanelBox[]): void {
    this.pixelRatio = pixelRatio;
    this.boxes = [...boxes];
    const width = Math.max(1, Math.round(stage.width * pixelRatio));
    const height = Math.max(1, Math.round(stage.height * pixelRatio));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.requestFrame();
  }

  setImage(source: TexImageSource, size: Size): void {
    this.imageSource = source;
    this.imageSize = size;
    this.uploadImage();
    this.requestFrame();
  }

  /** Image size before the image itself has loaded (coordinates need it at once). */
  setImageSize(size: Size): void {
    this.imageSize = size;
    this.requestFrame();
  }

  setColourTable(colours: readonly (readonly number[])[]): void {
    this.colours = colours;
    this.uploadLut();
    for (const slot of this.slots.values()) {
      slot.valuesDirty = true;
    }
    this.requestFrame();
  }

  setView(view: ViewTransform): void {
    this.view = view;
    this.requestFrame();
  }

  /** The reference pixel (image coordinates); each layer maps it to its own cell. */
  setReference(pixel: Point | null): void {
    this.reference = pixel;
    for (const slot of this.slots.values()) {
      this.updateReference(slot);
    }
    this.requestFrame();
  }

  setPinned(pixel: Point | null): void {
    this.pinned = pixel;
    this.requestFrame();
  }

  setMode(id: string, mode: PanelMode): void {
    const slot = this.slots.get(id);
    if (slot === undefined || sameMode(slot.mode, mode)) {
      return;
    }
    if (slot.mode.kind !== mode.kind) {
      slot.rangeKnown = false;
    }
    slot.mode = mode;
    slot.valuesDirty = true;
    this.requestFrame();
  }

  /** Heat-map opacity shift in [-1, 1] (0: opacity equals the stretched similarity). */
  setOpacityShift(shift: number): void {
    this.opacityShift = Math.min(Math.max(shift, -1), 1);
    this.requestFrame();
  }

  setColourImage(colour: boolean): void {
    this.colourImage = colour;
    this.requestFrame();
  }

  /** Colour of the panel area outside the image (0..1 RGB). */
  setBackground(rgb: readonly [number, number, number]): void {
    this.background = rgb;
    this.requestFrame();
  }

  /** Larger markers for a projector (presenter mode). */
  setMarkerScale(scale: number): void {
    this.markerScale = scale;
    this.requestFrame();
  }

  setMarkersVisible(visible: boolean): void {
    this.markersVisible = visible;
    this.requestFrame();
  }

  /**
   * Pretend the device has lower limits (e.g. fewer array layers, to exercise splitting) and
   * rebuild every layer from the bytes in memory.
   */
  setLimits(limits: Partial<Capabilities>): Promise<void> {
    this.limits = limits;
    this.capabilities = readCapabilities(this.gl, limits);
    return Promise.all([...this.slots.values()].map((slot) => this.upload(slot))).then(() => undefined);
  }

  // -- drawing ---------------------------------------------------------------------------------

  requestFrame(): void {
    if (this.frameRequest === null && !this.disposed) {
      this.frameRequest = requestAnimationFrame(() => {
        this.frameRequest = null;
        this.render();
      });
    }
  }

  /** Draw now (the browser tests and the benchmark need a frame on demand). */
  render(): void {
    if (this.frameRequest !== null) {
      cancelAnimationFrame(this.frameRequest);
      this.frameRequest = null;
    }
    if (this.lost || this.disposed) {
      return;
    }
    const gl = this.gl;
    this.frame += 1;
    for (const slot of this.order.map((spec) => this.slots.get(spec.id))) {
      if (slot?.gpu != null && slot.valuesDirty) {
        this.computeValues(slot, slot.gpu);
      }
    }
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.disable(gl.SCISSOR_TEST);
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.enable(gl.SCISSOR_TEST);
    this.drawn = this.order.map((spec, index) => this.composite(spec, this.boxes[index]));
    gl.disable(gl.SCISSOR_TEST);
  }

  private computeValues(slot: Slot, gpu: LayerGpu): void {
    const passes = this.passes;
    if (slot.mode.kind === "channel") {
      passes.channel.run(gpu, Math.min(slot.mode.channel, gpu.file.header.channels - 1));
    } else {
      passes.similarity.run(gpu, slot.referenceCell ?? { x: 0, y: 0 });
    }
    passes.reduction.run(gpu);
    passes.colour.run(gpu, this.lut);
    slot.valuesDirty = false;
    slot.computedFrame = this.frame;
    if (slot.rangeKnown) {
      this.reader.request(slot.spec.id, gpu.minMax);
      return;
    }
    // A new map (a layer just shown, another mode): its numbers come with its first frame,
    // read at once. Later changes are read without waiting; the scale shows the previous
    // numbers of the same map meanwhile, never none (nor a read from before the map existed).
    this.reader.forget(slot.spec.id);
    const texel = gpu.minMax.readFloats();
    slot.rangeKnown = true;
    this.options.onRange?.(slot.spec.id, { min: texel[0] ?? 0, max: texel[1] ?? 0 }, slot.mode);
  }

  private composite(spec: PanelSpec, box: PanelBox | undefined): DrawnPanel {
    const slot = this.slots.get(spec.id);
    const reference = this.reference;
    const result: DrawnPanel = {
      id: spec.id,
      frame: this.frame,
      reference,
      cell: reference === null ? null : cellOf(reference, spec.stride),
      marker: null,
      computedFrame: slot?.computedFrame ?? -1,
    };
    if (box === undefined || box.width <= 0 || box.height <= 0) {
      return result;
    }
    const placed = placePanel({
      box,
      canvasHeight: this.canvas.height,
      pixelRatio: this.pixelRatio,
      image: this.imageSize,
      view: this.view,
      stride: spec.stride,
      reference,
      pinned: this.pinned,
    });
    const markers = this.markersVisible;
    this.passes.composite.draw({
      viewport: placed.viewport,
      toImage: placed.toImage,
      imageSize: this.imageSize,
      imageTexture: this.imageTextureSize,
      stride: spec.stride,
      image: this.imageTexture,
      colour: slot?.gpu != null && slot.status.kind === "ready" ? slot.gpu.colour.texture : null,
      placeholder: this.placeholder,
      opacityShift: this.opacityShift,
      colourImage: this.colourImage,
      background: this.background,
      pixelRatio: this.pixelRatio,
      markerScale: this.markerScale,
      reference: markers ? placed.reference : null,
      referenceCell: markers ? placed.referenceCell : null,
      pinned: markers ? placed.pinned : null,
      pinnedColour: PINNED_RGB,
    });
    return { ...result, marker: placed.marker };
  }

  // -- layers ----------------------------------------------------------------------------------

  private async upload(slot: Slot): Promise<void> {
    const file = slot.file;
    if (file === null || this.lost) {
      return;
    }
    this.releaseSlot(slot);
    const generation = ++slot.generation;
    const isCurrent = (): boolean =>
      !this.disposed && !this.lost && slot.generation === generation && this.slots.get(slot.spec.id) === slot;
    this.setStatus(slot, { kind: "uploading", fraction: 0 });
    try {
      const strategy = this.passes.similarity;
      const gpu = new LayerGpu(this.gl, file, this.capabilities, {
        cellsPerTexel: strategy.cellsPerTexel,
      });
      slot.gpu = gpu;
      await gpu.upload(isCurrent, (fraction) => {
        this.setStatus(slot, { kind: "uploading", fraction });
      });
      if (!isCurrent()) {
        return;
      }
      this.passes.norm.run(gpu);
      slot.referenceCell = null;
      this.updateReference(slot);
      slot.valuesDirty = true;
      slot.rangeKnown = false;
      this.setStatus(slot, { kind: "ready" });
      this.requestFrame();
    } catch (error) {
      if (error instanceof AbortedError || !isCurrent()) {
        return;
      }
      this.releaseSlot(slot);
      const message =
        error instanceof RendererError ? error.message : `could not show this layer: ${String(error)}`;
      this.setStatus(slot, { kind: "error", message });
    }
  }

  /** Normalise the reference vector of a layer's reference cell, once per change of cell. */
  private updateReference(slot: Slot): void {
    const gpu = slot.gpu;
    const reference = this.reference;
    if (gpu === null || reference === null) {
      return;
    }
    const clamped = cellInGrid(reference, slot.spec.stride, gpu.file.header);
    if (slot.referenceCell?.x === clamped.x && slot.referenceCell.y === clamped.y) {
      return;
    }
    slot.referenceCell = clamped;
    gpu.setReference(unitVector(cellCodes(gpu.file, clamped.x, clamped.y)));
    if (slot.mode.kind === "similarity") {
      slot.valuesDirty = true;
    }
  }

  private releaseSlot(slot: Slot): void {
    slot.generation += 1;
    if (slot.gpu !== null) {
      if (!this.lost) {
        slot.gpu.dispose();
      }
      slot.gpu = null;
    }
    this.reader.forget(slot.spec.id);
  }

  private setStatus(slot: Slot, status: PanelStatus): void {
    slot.status = status;
    this.options.onStatus?.(slot.spec.id, status);
  }

  // -- shared resources and context loss ---------------------------------------------------------

  private createPasses(): Passes {
    const gl = this.gl;
    return {
      norm: new NormPass(gl),
      similarity: this.options.similarity?.(gl) ?? new SimilarityPass(gl),
      channel: new ChannelPass(gl),
      reduction: new ReductionPass(gl),
      colour: new ColourPass(gl),
      composite: new CompositePass(gl),
    };
  }

  private createSharedTextures(): [WebGLTexture, WebGLTexture, WebGLTexture] {
    const gl = this.gl;
    this.imageTextureSize = { width: 1, height: 1 };
    this.imageTexture = createTexture(gl, gl.TEXTURE_2D);
    gl.texImage2D(
      gl.TEXTURE_2D,
      0,
      gl.RGBA8,
      1,
      1,
      0,
      gl.RGBA,
      gl.UNSIGNED_BYTE,
      new Uint8Array([128, 128, 128, 255]),
    );
    this.placeholder = createTexture(gl, gl.TEXTURE_2D);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
    this.lut = createTexture(gl, gl.TEXTURE_2D);
    this.uploadImage();
    this.uploadLut();
    return [this.imageTexture, this.placeholder, this.lut];
  }

  private uploadImage(): void {
    const gl = this.gl;
    if (this.imageSource === null || this.lost) {
      return;
    }
    gl.bindTexture(gl.TEXTURE_2D, this.imageTexture);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE, this.imageSource);
    gl.generateMipmap(gl.TEXTURE_2D);
    this.imageTextureSize = this.imageSize;
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR_MIPMAP_LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
  }

  private uploadLut(): void {
    const gl = this.gl;
    const table = new Uint8Array(256 * 4);
    this.colours.slice(0, 256).forEach((colour, index) => {
      table.set([colour[0] ?? 0, colour[1] ?? 0, colour[2] ?? 0, 255], index * 4);
    });
    gl.bindTexture(gl.TEXTURE_2D, this.lut);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 256, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, table);
  }

  private readonly handleContextLost = (event: Event): void => {
    event.preventDefault(); // without this the browser never restores the context
    this.lost = true;
    this.reader.reset();
    if (this.frameRequest !== null) {
      cancelAnimationFrame(this.frameRequest);
      this.frameRequest = null;
    }
    for (const slot of this.slots.values()) {
      slot.generation += 1;
      slot.gpu = null;
      slot.referenceCell = null;
      this.setStatus(slot, { kind: "waiting" });
    }
    this.options.onContextLost?.(true);
  };

  private readonly handleContextRestored = (): void => {
    if (this.disposed) {
      return;
    }
    try {
      enableExtensions(this.gl);
      this.capabilities = readCapabilities(this.gl, this.limits);
      this.passes = this.createPasses();
      this.createSharedTextures();
    } catch (error) {
      for (const slot of this.slots.values()) {
        this.setStatus(slot, {
          kind: "error",
          message: String(error instanceof Error ? error.message : error),
        });
      }
      return;
    }
    this.lost = false;
    this.options.onContextLost?.(false);
    for (const slot of this.slots.values()) {
      void this.upload(slot);
    }
    this.requestFrame();
  };

  // -- inspection (browser tests and benchmark) --------------------------------------------------

  get contextLost(): boolean {
    return this.lost;
  }

  get gpuInfo(): { renderer: string; maxArrayLayers: number } {
    // RENDERER alone says "WebKit WebGL" in Chromium; the debug extension names the real
    // renderer (for example SwiftShader), which a benchmark figure must state.
    const debug = this.gl.getExtension("WEBGL_debug_renderer_info");
    const name: unknown = this.gl.getParameter(
      debug === null ? this.gl.RENDERER : debug.UNMASKED_RENDERER_WEBGL,
    );
    return {
      renderer: String(name),
      maxArrayLayers: this.capabilities.maxArrayLayers,
    };
  }

  /** What the last frame drew, per panel in display order. */
  drawnPanels(): readonly DrawnPanel[] {
    return this.drawn;
  }

  /** How a panel's layer sits on the GPU (tests check that splitting happened). */
  layerInfo(id: string): { arrays: number; channelsPerTexel: number; cellsPerTexel: number } | null {
    const gpu = this.slots.get(id)?.gpu;
    if (gpu == null) {
      return null;
    }
    return {
      arrays: gpu.chunks.length,
      channelsPerTexel: gpu.layout.channelsPerTexel,
      cellsPerTexel: gpu.cellsPerTexel,
    };
  }

  status(id: string): PanelStatus | null {
    return this.slots.get(id)?.status ?? null;
  }

  /** The values map of a panel (similarity or channel), rows from the top; draws first. */
  readValues(id: string): { width: number; height: number; values: Float32Array } | null {
    const gpu = this.slots.get(id)?.gpu;
    if (gpu == null) {
      return null;
    }
    this.render();
    const { width, height } = gpu.file.header;
    return { width, height, values: gpu.readValues() };
  }

  /** The panel's (min, max) read synchronously (tests only: it waits for the GPU). */
  readRange(id: string): Range | null {
    const gpu = this.slots.get(id)?.gpu;
    if (gpu == null) {
      return null;
    }
    this.render();
    const pixel = gpu.minMax.readFloats();
    return { min: pixel[0] ?? 0, max: pixel[1] ?? 0 };
  }

  /**
   * Draw and read the canvas (RGBA, rows from the top) in the same task, as the page shows it.
   */
  readCanvas(): { width: number; height: number; pixels: Uint8Array } {
    this.render();
    const gl = this.gl;
    const { width, height } = this.canvas;
    const flipped = new Uint8Array(width * height * 4);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, flipped);
    const pixels = new Uint8Array(flipped.length);
    const row = width * 4;
    for (let y = 0; y < height; y++) {
      pixels.set(flipped.subarray((height - 1 - y) * row, (height - y) * row), y * row);
    }
    return { width, height, pixels };
  }

  /** Wait until the GPU has finished everything asked of it (the benchmark's frame end). */
  finish(): void {
    const pixel = new Uint8Array(4);
    this.gl.readPixels(0, 0, 1, 1, this.gl.RGBA, this.gl.UNSIGNED_BYTE, pixel);
  }

  /**
   * The WEBGL_lose_context extension, to test losing and restoring the context. Kept from
   * before a loss: a lost context hands out no extensions, and restoring needs this one.
   */
  loseContextExtension(): WEBGL_lose_context | null {
    this.loseContext ??= this.gl.getExtension("WEBGL_lose_context");
    return this.loseContext;
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    if (this.frameRequest !== null) {
      cancelAnimationFrame(this.frameRequest);
    }
    this.canvas.removeEventListener("webglcontextlost", this.handleContextLost);
    this.canvas.removeEventListener("webglcontextrestored", this.handleContextRestored);
    if (!this.lost) {
      for (const slot of this.slots.values()) {
        this.releaseSlot(slot);
      }
      this.reader.dispose();
      for (const pass of Object.values(this.passes) as { dispose(): void }[]) {
        pass.dispose();
      }
      this.gl.deleteTexture(this.imageTexture);
      this.gl.deleteTexture(this.placeholder);
      this.gl.deleteTexture(this.lut);
    }
    this.slots.clear();
  }
}

function sameMode(a: PanelMode, b: PanelMode): boolean {
  return a.kind === b.kind && (a.kind !== "channel" || (b.kind === "channel" && a.channel === b.channel));
}
