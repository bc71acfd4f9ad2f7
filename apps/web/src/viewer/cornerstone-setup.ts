import { getRenderingCapabilities, getShouldUseCPURendering, init as initCore, isCornerstoneInitialized, setUseCPURendering } from '@cornerstonejs/core';
import { init as initLoader } from '@cornerstonejs/dicom-image-loader';
import type { RenderingMode } from './rendering-mode';

/**
 * Initialises cornerstone3D and its DICOM image loader once per page (both are process-wide
 * singletons). Every pixel request made by the loader gets the headers `headers()` returns at
 * that moment, so a refreshed token is picked up without re-initialising. `rendering` picks the
 * renderer (see `RenderingMode`).
 */
export function initCornerstone(headers: () => Record<string, string>, rendering: RenderingMode = 'auto'): void {
  if (isCornerstoneInitialized()) return;
  initCore();
  const cpu = rendering === 'cpu' || (rendering === 'auto' && getRenderingCapabilities().softwareRasterizer);
  if (cpu) setUseCPURendering(true);
  initLoader({
    maxWebWorkers: Math.max(1, Math.min(2, navigator.hardwareConcurrency || 1)),
    beforeSend: () => headers(),
  });
}

/** Which renderer draws the images (after `initCornerstone`). */
export function activeRenderer(): 'cpu' | 'gpu' {
  return getShouldUseCPURendering() ? 'cpu' : 'gpu';
}
