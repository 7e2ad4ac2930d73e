import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { SimilarityView } from "./SimilarityView";
import "./styles.css";
import { mark } from "./timeline";

mark("bundle");

const container = document.getElementById("root");
if (container === null) {
  throw new Error("index.html has no #root element");
}
createRoot(container).render(
  <StrictMode>
    <SimilarityView />
  </StrictMode>,
);
