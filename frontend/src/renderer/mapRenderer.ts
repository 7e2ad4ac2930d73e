/**
 * A map panel's renderer: a technique's map (one float per image pixel) coloured over its
 * stated range (MapColourPass, once per map or table) and composited over the image by the
 * similarity view's own CompositePass (the map is a layer of stride 1). Pan and zoom stay the
 * view's: the panel shows the whole image. Nothing here knows React.
 */
import { type Point, type Size, fullView } from "../geometry";
import { PINNED_RGB } from "../palette";
import { createContext } from "./capabilities";
import { CompositePass } from "./passes/compositePass";
import { MapColourPass } from "./passes/mapColourPass";
import { MarkerPass } from "./passes/markerPass";
import { placePanel } from "./placement";
import { RenderTarget, createTexture } from "./target";
import { solidTexture, uploadColourTable, uploadImage } from "./textures";

export class MapRenderer {
  private readonly gl: WebGL2RenderingContext;
  private readonly colourPass: MapColourPass;
  private readonly composite: CompositePass;
  private readonly markers: MarkerPass;
  private reference: Point | null = null;
  private pinned: Point | null = null;
  private readonly image: WebGLTexture;
  private readonly values: WebGLTexture;
  private readonly lut: WebGLTexture;
  private readonly placeholder: WebGLTexture;
  private readonly colour: RenderTarget;
  private imageTexture: Size = { width: 1, height: 1 };
  private hasValues = false;
  private range: readonly [number, number] = [0, 1];
  private diverging = false;
  private css: Size = { width: 1, height: 1 };
  private pixelRatio = 1;
  private opacityShift = 0;
  private colourImage = false;
  private colourDirty = true;

  /** @throws RendererError when WebGL 2 is missing (the panel says so) */
  constructor(
    private readonly canvas: HTMLCanvasElement,
    readonly size: Size,
  ) {
    const gl = createContext(canvas);
    this.gl = gl;
    this.colourPass = new MapColourPass(gl);
    this.composite = new CompositePass(gl);
    this.markers = new MarkerPass(gl);
    this.image = solidTexture(gl, [128, 128, 128, 255]);
    this.placeholder = solidTexture(gl, [0, 0, 0, 0]);
    this.values = createTexture(gl, gl.TEXTURE_2D);
    gl.texStorage2D(gl.TEXTURE_2D, 1, gl.R32F, size.width, size.height);
    this.lut = createTexture(gl, gl.TEXTURE_2D);
    this.colour = new RenderTarget(gl, size.width, size.height, "rgba8");
  }

  setImage(source: TexImageSource, size: Size): void {
    uploadImage(this.gl, this.image, source);
    this.imageTexture = size;
    this.render();
  }

  /** The map's values, rows from the top (width x height of the image). */
  setValues(values: Float32Array): void {
    const gl = this.gl;
    gl.bindTexture(gl.TEXTURE_2D, this.values);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, this.size.width, this.size.height, gl.RED, gl.FLOAT, values);
    this.hasValues = true;
    this.colourDirty = true;
    this.render();
  }

  setScale(
    colours: readonly (readonly number[])[],
    range: readonly [number, number],
    diverging: boolean,
  ): void {
    uploadColourTable(this.gl, this.lut, colours);
    this.range = range;
    this.diverging = diverging;
    this.colourDirty = true;
    this.render();
  }

  setLayout(css: Size, pixelRatio: number): void {
    this.css = css;
    this.pixelRatio = pixelRatio;
    this.canvas.width = Math.max(1, Math.round(css.width * pixelRatio));
    this.canvas.height = Math.max(1, Math.round(css.height * pixelRatio));
    this.render();
  }

  setAppearance(opacityShift: number, colourImage: boolean): void {
    this.opacityShift = opacityShift;
    this.colourImage = colourImage;
    this.render();
  }

  /** The view's reference and pinned pixels, marked on the map as on the stage's panels. */
  setMarkers(reference: Point | null, pinned: Point | null): void {
    this.reference = reference;
    this.pinned = pinned;
    this.render();
  }

  render(): void {
    const gl = this.gl;
    if (gl.isContextLost()) {
      return;
    }
    if (this.colourDirty && this.hasValues) {
      this.colourPass.run({
        values: this.values,
        lut: this.lut,
        range: this.range,
        diverging: this.diverging,
        colour: this.colour,
      });
      this.colourDirty = false;
    }
    const placed = placePanel({
      box: { x: 0, y: 0, ...this.css },
      canvasHeight: this.canvas.height,
      pixelRatio: this.pixelRatio,
      image: this.size,
      view: fullView(this.size),
      stride: 1,
      grid: this.size,
      reference: this.reference,
      pinned: this.pinned,
    });
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.enable(gl.SCISSOR_TEST);
    this.composite.draw({
      viewport: placed.viewport,
      toImage: placed.toImage,
      imageSize: this.size,
      imageTexture: this.imageTexture,
      stride: 1,
      image: this.image,
      colour: this.hasValues ? this.colour : null,
      placeholder: this.placeholder,
      opacityShift: this.opacityShift,
      colourImage: this.colourImage,
      background: [0.94, 0.95, 0.96],
    });
    this.markers.draw({
      viewport: placed.viewport,
      pixelRatio: this.pixelRatio,
      markerScale: 1,
      reference: placed.reference,
      referenceCell: null,
      pinned: placed.pinned,
      pinnedColour: PINNED_RGB,
    });
    gl.disable(gl.SCISSOR_TEST);
  }

  /** The coloured map, RGB per image pixel, rows from the top (tests; waits for the GPU). */
  readColours(): Uint8Array {
    const gl = this.gl;
    this.render();
    const { width, height } = this.size;
    const rgba = new Uint8Array(width * height * 4);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, this.colour.framebuffer);
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, rgba);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
    const rgb = new Uint8Array(width * height * 3);
    for (let index = 0; index < width * height; index++) {
      rgb.set(rgba.subarray(index * 4, index * 4 + 3), index * 3);
    }
    return rgb;
  }

  dispose(): void {
    const gl = this.gl;
    this.colourPass.dispose();
    this.composite.dispose();
    this.markers.dispose();
    for (const texture of [this.image, this.values, this.lut, this.placeholder]) {
      gl.deleteTexture(texture);
    }
    this.colour.dispose();
  }
}
