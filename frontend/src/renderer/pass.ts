/**
 * The common interface of the GPU passes that compute a panel's values, and the library that
 * makes each pass once per context.
 *
 * A pass is one small class and one shader file (IFeaLiD's structure). It reads the layer's
 * inputs (codes, norms, the reference buffer) or the target the pass before it wrote, and
 * writes its own target of the layer (values -> min/max -> colours), so passes chain by
 * output texture and a panel kind is simply the list of its pass classes (panelKinds.ts).
 */
import type { Point } from "../geometry";
import type { LayerGpu } from "./layer";

/** What every pass of a panel's chain is given. */
export interface PassInput {
  readonly layer: LayerGpu;
  /** The panel's reference cell in the layer's grid (passes that compare with it). */
  readonly cell: Point;
  /** The channel the panel shows (single-channel passes). */
  readonly channel: number;
  /** The 256x1 RGBA8 colour table. */
  readonly lut: WebGLTexture;
}

/** One GPU pass: over a layer (the similarity view's kinds), or over another panel's data. */
export interface Pass<Input = PassInput> {
  run(input: Input): void;
  dispose(): void;
}

/** A pass class: made once per context from its constructor alone. */
export interface PassClass {
  new (gl: WebGL2RenderingContext): Pass;
  /** Counted per run under this name (the test hook and the benchmark read the counts). */
  readonly passName: string;
}

/**
 * Every pass of one context, made on first use, and how often each ran. Kinds that share a
 * pass class (every kind's reduction and colour passes) share its compiled programs.
 */
export class PassLibrary {
  private readonly made = new Map<PassClass, Pass>();
  private readonly runs = new Map<string, number>();

  constructor(private readonly gl: WebGL2RenderingContext) {}

  /** The pass of a class (made now if this context has none yet). */
  get(kind: PassClass): Pass {
    let pass = this.made.get(kind);
    if (pass === undefined) {
      pass = new kind(this.gl);
      this.made.set(kind, pass);
    }
    return pass;
  }

  /** Run `chain` in order on one input, counting each pass. */
  run(chain: readonly PassClass[], input: PassInput): void {
    for (const kind of chain) {
      this.get(kind).run(input);
      this.runs.set(kind.passName, (this.runs.get(kind.passName) ?? 0) + 1);
    }
  }

  /** Runs per pass name since the renderer was made (kept across a lost context). */
  counts(): Record<string, number> {
    return Object.fromEntries(this.runs);
  }

  /** Carry the counts over to a new library (a restored context makes new passes). */
  adoptCounts(previous: PassLibrary): void {
    for (const [name, count] of previous.runs) {
      this.runs.set(name, count);
    }
  }

  dispose(): void {
    for (const pass of this.made.values()) {
      pass.dispose();
    }
    this.made.clear();
  }
}
