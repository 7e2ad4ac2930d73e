/**
 * The scatter-plot matrix's one pass: every point of one cell, in two draws (the points outside
 * the selection, then those inside on top, so a brushed cluster is never hidden under others).
 *
 * The points' scaled values live in one buffer (the points file's rows, one after another), so
 * a cell only points its x and y attributes at two rows: no copy per cell, and every layer's
 * cells read the one selection buffer, which a brush move updates once.
 */
import type { Range } from "../../matrix/axisRanges";
import { RendererError } from "../errors";
import fragmentSource from "../shaders/points.frag.glsl?raw";
import vertexSource from "../shaders/points.vert.glsl?raw";

/** Palette entries the shader holds (classes beyond cycle through them). */
export const PALETTE_SIZE = 16;

export interface PointsParams {
  /** The cell in device pixels, origin top-left. */
  readonly cell: { x: number; y: number; width: number; height: number };
  readonly canvas: { width: number; height: number };
  /** Rows of the points buffer the cell plots on x and y. */
  readonly rows: { x: number; y: number };
  /** The visible ranges in scaled units (pan and zoom); points outside are not drawn. */
  readonly view: { readonly x: Range; readonly y: Range };
  readonly pointSize: number;
  readonly anySelected: boolean;
}

function compile(gl: WebGL2RenderingContext, type: number, source: string): WebGLShader {
  const shader = gl.createShader(type);
  if (shader === null) {
    throw new RendererError("could not create the points shader (is the graphics context lost?)");
  }
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (gl.getShaderParameter(shader, gl.COMPILE_STATUS) !== true && !gl.isContextLost()) {
    throw new RendererError(`the points shader does not compile: ${gl.getShaderInfoLog(shader) ?? ""}`);
  }
  return shader;
}

/** What the test hook reads back per point: highlighted, or drawn at all. */
export type Captured = "v_highlighted" | "v_drawn";

/** The program, linked with one per-point flag captured (transform feedback) when asked. */
function link(gl: WebGL2RenderingContext, feedback: Captured | null): WebGLProgram {
  const program = gl.createProgram();
  const vertex = compile(gl, gl.VERTEX_SHADER, vertexSource);
  const fragment = compile(gl, gl.FRAGMENT_SHADER, fragmentSource);
  gl.attachShader(program, vertex);
  gl.attachShader(program, fragment);
  if (feedback !== null) {
    gl.transformFeedbackVaryings(program, [feedback], gl.SEPARATE_ATTRIBS);
  }
  gl.linkProgram(program);
  gl.deleteShader(vertex);
  gl.deleteShader(fragment);
  if (gl.getProgramParameter(program, gl.LINK_STATUS) !== true && !gl.isContextLost()) {
    throw new RendererError(`the points program does not link: ${gl.getProgramInfoLog(program) ?? ""}`);
  }
  return program;
}

