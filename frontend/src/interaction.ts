/**
 * What the user is doing with the view: the reference pixel, the pinned pixel and lock, zoom
 * and pan, opacity, image colour, the single-channel view. A plain store (no React, no
 * WebGL) that the renderer, the bar chart and the UI subscribe to.
 *
 * Only deliberate actions become events for Python (pin, lock, release, step, channel), each with its
 * own id; pointing never does, so hovering never reruns the Streamlit script.
 */
import { type Pixel, type ViewEvent, type ViewState, makeChannelEvent, makeEvent } from "./contract";
import {
  type Size,
  type ViewTransform,
  clampPixel,
  clampView,
  fullView,
  stepPixel,
  zoomAt,
} from "./geometry";

/**
 * One channel of one panel, shown alone. The panel is named by its entry id, not its layer:
 * two panels may show the same layer of different networks (trained and untrained), whose
 * channel k are unrelated.
 */
export interface ChannelView {
  readonly panel: string;
  readonly index: number;
}

export interface InteractionState {
  /** The pixel every panel compares against (follows the pointer unless locked). */
  readonly reference: Pixel | null;
  readonly pinned: Pixel | null;
  /** Heat maps stay on the pinned pixel while the pointer moves. */
  readonly locked: boolean;
  readonly view: ViewTransform;
  /** Heat-map opacity shift in [-1, 1]; 0 makes opacity equal the stretched similarity. */
  readonly opacityShift: number;
  /** Show the image in colour (default greyscale, so colours do not compete with the map). */
  readonly colourImage: boolean;
  /** A panel showing one channel instead of similarity (hovering a bar of the chart). */
  readonly channel: ChannelView | null;
}

export type Listener = (state: InteractionState, previous: InteractionState) => void;

function samePixel(a: Pixel | null, b: Pixel | null): boolean {
  return a === b || (a !== null && b !== null && a.x === b.x && a.y === b.y);
}

/**
 * Whether every field but the reference and pinned pixels is the same, the view compared by
 * its zoom (all React shows of it). A field added to InteractionState belongs here.
 */
function sameSettings(a: InteractionState, b: InteractionState): boolean {
  return (
    a.locked === b.locked &&
    a.view.zoom === b.view.zoom &&
    a.opacityShift === b.opacityShift &&
    a.colourImage === b.colourImage &&
    a.channel === b.channel
  );
}

/**
 * Whether React must re-render for this change: not for a pointer move (the reference) nor a
 * pan (the view's centre), which reach the renderer and the chart without React.
 */
export function reactNeedsRender(state: InteractionState, previous: InteractionState): boolean {
  return !(samePixel(state.pinned, previous.pinned) && sameSettings(state, previous));
}

/** The zoom factor of one step of the zoom buttons and the + / − keys. */
export const ZOOM_STEP = 1.25;

export class ViewController {
  private current: InteractionState;
  /** The last state React was given (see `reactState`). */
  private shown: InteractionState;
  private readonly listeners = new Set<Listener>();

  /**
   * @param image the analysis image's size (reference pixels stay inside it)
   * @param finestStride the smallest stride shown: arrow keys move by one of its cells
   * @param emit receives the events meant for Python
   */
  constructor(
    private image: Size,
    private finestStride: number,
    private readonly emit: (event: ViewEvent) => void,
  ) {
    this.current = {
      reference: null,
      pinned: null,
      locked: false,
      view: fullView(image),
      opacityShift: 0,
      colourImage: false,
      channel: null,
    };
    this.shown = this.current;
  }

  get state(): InteractionState {
    return this.current;
  }

  /**
   * The state as React shows it: the same object until something React shows changes, so a
   * pointer move or a pan (which reach the renderer directly) never re-renders React. Its
   * reference and pan may be stale; its lock, pin, zoom and settings never are.
   */
  get reactState(): InteractionState {
    return this.shown;
  }

