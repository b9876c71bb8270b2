import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The admin console, built into dist/ and served by the server at `/`. No React plugin: the
 * production build needs only JSX (oxc compiles it); the dev server proxies the API.
 */
export default defineConfig(({ command }) => ({
  root: fileURLToPath(new URL('.', import.meta.url)),
  oxc: { jsx: { runtime: 'automatic', development: command !== 'build' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      // Libraries' "use client" directives mean nothing in a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
  // React's production build whatever NODE_ENV the build runs under (npm scripts and the tests
  // may set it): its development build is three times larger and slower.
  ...(command === 'build' ? { define: { 'process.env.NODE_ENV': '"production"' } } : {}),
}));
