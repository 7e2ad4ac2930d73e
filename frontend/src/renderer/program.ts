/**
 * A linked GLSL program with its uniform locations looked up once.
 *
 * Shader sources are GLSL files; variants differ only by `#define`s, and shared functions
 * (codes.glsl) are inserted after the `#version` line, as an #include would.
 */
import { RendererError } from "./errors";
import fullscreenSource from "./shaders/fullscreen.vert.glsl?raw";

export type Defines = Readonly<Record<string, string | number>>;

export interface Variant {
  /** `#define`s inserted after the `#version` line. */
  readonly defines?: Defines;
  /** Shared GLSL inserted after the defines, in order. */
  readonly libraries?: readonly string[];
}

function assemble(source: string, variant: Variant): string {
  const lines = Object.entries(variant.defines ?? {}).map(
    ([name, value]) => `#define ${name} ${String(value)}`,
  );
  const newline = source.indexOf("\n");
  const inserted = [...lines, ...(variant.libraries ?? [])].join("\n");
  return `${source.slice(0, newline + 1)}${inserted}\n${source.slice(newline + 1)}`;
}

function compile(gl: WebGL2RenderingContext, type: number, source: string, name: string): WebGLShader {
  const shader = gl.createShader(type);
  if (shader === null) {
    throw new RendererError(`could not create the ${name} shader (is the graphics context lost?)`);
  }
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (gl.getShaderParameter(shader, gl.COMPILE_STATUS) !== true && !gl.isContextLost()) {
    const log = gl.getShaderInfoLog(shader) ?? "";
    gl.deleteShader(shader);
    throw new RendererError(`the ${name} shader does not compile on this device: ${log}`);
  }
  return shader;
}

export class Program {
  readonly handle: WebGLProgram;
  private readonly locations = new Map<string, WebGLUniformLocation | null>();

  /**
   * @param name for messages
   * @param fragmentSource a GLSL ES 3.00 fragment shader
   * @param variant defines and libraries for the fragment shader
   * @param vertexSource defaults to a triangle covering the viewport
   */
  constructor(
    private readonly gl: WebGL2RenderingContext,
    name: string,
    fragmentSource: string,
    variant: Variant = {},
    vertexSource: string = fullscreenSource,
  ) {
    const vertex = compile(gl, gl.VERTEX_SHADER, vertexSource, `${name} vertex`);
    const fragment = compile(gl, gl.FRAGMENT_SHADER, assemble(fragmentSource, variant), name);
    const program = gl.createProgram();
    gl.attachShader(program, vertex);
    gl.attachShader(program, fragment);
    gl.linkProgram(program);
    gl.deleteShader(vertex);
    gl.deleteShader(fragment);
    if (gl.getProgramParameter(program, gl.LINK_STATUS) !== true && !gl.isContextLost()) {
      const log = gl.getProgramInfoLog(program) ?? "";
      gl.deleteProgram(program);
      throw new RendererError(`the ${name} program does not link on this device: ${log}`);
    }
    this.handle = program;
  }

  use(): void {
    this.gl.useProgram(this.handle);
  }

  /** A uniform's location, looked up on first use and kept (null when the compiler dropped it). */
  uniform(name: string): WebGLUniformLocation | null {
    let location = this.locations.get(name);
    if (location === undefined) {
      location = this.gl.getUniformLocation(this.handle, name);
      this.locations.set(name, location);
    }
    return location;
  }

  /** Bind a texture to a unit and point a sampler uniform at it. */
  texture(name: string, unit: number, target: number, texture: WebGLTexture): void {
    const gl = this.gl;
    gl.activeTexture(gl.TEXTURE0 + unit);
    gl.bindTexture(target, texture);
    gl.uniform1i(this.uniform(name), unit);
  }

  /** Draw the viewport-covering triangle. */
  drawFullscreen(): void {
    this.gl.drawArrays(this.gl.TRIANGLES, 0, 3);
  }

  dispose(): void {
    this.gl.deleteProgram(this.handle);
  }
}
