/**
 * Frame scheduling: every change asks for a frame, and all the changes of one animation frame
 * are drawn together, once (IFeaLiD merges its draws the same way).
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
