/**
 * What the view needs from WebGL 2, checked once up front so that a missing feature becomes
 * a clear message in the panel rather than a blank box or a cryptic shader error.
 */
import { RendererError } from "./errors";

export interface Capabilities {
  readonly maxTextureSize: number;
  readonly maxArrayLayers: number;
}

export const CONTEXT_ATTRIBUTES: WebGLContextAttributes = {
  alpha: true,
  antialias: false,
  depth: false,
  stencil: false,
  premultipliedAlpha: true,
  preserveDrawingBuffer: false,
  powerPreference: "high-performance",
};

export const NO_WEBGL2_MESSAGE =
  "This browser cannot show the similarity view because WebGL 2 is not available. " +
  "Turn on hardware acceleration (or WebGL) in the browser settings, or use a current " +
  "Chrome, Edge, Firefox or Safari.";

/** A WebGL 2 context with everything the renderer uses, or a RendererError saying what is missing. */
export function createContext(canvas: HTMLCanvasElement): WebGL2RenderingContext {
  let gl: WebGL2RenderingContext | null = null;
  try {
    gl = canvas.getContext("webgl2", CONTEXT_ATTRIBUTES);
  } catch {
    gl = null;
  }
  if (gl === null) {
    throw new RendererError(NO_WEBGL2_MESSAGE);
  }
  enableExtensions(gl);
  return gl;
}

/** Extensions must be enabled again on a restored context. */
export function enableExtensions(gl: WebGL2RenderingContext): void {
  if (gl.getExtension("EXT_color_buffer_float") === null) {
    throw new RendererError(
      "This graphics driver cannot render to floating-point textures (EXT_color_buffer_float), " +
        "which the similarity view needs. Try another browser or turn on hardware acceleration.",
    );
  }
}

export function readCapabilities(
  gl: WebGL2RenderingContext,
  overrides: Partial<Capabilities> = {},
): Capabilities {
  return {
    maxTextureSize: overrides.maxTextureSize ?? (gl.getParameter(gl.MAX_TEXTURE_SIZE) as number),
    maxArrayLayers: overrides.maxArrayLayers ?? (gl.getParameter(gl.MAX_ARRAY_TEXTURE_LAYERS) as number),
  };
}

/** The real renderer's name (RENDERER alone says "WebKit WebGL" in Chromium), e.g. SwiftShader. */
export function rendererName(gl: WebGL2RenderingContext): string {
  const debug = gl.getExtension("WEBGL_debug_renderer_info");
  return String(gl.getParameter(debug === null ? gl.RENDERER : debug.UNMASKED_RENDERER_WEBGL));
}
