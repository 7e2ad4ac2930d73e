/**
 * The panels' state on the GPU side: per panel its layer's file and GPU resources, its
 * loading status, what it shows (its kind) and whether its values must be computed again.
 *
 * A panel's values are computed again only when its input changes: a new reference cell for
 * a kind that follows the reference, another kind or channel, a new colour table, or new
 * GPU resources (an upload). Pan, zoom, opacity and markers never mark a panel dirty.
 */
import type { ReceptiveField } from "../contract";
import type { FeatureFile } from "../data/featureFile";
import { type Point, cellInGrid } from "../geometry";
import type { Capabilities } from "./capabilities";
import { AbortedError, RendererError } from "./errors";
import { LayerGpu, referenceVector } from "./layer";
import { type PanelKinds, type PanelMode, sameMode } from "./panelKinds";
import { mark } from "../timeline";
import type { PassClass, PassLibrary } from "./pass";

/** One panel: a layer (by entry id) and its stride over the image. */
export interface PanelSpec {
  readonly id: string;
  readonly layer: string;
  readonly stride: number;
  /** The layer's theoretical receptive field per column and row of cells, where known. */
  readonly receptiveField?: ReceptiveField | null;
}

export type PanelStatus =
  | { readonly kind: "waiting" }
  | { readonly kind: "uploading"; readonly fraction: number }
  | { readonly kind: "ready" }
  | { readonly kind: "error"; readonly message: string };

export interface Slot {
  spec: PanelSpec;
  file: FeatureFile | null;
  gpu: LayerGpu | null;
  status: PanelStatus;
  mode: PanelMode;
  referenceCell: Point | null;
  valuesDirty: boolean;
  /** Whether the colour scale has the range of this map (false after an upload or a new kind). */
  rangeKnown: boolean;
  computedFrame: number;
  /** Bumped to abandon an upload in flight. */
  generation: number;
}

/** What the panels need from the renderer around them. */
export interface PanelHost {
  readonly gl: WebGL2RenderingContext;
  readonly kinds: PanelKinds;
  /** Cells per texel of the value maps (the kinds' passes agree on it). */
  readonly cellsPerTexel: 1 | 4;
  capabilities(): Capabilities;
  passes(): PassLibrary;
  lut(): WebGLTexture;
  /** False while the context is lost or after disposal: uploads stop. */
  usable(): boolean;
  onStatus(id: string, status: PanelStatus): void;
  /** A panel's layer was released (the min/max reader forgets it). */
  onRelease(id: string): void;
  requestFrame(): void;
}

/** Run once per upload, before any kind's chain (every cell's inverse norm). */
export type UploadPasses = readonly PassClass[];

export class Panels {
  private readonly slots = new Map<string, Slot>();
  private order: PanelSpec[] = [];

  constructor(
    private readonly host: PanelHost,
    private readonly onUpload: UploadPasses,
  ) {}

