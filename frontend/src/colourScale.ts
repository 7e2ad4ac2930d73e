/**
 * The colour scale: the axis beside each panel.
 *
 * The stretch itself happens in the shader (colour.frag), with the same formulas as
 * classroom/similarity.py: t = (v - min) / (max - min) (0 for a flat map) and colour-table
 * index clamp(floor(t * 256), 0, 255); the browser tests check the painted colours.
 * The axis shows the whole possible range (similarity 0..1, or -1..1 for signed data) with the
 * coloured band covering only [min, max], so the user sees how much the stretch magnifies;
 * unlike the original tool, it carries numbers.
 */

export const LUT_SIZE = 256;

/** A round step (1, 2 or 5 times a power of ten) giving at most `maxTicks` ticks over `span`. */
export function niceStep(span: number, maxTicks: number): number {
  if (!(span > 0) || maxTicks < 1) {
    return 1;
  }
  const raw = span / maxTicks;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const multiple of [1, 2, 5, 10]) {
    if (multiple * power >= raw) {
      return multiple * power;
    }
  }
  return 10 * power;
}

/** Round tick values inside [low, high] (both ends included when they are round). */
export function ticks(low: number, high: number, maxTicks: number): number[] {
  const step = niceStep(high - low, maxTicks);
  const first = Math.ceil(low / step - 1e-9);
  const last = Math.floor(high / step + 1e-9);
  const values: number[] = [];
  for (let index = first; index <= last; index++) {
    values.push(Number((index * step).toPrecision(12)));
  }
  return values;
}

/** A number shown with as many decimals as the step needs (and no "-0"). */
export function formatTick(value: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  const text = value.toFixed(decimals);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

/** A value shown to three significant digits, for the min/max labels. */
export function formatValue(value: number): string {
  if (value === 0) {
    return "0";
  }
  const magnitude = Math.abs(value);
  if (magnitude >= 1e4 || magnitude < 1e-3) {
    return value.toExponential(2);
  }
  return Number(value.toPrecision(3)).toString();
}

export interface ScaleAxis {
  readonly low: number;
  readonly high: number;
  readonly ticks: readonly number[];
  readonly step: number;
  /** Where the coloured band starts and ends, as fractions of the axis from `low`. */
  readonly bandFrom: number;
  readonly bandTo: number;
}

function axis(low: number, high: number, min: number, max: number, maxTicks: number): ScaleAxis {
  const span = high - low;
  const fraction = (value: number): number => (span > 0 ? Math.min(Math.max((value - low) / span, 0), 1) : 0);
  return {
    low,
    high,
    ticks: ticks(low, high, maxTicks),
    step: niceStep(span, maxTicks),
    bandFrom: fraction(min),
    bandTo: fraction(max),
  };
}

/** The axis of a similarity map: everything similarity can be, the band where it is now. */
export function similarityAxis(min: number, max: number, signed: boolean, maxTicks = 5): ScaleAxis {
  return axis(signed ? -1 : 0, 1, min, max, maxTicks);
}

/** The axis of a single channel: from 0 (or the minimum, if negative) to the maximum. */
export function channelAxis(min: number, max: number, maxTicks = 5): ScaleAxis {
  const low = Math.min(0, min);
  const high = max > low ? max : low + 1;
  return axis(low, high, min, max, maxTicks);
}

/** A CSS gradient through the colour table, bottom (index 0) to top. */
export function cssGradient(colours: readonly (readonly number[])[], stops = 16): string {
  const parts: string[] = [];
  for (let stop = 0; stop <= stops; stop++) {
    const index = Math.min(LUT_SIZE - 1, Math.round((stop / stops) * (colours.length - 1)));
    const [red = 0, green = 0, blue = 0] = colours[index] ?? [];
    parts.push(
      `rgb(${red.toString()} ${green.toString()} ${blue.toString()}) ${((stop / stops) * 100).toFixed(1)}%`,
    );
  }
  return `linear-gradient(to top, ${parts.join(", ")})`;
}
