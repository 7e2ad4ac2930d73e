import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { loadChunk } from "./chunk";

function Loaded(): null {
  return null;
}

describe("loadChunk", () => {
  it("hands on the chunk's component when it loads", async () => {
    const loaded = await loadChunk(() => Promise.resolve(Loaded), "the similarity view");
    expect(loaded.default).toBe(Loaded);
  });

  it("tries again once, so one failed request does not cost the view", async () => {
    let calls = 0;
    const loaded = await loadChunk(() => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error("network error")) : Promise.resolve(Loaded);
    }, "the similarity view");
    expect(calls).toBe(2);
    expect(loaded.default).toBe(Loaded);
  });

  it("says what could not be loaded, why, and what to do, instead of starting forever", async () => {
    const loaded = await loadChunk(
      () => Promise.reject(new TypeError("Failed to fetch dynamically imported module")),
      "the scatter-plot matrix",
    );
    const html = renderToStaticMarkup(createElement(loaded.default));
    expect(html).toContain('role="alert"');
    expect(html).toContain("The code of the scatter-plot matrix could not be loaded");
    expect(html).toContain("Failed to fetch dynamically imported module");
    expect(html).toContain("Reload the page");
  });
});
