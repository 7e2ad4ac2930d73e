import { describe, expect, it } from "vitest";
import { type CompositeParams, imagePixels } from "./compositePass";

function params(toImage: CompositeParams["toImage"]): CompositeParams {
  return {
    viewport: { x: 10, y: 20, width: 100, height: 50 },
    toImage,
    imageSize: { width: 40, height: 30 },
    imageTexture: { width: 40, height: 30 },
    stride: 4,
    image: {},
    colour: null,
    placeholder: {},
    opacityShift: 0,
    colourImage: false,
    background: [0, 0, 0],
  };
}

describe("imagePixels", () => {
  it("shades the whole viewport when the image covers it", () => {
    expect(imagePixels(params({ x: 0, y: 0, perPixel: 0.25 }))).toEqual({
      x: 10,
      y: 20,
      width: 100,
      height: 50,
    });
  });

  it("keeps exactly the pixels whose centres fall on the image", () => {
    // one image pixel per device pixel, the image's corner 5.5 pixels right and 3 down
    const shaded = imagePixels(params({ x: -5.5, y: -3, perPixel: 1 }));
    // column i shows x = -5.5 + i + 0.5: inside for i in [5, 45); row j: y = -3 + j + 0.5: [3, 33)
    expect(shaded).toEqual({ x: 15, y: 20 + 50 - 33, width: 40, height: 30 });
  });

  it("is empty when the image is out of view", () => {
    const shaded = imagePixels(params({ x: 500, y: 0, perPixel: 1 }));
    expect(shaded.width).toBe(0);
  });
});
