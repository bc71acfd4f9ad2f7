/**
 * The in-page half of the viewer frame-time benchmark, as plain JavaScript source: it is
 * evaluated in the study page (which exposes `window.__rr`, apps/web/src/study/study-test-hook.ts)
 * and defines `window.__rrBench`. Kept as a string so no bundler or tsx helper ends up in code
 * that runs in the browser.
 *
 * `scrollPass(count)` shows slice 0, lets the page settle, then scrolls one slice at a time the
 * way the mouse wheel does (`__rr.scroll(1)`), asking for the next slice in the first animation
 * frame after cornerstone reported the previous one rendered (IMAGE_RENDERED): as fast as the
 * viewer can show every slice. Every `requestAnimationFrame` timestamp is recorded; the deltas
 * are the frame times. `drawnBoxesOn(index)` shows a slice and counts the box outlines and the
 * label texts in the viewport's SVG layer.
 */
export const SCROLL_PROBE_SOURCE = String.raw`(() => {
  const raf = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const viewport = () => document.querySelector('[data-testid=viewport]');
  window.__rrBench = {
    async scrollPass(count) {
      const hook = window.__rr;
      const element = viewport();
      await hook.showImage(0);
      for (let i = 0; i < 10; i++) await raf();
      const frames = [];
      const latencies = [];
      let waiting = false;
      let requestedAt = 0;
      let shown = 0;
      let firstRequest = 0;
      let lastRendered = 0;
      const onRendered = () => {
        if (!waiting) return;
        const now = performance.now();
        latencies.push(now - requestedAt);
        lastRendered = now;
        waiting = false;
      };
      element.addEventListener('CORNERSTONE_IMAGE_RENDERED', onRendered);
      await new Promise((resolve) => {
        let tail = 0;
        const tick = (timestamp) => {
          frames.push(timestamp);
          if (!waiting) {
            if (shown < count - 1) {
              shown++;
              waiting = true;
              requestedAt = performance.now();
              if (shown === 1) firstRequest = requestedAt;
              hook.scroll(1);
            } else if (++tail > 2) {
              // two more frames: the overlays of the last slice are drawn too
              resolve();
              return;
            }
          }
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      element.removeEventListener('CORNERSTONE_IMAGE_RENDERED', onRendered);
      const frameTimes = frames.slice(1).map((t, i) => t - frames[i]);
      return {
        slicesShown: shown,
        scrollMs: lastRendered - firstRequest,
        frameTimes,
        sliceLatencies: latencies,
        endIndex: hook.currentImageIndex,
      };
    },
    async drawnBoxesOn(index) {
      await window.__rr.showImage(index);
      for (let i = 0; i < 3; i++) await raf();
      return {
        boxes: document.querySelectorAll('[data-testid=viewport] svg rect[data-id$="-rect"]').length,
        labels: document.querySelectorAll('[data-testid=viewport] svg text').length,
      };
    },
  };
})();`;
