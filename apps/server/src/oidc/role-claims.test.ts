import { describe, expect, it } from 'vitest';
import { claimValues, parseRoleClaims, readClaim } from './role-claims';
import { toUsername } from './sqlite-oidc-accounts';

describe('OIDC role claims', () => {
  it('maps readingroom:<project>:<role> values to project roles and ignores anything else', () => {
    const roles = parseRoleClaims(['staff', 'readingroom:chest-ct:reader', 'readingroom:a:b:observer', 'readingroom:x:superuser', 'readingroom:']);
    expect([...roles.projects]).toEqual([
      ['chest-ct', 'reader'],
      ['a:b', 'observer'],
    ]);
    expect(roles.isAdmin).toBe(false);
    expect(parseRoleClaims(['readingroom:admin']).isAdmin).toBe(true);
  });

  it('keeps the strongest role when a project is named twice', () => {
    const roles = parseRoleClaims(['readingroom:p:observer', 'readingroom:p:adjudicator', 'readingroom:p:reader']);
    expect(roles.projects.get('p')).toBe('adjudicator');
  });

  it('reads arrays, space-separated strings and nested claims', () => {
    expect(claimValues(['a', 1, 'b'])).toEqual(['a', 'b']);
    expect(claimValues('a  b')).toEqual(['a', 'b']);
    expect(claimValues({})).toEqual([]);
    expect(readClaim({ realm_access: { roles: ['x'] } }, 'realm_access.roles')).toEqual(['x']);
    expect(readClaim({ 'https://example.org/groups': ['y'] }, 'https://example.org/groups')).toEqual(['y']);
  });

  it('turns provider names into valid usernames or gives up', () => {
    expect(toUsername('Ada.Lovelace')).toBe('ada.lovelace');
    expect(toUsername('ada@example.org')).toBe('ada-example.org');
    expect(toUsername('  Ada Lovelace ')).toBe('ada-lovelace-');
    expect(toUsername('é')).toBeNull();
  });
});
