// The page's entry (index.html): what a phone needs for its first paint, and nothing
// more (issue 16). The styles come with it (render-blocking, so the shell is never drawn
// unstyled); the page shell is put into the user's language; then, once the shell has
// been painted, main.js — MapLibre, the map and the panels, some 250 KiB brotli —
// is fetched and run. So the first paint never waits for the map's script, and the
// script's download starts as soon as that paint is done.
//
// The size of this entry (with index.html and the styles) is kept under a budget by the
// build (build-compress.js).

import 'maplibre-gl/dist/maplibre-gl.css';
import './app.css';
import { translatePage } from './ui/dom.js';

translatePage();

/**
 * Resolves once the shell's first contentful paint has been recorded (the Paint Timing
 * API; where it is missing, after two animation frames: the second runs after the first
 * frame was drawn). A hidden tab (opened in the background) paints nothing, so there
 * nothing is waited for.
 */
const afterFirstPaint = () => new Promise((resolve) => {
  if (document.visibilityState === 'hidden') {
    resolve();
  } else if (globalThis.PerformanceObserver?.supportedEntryTypes?.includes('paint')) {
    const observer = new PerformanceObserver((list) => {
      if (list.getEntries().some((e) => e.name === 'first-contentful-paint')) {
        observer.disconnect();
        resolve();
      }
    });
    observer.observe({ type: 'paint', buffered: true });
  } else {
    requestAnimationFrame(() => requestAnimationFrame(resolve));
  }
});

afterFirstPaint().then(() => import('./main.js'));
