/**
 * What a renderer is told when it is made (its callbacks, kinds and limits) and what it
 * reports about its own work, apart from the renderer so that the test hook and the
 * benchmark can name these types without reading the renderer's code.
 */
import type { Capabilities } from "./capabilities";
import type { Range } from "./minMaxReader";
import type { PanelKinds, PanelMode } from "./panelKinds";
import type { PanelStatus } from "./panels";

export interface RendererCallbacks {
  /** A panel's loading state changed. */
  readonly onStatus?: (id: string, status: PanelStatus) => void;
  /** A panel's current (min, max), read asynchronously (may lag a frame or two). */
  readonly onRange?: (id: string, range: Range, mode: PanelMode) => void;
  /** The context was lost (true) or restored (false). */
  readonly onContextLost?: (lost: boolean) => void;
}

export interface RendererOptions extends RendererCallbacks {
  /** Replaces panel kinds (the benchmark measures the original tool's chain this way). */
  readonly kinds?: Partial<PanelKinds>;
  /** Cells per texel of the value maps the kinds' passes write (4; the naive chain's 1). */
  readonly cellsPerTexel?: 1 | 4;
  /** Lower limits than the device's, to exercise splitting (tests). */
  readonly limits?: Partial<Capabilities>;
}

/** How often each pass ran, and how many frames were composited (test hook, benchmark). */
export interface PassCounts {
  readonly passes: Readonly<Record<string, number>>;
  readonly frames: number;
}
