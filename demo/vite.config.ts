// Vite configuration of the demo page: `npm run demo` (dev server), `npm run build:demo` (static build in demo/dist).
import { defineConfig } from 'vite';
import { demoConfig } from './viteConfig.js';

export default defineConfig(demoConfig());
