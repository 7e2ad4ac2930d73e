/**
 * A pan or zoom kept across new points: when Python sends another points file (another layer
 * added, a channel put first, other images), a dimension still shown keeps the part of its
 * data it showed, and only a dimension no longer shown is forgotten. Ranges are in scaled
 * units, which are relative to a row's [min, max] in its file, and rows move between files,
 * so a range goes old row -> the data's own units -> the new row of the same dimension.
 */
import type { MatrixArgs } from "../contract";
import { MAX_SPAN, MIN_SPAN, type Range, type Ranges } from "./axisRanges";
import { MARGIN } from "./matrixLayout";

/** What a points file's rows are: enough to find a dimension's row in another file. */
export interface RowBasis {
  /** The points file, which the ranges built on this basis belong to. */
  readonly url: string;
  /** Per row, the dimension's identity (its matrix's title and its name); "" for row 0. */
  readonly names: readonly string[];
  /** Per row, the data's [min, max] in the file (what scaled units are relative to). */
  readonly data: readonly (readonly [number, number])[];
}

/** Each row's dimension identity: its matrix's title and its name (row 0, the classes: ""). */
export function rowNames(args: MatrixArgs): string[] {
  const names = new Array<string>(args.rows).fill("");
  for (const layer of args.layers) {
    layer.dimensions.forEach((name, index) => {
      names[layer.firstRow + index] = `${layer.title}\n${name}`;
    });
  }
  return names;
}

/** A row's span as scaledRows divides by (1 where the row is constant). */
function span(data: readonly [number, number]): number {
  return data[1] > data[0] ? data[1] - data[0] : 1;
}

function toData(value: number, data: readonly [number, number]): number {
  return data[0] + ((value - MARGIN) / (1 - 2 * MARGIN)) * span(data);
}

function fromData(value: number, data: readonly [number, number]): number {
  return MARGIN + ((1 - 2 * MARGIN) * (value - data[0])) / span(data);
}

/** A range no narrower or wider than zooming allows, about its own centre. */
function bounded(range: Range): Range {
  const width = Math.min(MAX_SPAN, Math.max(MIN_SPAN, range[1] - range[0]));
  const centre = (range[0] + range[1]) / 2;
  return [centre - width / 2, centre + width / 2];
}

/**
 * `ranges` (built on `from`) as the same data ranges on `to`'s rows: each zoomed dimension that
 * `to` still shows keeps the data values it showed; the others are dropped (shown whole).
 */
export function carryRanges(ranges: Ranges, from: RowBasis, to: RowBasis): Ranges {
  const rows = new Map<string, number>();
  to.names.forEach((name, row) => {
    if (name !== "" && !rows.has(name)) {
      rows.set(name, row);
    }
  });
  const carried: Record<number, Range> = {};
  for (const [key, range] of Object.entries(ranges)) {
    const row = Number(key);
    const target = rows.get(from.names[row] ?? "");
    const before = from.data[row];
    const after = target === undefined ? undefined : to.data[target];
    if (target === undefined || before === undefined || after === undefined) {
      continue;
    }
    carried[target] = bounded([
      fromData(toData(range[0], before), after),
      fromData(toData(range[1], before), after),
    ]);
  }
  return carried;
}
