/**
 * The scatter-plot matrix's pan and zoom as a React hook: the wheel zooms the cell under the
 * pointer about the pointer, a drag with Shift (or the middle button) pans it, and `reset`
 * (a double click, the reset button) shows every dimension whole again. The ranges live in a
 * ref that pointer events update at once (the brush, the hover and the test hook read it
 * between renders), mirrored into state so the frame is drawn anew. They belong to one points
 * file (`basis`); when other points arrive, each dimension still shown keeps its view
 * (keptRanges), so choosing another layer or images does not undo a zoom.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";

import type { MatrixArgs } from "../contract";
import { type Ranges, panCell, zoomCell } from "./axisRanges";
import { type RowBasis, carryRanges } from "./keptRanges";
import { type CellPlace, type MatrixLayout, cellAt, cellRows, toUnit } from "./matrixLayout";

/** How much one wheel pixel zooms: 100 pixels (one notch of most wheels) about 18%. */
const WHEEL_RATE = 0.002;
/** A wheel that counts lines (Firefox) rather than pixels: pixels per line. */
const LINE_PIXELS = 16;

export interface PanZoom {
  /** The ranges as last rendered (what the frame draws). */
  readonly ranges: Ranges;
  /** The ranges now, changed by the pointer events up to this one. */
  readonly current: () => Ranges;
  /** A pointer pressed: starts a pan (Shift or the middle button) and says so, else false. */
  readonly startPan: (event: React.PointerEvent, cell: CellPlace, x: number, y: number) => boolean;
  /** The pointer moved: pans and says so while a pan lasts. */
  readonly movePan: (x: number, y: number) => boolean;
  /** The pointer released: ends a pan and says whether one was under way. */
  readonly endPan: () => boolean;
  readonly reset: () => void;
}

/** Ranges and the points file they belong to (null: none loaded yet). */
interface Shown {
  readonly basis: RowBasis | null;
  readonly ranges: Ranges;
}

/**
 * `basis` is the points file drawn now (null while other points load: nothing is zoomed then,
 * as the rows the ranges name are not yet the rows drawn).
 */
export function usePanZoom(
  canvasRef: React.RefObject<HTMLCanvasElement | null>,
  layout: MatrixLayout,
  args: MatrixArgs,
  basis: RowBasis | null,
): PanZoom {
  const url = basis?.url ?? null;
  const [shown, setShown] = useState<Shown>({ basis: null, ranges: {} });
  const latest = useRef<Shown>({ basis: null, ranges: {} });
  const ranges = url !== null && shown.basis?.url === url ? shown.ranges : {};
  const current = useCallback(
    (): Ranges => (url !== null && latest.current.basis?.url === url ? latest.current.ranges : {}),
    [url],
  );
  const pan = useRef<{ cell: CellPlace; x: number; y: number; from: Ranges } | null>(null);
  const apply = useCallback(
    (next: Ranges) => {
      if (url === null || latest.current.basis?.url !== url) {
        return; // other points are loading: their rows are not yet what the cells draw
      }
      latest.current = { basis: latest.current.basis, ranges: next };
      setShown(latest.current);
    },
    [url],
  );
  // Other points: carry each kept dimension's view over before the frame is painted.
  useLayoutEffect(() => {
    const before = latest.current;
    if (basis === null || before.basis?.url === basis.url) {
      return;
    }
    const ranges = before.basis === null ? {} : carryRanges(before.ranges, before.basis, basis);
    latest.current = { basis, ranges };
    setShown(latest.current);
  }, [basis]);
  const reset = useCallback(() => {
    apply({});
  }, [apply]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null) {
      return;
    }
    const onWheel = (event: WheelEvent): void => {
      const rect = canvas.getBoundingClientRect();
      const [x, y] = [event.clientX - rect.left, event.clientY - rect.top];
      const cell = cellAt(layout, x, y);
      if (cell === null) {
        return;
      }
      event.preventDefault(); // the wheel zooms the cell, not scrolls the page
      const pixels =
        event.deltaMode === WheelEvent.DOM_DELTA_LINE ? event.deltaY * LINE_PIXELS : event.deltaY;
      const { u, v } = toUnit(cell.box, x, y);
      apply(zoomCell(current(), cellRows(args, cell), u, v, Math.exp(pixels * WHEEL_RATE)));
    };
    canvas.addEventListener("wheel", onWheel, { passive: false });
    return () => {
      canvas.removeEventListener("wheel", onWheel);
    };
  }, [canvasRef, layout, args, apply, current]);

  const startPan = (event: React.PointerEvent, cell: CellPlace, x: number, y: number): boolean => {
    if (!event.shiftKey && event.button !== 1) {
      return false;
    }
    pan.current = { cell, x, y, from: current() };
    return true;
  };
  const movePan = (x: number, y: number): boolean => {
    const start = pan.current;
    if (start === null) {
      return false;
    }
    const { box } = start.cell;
    const [du, dv] = [(x - start.x) / box.width, -(y - start.y) / box.height];
    apply(panCell(start.from, cellRows(args, start.cell), du, dv));
    return true;
  };
  const endPan = (): boolean => {
    const panning = pan.current !== null;
    pan.current = null;
    return panning;
  };
  return { ranges, current, startPan, movePan, endPan, reset };
}
