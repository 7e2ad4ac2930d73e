import { describe, expect, it } from "vitest";

import { HEADER_ALLOWANCE, MIN_FIT_HEIGHT, layoutStage } from "./layout";

const image = { width: 1024, height: 768 };

describe("layoutStage", () => {
  it("puts three equal panels side by side with the image's aspect ratio", () => {
    const layout = layoutStage(1200, 3, image, { presenter: false });
    expect(layout.columns).toBe(3);
    const [first, second, third] = layout.panels;
    expect(first).toBeDefined();
    expect(
      new Set(layout.panels.map((panel) => `${panel.width.toString()}x${panel.height.toString()}`)).size,
    ).toBe(1);
    expect(first?.height).toBe(Math.round(((first?.width ?? 0) * 768) / 1024));
    expect(first?.y).toBe(second?.y);
    expect((second?.x ?? 0) - (first?.x ?? 0)).toBe((third?.x ?? 0) - (second?.x ?? 0));
    expect((third?.x ?? 0) + (third?.width ?? 0) + layout.scaleWidth).toBeLessThanOrEqual(1200);
  });

  it("wraps onto more rows when the frame is too narrow", () => {
    const two = layoutStage(500, 3, image, { presenter: false });
    expect(two.columns).toBe(2);
    expect(two.panels.map((panel) => panel.y)).toEqual([
      two.labelHeight,
      two.labelHeight,
      expect.any(Number),
    ]);
    const layout = layoutStage(350, 3, image, { presenter: false });
    expect(layout.columns).toBe(1);
    expect(layout.panels.map((panel) => panel.x)).toEqual([0, 0, 0]);
    const ys = layout.panels.map((panel) => panel.y);
    expect(ys[1]).toBeGreaterThan(ys[0] ?? 0);
    expect(layout.height).toBeGreaterThan(3 * (layout.panels[0]?.height ?? 0));
  });

  it("limits the height of portrait images", () => {
    const layout = layoutStage(
      2000,
      1,
      { width: 300, height: 3000 },
      { presenter: false, maxPanelHeight: 500 },
    );
    expect(layout.panels[0]).toMatchObject({ height: 500, width: 50 });
  });

  it("gives presenter mode larger labels and scales", () => {
    const normal = layoutStage(1200, 3, image, { presenter: false });
    const presenter = layoutStage(1200, 3, image, { presenter: true });
    expect(presenter.labelHeight).toBeGreaterThan(normal.labelHeight);
    expect(presenter.scaleWidth).toBeGreaterThan(normal.scaleWidth);
  });

  it("fits one wide panel with its label and controls in the window", () => {
    const fit = { windowHeight: 1000, belowHeight: 110 };
    const free = layoutStage(1600, 1, image, { presenter: true });
    const fitted = layoutStage(1600, 1, image, { presenter: true, fit });
    expect(free.height).toBeGreaterThan(1000 - HEADER_ALLOWANCE - fit.belowHeight);
    expect(fitted.height + fit.belowHeight + HEADER_ALLOWANCE).toBeLessThanOrEqual(1000);
    const panel = fitted.panels[0];
    expect(panel?.width).toBe(Math.round(((panel?.height ?? 0) * 1024) / 768));
  });

  it("refits when the window changes and never shrinks a panel to nothing", () => {
    const tall = layoutStage(1280, 2, image, {
      presenter: false,
      fit: { windowHeight: 1000, belowHeight: 90 },
    });
    const short = layoutStage(1280, 2, image, {
      presenter: false,
      fit: { windowHeight: 600, belowHeight: 90 },
    });
    expect(short.panels[0]?.height).toBeLessThan(tall.panels[0]?.height ?? 0);
    expect(short.height + 90 + HEADER_ALLOWANCE).toBeLessThanOrEqual(600);
    const tiny = layoutStage(1280, 2, image, {
      presenter: false,
      fit: { windowHeight: 200, belowHeight: 90 },
    });
    expect(tiny.panels[0]?.height).toBe(MIN_FIT_HEIGHT);
  });

  it("fits below what the page shows above the view (presenter mode: step row, title, text)", () => {
    const fit = { windowHeight: 720, belowHeight: 60, above: 290 };
    const layout = layoutStage(1232, 1, image, { presenter: true, fit });
    expect(layout.height + fit.belowHeight + fit.above).toBeLessThanOrEqual(720);
    expect(layout.height).toBeGreaterThan(720 - fit.above - fit.belowHeight - 2);
  });

  it("leaves panels that already fit as they are", () => {
    const fit = { windowHeight: 1000, belowHeight: 110 };
    expect(layoutStage(1200, 3, image, { presenter: true, fit })).toEqual(
      layoutStage(1200, 3, image, { presenter: true }),
    );
  });
});
