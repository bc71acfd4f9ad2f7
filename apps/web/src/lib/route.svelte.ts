/** Where the page is: login, the worklist, or one study of a project (from `location.hash`). */
export type Route =
  | { readonly page: 'worklist' }
  | { readonly page: 'study'; readonly projectId: string; readonly studyUid: string; readonly seriesUid: string | null };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'study' && parts[1] && parts[2]) {
    return { page: 'study', projectId: parts[1], studyUid: parts[2], seriesUid: parts[3] || null };
  }
  return { page: 'worklist' };
}

export function studyHref(projectId: string, studyUid: string): string {
  return `#/study/${encodeURIComponent(projectId)}/${encodeURIComponent(studyUid)}`;
}

/** The current route, following `hashchange`. */
export class Router {
  #route = $state<Route>(parseRoute(location.hash));

  constructor(target: Window) {
    target.addEventListener('hashchange', () => {
      this.#route = parseRoute(target.location.hash);
    });
  }
  get route(): Route {
    return this.#route;
  }
}
