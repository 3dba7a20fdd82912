import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev` serves the SPA on :5173 and forwards the render server's routes to it,
// so cookies, CSRF header and same-origin fetches behave as in production.
const renderServer = "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // Keep every asset a file: the CSP allows no inline styles and the build stays inspectable.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      "/auth": { target: renderServer, changeOrigin: false },
      "/api": { target: renderServer, changeOrigin: false },
      "/posters": { target: renderServer, changeOrigin: false },
    },
  },
});
