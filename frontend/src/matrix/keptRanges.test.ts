import { describe, expect, it } from "vitest";

import type { MatrixArgs, MatrixLayer } from "../contract";
import { MAX_SPAN, type Range } from "./axisRanges";
import { type RowBasis, carryRanges, rowNames } from "./keptRanges";
import { MARGIN } from "./matrixLayout";

function layer(title: string, dimensions: string[], firstRow: number): MatrixLayer {
  return { layer: title, title, dimensions, firstRow, pair: false };
}

function args(layers: MatrixLayer[]): MatrixArgs {
  const rows = 1 + layers.reduce((sum, shown) => sum + shown.dimensions.length, 0);
  return {
    matrixId: "m",
    url: "u",
    count: 1,
    rows,
    layers,
    classNames: ["a"],
    palette: [[0, 0, 0]],
    cells: null,
    thumbnails: { url: "t", tileWidth: 1, tileHeight: 1, columns: 1, images: 1 },
    selection: [],
  };
}

/** A basis whose rows are `layers`' dimensions, each row's data range from `data`. */
function basis(url: string, layers: MatrixLayer[], data: (row: number) => [number, number]): RowBasis {
  const names = rowNames(args(layers));
  return { url, names, data: names.map((_, row) => data(row)) };
}

/** A scaled range as the data values it shows, for a row of data range `data`. */
function dataOf(range: Range, data: [number, number]): [number, number] {
  const span = data[1] - data[0];
  const at = (value: number): number => data[0] + ((value - MARGIN) / (1 - 2 * MARGIN)) * span;
  return [at(range[0]), at(range[1])];
}

const block2 = layer("block2", ["block2[0]", "block2[1]"], 1);
const block3 = layer("block3", ["block3[0]", "block3[1]"], 3);
/** block3 alone: its dimensions are rows 1 and 2. */
const only3 = { ...block3, firstRow: 1 };

describe("a zoom kept across new points", () => {
  it("follows a dimension to its new row and forgets a dimension no longer shown", () => {
    const from = basis("one", [block2, block3], () => [0, 10]);
    // block2 removed: block3's dimensions move up to rows 1 and 2.
    const to = basis("two", [only3], () => [0, 10]);
    const ranges = { 2: [0.1, 0.3], 3: [0.2, 0.5] } as const;
    const carried = carryRanges(ranges, from, to);
    expect(Object.keys(carried)).toEqual(["1"]);
    expect(carried[1]?.[0]).toBeCloseTo(0.2, 12);
    expect(carried[1]?.[1]).toBeCloseTo(0.5, 12);
  });

  it("keeps the data values a dimension showed when its data range changes", () => {
    const from = basis("one", [only3], (row) => (row === 0 ? [0, 9] : [0, 10]));
    const to = basis("two", [only3], (row) => (row === 0 ? [0, 9] : [-5, 20]));
    const range: Range = [0.3, 0.6];
    const carried = carryRanges({ 1: range }, from, to)[1];
    expect(carried).toBeDefined();
    const [low, high] = dataOf(carried ?? [0, 1], [-5, 20]);
    const [wasLow, wasHigh] = dataOf(range, [0, 10]);
    expect(low).toBeCloseTo(wasLow, 9);
    expect(high).toBeCloseTo(wasHigh, 9);
  });

  it("tells matrices of the same dimensions apart by their titles", () => {
    const trained = layer("block3 · trained", ["block3[0]"], 1);
    const untrained = layer("block3 · untrained", ["block3[0]"], 2);
    const from = basis("one", [trained, untrained], () => [0, 1]);
    const to = basis(
      "two",
      [
        { ...untrained, firstRow: 1 },
        { ...trained, firstRow: 2 },
      ],
      () => [0, 1],
    );
    expect(carryRanges({ 1: [0.4, 0.5] }, from, to)).toEqual({ 2: [0.4, 0.5] });
  });

  it("never widens a carried range past the whole data", () => {
    const from = basis("one", [only3], () => [0, 100]);
    const to = basis("two", [only3], () => [40, 50]);
    const carried = carryRanges({ 1: [0.05, 0.95] }, from, to)[1] ?? [0, 0];
    expect(carried[1] - carried[0]).toBeCloseTo(MAX_SPAN, 12);
  });

  it("names row 0 (the classes) nothing, so it is never carried", () => {
    const names = rowNames(args([block2, block3]));
    expect(names[0]).toBe("");
    expect(names.slice(1)).toEqual([
      "block2\nblock2[0]",
      "block2\nblock2[1]",
      "block3\nblock3[0]",
      "block3\nblock3[1]",
    ]);
  });
});
