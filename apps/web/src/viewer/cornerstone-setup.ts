import { init as initCore, isCornerstoneInitialized } from '@cornerstonejs/core';
import { init as initLoader } from '@cornerstonejs/dicom-image-loader';

/**
 * Initialises cornerstone3D and its DICOM image loader once per page (both are process-wide
 * singletons). Every pixel request made by the loader gets the headers `headers()` returns at
 * that moment, so a refreshed token is picked up without re-initialising.
 */
export function initCornerstone(headers: () => Record<string, string>): void {
  if (isCornerstoneInitialized()) return;
  initCore();
  initLoader({
    maxWebWorkers: Math.max(1, Math.min(2, navigator.hardwareConcurrency || 1)),
    beforeSend: () => headers(),
  });
}
