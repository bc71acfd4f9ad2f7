import type { Rejection } from '../collab/sync-connection.svelte';

/** Why the server refused an edit, in words for the reader, with the server's code and reason. */
export function rejectionText(rejection: Rejection): string {
  const why = `${rejection.code}: ${rejection.message}`;
  const reloaded = 'Your view was reloaded from the server.';
  switch (rejection.code) {
    case 'read_only':
    case 'permission_denied':
      return `The server refused your last edit: your role does not allow editing this document (${why}). ${reloaded}`;
    case 'invalid_update':
      return `The server refused your last edit as not allowed or invalid (${why}). ${reloaded}`;
    default:
      return `The server refused your last edit (${why}). ${reloaded}`;
  }
}
