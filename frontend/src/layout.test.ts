import { describe, expect, it } from "vitest";

import { layoutStage } from "./layout";

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
});
