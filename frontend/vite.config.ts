import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The bundle is served by Streamlit from inside the Python package (base "./" keeps URLs relative).
// bench.html is the static page benchmarks/repaint.py serves to time the renderer on its own;
// matrix-bench.html the one benchmarks/scatter_matrix.py times the scatter-plot matrix panel on.
export default defineConfig({
  base: "./",
  plugins: [react()],
  build: {
    outDir: "../classroom/component/frontend_build",
    emptyOutDir: true,
    sourcemap: false,
    // One bundle, served locally and loaded once per session (~100 kB gzipped, most of it
    // React and the schema validator; Streamlit's messages are our own, without Arrow).
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      input: { index: "index.html", bench: "bench.html", matrixBench: "matrix-bench.html" },
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
