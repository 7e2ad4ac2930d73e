/**
 * The numbers of each panel's colour scale, from the GPU's min/max reduction. A new map (a
 * layer just shown, another kind) is read at once, so its scale is right from its first
 * frame; later changes are read asynchronously (minMaxReader.ts), so the pointer's path never
 * waits for the GPU. The scale shows the same map's previous numbers meanwhile, never none
 * (nor a read from before the map existed).
 */
import type { LayerGpu } from "./layer";
import { MinMaxReader, type Range } from "./minMaxReader";
import type { Slot } from "./panels";

export class RangeReads {
  private readonly reader: MinMaxReader;

  constructor(
    gl: WebGL2RenderingContext,
    /** The slot of a panel id, if it still exists. */
    private readonly slotOf: (id: string) => Slot | undefined,
    private readonly deliver: (slot: Slot, range: Range) => void,
  ) {
    this.reader = new MinMaxReader(gl, (id, range) => {
      const slot = this.slotOf(id);
      if (slot !== undefined) {
        this.deliver(slot, range);
      }
    });
  }

  /** Read the range of a map just computed (at once for a new map, else asynchronously). */
  read(slot: Slot, gpu: LayerGpu): void {
    if (slot.rangeKnown) {
      this.reader.request(slot.spec.id, gpu.minMaxBytes);
      return;
    }
    this.reader.forget(slot.spec.id);
    const texel = gpu.minMax.readFloats();
    slot.rangeKnown = true;
    this.deliver(slot, { min: texel[0] ?? 0, max: texel[1] ?? 0 });
  }

  /** Submit this frame's asynchronous reads (one flush per frame). */
  flush(): void {
    this.reader.flush();
  }

  forget(id: string): void {
    this.reader.forget(id);
  }

  /** Drop every read in flight without touching the GPU (the context is lost). */
  reset(): void {
    this.reader.reset();
  }

  dispose(): void {
    this.reader.dispose();
  }
}
