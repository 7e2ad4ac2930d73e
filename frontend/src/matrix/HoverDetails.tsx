/**
 * Details on demand (Seein' In, section 3.3): the hovered point's image, and for a per-cell
 * point the cell's receptive field, boxed on the image and cut out beside it. Drawn on 2D
 * canvases from the thumbnail atlas, pixel for pixel (no smoothing), so what a student sees is
 * the image's own pixels, and the test hook can compare them with the collection's.
 */
import { useEffect, useRef } from "react";

import type { MatrixArgs } from "../contract";

/** How many screen pixels an image pixel takes in the details. */
export const DETAIL_SCALE = 4;

export interface Hovered {
  readonly point: number;
  readonly image: number;
  readonly cell: number | null;
  readonly className: string;
  /** The cell's receptive field in image pixels: left, top, right, bottom (exclusive). */
  readonly box: readonly [number, number, number, number] | null;
}

interface HoverDetailsProps {
  readonly args: MatrixArgs;
  readonly atlas: ImageBitmap | null;
  readonly hovered: Hovered | null;
  /** The canvases showing the hovered image and its patch (null when not shown). */
  readonly onCanvases: (image: HTMLCanvasElement | null, patch: HTMLCanvasElement | null) => void;
}

/** Where image `image` lies in the atlas. */
export function tileOrigin(args: MatrixArgs, image: number): { x: number; y: number } {
  const { columns, tileWidth, tileHeight } = args.thumbnails;
  return { x: (image % columns) * tileWidth, y: Math.floor(image / columns) * tileHeight };
}

function drawPixels(
  canvas: HTMLCanvasElement,
  atlas: ImageBitmap,
  source: { x: number; y: number; width: number; height: number },
): CanvasRenderingContext2D | null {
  canvas.width = source.width * DETAIL_SCALE;
  canvas.height = source.height * DETAIL_SCALE;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (context === null) {
    return null;
  }
  context.imageSmoothingEnabled = false;
  context.drawImage(
    atlas,
    source.x,
    source.y,
    source.width,
    source.height,
    0,
    0,
    canvas.width,
    canvas.height,
  );
  return context;
}

export function HoverDetails(props: HoverDetailsProps): React.JSX.Element {
  const { args, atlas, hovered, onCanvases } = props;
  const imageCanvas = useRef<HTMLCanvasElement>(null);
  const patchCanvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (atlas === null || hovered === null || imageCanvas.current === null) {
      return;
    }
    const origin = tileOrigin(args, hovered.image);
    const { tileWidth, tileHeight } = args.thumbnails;
    const context = drawPixels(imageCanvas.current, atlas, {
      ...origin,
      width: tileWidth,
      height: tileHeight,
    });
    if (hovered.box === null || context === null || patchCanvas.current === null) {
      return;
    }
    const [left, top, right, bottom] = hovered.box;
    context.strokeStyle = "#ffcc00";
    context.lineWidth = 2;
    context.strokeRect(
      left * DETAIL_SCALE + 1,
      top * DETAIL_SCALE + 1,
      (right - left) * DETAIL_SCALE - 2,
      (bottom - top) * DETAIL_SCALE - 2,
    );
    drawPixels(patchCanvas.current, atlas, {
      x: origin.x + left,
      y: origin.y + top,
      width: right - left,
      height: bottom - top,
    });
  }, [args, atlas, hovered]);
  useEffect(() => {
    onCanvases(
      hovered === null ? null : imageCanvas.current,
      hovered?.box == null ? null : patchCanvas.current,
    );
  }, [hovered, onCanvases]);
  if (hovered === null) {
    return (
      <p className="matrix-details matrix-hint">
        Point at a dot to see its image; drag a box in any plot to select points in every plot.
      </p>
    );
  }
  return (
    <div className="matrix-details" data-testid="matrix-details">
      <figure>
        <canvas ref={imageCanvas} className="matrix-thumbnail" />
        <figcaption>
          {hovered.className}, image {hovered.image}
          {hovered.cell === null ? "" : `, cell ${hovered.cell.toString()}`}
        </figcaption>
      </figure>
      {hovered.box !== null && (
        <figure>
          <canvas ref={patchCanvas} className="matrix-patch" />
          <figcaption>its receptive field</figcaption>
        </figure>
      )}
    </div>
  );
}
