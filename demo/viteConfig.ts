/**
 * The demo's Vite settings as a function, shared by demo/vite.config.ts (the CLI) and the browser
 * test, which builds programmatically into its own output directory.
 */

import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { InlineConfig } from 'vite';
import { mnistSubsetPlugin } from './mnistSubset.js';

export const DEMO_ROOT = dirname(fileURLToPath(import.meta.url));

export function demoConfig(outDir = join(DEMO_ROOT, 'dist')): InlineConfig {
  return {
    root: DEMO_ROOT,
    base: './',
    configFile: false,
    logLevel: 'warn',
    plugins: [mnistSubsetPlugin()],
    build: {
      outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096,
      // Build-time warnings about slow plugins are noise on a loaded CI machine.
      rolldownOptions: { checks: { bundlerTimings: false } },
    },
  };
}
