/**
 * The scatter-plot matrix frame: each layer's matrix side by side on one WebGL 2 canvas, a box
 * brush or a lasso (gesture.ts: Alt-drag or the Lasso toggle) in any cell that highlights the
 * same points in every cell and layer while it moves, pan and zoom per dimension (usePanZoom:
 * wheel, Shift-drag, double click to reset; kept across new points), the hovered point's image
 * (and receptive field) beside it, and one selection event for Python when the brush is
 * released or Escape clears it. Points and thumbnails are fetched once, as store files.
 */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";

import { type MatrixArgs, makeSelectionEvent } from "../contract";
import { loadImage } from "../data/image";
import { ScatterRenderer } from "../renderer/scatterRenderer";
import { sendValue } from "../streamlit";
import { HoverDetails } from "./HoverDetails";
import { HoverStore } from "./hoverStore";
import { type Ranges, cellRanges, rangeOf, toScaled, visibleData } from "./axisRanges";
import { type RowBasis, rowNames } from "./keptRanges";
import { type Points, fetchPoints, useWidth } from "./frameData";
import { installMatrixHook } from "./matrixHook";
import { type Gesture, gestureCell, gesturePoints, moveGesture, startGesture } from "./gesture";
import type { Vertex } from "./lasso";
import { drawOutline } from "./lassoOutline";
import {
  type CellPlace,
  cellAt,
  clampToBox,
  MARGIN,
  cellRows,
  matrixLayout,
  nearestPoint,
  pointOwner,
  toUnit,
} from "./matrixLayout";
import { usePanZoom } from "./usePanZoom";

/** How near the pointer a point must be to be hovered, in CSS pixels. */
const HOVER_RADIUS = 6;

