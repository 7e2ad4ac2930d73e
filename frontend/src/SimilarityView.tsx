import { useEffect } from "react";
import { Streamlit } from "streamlit-component-lib";

/** Placeholder: the real view composes the WebGL renderer (src/renderer) with the UI. */
export function SimilarityView(): React.JSX.Element {
  useEffect(() => {
    Streamlit.setComponentReady();
    Streamlit.setFrameHeight(40);
  }, []);
  return <p>classroom similarity view</p>;
}
