import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { LayerSource } from "../contract";
import fixtures from "../fixtures/feature-files.json";
import { FeatureCache } from "./featureCache";
import { FeatureFormatError } from "./featureFile";

// A real HTTP server on loopback serving real feature files (written by Python), in chunks.
const files = new Map(fixtures.map((fixture) => [fixture.name, Buffer.from(fixture.base64, "base64")]));
const requests: string[] = [];
/** How many of a file's next downloads stop after a third of the bytes and never end. */
const stalls = new Map<string, number>();
let server: Server;
let base = "";

beforeAll(async () => {
  server = createServer((request, response) => {
    const name = (request.url ?? "").slice(1);
    requests.push(name);
    const body = files.get(name);
    if (body === undefined) {
      response.writeHead(404, { "content-type": "text/plain" }).end(`${name} is not a prepared feature file`);
      return;
    }
    response.writeHead(200, { "content-type": "application/octet-stream" });
    const stalling = stalls.get(name) ?? 0;
    if (stalling > 0) {
      stalls.set(name, stalling - 1);
      response.write(body.subarray(0, Math.floor(body.length / 3))); // and then nothing, open
      return;
    }
    // Several chunks, so that progress and streaming into the buffer are exercised.
    const middle = Math.floor(body.length / 2);
    response.write(body.subarray(0, middle));
    setTimeout(() => response.end(body.subarray(middle)), 5);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port.toString()}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function source(name: string, overrides: Partial<LayerSource> = {}): LayerSource {
  return {
    layer: "conv2_x",
    about: "stride 4 px",
    url: `${base}/${name}`,
    entryId: name.padEnd(32, "0").replace(/[^0-9a-f]/g, "a"),
    nbytes: files.get(name)?.length ?? 100,
    width: 3,
    height: 2,
    channels: 18,
    stride: 4,
    precision: name === "uint8" ? 8 : name === "int16" ? 16 : 32,
    weightsLabel: "untrained (seed 3)",
    untrained: true,
    receptiveField: null,
    ...overrides,
  };
}

describe("FeatureCache", () => {
  it("fetches an entry once, however often and concurrently it is asked for", async () => {
    const cache = new FeatureCache();
    requests.length = 0;
    const progress: number[] = [];
    const [first, second] = await Promise.all([
      cache.load(source("uint8"), (update) => progress.push(update.received)),
      cache.load(source("uint8")),
    ]);
    const third = await cache.load(source("uint8"));
    expect(first).toBe(second);
    expect(third).toBe(first);
    expect(requests).toEqual(["uint8"]);
    expect(cache.stats()).toMatchObject({ fetches: 1, bytes: files.get("uint8")?.length });
    expect(progress.at(-1)).toBe(files.get("uint8")?.length);
  });

  it("reports a server error with the layer, the status and the server's reason", async () => {
    const cache = new FeatureCache();
    const missing = source("nothing", { nbytes: 10 });
    await expect(cache.load(missing)).rejects.toThrow(
      /conv2_x .*: the server answered 404 Not Found \(nothing is not a prepared feature file\)/,
    );
    // Failures are not cached: the next attempt fetches again.
    requests.length = 0;
    await expect(cache.load(missing)).rejects.toThrow(FeatureFormatError);
    expect(requests).toEqual(["nothing"]);
  });

  it("joins a prefetched download: one request, and load() still reports progress", async () => {
    const cache = new FeatureCache();
    requests.length = 0;
    void cache.prefetch([source("uint8"), source("int16")]);
    expect(requests.length).toBeLessThanOrEqual(2);
    const progress: number[] = [];
    const file = await cache.load(source("uint8"), (update) => progress.push(update.received));
    await cache.load(source("int16"));
    expect(file.byteLength).toBeGreaterThan(0);
    expect(requests.sort()).toEqual(["int16", "uint8"]);
    expect(cache.stats().fetches).toBe(2);
    expect(progress.at(-1)).toBe(files.get("uint8")?.length);
  });

  it("keeps a prefetch's failure for the first load to report, then fetches afresh", async () => {
    const cache = new FeatureCache();
    const missing = source("nothing", { nbytes: 10 });
    requests.length = 0;
    await cache.prefetch([missing]); // failed, nobody asked yet
    await expect(cache.load(missing)).rejects.toThrow(/404 Not Found/);
    expect(requests).toEqual(["nothing"]);
    await expect(cache.load(missing)).rejects.toThrow(/404 Not Found/);
    expect(requests).toEqual(["nothing", "nothing"]);
  });

  it("asks again for a download that stopped receiving bytes (issue 11.2)", async () => {
    const cache = new FeatureCache(undefined, undefined, 100);
    requests.length = 0;
    stalls.set("float32", 1);
    const progress: number[] = [];
    const file = await cache.load(source("float32"), (update) => progress.push(update.received));
    expect(file.header.channels).toBe(18);
    expect(requests).toEqual(["float32", "float32"]);
    // The first download reached a third, the second started again from nothing.
    const size = files.get("float32")?.length ?? 0;
    expect(progress).toContain(Math.floor(size / 3));
    expect(progress.at(-1)).toBe(size);
  });

  it("reports a download that stalls every time", async () => {
    const cache = new FeatureCache(undefined, undefined, 50);
    stalls.set("int16", 10);
    await expect(cache.load(source("int16", { entryId: "c".repeat(32) }))).rejects.toThrow(
      /conv2_x .*: no data from the server for 0 s \(4 tries\)/,
    );
    stalls.clear();
  });

  it("refuses a file that is longer or shorter than announced", async () => {
    const size = files.get("int16")?.length ?? 0;
    const cache = new FeatureCache();
    await expect(cache.load(source("int16", { nbytes: size - 1 }))).rejects.toThrow(/larger than/);
    await expect(cache.load(source("int16", { nbytes: size + 64, entryId: "b".repeat(32) }))).rejects.toThrow(
      /cut short/,
    );
  });

  it("refuses a file that is not the layer Python announced", async () => {
    const cache = new FeatureCache();
    await expect(cache.load(source("float32", { channels: 7 }))).rejects.toThrow(/expected conv2_x 3x2x7/);
  });

  it("drops the least recently used files not on screen when over budget", async () => {
    const small = files.get("uint8")?.length ?? 0;
    const cache = new FeatureCache(undefined, small + 1);
    const a = source("uint8");
    const b = source("int16");
    const c = source("float32");
    await cache.load(a);
    await cache.load(b);
    await cache.load(c);
    cache.trim(new Set([a.entryId]));
    // What was dropped is fetched again; what is on screen is not.
    requests.length = 0;
    await cache.load(a);
    await cache.load(b);
    await cache.load(c);
    expect(requests).toEqual(["int16", "float32"]);
  });
});
