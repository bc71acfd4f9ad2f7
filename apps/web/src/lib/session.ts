import { RENDERING_MODES, type RenderingMode } from '../viewer/rendering-mode';

const TOKEN_KEY = 'readingroom.token';

/** What the page was opened for: `?study=&series=`. */
export interface SeriesRequest {
  readonly studyUid: string;
  readonly seriesUid: string;
}

export function readSeriesRequest(search: string): SeriesRequest | null {
  const params = new URLSearchParams(search);
  const studyUid = params.get('study');
  const seriesUid = params.get('series');
  return studyUid && seriesUid ? { studyUid, seriesUid } : null;
}

/**
 * The bearer token: a `#token=` fragment wins (it is moved into sessionStorage and removed from
 * the address bar so it does not linger in history), else the one stored for this tab.
 */
export function takeToken(location: Location, storage: Storage, history: History): string | null {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromFragment = fragment.get('token');
  if (fromFragment) {
    storage.setItem(TOKEN_KEY, fromFragment);
    fragment.delete('token');
    const rest = fragment.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    return fromFragment;
  }
  return storage.getItem(TOKEN_KEY);
}

export function storeToken(storage: Storage, token: string): void {
  storage.setItem(TOKEN_KEY, token);
}

export function clearToken(storage: Storage): void {
  storage.removeItem(TOKEN_KEY);
}

/** `?rendering=gpu|cpu` forces a renderer (default `auto`, see `RenderingMode`). */
export function readRenderingMode(search: string): RenderingMode {
  const value = new URLSearchParams(search).get('rendering');
  return (RENDERING_MODES as readonly string[]).includes(value ?? '') ? (value as RenderingMode) : 'auto';
}
