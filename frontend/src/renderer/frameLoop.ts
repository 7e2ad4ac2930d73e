/**
 * Frame scheduling: every change asks for a frame, and all the changes of one animation frame
 * are drawn together, once (IFeaLiD merges its draws the same way). `whenFinished` tells when
 * the GPU has done what was asked of it so far, without waiting for it.
 */
export class FrameLoop {
  private request: number | null = null;
  private stopped = false;

  constructor(private readonly draw: () => void) {}

  /** Draw at the next animation frame (once, however often this is called before). */
  schedule(): void {
    if (this.request === null && !this.stopped) {
      this.request = requestAnimationFrame(() => {
        this.request = null;
        this.draw();
      });
    }
  }

  /** Forget a scheduled frame (a synchronous draw replaces it, or drawing must stop). */
  cancel(): void {
    if (this.request !== null) {
      cancelAnimationFrame(this.request);
      this.request = null;
    }
  }

  stop(): void {
    this.cancel();
    this.stopped = true;
  }
}

/** Call `done` once the GPU has finished every command issued so far (a fence, polled). */
export function whenFinished(gl: WebGL2RenderingContext, done: () => void): void {
  const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
  gl.flush();
  const poll = (): void => {
    if (gl.isContextLost() || sync === null) {
      return;
    }
    if (gl.getSyncParameter(sync, gl.SYNC_STATUS) === gl.SIGNALED) {
      gl.deleteSync(sync);
      done();
    } else {
      setTimeout(poll, 4);
    }
  };
  setTimeout(poll, 0);
}
