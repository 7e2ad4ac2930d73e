/**
 * The numbers on the colour scales: each layer's (min, max), read back asynchronously as the
 * eight bytes of two float32 (layer.minMaxBytes, a 2x1 RGBA8 target: the read-back every
 * driver copies on the GPU) so that the pointer path never waits for the GPU. The picture never waits
 * for the numbers; the numbers may lag the picture by a frame or two.
 *
 * Per layer a small ring of pixel-pack buffers, each used in the one order the driver can
 * serve without stalling: readPixels into a free buffer, a fence right after, a flush (once
 * per frame, `flush()`), and getBufferSubData only once the fence is seen signalled
 * (getSyncParameter, polled on a timer). A buffer is never written again before it has been
 * read, and never read before its fence has passed. When every buffer of a layer is in
 * flight, only the newest request is kept and read as soon as a buffer frees up.
 */
import type { RenderTarget } from "./target";

export interface Range {
  readonly min: number;
  readonly max: number;
}

interface Slot {
  readonly buffer: WebGLBuffer;
  /** The fence after this slot's read, or null when the slot is free. */
  sync: WebGLSync | null;
  /** The request's number (the newest result wins). */
  serial: number;
}

interface LayerReads {
  readonly slots: Slot[];
  /** A request that found every slot in flight (only the newest is kept). */
  waiting: RenderTarget | null;
  /** Serial of the last delivered result (older ones are dropped). */
  delivered: number;
}

/** Buffers per layer: one in flight while the next frame's read goes into the other. */
const RING = 2;
/** Two float32: two RGBA8 texels. */
const BYTES = 8;
const POLL_MS = 8;

export class MinMaxReader {
  private readonly layers = new Map<string, LayerReads>();
  private readonly result = new Float32Array(2);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private serial = 0;
  private unflushed = false;

  constructor(
    private readonly gl: WebGL2RenderingContext,
    private readonly onRange: (id: string, range: Range) => void,
  ) {}

  /** Start reading `target` (already drawn) for layer `id`. */
  request(id: string, target: RenderTarget): void {
    let reads = this.layers.get(id);
    if (reads === undefined) {
      reads = { slots: [], waiting: null, delivered: 0 };
      this.layers.set(id, reads);
    }
    let slot = reads.slots.find((candidate) => candidate.sync === null);
    if (slot === undefined && reads.slots.length < RING) {
      slot = { buffer: this.createBuffer(), sync: null, serial: 0 };
      reads.slots.push(slot);
    }
    if (slot === undefined) {
      reads.waiting = target;
    } else {
      this.read(slot, target);
    }
    this.schedule();
  }

  /** Submit this frame's reads (one flush per frame, not per layer). */
  flush(): void {
    if (this.unflushed) {
      this.unflushed = false;
      this.gl.flush();
    }
  }

  /** Forget a layer (removed, or its GPU resources were made again). */
  forget(id: string): void {
    const reads = this.layers.get(id);
    if (reads !== undefined) {
      for (const slot of reads.slots) {
        this.release(slot);
      }
      this.layers.delete(id);
    }
  }

  /** Drop everything without touching the GPU (its objects died with a lost context). */
  reset(): void {
    this.layers.clear();
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  dispose(): void {
    for (const id of [...this.layers.keys()]) {
      this.forget(id);
    }
    this.reset();
  }

  private read(slot: Slot, target: RenderTarget): void {
    const gl = this.gl;
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, target.framebuffer);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, slot.buffer);
    gl.bufferData(gl.PIXEL_PACK_BUFFER, BYTES, gl.STREAM_READ);
    gl.readPixels(0, 0, 2, 1, gl.RGBA, gl.UNSIGNED_BYTE, 0);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
    slot.sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
    slot.serial = ++this.serial;
    this.unflushed = true;
  }

  private createBuffer(): WebGLBuffer {
    return this.gl.createBuffer();
  }

  private release(slot: Slot): void {
    if (slot.sync !== null) {
      this.gl.deleteSync(slot.sync);
      slot.sync = null;
    }
    this.gl.deleteBuffer(slot.buffer);
  }

  private schedule(): void {
    if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.poll();
      }, POLL_MS);
    }
  }

  private poll(): void {
    const gl = this.gl;
    if (gl.isContextLost()) {
      this.reset();
      return;
    }
    this.flush();
    let inFlight = false;
    for (const [id, reads] of this.layers) {
      // Oldest first, so a newer result is delivered last and wins.
      const done = reads.slots
        .filter(
          (slot) => slot.sync !== null && gl.getSyncParameter(slot.sync, gl.SYNC_STATUS) === gl.SIGNALED,
        )
        .sort((a, b) => a.serial - b.serial);
      for (const slot of done) {
        // Read while the fence still exists: the browser serves the read from the copy it
        // made at the fence only as long as it can tell that fence has passed.
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, slot.buffer);
        gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, new Uint8Array(this.result.buffer));
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
        gl.deleteSync(slot.sync);
        slot.sync = null;
        if (slot.serial > reads.delivered) {
          reads.delivered = slot.serial;
          this.onRange(id, { min: this.result[0] ?? 0, max: this.result[1] ?? 0 });
        }
      }
      const free = reads.slots.find((slot) => slot.sync === null);
      if (reads.waiting !== null && free !== undefined) {
        this.read(free, reads.waiting);
        reads.waiting = null;
      }
      inFlight ||= reads.slots.some((slot) => slot.sync !== null);
    }
    this.flush();
    if (inFlight) {
      this.schedule();
    }
  }
}
