/**
 * The reference cell's theoretical receptive field, looked up in the spans Python sent
 * (classroom.similarity.receptive_field_spans): the browser indexes, it never computes one.
 */
import type { ReceptiveField } from "../contract";
import type { Point, Rect } from "../geometry";

/** The square cell `cell` sees, in image coordinates, or null where the layer's is unknown. */
export function receptiveFieldOf(field: ReceptiveField | null | undefined, cell: Point | null): Rect | null {
  if (field == null || cell === null) {
    return null;
  }
  const column = field.columns[cell.x];
  const row = field.rows[cell.y];
  if (column === undefined || row === undefined) {
    return null;
  }
  return { x0: column[0] ?? 0, y0: row[0] ?? 0, x1: column[1] ?? 0, y1: row[1] ?? 0 };
}
