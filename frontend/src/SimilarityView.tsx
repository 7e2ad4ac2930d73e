/**
 * The components' root: waits for Streamlit's first render, checks the arguments against the
 * contract, and keeps the frame as tall as what it draws: the similarity view, or the step
 * navigator (the same bundle, so a browser downloads it once).
 */
import { useState } from "react";

import { PINNED_COLOUR } from "./palette";
import { Navigator } from "./navigator/Navigator";
import { useFrameHeight, useStreamlitRender } from "./streamlit";
import { View } from "./View";

export function SimilarityView(): React.JSX.Element {
  const render = useStreamlitRender();
  const [element, setElement] = useState<HTMLDivElement | null>(null);
  useFrameHeight(element);
  const theme = render.kind === "ready" || render.kind === "navigator" ? render.theme : undefined;
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
      {render.kind === "waiting" && <p className="view-message">Starting the similarity view…</p>}
      {render.kind === "invalid" && (
        <p className="view-message view-error" role="alert">
          The similarity view received arguments it cannot use: {render.message}
        </p>
      )}
      {render.kind === "ready" && <View args={render.args} theme={render.theme} />}
      {render.kind === "navigator" && <Navigator args={render.args} />}
    </div>
  );
}
