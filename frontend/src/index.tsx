import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { SimilarityView, startLoadingView } from "./SimilarityView";
import "./styles.css";
import { mark } from "./timeline";

mark("bundle");
startLoadingView();

const container = document.getElementById("root");
if (container === null) {
  throw new Error("index.html has no #root element");
}
createRoot(container).render(
  <StrictMode>
    <SimilarityView />
  </StrictMode>,
);
