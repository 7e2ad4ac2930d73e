/**
 * The similarity view's renderer: ONE WebGL 2 context on one canvas behind all panels.
 *
 * Browsers limit the number of contexts, and one context lets every panel repaint in the same
 * animation frame (a viewport and scissor per panel). A frame has two parts:
 *
 * - values (panels.ts, panelKinds.ts): for each panel whose input changed (reference cell,
 *   kind, channel), its kind's chain of passes over the layer's grid, e.g. similarity ->
 *   min/max reduction -> colour, and an asynchronous read-back of the min/max;
 * - composite (compositor.ts): every panel's image, cells and markers, for every displayed
 *   pixel. Pan, zoom, opacity and markers change only this part.
 *
 * Nothing here knows React. A lost context is restored from the feature files still in
 * memory; no byte is fetched again.
 */
import type { FeatureFile } from "../data/featureFile";
import type { Point, Size, ViewTransform } from "../geometry";
import { mark } from "../timeline";
import { type Capabilities, createContext, rendererName } from "./capabilities";
import { type DrawnPanel, type Scene, initialScene } from "./compositor";
import { ContextResources } from "./contextResources";
import { FrameLoop, whenFinished } from "./frameLoop";
import type { LayerGpu } from "./layer";
import type { PassCounts, RendererOptions } from "./options";
import { DEFAULT_KINDS, type PanelMode } from "./panelKinds";
import { type PanelSpec, type PanelStatus, Panels } from "./panels";
import { NormPass } from "./passes/normPass";
import type { PanelBox } from "./placement";
import { RangeReads } from "./rangeReads";
import { ReadBack } from "./readBack";

export type { DrawnPanel } from "./compositor";
export type { Range } from "./minMaxReader";
export type { PassCounts, RendererCallbacks, RendererOptions } from "./options";
export type { PanelMode } from "./panelKinds";
export type { PanelSpec, PanelStatus } from "./panels";
export type { PanelBox } from "./placement";

export class Renderer {
  private readonly gl: WebGL2RenderingContext;
  private readonly resources: ContextResources;
  private readonly ranges: RangeReads;
  private readonly panels: Panels;
  private readonly loop: FrameLoop;
  /** Synchronous read-backs for tests and the benchmark (never on the pointer's path). */
  readonly readBack: ReadBack;
  private readonly scene: Scene = initialScene();
  private frame = 0;
  private drawn: DrawnPanel[] = [];
  private lost = false;
  /** The panels (entry ids) of the last frame drawn with every heat map (timeline marks). */
  private shownPanels = "";
  private disposed = false;
  private loseContext: WEBGL_lose_context | null = null;

