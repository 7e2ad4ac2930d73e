import { describe, expect, it } from "vitest";

import type { LayerSource } from "./contract";
import { panelNames } from "./panelNames";

function source(entryId: string, layer: string, weightsLabel: string): LayerSource {
  return {
    layer,
    about: "stride 4 px",
    url: `/classroom/files/${entryId}.cfm`,
    entryId,
    nbytes: 1,
    width: 1,
    height: 1,
    channels: 1,
    stride: 4,
    precision: 8,
    weightsLabel,
    untrained: weightsLabel.startsWith("untrained"),
    receptiveField: null,
  };
}

describe("panelNames", () => {
  it("names panels by their layer", () => {
    const names = panelNames([
      source("a", "conv2_x", "IMAGENET1K_V2"),
      source("b", "conv3_x", "IMAGENET1K_V2"),
    ]);
    expect([...names.values()]).toEqual(["conv2_x", "conv3_x"]);
  });

  it("tells the same layer of two networks apart by their weights", () => {
    const names = panelNames([
      source("a", "conv2_x", "IMAGENET1K_V2"),
      source("b", "conv2_x", "untrained (seed 0)"),
    ]);
    expect(names.get("a")).toBe("conv2_x · IMAGENET1K_V2");
    expect(names.get("b")).toBe("conv2_x · untrained (seed 0)");
  });

  it("never gives two panels one name", () => {
    const names = panelNames([
      source("a", "conv2_x", "w"),
      source("b", "conv2_x", "w"),
      source("c", "conv2_x", "w"),
    ]);
    expect(new Set(names.values()).size).toBe(3);
  });
});