export class PointsPass {
  static readonly passName = "points";
  private readonly program: WebGLProgram;
  private readonly feedbackPrograms = new Map<Captured, WebGLProgram>();
  private readonly vertexArray: WebGLVertexArrayObject;
  private readonly values: WebGLBuffer;
  private readonly selection: WebGLBuffer;
  private readonly selectedIndices: WebGLBuffer;
  private selectedCount = 0;
  private count = 0;
  private palette = new Float32Array(PALETTE_SIZE * 3);

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.program = link(gl, null);
    this.vertexArray = gl.createVertexArray();
    this.values = gl.createBuffer();
    this.selection = gl.createBuffer();
    this.selectedIndices = gl.createBuffer();
  }

  /** The scaled rows (`rows` x `count` float32, row 0 the classes) and the class colours. */
  setPoints(scaled: Float32Array, count: number, palette: readonly (readonly number[])[]): void {
    const gl = this.gl;
    this.count = count;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.values);
    gl.bufferData(gl.ARRAY_BUFFER, scaled, gl.STATIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.selection);
    gl.bufferData(gl.ARRAY_BUFFER, new Uint8Array(count), gl.DYNAMIC_DRAW);
    this.palette = new Float32Array(PALETTE_SIZE * 3);
    for (let i = 0; i < PALETTE_SIZE; i++) {
      const colour = palette.length > 0 ? palette[i % palette.length] : undefined;
      this.palette.set(
        (colour ?? [128, 128, 128]).map((c) => c / 255),
        i * 3,
      );
    }
  }

  /** One byte per point (1: selected), shared by every cell and layer. */
  setSelection(mask: Uint8Array): void {
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.selection);
    gl.bufferSubData(gl.ARRAY_BUFFER, 0, mask);
  }

  /** The selected points' indices, for drawing them alone over the faded picture. */
  setSelectedIndices(indices: Uint32Array): void {
    const gl = this.gl;
    gl.bindVertexArray(this.vertexArray);
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.selectedIndices);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, indices, gl.DYNAMIC_DRAW);
    gl.bindVertexArray(null);
    this.selectedCount = indices.length;
  }

  private bind(program: WebGLProgram, params: PointsParams, highlight: number): void {
    const gl = this.gl;
    const stride = this.count * 4;
    gl.useProgram(program);
    gl.bindVertexArray(this.vertexArray);
    const attribute = (name: string, buffer: WebGLBuffer, offset: number, bytes: boolean): void => {
      const location = gl.getAttribLocation(program, name);
      if (location < 0) {
        return;
      }
      gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
      gl.enableVertexAttribArray(location);
      gl.vertexAttribPointer(location, 1, bytes ? gl.UNSIGNED_BYTE : gl.FLOAT, false, 0, offset);
    };
    attribute("a_x", this.values, params.rows.x * stride, false);
    attribute("a_y", this.values, params.rows.y * stride, false);
    attribute("a_class", this.values, 0, false);
    attribute("a_selected", this.selection, 0, true);
    const { cell, canvas } = params;
    gl.uniform4f(gl.getUniformLocation(program, "u_cell"), cell.x, cell.y, cell.width, cell.height);
    gl.uniform2f(gl.getUniformLocation(program, "u_canvas"), canvas.width, canvas.height);
    const { x, y } = params.view;
    gl.uniform4f(gl.getUniformLocation(program, "u_view"), x[0], x[1], y[0], y[1]);
    gl.uniform1f(gl.getUniformLocation(program, "u_pointSize"), params.pointSize);
    gl.uniform1i(gl.getUniformLocation(program, "u_anySelected"), params.anySelected ? 1 : 0);
    gl.uniform3fv(gl.getUniformLocation(program, "u_palette"), this.palette);
    gl.uniform1i(gl.getUniformLocation(program, "u_highlight"), highlight);
  }

  /** Draw one cell's points (the caller sets the scissor box to the cell). */
  draw(params: PointsParams): void {
    const gl = this.gl;
    for (const highlight of [0, 1]) {
      this.bind(this.program, params, highlight);
      gl.drawArrays(gl.POINTS, 0, this.count);
    }
    gl.bindVertexArray(null);
  }

  /** Every point of one cell faded: the picture under a moving brush (drawn once per brush). */
  drawFaded(params: PointsParams): void {
    this.bind(this.program, params, 2);
    this.gl.drawArrays(this.gl.POINTS, 0, this.count);
    this.gl.bindVertexArray(null);
  }

  /** Only the selected points of one cell, highlighted (the work of one brush move). */
  drawSelected(params: PointsParams): void {
    const gl = this.gl;
    this.bind(this.program, params, 1);
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.selectedIndices);
    gl.drawElements(gl.POINTS, this.selectedCount, gl.UNSIGNED_INT, 0);
    gl.bindVertexArray(null);
  }

  /**
   * The points this cell's highlighting draw paints highlighted, read back from the GPU (the
   * vertex shader's own decision, captured by transform feedback): what the browser tests
   * compare with the brushed points.
   */
  highlighted(params: PointsParams): number[] {
    return this.capture(params, "v_highlighted", 1);
  }

  /** The points this cell's draw paints at all (inside its visible ranges), read back. */
  drawn(params: PointsParams): number[] {
    return this.capture(params, "v_drawn", 2);
  }

  private capture(params: PointsParams, varying: Captured, highlight: number): number[] {
    const gl = this.gl;
    const program = this.feedbackPrograms.get(varying) ?? link(gl, varying);
    this.feedbackPrograms.set(varying, program);
    const captured = gl.createBuffer();
    gl.bindBuffer(gl.TRANSFORM_FEEDBACK_BUFFER, captured);
    gl.bufferData(gl.TRANSFORM_FEEDBACK_BUFFER, this.count * 4, gl.STATIC_READ);
    this.bind(program, params, highlight);
    const feedback = gl.createTransformFeedback();
    gl.bindTransformFeedback(gl.TRANSFORM_FEEDBACK, feedback);
    gl.bindBufferBase(gl.TRANSFORM_FEEDBACK_BUFFER, 0, captured);
    gl.enable(gl.RASTERIZER_DISCARD);
    gl.beginTransformFeedback(gl.POINTS);
    gl.drawArrays(gl.POINTS, 0, this.count);
    gl.endTransformFeedback();
    gl.disable(gl.RASTERIZER_DISCARD);
    gl.bindBufferBase(gl.TRANSFORM_FEEDBACK_BUFFER, 0, null);
    gl.bindTransformFeedback(gl.TRANSFORM_FEEDBACK, null);
    const flags = new Float32Array(this.count);
    gl.bindBuffer(gl.TRANSFORM_FEEDBACK_BUFFER, captured);
    gl.getBufferSubData(gl.TRANSFORM_FEEDBACK_BUFFER, 0, flags);
    gl.bindBuffer(gl.TRANSFORM_FEEDBACK_BUFFER, null);
    gl.deleteTransformFeedback(feedback);
    gl.deleteBuffer(captured);
    gl.bindVertexArray(null);
    const indices: number[] = [];
    flags.forEach((flag, index) => {
      if (flag > 0.5) {
        indices.push(index);
      }
    });
    return indices;
  }

  dispose(): void {
    const gl = this.gl;
    gl.deleteProgram(this.program);
    for (const program of this.feedbackPrograms.values()) {
      gl.deleteProgram(program);
    }
    gl.deleteVertexArray(this.vertexArray);
    gl.deleteBuffer(this.values);
    gl.deleteBuffer(this.selection);
    gl.deleteBuffer(this.selectedIndices);
  }
}