  /**
   * @throws RendererError when WebGL 2 or a needed feature is missing (say so in the panel)
   */
  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly options: RendererOptions = {},
  ) {
    const gl = createContext(canvas);
    this.gl = gl;
    const resources = new ContextResources(gl, options.limits ?? {});
    this.resources = resources;
    this.ranges = new RangeReads(
      gl,
      (id) => this.panels.get(id),
      (slot, range) => this.options.onRange?.(slot.spec.id, range, slot.mode),
    );
    this.loop = new FrameLoop(() => {
      this.render();
    });
    this.panels = new Panels(
      {
        gl,
        kinds: { ...DEFAULT_KINDS, ...options.kinds },
        cellsPerTexel: options.cellsPerTexel ?? 4,
        capabilities: () => resources.capabilities,
        passes: () => resources.passes,
        lut: () => resources.compositor.lut,
        usable: () => !this.lost && !this.disposed,
        onStatus: (id, status) => this.options.onStatus?.(id, status),
        onRelease: (id) => {
          this.ranges.forget(id);
        },
        requestFrame: () => {
          this.requestFrame();
        },
      },
      [NormPass],
    );
    this.readBack = new ReadBack(gl, canvas, this.panels, () => {
      this.render();
    });
    canvas.addEventListener("webglcontextlost", this.handleContextLost);
    canvas.addEventListener("webglcontextrestored", this.handleContextRestored);
  }

  // -- configuration -------------------------------------------------------------------------

  /** The panels in display order; layers no longer shown release their GPU memory. */
  setPanels(specs: readonly PanelSpec[]): void {
    this.panels.setPanels(specs);
    this.requestFrame();
  }

  /** Give a panel its feature file; uploads it in steps and reports progress. */
  async setFile(id: string, file: FeatureFile): Promise<void> {
    const slot = this.panels.get(id);
    if (slot === undefined || slot.file === file) {
      return;
    }
    slot.file = file;
    await this.panels.upload(slot, () => this.scene.reference);
  }

  /** Stage size in CSS pixels, the device pixel ratio and each panel's box. */
  setLayout(stage: Size, pixelRatio: number, boxes: readonly PanelBox[]): void {
    this.scene.pixelRatio = pixelRatio;
    this.scene.boxes = [...boxes];
    const width = Math.max(1, Math.round(stage.width * pixelRatio));
    const height = Math.max(1, Math.round(stage.height * pixelRatio));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.requestFrame();
  }

  setImage(source: TexImageSource, size: Size): void {
    this.scene.imageSize = size;
    this.resources.setImage(source, size, this.lost);
    this.requestFrame();
  }

  /** Image size before the image itself has loaded (coordinates need it at once). */
  setImageSize(size: Size): void {
    this.scene.imageSize = size;
    this.requestFrame();
  }

  setColourTable(colours: readonly (readonly number[])[]): void {
    this.resources.setColourTable(colours, this.lost);
    this.panels.invalidate();
    this.requestFrame();
  }

  /** The reference pixel (image coordinates); each layer maps it to its own cell. */
  setReference(pixel: Point | null): void {
    this.scene.reference = pixel;
    for (const slot of this.panels.all()) {
      this.panels.updateReference(slot, pixel);
    }
    this.requestFrame();
  }

  setMode(id: string, mode: PanelMode): void {
    const slot = this.panels.get(id);
    if (slot !== undefined && this.panels.setMode(slot, mode)) {
      this.requestFrame();
    }
  }

  // What follows changes the composite only: no pass over any layer runs for it.

  setView(view: ViewTransform): void {
    this.changeScene({ view });
  }

  setPinned(pixel: Point | null): void {
    this.changeScene({ pinned: pixel });
  }

  /** Heat-map opacity shift in [-1, 1] (0: opacity equals the stretched similarity). */
  setOpacityShift(shift: number): void {
    this.changeScene({ opacityShift: Math.min(Math.max(shift, -1), 1) });
  }

  setColourImage(colour: boolean): void {
    this.changeScene({ colourImage: colour });
  }

  /** Colour of the panel area outside the image (0..1 RGB). */
  setBackground(rgb: readonly [number, number, number]): void {
    this.changeScene({ background: rgb });
  }

  /** Larger markers for a projector (presenter mode). */
  setMarkerScale(scale: number): void {
    this.changeScene({ markerScale: scale });
  }

  setMarkersVisible(visible: boolean): void {
    this.changeScene({ markersVisible: visible });
  }

  /**
   * Pretend the device has lower limits (e.g. fewer array layers, to exercise splitting) and
   * rebuild every layer from the bytes in memory.
   */
  setLimits(limits: Partial<Capabilities>): Promise<void> {
    this.resources.setLimits(limits);
    const reference = (): Point | null => this.scene.reference;
    return Promise.all([...this.panels.all()].map((slot) => this.panels.upload(slot, reference))).then(
      () => undefined,
    );
  }

  private changeScene(change: Partial<Scene>): void {
    Object.assign(this.scene, change);
    this.requestFrame();
  }

  // -- drawing ---------------------------------------------------------------------------------

  requestFrame(): void {
    this.loop.schedule();
  }

  /** Draw now (the browser tests and the benchmark need a frame on demand). */
  render(): void {
    this.loop.cancel();
    if (this.lost || this.disposed) {
      return;
    }
    this.frame += 1;
    for (const slot of this.panels.compute(this.frame)) {
      if (slot.gpu !== null) {
        this.ranges.read(slot, slot.gpu);
      }
    }
    const slots = this.panels.ordered();
    this.drawn = this.resources.compositor.draw(this.scene, slots, this.canvas, this.frame);
    this.ranges.flush();
    if (slots.length > 0 && slots.every((slot) => slot.computedFrame >= 0)) {
      // The first frame with every heat map: "painted" when drawn, "shown" when the GPU is
      // done with it (shaders compiled, passes run), which is when a user sees it; and the
      // same once per set of panels ("shown:ids"), for a step that switches to other files.
      const panels = slots.map((slot) => slot.spec.id).join(",");
      if (panels !== this.shownPanels) {
        this.shownPanels = panels;
        mark("painted");
        whenFinished(this.gl, () => {
          mark("shown");
          mark(`shown:${panels}`);
        });
      }
    }
  }

  // -- context loss ------------------------------------------------------------------------------

  private readonly handleContextLost = (event: Event): void => {
    event.preventDefault(); // without this the browser never restores the context
    this.lost = true;
    this.ranges.reset();
    this.loop.cancel();
    this.panels.lose();
    this.options.onContextLost?.(true);
  };

  private readonly handleContextRestored = (): void => {
    if (this.disposed) {
      return;
    }
    try {
      this.resources.restore();
    } catch (error) {
      for (const slot of this.panels.all()) {
        this.panels.setStatus(slot, {
          kind: "error",
          message: String(error instanceof Error ? error.message : error),
        });
      }
      return;
    }
    this.lost = false;
    this.options.onContextLost?.(false);
    for (const slot of this.panels.all()) {
      void this.panels.upload(slot, () => this.scene.reference);
    }
    this.requestFrame();
  };

  // -- inspection (browser tests and benchmark) --------------------------------------------------

  get gpuInfo(): { renderer: string; maxArrayLayers: number } {
    return { renderer: rendererName(this.gl), maxArrayLayers: this.resources.capabilities.maxArrayLayers };
  }

  /** What the last frame drew, per panel in display order. */
  drawnPanels(): readonly DrawnPanel[] {
    return this.drawn;
  }

  /** How often each pass ran and how many frames were drawn, since this renderer was made. */
  passCounts(): PassCounts {
    return { passes: this.resources.passes.counts(), frames: this.frame };
  }

  /** How a panel's layer sits on the GPU (tests check that splitting happened). */
  layerInfo(id: string): { arrays: number; channelsPerTexel: number; cellsPerTexel: number } | null {
    const gpu = this.panels.get(id)?.gpu;
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
    return this.panels.get(id)?.status ?? null;
  }

  /** The context and the layers on the GPU, for the benchmark's own passes over them. */
  get context(): WebGL2RenderingContext {
    return this.gl;
  }

  gpuLayers(): LayerGpu[] {
    return this.panels.ordered().flatMap((slot) => slot.gpu ?? []);
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
    this.loop.stop();
    this.canvas.removeEventListener("webglcontextlost", this.handleContextLost);
    this.canvas.removeEventListener("webglcontextrestored", this.handleContextRestored);
    this.panels.clear();
    if (!this.lost) {
      this.ranges.dispose();
      this.resources.dispose();
    }
  }
}
