/**
 * The numbers on the colour scales: each layer's 1x1 (min, max) texel, read back
 * asynchronously through a pixel buffer and a fence so the pointer path never waits for the
 * GPU. The numbers may lag the picture by a frame; the picture itself never waits.
 */
import type { RenderTarget } from "./target";

export interface Range {
  readonly min: number;
  readonly max: number;
}

interface Pending {
  readonly buffer: WebGLBuffer;
  sync: WebGLSync | null;
  /** Another read was asked for while this one was in flight. */
  again: RenderTarget | null;
}

const POLL_MS = 16;

export class MinMaxReader {
  private readonly pending = new Map<string, Pending>();
  private readonly result = new Float32Array(4);
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly gl: WebGL2RenderingContext,
    private readonly onRange: (id: string, range: Range) => void,
  ) {}

  /** Start reading `target` (already drawn) for layer `id`. */
  request(id: string, target: RenderTarget): void {
    const existing = this.pending.get(id);
    if (existing?.sync != null) {
      existing.again = target;
      return;
    }
    const entry = existing ?? { buffer: this.createBuffer(), sync: null, again: null };
    this.pending.set(id, entry);
    const gl = this.gl;
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, target.framebuffer);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, entry.buffer);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.FLOAT, 0);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
    entry.sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
    gl.flush();
    this.schedule();
  }

  /** Forget a layer (removed, or the context was lost). */
  forget(id: string): void {
    const entry = this.pending.get(id);
    if (entry !== undefined) {
      this.release(entry);
      this.pending.delete(id);
    }
  }

  /** Drop everything without touching the GPU (its objects died with a lost context). */
  reset(): void {
    this.pending.clear();
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  dispose(): void {
    for (const entry of this.pending.values()) {
      this.release(entry);
    }
    this.reset();
  }

  private createBuffer(): WebGLBuffer {
    const gl = this.gl;
    const buffer = gl.createBuffer();
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, buffer);
    gl.bufferData(gl.PIXEL_PACK_BUFFER, 16, gl.STREAM_READ);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    return buffer;
  }

  private release(entry: Pending): void {
    if (entry.sync !== null) {
      this.gl.deleteSync(entry.sync);
    }
    this.gl.deleteBuffer(entry.buffer);
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
    let waiting = false;
    for (const [id, entry] of this.pending) {
      if (entry.sync === null) {
        continue;
      }
      const status = gl.clientWaitSync(entry.sync, 0, 0);
      if (status !== gl.ALREADY_SIGNALED && status !== gl.CONDITION_SATISFIED) {
        waiting = true;
        continue;
      }
      gl.deleteSync(entry.sync);
      entry.sync = null;
      gl.bindBuffer(gl.PIXEL_PACK_BUFFER, entry.buffer);
      gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, this.result);
      gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
      this.onRange(id, { min: this.result[0] ?? 0, max: this.result[1] ?? 0 });
      const again = entry.again;
      entry.again = null;
      if (again !== null) {
        this.request(id, again);
      }
    }
    if (waiting) {
      this.schedule();
    }
  }
}
