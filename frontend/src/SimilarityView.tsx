/**
 * The components' root: waits for Streamlit's first render, checks the arguments against the
 * contract, and keeps the frame as tall as what it draws: the similarity view, or the step
 * navigator (the same bundle, so a browser downloads it once).
 *
 * The view and the scatter-plot matrix are chunks of their own, loaded when a frame's
 * arguments ask for them: a page opens the view's frame and the navigator's at once, and
 * neither should parse the other's code (the renderer, its shaders and panel kinds are most
 * of the bundle) before it can tell Streamlit it is ready. The view's frame starts loading its
 * chunk as soon as its bundle runs (`startLoadingView`), and its feature files as the arguments
 * arrive (the render handler, see streamlit.ts), so the view mounts with its code already there.
 */
import { useEffect, useState } from "react";

import { Chunk } from "./chunk";
import { PINNED_COLOUR } from "./palette";
import { Navigator } from "./navigator/Navigator";
import { reportLostView } from "./navigator/stepPresses";
import { useFrameHeight, useStreamlitRender } from "./streamlit";

const STARTING = "Starting the similarity view…";
const starting = (
  <p className="view-message" role="status">
    {STARTING}
  </p>
);
const viewChunk = new Chunk(async () => (await import("./View")).View, "the similarity view", starting);
const View = viewChunk.Component;
const ScatterMatrixView = new Chunk(
  async () => (await import("./matrix/ScatterMatrixView")).ScatterMatrixView,
  "the scatter-plot matrix",
  starting,
).Component;

/**
 * The view's frame (Streamlit names the component in the frame's address) starts loading the
 * view's code as the bundle runs, while Streamlit's handshake and the React mount go on, not
 * once the arguments have asked for it; the navigator's frame loads nothing more. A failure
 * here shows in the frame as the chunk's problem (it tries twice).
 */
export function startLoadingView(address: string = window.location.pathname): void {
  if (address.includes("similarity_view")) {
    void viewChunk.start();
  }
}

/**
 * Streamlit answers a frame's "ready" with its arguments at once; a frame still waiting after
 * this long is not heard (or the page is very busy: a new frame costs only a fetch then).
 */
const UNHEARD_AFTER_MS = 6000;

export function SimilarityView(): React.JSX.Element {
  const render = useStreamlitRender();
  const [unheard, setUnheard] = useState(false);
  const waiting = render.kind === "waiting";
  useEffect(() => {
    if (!waiting) {
      return;
    }
    const timer = setTimeout(() => {
      setUnheard(true);
      reportLostView();
    }, UNHEARD_AFTER_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [waiting]);
  const [element, setElement] = useState<HTMLDivElement | null>(null);
  useFrameHeight(element);
  const theme = render.kind === "waiting" || render.kind === "invalid" ? undefined : render.theme;
  const style = {
    "--text": theme?.textColor ?? "#31333f",
    "--background": theme?.backgroundColor ?? "#ffffff",
    "--surface": theme?.secondaryBackgroundColor ?? "#f0f2f6",
    "--primary": theme?.primaryColor ?? "#ff4b4b",
    "--font": theme?.font ?? "sans-serif",
    "--pinned": PINNED_COLOUR,
  } as React.CSSProperties;
  return (
    <div ref={setElement} className={`root${theme?.base === "dark" ? " dark" : ""}`} style={style}>
      {waiting && (
        <p className="view-message" role="status">
          {unheard
            ? "The page does not answer this view; it is being drawn anew. If it stays empty, reload the page: the address keeps what was shown."
            : STARTING}
        </p>
      )}
      {render.kind === "invalid" && (
        <p className="view-message view-error" role="alert">
          The similarity view received arguments it cannot use: {render.message}
        </p>
      )}
      {render.kind === "ready" && <View args={render.args} theme={render.theme} />}
      {render.kind === "matrix" && <ScatterMatrixView args={render.args} />}
      {render.kind === "navigator" && <Navigator args={render.args} />}
    </div>
  );
}
