import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The bundle is served by Streamlit from inside the Python package (base "./" keeps URLs relative).
export default defineConfig({
  base: "./",
  plugins: [react()],
  build: {
    outDir: "../classroom/component/frontend_build",
    emptyOutDir: true,
    sourcemap: false,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
