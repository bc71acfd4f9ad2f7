import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConnectionSlots } from './connection-slots';
import { LoginLimiter, ipKeyOf } from './login-limiter';
import { createSyncLimits } from './sync-limits';
import { TokenBucket } from './token-bucket';

describe('token bucket', () => {
  it('allows a burst up to its capacity, then only as fast as it refills', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 20, () => now);
    for (let i = 0; i < 20; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 100; // one token
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 60_000;
    for (let i = 0; i < 20; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });

  it('spends several tokens at once for a byte count', () => {
    let now = 0;
    const bucket = new TokenBucket(1000, 1000, () => now);
    expect(bucket.take(800)).toBe(true);
    expect(bucket.take(300)).toBe(false);
    now += 100;
    expect(bucket.take(300)).toBe(true);
  });
});

describe('sync limits meter', () => {
  it('always lets one largest allowed message through even when the byte burst is set lower', () => {
    const now = 0;
    const limits = createSyncLimits(
      { maxConnectionsPerUser: 1, maxMessagesPerSecond: 10, messageBurst: 10, maxBytesPerSecond: 100, byteBurst: 100, maxMessageBytes: 5000 },
      () => now,
    );
    const meter = limits.meter();
    expect(meter(5000)).toBe(true);
    expect(meter(1)).toBe(false);
  });
});

describe('connection slots', () => {
  it('gives a user at most the configured number of slots and frees one when its socket closes', () => {
    const slots = new ConnectionSlots(2);
    const a = new EventEmitter() as unknown as Duplex;
    const b = new EventEmitter() as unknown as Duplex;
    expect(slots.acquire('u', a)).toBe(true);
    expect(slots.acquire('u', b)).toBe(true);
    expect(slots.acquire('u', new EventEmitter() as unknown as Duplex)).toBe(false);
    expect(slots.acquire('other', new EventEmitter() as unknown as Duplex)).toBe(true);
    a.emit('close');
    expect(slots.count('u')).toBe(1);
    expect(slots.acquire('u', new EventEmitter() as unknown as Duplex)).toBe(true);
  });
});

describe('login limiter', () => {
  const options = { maxFailuresPerUsername: 3, maxFailuresPerIp: 5, windowMs: 60_000, lockoutMs: 120_000 };

  it('locks a username out after N failures in the window and says when to retry', () => {
    let now = 0;
    const limiter = new LoginLimiter({ ...options, now: () => now });
    for (let i = 0; i < 2; i++) limiter.recordFailure('ada', '10.0.0.1');
    expect(limiter.check('ada', '10.0.0.2')).toEqual({ allowed: true });
    limiter.recordFailure('ada', '10.0.0.1');
    expect(limiter.check('ada', '10.0.0.2')).toEqual({ allowed: false, retryAfterSeconds: 120 });
    expect(limiter.check('bob', '10.0.0.2')).toEqual({ allowed: true });
    now += 119_500;
    expect(limiter.check('ada', null)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 600;
    expect(limiter.check('ada', null)).toEqual({ allowed: true });
  });

  it('forgets failures older than the window (sliding, not fixed)', () => {
    let now = 0;
    const limiter = new LoginLimiter({ ...options, now: () => now });
    limiter.recordFailure('ada', null);
    now += 40_000;
    limiter.recordFailure('ada', null);
    now += 30_000; // the first failure left the window
    limiter.recordFailure('ada', null);
    expect(limiter.check('ada', null).allowed).toBe(true);
    limiter.recordFailure('ada', null);
    expect(limiter.check('ada', null).allowed).toBe(false);
  });

  it('locks out an address that sprays many usernames, and a success does not clear the address', () => {
    const limiter = new LoginLimiter({ ...options, now: () => 0 });
    for (let i = 0; i < 4; i++) limiter.recordFailure(`user${i}`, '192.0.2.7');
    limiter.recordSuccess('user0');
    limiter.recordFailure('user9', '192.0.2.7');
    expect(limiter.check('someone-else', '192.0.2.7').allowed).toBe(false);
    expect(limiter.check('someone-else', '192.0.2.8').allowed).toBe(true);
  });

  it('clears a username\'s failures on success', () => {
    const limiter = new LoginLimiter({ ...options, now: () => 0 });
    limiter.recordFailure('ada', null);
    limiter.recordFailure('ada', null);
    limiter.recordSuccess('ada');
    limiter.recordFailure('ada', null);
    limiter.recordFailure('ada', null);
    expect(limiter.check('ada', null).allowed).toBe(true);
  });

  it('keeps at most maxKeys entries', () => {
    const limiter = new LoginLimiter({ ...options, maxKeys: 10, now: () => 0 });
    for (let i = 0; i < 100; i++) limiter.recordFailure(`u${i}`, null);
    expect((limiter as unknown as { entries: Map<string, unknown> }).entries.size).toBeLessThanOrEqual(10);
  });

  it('groups IPv6 addresses by /64 and unwraps IPv4-mapped ones', () => {
    expect(ipKeyOf('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(ipKeyOf('2001:db8:0:1:aaaa::1')).toBe(ipKeyOf('2001:db8::1:bbbb:0:0:2'));
    expect(ipKeyOf('2001:db8:0:1::1')).not.toBe(ipKeyOf('2001:db8:0:2::1'));
    expect(ipKeyOf('::1')).toBe('0:0:0:0::/64');
  });
});

describe('login limiter attempts', () => {
  const options = { maxFailuresPerUsername: 3, maxFailuresPerIp: 100, windowMs: 60_000, lockoutMs: 120_000 };

  it('admits no more parallel attempts than failures remain, so a burst cannot outrun the count', () => {
    const limiter = new LoginLimiter({ ...options, now: () => 0 });
    const first = limiter.attempt('ada', '10.0.0.1');
    const second = limiter.attempt('ada', '10.0.0.1');
    const third = limiter.attempt('ada', '10.0.0.1');
    expect([first.allowed, second.allowed, third.allowed]).toEqual([true, true, true]);
    expect(limiter.attempt('ada', '10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    for (const a of [first, second, third]) if (a.allowed) a.done(false);
    expect(limiter.attempt('ada', '10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 120 });
  });

  it('counts a successful attempt as no failure and frees its place', () => {
    const limiter = new LoginLimiter({ ...options, now: () => 0 });
    for (let i = 0; i < 5; i++) {
      const a = limiter.attempt('ada', null);
      expect(a.allowed).toBe(true);
      if (a.allowed) a.done(true);
    }
    const failing = limiter.attempt('ada', null);
    if (failing.allowed) failing.done(false);
    expect(limiter.attempt('ada', null).allowed).toBe(true);
  });
});