export function ScatterMatrixView({ args }: { readonly args: MatrixArgs }): React.JSX.Element {
  const [root, setRoot] = useState<HTMLDivElement | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [renderer, setRenderer] = useState<ScatterRenderer | null>(null);
  const [points, setPoints] = useState<Points | null>(null);
  const scaled = points?.scaled ?? null;
  const [atlas, setAtlas] = useState<ImageBitmap | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hover] = useState(() => new HoverStore());
  const hovered = useSyncExternalStore(hover.subscribe, hover.get);
  const patch = useRef<HTMLCanvasElement | null>(null);
  const thumbnail = useRef<HTMLCanvasElement | null>(null);
  const gesture = useRef<Gesture | null>(null);
  const lasso = useRef<{ cell: CellPlace; vertices: readonly Vertex[] } | null>(null);
  const outline = useRef<SVGSVGElement>(null);
  const [lassoOn, setLassoOn] = useState(false);
  const mask = useRef(new Uint8Array(0));
  const selection = useRef<number[]>([]);
  const sent = useRef<number[][]>([]);
  const width = useWidth(root);
  const layout = useMemo(
    () =>
      matrixLayout(
        args.layers.map((layer) => layer.dimensions.length),
        width,
        args.layers.map((layer) => layer.pair),
      ),
    [args, width],
  );
  // The points drawn now with their rows' names: what a zoom belongs to, and is carried by.
  const basis = useMemo<RowBasis | null>(
    () =>
      points === null || points.url !== args.url
        ? null
        : { url: points.url, names: rowNames(args), data: points.ranges },
    [points, args],
  );
  const zoom = usePanZoom(canvas, layout, args, basis);
  const currentRanges = zoom.current;
  const drawsFor = useCallback(
    (ranges: Ranges) =>
      layout.cells.map((cell) => {
        const rows = cellRows(args, cell);
        return { box: cell.box, rows, view: cellRanges(ranges, rows) };
      }),
    [args, layout],
  );
  const draws = useMemo(() => drawsFor(zoom.ranges), [drawsFor, zoom.ranges]);
  const ratio = window.devicePixelRatio || 1;

  useEffect(() => {
    if (canvas.current === null) {
      return;
    }
    try {
      const made = new ScatterRenderer(canvas.current);
      setRenderer(made);
      return () => {
        made.dispose();
      };
    } catch (failure) {
      setError(String(failure));
    }
  }, []);
  const { url, rows, count } = args;
  const thumbnailsUrl = args.thumbnails.url;
  useEffect(() => {
    let live = true;
    Promise.all([fetchPoints(url, rows, count), loadImage(thumbnailsUrl)]).then(
      ([fetched, image]) => {
        if (live) {
          hover.clear(); // its index is a point of the old points
          setPoints(fetched);
          setAtlas(image);
        }
      },
      (failure: unknown) => {
        setError(String(failure));
      },
    );
    return () => {
      live = false;
    };
  }, [url, rows, count, thumbnailsUrl, hover]);

  const draw = useCallback(() => {
    renderer?.draw(draws, ratio);
  }, [renderer, draws, ratio]);

  /** Python hears a selection (a brush released, or cleared), and the test hook counts it. */
  const send = useCallback((points: readonly number[]) => {
    sent.current.push([...points]);
    sendValue(makeSelectionEvent([...points]));
  }, []);
  const select = useCallback(
    (points: readonly number[]) => {
      const bytes = new Uint8Array(args.count);
      for (const point of points) {
        bytes[point] = 1;
      }
      mask.current = bytes;
      selection.current = [...points];
      renderer?.setSelection(bytes, points.length > 0);
    },
    [args.count, renderer],
  );

  useEffect(() => {
    if (renderer === null || scaled === null) {
      return;
    }
    renderer.setPoints(scaled, args.count, args.palette);
    select(args.selection);
  }, [renderer, scaled, args, select]);
  useEffect(() => {
    if (renderer === null || scaled === null) {
      return;
    }
    renderer.resize(layout, ratio);
    draw();
  }, [renderer, scaled, layout, ratio, draw, args]);

  const local = (event: React.PointerEvent): { x: number; y: number } => {
    const rect = event.currentTarget.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };
  /** The point under the pointer in `cell`; React hears of it only when it is another point. */
  const hoverAt = (cell: CellPlace, x: number, y: number): void => {
    if (scaled === null) {
      return;
    }
    const rows = cellRows(args, cell);
    const view = cellRanges(zoom.current(), rows);
    const point = nearestPoint(scaled, args.count, rows, cell.box, x, y, HOVER_RADIUS, view);
    if (point === null) {
      hover.clear();
      return;
    }
    hover.show(point, (found) => {
      const owner = pointOwner(args, found);
      const box = owner.cell === null ? null : (args.cells?.boxes[owner.cell] ?? null);
      return {
        point: found,
        ...owner,
        className: args.classNames[scaled[found] ?? 0] ?? "",
        box: box === null ? null : [box[0] ?? 0, box[1] ?? 0, box[2] ?? 0, box[3] ?? 0],
      };
    });
  };
  const onPointerDown = (event: React.PointerEvent<HTMLCanvasElement>): void => {
    const { x, y } = local(event);
    const cell = cellAt(layout, x, y);
    if (cell === null || scaled === null) {
      return;
    }
    event.currentTarget.setPointerCapture(event.pointerId);
    if (zoom.startPan(event, cell, x, y)) {
      return;
    }
    gesture.current = startGesture(lassoOn || event.altKey, cell, scaledAt(cell, x, y), { x, y });
    showOutline(gesture.current);
  };
  /** A lasso's outline over its cell, drawn through the cell's ranges (else none). */
  const showOutline = (drawn: Gesture | null): void => {
    if (drawn?.kind !== "lasso") {
      drawOutline(outline.current, null);
      return;
    }
    const view = cellRanges(zoom.current(), cellRows(args, drawn.cell));
    drawOutline(outline.current, { box: drawn.cell.box, view, vertices: drawn.vertices });
  };

  /** A canvas point in a cell as scaled units (the brush selects in data space when zoomed). */
  const scaledAt = (cell: CellPlace, x: number, y: number): { u: number; v: number } => {
    const { u, v } = toUnit(cell.box, x, y);
    const view = cellRanges(zoom.current(), cellRows(args, cell));
    return { u: toScaled(view.x, u), v: toScaled(view.y, v) };
  };
  const onPointerMove = (event: React.PointerEvent<HTMLCanvasElement>): void => {
    const { x, y } = local(event);
    if (zoom.movePan(x, y)) {
      return;
    }
    const current = gesture.current;
    if (current === null || scaled === null) {
      const cell = cellAt(layout, x, y);
      if (cell === null) {
        hover.clear();
      } else {
        hoverAt(cell, x, y);
      }
      return;
    }
    const cell = gestureCell(current);
    const kept = clampToBox(cell.box, x, y); // past the cell's edge: what it shows ends there
    const next = moveGesture(current, scaledAt(cell, kept.x, kept.y), kept);
    if (next === current) {
      return; // a lasso's pointer moved less than a vertex's step: nothing changed
    }
    gesture.current = next;
    showOutline(next);
    const picked = gesturePoints(next, scaled, args.count, cellRows(args, cell), mask.current);
    selection.current = picked;
    renderer?.setSelection(mask.current, picked.length > 0);
    renderer?.setSelectedIndices(Uint32Array.from(picked));
    renderer?.drawBrushing(draws, ratio);
  };
  const onPointerUp = (): void => {
    const ended = gesture.current;
    if (zoom.endPan() || ended === null) {
      return;
    }
    gesture.current = null;
    if (ended.kind === "lasso") {
      lasso.current = { cell: ended.cell, vertices: ended.vertices };
      showOutline(null);
    }
    renderer?.endBrush();
    draw();
    send(selection.current);
  };
  // Escape: a brush or lasso under way is dropped, and the selection cleared (Python hears an
  // empty selection, once, only when there was one).
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== "Escape") {
        return;
      }
      const drawing = gesture.current !== null;
      gesture.current = null;
      drawOutline(outline.current, null);
      if (!drawing && selection.current.length === 0) {
        return;
      }
      select([]);
      renderer?.endBrush();
      draw();
      send([]);
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, [select, renderer, draw, send]);

  useEffect(() => {
    if (renderer === null || scaled === null || root === null) {
      return;
    }
    return installMatrixHook({
      renderer,
      args,
      layout,
      draws: () => drawsFor(currentRanges()),
      ranges: currentRanges,
      ratio,
      canvas: () => canvas.current,
      selection: () => selection.current,
      sent: () => sent.current,
      lasso: () => lasso.current,
      hovered: hover.get,
      hoverChanges: () => hover.changes,
      patch: () => patch.current,
      thumbnail: () => thumbnail.current,
    });
  }, [renderer, scaled, root, args, layout, drawsFor, currentRanges, ratio, hover]);
  const onCanvases = useCallback((image: HTMLCanvasElement | null, cut: HTMLCanvasElement | null) => {
    thumbnail.current = image;
    patch.current = cut;
  }, []);

  return (
    <div ref={setRoot} className="matrix-view">
      {error !== null && (
        <p className="view-message view-error" role="alert">
          The scatter-plot matrix cannot be drawn: {error}
        </p>
      )}
      <div className="matrix-titles" style={{ position: "relative", height: "1.6em", width: layout.width }}>
        {args.layers.map((layer, index) => (
          <span key={layer.title} style={{ position: "absolute", left: layout.matrices[index]?.x ?? 0 }}>
            {layer.title}
          </span>
        ))}
      </div>
      <p className="matrix-help">
        Drag to select a box, Alt-drag (or Lasso) to draw around points; the wheel zooms, Shift-drag pans, a
        double click shows all; Esc clears the selection.
      </p>
      {/* Always there (disabled when nothing is zoomed), so zooming never moves the cells. */}
      <button
        type="button"
        className="matrix-reset"
        disabled={Object.keys(zoom.ranges).length === 0}
        onClick={zoom.reset}
      >
        Show the whole range
      </button>
      <button
        type="button"
        className="matrix-lasso-toggle"
        aria-pressed={lassoOn}
        onClick={() => {
          setLassoOn((on) => !on);
        }}
      >
        Lasso
      </button>
      <div className="matrix-stage" style={{ position: "relative", width: layout.width }}>
        {layout.cells
          .filter((cell) => cell.row === cell.column)
          .map((cell) => {
            const layer = args.layers[cell.layer];
            const row = (layer?.firstRow ?? 1) + cell.row;
            const data = points?.ranges[row];
            const range =
              data === undefined ? undefined : visibleData(rangeOf(zoom.ranges, row), data, MARGIN);
            return (
              <span
                key={`${cell.layer.toString()}/${cell.row.toString()}`}
                className="matrix-axis"
                style={{ left: cell.box.x + 4, top: cell.box.y + 2, maxWidth: cell.box.width - 8 }}
              >
                {layer?.dimensions[cell.row] ?? ""}
                {range === undefined ? "" : ` ${range[0].toPrecision(3)} to ${range[1].toPrecision(3)}`}
              </span>
            );
          })}
        <canvas
          ref={canvas}
          className="matrix-canvas"
          data-testid="matrix-canvas"
          tabIndex={0}
          style={{ touchAction: "none" }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onDoubleClick={zoom.reset}
          onPointerLeave={() => {
            if (gesture.current === null) {
              hover.clear();
            }
          }}
        />
        <svg ref={outline} className="matrix-lasso" aria-hidden="true" style={{ display: "none" }}>
          <polygon />
        </svg>
      </div>
      <HoverDetails args={args} atlas={atlas} hovered={hovered} onCanvases={onCanvases} />
    </div>
  );
}
