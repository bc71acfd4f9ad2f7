import { utilities } from '@cornerstonejs/core';
import { wadors } from '@cornerstonejs/dicom-image-loader';
import type { DicomwebClient } from '../lib/dicomweb-client';
import { buildStack } from '../lib/series-stack';

/**
 * Draws the middle image of a series into `canvas` (the series list's thumbnail), with the
 * image's own window. Always on the CPU: a thumbnail is small, and the GPU path would read a
 * whole offscreen WebGL frame back. Cornerstone must be initialised (a viewer is attached).
 */
export async function renderSeriesThumbnail(canvas: HTMLCanvasElement, client: DicomwebClient, studyUid: string, seriesUid: string): Promise<void> {
  const metadata = await client.seriesMetadata(studyUid, seriesUid);
  const images = buildStack(client.seriesUrl(studyUid, seriesUid), metadata);
  const middle = images[Math.floor(images.length / 2)];
  if (!middle) throw new Error('the series has no images');
  wadors.metaDataManager.add(middle.imageId, middle.metadata as never);
  // Drawn at full size on a detached canvas (cornerstone sizes the canvas it draws on), then
  // scaled into the thumbnail keeping the aspect ratio.
  const full = document.createElement('canvas');
  full.width = Math.max(1, middle.columns);
  full.height = Math.max(1, middle.rows);
  await utilities.loadImageToCanvas({ canvas: full, imageId: middle.imageId, useCPURendering: true });
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D context for the thumbnail');
  const scale = Math.min(canvas.width / full.width, canvas.height / full.height);
  const width = full.width * scale;
  const height = full.height * scale;
  context.fillStyle = '#000';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(full, (canvas.width - width) / 2, (canvas.height - height) / 2, width, height);
}
