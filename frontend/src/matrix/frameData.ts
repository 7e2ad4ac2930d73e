/**
 * What the scatter-plot matrix frame loads and measures: its points file, fetched once as a
 * store file and checked against the shape its arguments promise (scaled for the GPU, with
 * each row's data range for the axes and for carrying a zoom), and the width it has to fill.
 */
import { useEffect, useState } from "react";

import { rowRanges, scaledRows } from "./matrixLayout";

export interface Points {
  readonly url: string;
  readonly scaled: Float32Array;
  readonly ranges: [number, number][];
}

export async function fetchPoints(url: string, rows: number, count: number): Promise<Points> {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) {
    throw new Error(`the points ${url} could not be loaded (${response.status.toString()})`);
  }
  const bytes = await response.arrayBuffer();
  if (bytes.byteLength !== rows * count * 4) {
    throw new Error(
      `the points file holds ${bytes.byteLength.toString()} bytes, not ${rows.toString()} x ${count.toString()} float32`,
    );
  }
  const values = new Float32Array(bytes);
  return { url, scaled: scaledRows(values, rows, count), ranges: rowRanges(values, rows, count) };
}

export function useWidth(element: HTMLElement | null): number {
  const [width, setWidth] = useState(800);
  useEffect(() => {
    if (element === null) {
      return;
    }
    const observer = new ResizeObserver(() => {
      setWidth(element.clientWidth);
    });
    observer.observe(element); // it reports the element's first size too
    return () => {
      observer.disconnect();
    };
  }, [element]);
  return width;
}
