import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { Chunk, loadChunk } from "./chunk";

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

function Greeting({ name }: { name: string }): string {
  return `hello ${name}`;
}

describe("Chunk", () => {
  it("shows what it waits with until the code is there, then the component with its props", async () => {
    let calls = 0;
    const chunk = new Chunk(
      () => {
        calls += 1;
        return Promise.resolve(Greeting);
      },
      "the similarity view",
      "starting",
    );
    expect(renderToStaticMarkup(createElement(chunk.Component, { name: "class" }))).toBe("starting");
    await Promise.all([chunk.start(), chunk.start()]);
    expect(calls).toBe(1); // started ahead and again on first draw: one load
    expect(renderToStaticMarkup(createElement(chunk.Component, { name: "class" }))).toBe("hello class");
  });

  it("draws the problem, not the waiting words, when the code cannot be loaded", async () => {
    const chunk = new Chunk<{ name: string }>(
      () => Promise.reject(new TypeError("Failed to fetch dynamically imported module")),
      "the scatter-plot matrix",
      "starting",
    );
    await chunk.start();
    const html = renderToStaticMarkup(createElement(chunk.Component, { name: "class" }));
    expect(html).toContain('role="alert"');
    expect(html).toContain("The code of the scatter-plot matrix could not be loaded");
  });
});
