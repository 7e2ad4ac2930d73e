/**
 * The lasso's outline, drawn over its cell while it is drawn: an SVG polygon laid over the
 * canvas (the WebGL frame stays the points alone, so drawing the outline costs no frame) and
 * set directly on each move, without a React render. The vertices are in scaled units and
 * drawn through the cell's visible ranges, so the outline sits where the points it encloses are.
 */
import { type Range, toFraction } from "./axisRanges";
import type { Vertex } from "./lasso";
import type { Box } from "./matrixLayout";

/** Shows `vertices` as a closed outline over `box` (CSS pixels of the canvas), or hides it. */
export function drawOutline(
  svg: SVGSVGElement | null,
  lasso: { box: Box; view: { x: Range; y: Range }; vertices: readonly Vertex[] } | null,
): void {
  const shape = svg?.querySelector("polygon");
  if (svg == null || shape == null) {
    return;
  }
  if (lasso === null) {
    svg.style.display = "none";
    shape.setAttribute("points", "");
    return;
  }
  const { box, view, vertices } = lasso;
  Object.assign(svg.style, {
    display: "block",
    left: `${box.x.toString()}px`,
    top: `${box.y.toString()}px`,
    width: `${box.width.toString()}px`,
    height: `${box.height.toString()}px`,
  });
  const points = vertices.map(({ u, v }) => {
    const x = toFraction(view.x, u) * box.width;
    const y = (1 - toFraction(view.y, v)) * box.height;
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  shape.setAttribute("points", points.join(" "));
}
