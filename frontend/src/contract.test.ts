import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";

import {
  type ChannelEvent,
  ContractError,
  isViewEvent,
  makeChannelEvent,
  makeEvent,
  parseViewArgs,
} from "./contract";
import schema from "./contract.schema.json";
import headerSchema from "./featureHeader.schema.json";
import fixture from "./fixtures/view-args.json";

// The fixture is real ViewArgs written by tests/test_contract.py from Python's models.
const clone = (): Record<string, unknown> => structuredClone(fixture);

describe("the schemas", () => {
  // The browser skips this check (validateSchema: false: it would compile the meta-schema in
  // every frame before it can say ready); it is done here instead.
  it("are valid JSON Schemas (2020-12)", () => {
    const ajv = new Ajv2020({ strict: false });
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
    expect(ajv.validateSchema(headerSchema), JSON.stringify(ajv.errors)).toBe(true);
  });
});

describe("parseViewArgs", () => {
  it("accepts the arguments Python produces", () => {
    const args = parseViewArgs(clone());
    expect(args.viewId).toBe("lesson-1/step-2");
    expect(args.layers.map((layer) => layer.layer)).toEqual(["conv2_x", "conv3_x"]);
    expect(args.layers[0]?.entryId).toMatch(/^[0-9a-f]{32}$/);
    expect(args.colormap.colours).toHaveLength(256);
    expect(args.preset).toEqual({ reference: { x: 5, y: 7 }, pinned: { x: 30, y: 20 }, locked: true });
    expect(args.chartLayer).toBe("conv3_x");
  });

  it("names the field when a layer is malformed", () => {
    const raw = clone();
    (raw.layers as Record<string, unknown>[])[1] = { ...(raw.layers as object[])[1], precision: 12 };
    expect(() => parseViewArgs(raw)).toThrow(ContractError);
    expect(() => parseViewArgs(raw)).toThrow(/\/layers\/1\/precision/);
  });

  it("rejects missing fields, unknown fields and an empty layer list", () => {
    const missing = clone();
    delete missing.colormap;
    expect(() => parseViewArgs(missing)).toThrow(/colormap/);
    expect(() => parseViewArgs({ ...clone(), surprise: 1 })).toThrow(ContractError);
    expect(() => parseViewArgs({ ...clone(), layers: [] })).toThrow(/layers/);
    expect(() => parseViewArgs(null)).toThrow(ContractError);
  });

  it("rejects a colour table of the wrong length or range", () => {
    const raw = clone();
    const colormap = raw.colormap as { colours: number[][] };
    expect(() =>
      parseViewArgs({ ...raw, colormap: { ...colormap, colours: colormap.colours.slice(1) } }),
    ).toThrow(/colours/);
    const bad = colormap.colours.map((colour, index) => (index === 3 ? [300, 0, 0] : colour));
    expect(() => parseViewArgs({ ...raw, colormap: { ...colormap, colours: bad } })).toThrow(/colours\/3\/0/);
  });
});

describe("panels", () => {
  it("are keyed by kind, and a kind the contract lacks is refused", () => {
    const args = parseViewArgs(clone());
    expect(args.panels.map((panel) => panel.kind)).toEqual(["similarity", "similarity"]);
    expect(args.metric).toBe("angular");
    expect(args.metrics.map((metric) => metric.name)).toEqual(["angular", "cosine", "euclidean", "dot"]);
    const raw = clone();
    expect(() => parseViewArgs({ ...raw, panels: [{ kind: "hologram", layer: "conv2_x" }] })).toThrow(
      ContractError,
    );
    expect(() => parseViewArgs({ ...raw, metric: "manhattan" })).toThrow(/metric/);
  });

  it("take a tiles panel of colour or grey tiles, and refuse other channel counts", () => {
    const raw = clone();
    const tiles = {
      kind: "tiles",
      technique: "filters",
      title: "16 first-layer filters, 3 x 3 x 3",
      meaning: "mid-grey is 0",
      url: "/classroom/files/maps/x.f32",
      mapId: "0123456789abcdef0123456789abcdef",
      count: 2,
      tileWidth: 3,
      tileHeight: 3,
      channels: 3,
      valueRange: [0, 1],
      scale: "picture",
      colormap: raw.colormap,
      tileNames: ["filter 0", "filter 1"],
    };
    const panels = [...(raw.panels as object[]), tiles];
    expect(parseViewArgs({ ...raw, panels }).panels.map((panel) => panel.kind)).toContain("tiles");
    expect(() =>
      parseViewArgs({ ...raw, panels: [...panels.slice(0, 2), { ...tiles, channels: 2 }] }),
    ).toThrow(ContractError);
  });
});

describe("events", () => {
  const state = { reference: { x: 1, y: 2 }, pinned: null, locked: false };

  it("builds events Python accepts, each with its own id", () => {
    const pin = makeEvent("pin", state);
    const step = makeEvent("step", state, -1);
    expect(isViewEvent(pin)).toBe(true);
    expect(isViewEvent(step)).toBe(true);
    expect(step).toMatchObject({ kind: "step", delta: -1 });
    expect(pin.id).not.toBe(step.id);
  });

  it("rejects an event of unknown kind", () => {
    expect(isViewEvent({ id: "x", kind: "hover", state })).toBe(false);
  });
});

describe("the channel event", () => {
  const state = { reference: { x: 3, y: 4 }, pinned: null, locked: false };

  it("carries the layer and the channel, and Python's schema accepts it", () => {
    const event = makeChannelEvent("block2", 7, state);
    expect(event).toMatchObject({ kind: "channel", layer: "block2", channel: 7, state });
    expect(isViewEvent(event)).toBe(true);
    expect(makeChannelEvent("block2", 7, state).id).not.toBe(event.id);
  });

  it("is refused without a channel, or with a negative one", () => {
    const missing: Partial<ChannelEvent> = { ...makeChannelEvent("block2", 7, state) };
    delete missing.channel;
    expect(isViewEvent(missing)).toBe(false);
    expect(isViewEvent({ ...makeChannelEvent("block2", 7, state), channel: -1 })).toBe(false);
  });
});