  /** The panels in display order; layers no longer shown release their GPU memory. */
  setPanels(specs: readonly PanelSpec[]): void {
    const keep = new Set(specs.map((spec) => spec.id));
    for (const [id, slot] of this.slots) {
      if (!keep.has(id)) {
        this.release(slot);
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
  }

  get(id: string): Slot | undefined {
    return this.slots.get(id);
  }

  /** Every panel in display order. */
  ordered(): Slot[] {
    return this.order.flatMap((spec) => this.slots.get(spec.id) ?? []);
  }

  all(): IterableIterator<Slot> {
    return this.slots.values();
  }

  setMode(slot: Slot, mode: PanelMode): boolean {
    if (sameMode(slot.mode, mode)) {
      return false;
    }
    if (slot.mode.kind !== mode.kind) {
      slot.rangeKnown = false;
    }
    slot.mode = mode;
    slot.valuesDirty = true;
    return true;
  }

  /** Every panel's values must be computed again (a new colour table). */
  invalidate(): void {
    for (const slot of this.slots.values()) {
      slot.valuesDirty = true;
    }
  }

  /** Compute the values of every panel whose input changed; returns those computed. */
  compute(frame: number): Slot[] {
    const computed: Slot[] = [];
    for (const slot of this.ordered()) {
      const gpu = slot.gpu;
      if (gpu === null || !slot.valuesDirty || slot.status.kind !== "ready") {
        continue;
      }
      const kind = this.host.kinds[slot.mode.kind];
      this.host.passes().run(kind.chain, {
        layer: gpu,
        cell: slot.referenceCell ?? { x: 0, y: 0 },
        channel: slot.mode.kind === "channel" ? slot.mode.channel : 0,
        lut: this.host.lut(),
      });
      slot.valuesDirty = false;
      slot.computedFrame = frame;
      computed.push(slot);
    }
    return computed;
  }

  /** Give a panel the cell under the reference pixel; normalises its vector once per cell. */
  updateReference(slot: Slot, reference: Point | null): void {
    const gpu = slot.gpu;
    if (gpu === null || reference === null) {
      return;
    }
    const cell = cellInGrid(reference, slot.spec.stride, gpu.file.header);
    if (slot.referenceCell?.x === cell.x && slot.referenceCell.y === cell.y) {
      return;
    }
    slot.referenceCell = cell;
    gpu.setReference(referenceVector(gpu.file, cell.x, cell.y));
    if (this.host.kinds[slot.mode.kind].followsReference) {
      slot.valuesDirty = true;
    }
  }

  /** Upload a panel's file (in steps, reporting progress), then run the upload passes. */
  async upload(slot: Slot, reference: () => Point | null): Promise<void> {
    const file = slot.file;
    if (file === null || !this.host.usable()) {
      return;
    }
    this.release(slot);
    const generation = ++slot.generation;
    const isCurrent = (): boolean =>
      this.host.usable() && slot.generation === generation && this.slots.get(slot.spec.id) === slot;
    this.setStatus(slot, { kind: "uploading", fraction: 0 });
    mark(`upload-start:${slot.spec.id}`);
    try {
      const gpu = new LayerGpu(this.host.gl, file, this.host.capabilities(), {
        cellsPerTexel: this.host.cellsPerTexel,
      });
      slot.gpu = gpu;
      await gpu.upload(isCurrent, (fraction) => {
        this.setStatus(slot, { kind: "uploading", fraction });
      });
      if (!isCurrent()) {
        return;
      }
      mark(`uploaded:${slot.spec.id}`);
      this.host.passes().run(this.onUpload, {
        layer: gpu,
        cell: { x: 0, y: 0 },
        channel: 0,
        lut: this.host.lut(),
      });
      slot.referenceCell = null;
      this.updateReference(slot, reference());
      slot.valuesDirty = true;
      slot.rangeKnown = false;
      this.setStatus(slot, { kind: "ready" });
      this.host.requestFrame();
    } catch (error) {
      if (error instanceof AbortedError || !isCurrent()) {
        return;
      }
      this.release(slot);
      const message =
        error instanceof RendererError ? error.message : `could not show this layer: ${String(error)}`;
      this.setStatus(slot, { kind: "error", message });
    }
  }

  /** Free a panel's GPU resources (not touching the GPU when the context is gone). */
  release(slot: Slot): void {
    slot.generation += 1;
    if (slot.gpu !== null) {
      if (!this.host.gl.isContextLost()) {
        slot.gpu.dispose();
      }
      slot.gpu = null;
    }
    this.host.onRelease(slot.spec.id);
  }

  /** The context was lost: every panel waits for its upload again. */
  lose(): void {
    for (const slot of this.slots.values()) {
      slot.generation += 1;
      slot.gpu = null;
      slot.referenceCell = null;
      this.setStatus(slot, { kind: "waiting" });
    }
  }

  setStatus(slot: Slot, status: PanelStatus): void {
    slot.status = status;
    this.host.onStatus(slot.spec.id, status);
  }

  clear(): void {
    for (const slot of this.slots.values()) {
      this.release(slot);
    }
    this.slots.clear();
  }
}
