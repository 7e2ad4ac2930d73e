/** Variants of one shader (different #defines), each compiled on first use and kept. */
import { Program, type Variant } from "../program";

export class ProgramVariants<Key extends string | number> {
  private readonly programs = new Map<Key, Program>();

  constructor(
    private readonly gl: WebGL2RenderingContext,
    private readonly name: string,
    private readonly source: string,
    private readonly variant: (key: Key) => Variant,
    private readonly onCreate: (program: Program) => void = () => undefined,
    /** The vertex shader (default: the viewport-covering triangle). */
    private readonly vertexSource?: string,
  ) {}

  /** The program for `key`, in use. */
  use(key: Key): Program {
    let program = this.programs.get(key);
    if (program === undefined) {
      const name = `${this.name} (${String(key)})`;
      program = new Program(this.gl, name, this.source, this.variant(key), this.vertexSource);
      this.onCreate(program);
      this.programs.set(key, program);
    }
    program.use();
    return program;
  }

  dispose(): void {
    for (const program of this.programs.values()) {
      program.dispose();
    }
    this.programs.clear();
  }
}