  /** The part of the state Python knows about. */
  snapshot(): ViewState {
    const { reference, pinned, locked } = this.current;
    return { reference, pinned, locked };
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** New image or layers for the same view (a rerun): keep the user's state where it still fits. */
  configure(image: Size, finestStride: number): void {
    const resized = image.width !== this.image.width || image.height !== this.image.height;
    this.image = image;
    this.finestStride = finestStride;
    if (resized) {
      this.update({
        reference: this.inside(this.current.reference),
        pinned: this.inside(this.current.pinned),
        view: fullView(image),
      });
    }
  }

  /** Another view (lesson step or image): start from Python's preset. */
  applyPreset(preset: ViewState): void {
    const pinned = this.inside(preset.pinned);
    const locked = preset.locked && pinned !== null;
    const centre = { x: Math.floor(this.image.width / 2), y: Math.floor(this.image.height / 2) };
    this.update({
      reference: locked ? pinned : (this.inside(preset.reference) ?? pinned ?? centre),
      pinned,
      locked,
      view: fullView(this.image),
      channel: null,
    });
  }

  /** The pointer is over this pixel. */
  hover(pixel: Pixel): void {
    if (!this.current.locked) {
      this.update({ reference: pixel });
    }
  }

  /** Click: keep this pixel's vector for comparison (and show it, if locked). */
  pin(pixel: Pixel): void {
    this.update(this.current.locked ? { pinned: pixel, reference: pixel } : { pinned: pixel });
    this.emit(makeEvent("pin", this.snapshot()));
  }

  /** Lock the heat maps on the pinned pixel (pinning the reference first if nothing is pinned). */
  toggleLock(): void {
    if (this.current.locked) {
      this.update({ locked: false });
    } else {
      const pinned = this.current.pinned ?? this.current.reference;
      if (pinned === null) {
        return;
      }
      this.update({ locked: true, pinned, reference: pinned });
    }
    this.emit(makeEvent("lock", this.snapshot()));
  }

  /** Escape: leave the single-channel view first, else unpin and unlock. */
  release(): boolean {
    if (this.current.channel !== null) {
      this.update({ channel: null });
      return true;
    }
    if (this.current.pinned === null && !this.current.locked) {
      return false;
    }
    this.update({ pinned: null, locked: false });
    this.emit(makeEvent("release", this.snapshot()));
    return true;
  }

  /** Double-click or Enter on a channel's tile or bar: ask Python for its generated image. */
  askChannel(layer: string, channel: number): void {
    this.emit(makeChannelEvent(layer, channel, this.snapshot()));
  }

  /** PageUp / PageDown: ask Python for the previous or next lesson step. */
  step(delta: -1 | 1): void {
    this.emit(makeEvent("step", this.snapshot(), delta));
  }

  /**
   * Arrow keys: move the reference by whole cells of the finest layer. While locked this moves
   * the pinned pixel too; `commitPin` then tells Python once the key is released.
   */
  moveByCells(cellsX: number, cellsY: number): void {
    const from = this.current.reference ?? this.current.pinned;
    if (from === null) {
      return;
    }
    const reference = stepPixel(from, cellsX, cellsY, this.finestStride, this.image);
    this.update(this.current.locked ? { reference, pinned: reference } : { reference });
  }

  /** After moving a locked pin with the keyboard. */
  commitPin(): void {
    if (this.current.locked && this.current.pinned !== null) {
      this.emit(makeEvent("pin", this.snapshot()));
    }
  }

  setView(view: ViewTransform, panel: Size): void {
    this.update({ view: clampView(view, panel, this.image) });
  }

  /** Zoom by `factor` about `anchor` (panel pixels; default the panel's centre). */
  zoom(factor: number, panel: Size, anchor?: { x: number; y: number }): void {
    const at = anchor ?? { x: panel.width / 2, y: panel.height / 2 };
    this.update({ view: zoomAt(this.current.view, at, factor, panel, this.image) });
  }

  /** One step in (+1) or out (−1) about the panel's centre: the zoom buttons and keys. */
  zoomStep(direction: 1 | -1, panel: Size): void {
    this.zoom(direction > 0 ? ZOOM_STEP : 1 / ZOOM_STEP, panel);
  }

  resetView(): void {
    this.update({ view: fullView(this.image) });
  }

  setOpacityShift(shift: number): void {
    this.update({ opacityShift: Math.min(Math.max(shift, -1), 1) });
  }

  setColourImage(colour: boolean): void {
    this.update({ colourImage: colour });
  }

  setChannel(channel: ChannelView | null): void {
    const now = this.current.channel;
    if (now?.panel === channel?.panel && now?.index === channel?.index) {
      return;
    }
    this.update({ channel });
  }

  private inside(pixel: Pixel | null): Pixel | null {
    return pixel === null ? null : clampPixel(pixel, this.image);
  }

  private update(change: Partial<InteractionState>): void {
    const previous = this.current;
    const next = { ...previous, ...change };
    if (
      samePixel(next.reference, previous.reference) &&
      samePixel(next.pinned, previous.pinned) &&
      next.view === previous.view &&
      sameSettings(next, previous)
    ) {
      return;
    }
    this.current = next;
    if (reactNeedsRender(next, this.shown)) {
      this.shown = next;
    }
    for (const listener of this.listeners) {
      listener(next, previous);
    }
  }
}
