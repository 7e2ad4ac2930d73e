/**
 * What the renderer makes per WebGL context and must make again after the context is lost:
 * the device's limits, the pass library and the compositor, with the image and colour table
 * they were last given (kept here, on the CPU, so a restored context gets them back without
 * any fetch). Panels' layers are restored by the panels themselves (panels.ts).
 */
import type { Size } from "../geometry";
import { type Capabilities, enableExtensions, readCapabilities } from "./capabilities";
import { Compositor } from "./compositor";
import { PassLibrary } from "./pass";

export class ContextResources {
  capabilities: Capabilities;
  passes: PassLibrary;
  compositor: Compositor;
  private limits: Partial<Capabilities>;
  private image: { source: TexImageSource; size: Size } | null = null;
  private colours: readonly (readonly number[])[] = [];

  constructor(
    private readonly gl: WebGL2RenderingContext,
    limits: Partial<Capabilities>,
  ) {
    this.limits = limits;
    this.capabilities = readCapabilities(gl, limits);
    this.passes = new PassLibrary(gl);
    this.compositor = new Compositor(gl);
  }

  /** Pretend the device has lower limits (tests exercise splitting with this). */
  setLimits(limits: Partial<Capabilities>): void {
    this.limits = limits;
    this.capabilities = readCapabilities(this.gl, limits);
  }

  /** Remember the image, and upload it unless the context is lost (restore() does then). */
  setImage(source: TexImageSource, size: Size, lost: boolean): void {
    this.image = { source, size };
    if (!lost) {
      this.compositor.setImage(source, size);
    }
  }

  setColourTable(colours: readonly (readonly number[])[], lost: boolean): void {
    this.colours = colours;
    if (!lost) {
      this.compositor.setColourTable(colours);
    }
  }

  /**
   * Make everything again on a restored context (pass counts carry over, so the test hook
   * still counts from the renderer's start).
   *
   * @throws RendererError when the restored context lacks what the view needs
   */
  restore(): void {
    enableExtensions(this.gl);
    this.capabilities = readCapabilities(this.gl, this.limits);
    const passes = new PassLibrary(this.gl);
    passes.adoptCounts(this.passes);
    this.passes = passes;
    this.compositor = new Compositor(this.gl);
    this.compositor.setColourTable(this.colours);
    if (this.image !== null) {
      this.compositor.setImage(this.image.source, this.image.size);
    }
  }

  dispose(): void {
    this.passes.dispose();
    this.compositor.dispose();
  }
}
