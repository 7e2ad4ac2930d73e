/**
 * When the view reached each stage of opening, the first time only, in milliseconds since
 * the epoch (performance.timeOrigin + now, comparable across the page and its frames). The
 * open benchmark breaks the time to the first painted heat maps down with these marks
 * (component mount, fetch, parse, texture upload, first draw); setting one is a map write.
 */
const marks = new Map<string, number>();

export function mark(name: string): void {
  if (!marks.has(name)) {
    marks.set(name, performance.timeOrigin + performance.now());
  }
}

/** Every mark so far, and `frame`: when this frame's document started loading. */
export function timeline(): Record<string, number> {
  return { frame: performance.timeOrigin, ...Object.fromEntries(marks) };
}
