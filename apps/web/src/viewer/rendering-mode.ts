/**
 * How images are drawn. `auto`: on the GPU (WebGL), unless the only WebGL there is a software
 * rasteriser (no GPU: virtual desktops, remote sessions, headless browsers); then cornerstone's
 * CPU path is used, because reading every frame back from an emulated GPU is the slow part:
 * scrolling showed 3-4× more slices per second on the CPU path there (BENCHMARKS.md).
 */
export const RENDERING_MODES = ['auto', 'gpu', 'cpu'] as const;
export type RenderingMode = (typeof RENDERING_MODES)[number];
