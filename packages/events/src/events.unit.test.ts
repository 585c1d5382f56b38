import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  GENESIS_HASH, decodeEnvelope, decodePayload, fingerprint, formatMinorUnits, sealCommit, sha256Hex, toMinorUnits, toNewEvent, verifyChain,
  type Actor, type CommitMetadata, type EventEnvelope,
} from './index.js';

const actor: Actor = { kind: 'user', id: 'u1', roles: ['customer'] };
const meta = { occurredAt: '2026-01-01T00:00:00.000Z', actor, causationId: 'c1', correlationId: 'r1', commandId: 'cmd1', commandFingerprint: 'f' };

describe('sha256Hex', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
  ])('hashes %j as the standard vector', (input, expected) => {
    expect(sha256Hex(input)).toBe(expected);
  });

  it('agrees with node:crypto on any text, across the 55/56/64-byte padding boundaries', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 0, max: 200 }).map((n) => 'a'.repeat(n))), (text) => {
        expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
      }),
    );
  });
});

describe('toMinorUnits', () => {
  it('converts decimals exactly, with no float drift', () => {
    expect(toMinorUnits(25.0, 'USD')).toEqual(E.right(2500));
    expect(toMinorUnits(49.5, 'USD')).toEqual(E.right(4950));
    expect(toMinorUnits(0.1, 'USD')).toEqual(E.right(10));
    expect(toMinorUnits(1.005, 'KWD')).toEqual(E.right(1005));
    expect(toMinorUnits('19.99', 'EUR')).toEqual(E.right(1999));
    expect(toMinorUnits(1234, 'JPY')).toEqual(E.right(1234));
    // 0.1 + 0.2 is 0.30000000000000004 in binary floating point: refused, never rounded silently.
    expect(E.isLeft(toMinorUnits(0.1 + 0.2, 'USD'))).toBe(true);
  });

  it.each([[-1], [1.234], [Number.NaN], [Infinity], [1e21], ['1e3'], ['abc'], [' '], ['1.2.3']])('refuses %p', (v) => {
    expect(E.isLeft(toMinorUnits(v as number | string, 'USD'))).toBe(true);
  });

  it('formats minor units back', () => {
    expect(formatMinorUnits(2500, 'USD')).toBe('25.00');
    expect(formatMinorUnits(5, 'USD')).toBe('0.05');
    expect(formatMinorUnits(1234, 'JPY')).toBe('1234');
  });
});

describe('upcasting', () => {
  it('reads a v1 OrderPlaced (the seed shape) as the current v3, without product versions', () => {
    const v1 = {
      orderId: 'o1',
      userId: 'u1',
      items: [
        { productId: 'P1', productName: 'Fresh Product', quantity: 2, price: 25.0 },
        { productId: 'P2', productName: 'Another Item', quantity: 1, price: 49.5 },
      ],
      shippingAddress: { street: '789 New Deploy Ave', city: 'CloudNine', zipCode: '11223', country: 'DE' },
    };
    const decoded = decodePayload('OrderPlaced', 1, v1);
    expect(decoded).toEqual(
      E.right({
        type: 'OrderPlaced',
        data: {
          orderId: 'o1',
          customerId: 'u1',
          items: [
            { productId: 'P1', productName: 'Fresh Product', quantity: 2, unitPrice: 2500, productVersion: null },
            { productId: 'P2', productName: 'Another Item', quantity: 1, unitPrice: 4950, productVersion: null },
          ],
          shippingAddress: v1.shippingAddress,
          currency: 'USD',
          total: 9950,
        },
      }),
    );
  });

  it('reads a v2 OrderPlaced as v3 with productVersion null on every line', () => {
    const v2 = {
      orderId: 'o2',
      customerId: 'c2',
      items: [{ productId: 'P1', productName: 'Fresh Product', quantity: 3, unitPrice: 2500 }],
      shippingAddress: { street: '1 Main St', city: 'Springfield', zipCode: '12345', country: 'US' },
      currency: 'EUR',
      total: 7500,
    };
    expect(decodePayload('OrderPlaced', 2, v2)).toEqual(
      E.right({ type: 'OrderPlaced', data: { ...v2, items: [{ ...v2.items[0], productVersion: null }] } }),
    );
    // A v2 payload is not a v3 one: the old codec is kept, the new one requires the version.
    expect(E.isLeft(decodePayload('OrderPlaced', 3, v2))).toBe(true);
  });

  it('names the failing field, and refuses unknown types and future versions', () => {
    const bad = decodePayload('OrderCancelled', 1, { orderId: 'o1', reason: 7 });
    expect(E.isLeft(bad) && bad.left.message).toContain('reason');
    expect(E.isLeft(decodePayload('NoSuchEvent', 1, {}))).toBe(true);
    expect(E.isLeft(decodePayload('OrderCancelled', 2, { orderId: 'o1', reason: 'x' }))).toBe(true);
    // Tolerant reader: a stored payload with an extra field is read, and the field dropped.
    expect(decodePayload('OrderCancelled', 1, { orderId: 'o1', reason: 'x', extra: true })).toEqual(
      E.right({ type: 'OrderCancelled', data: { orderId: 'o1', reason: 'x' } }),
    );
  });
});

describe('hash chain', () => {
  const commit = (tail: { version: number; hash: string }, n: number): EventEnvelope[] =>
    sealCommit('Order-o1', tail, Array.from({ length: n }, (_, i) => toNewEvent(`e${tail.version + i}`, { type: 'OrderDelivered', data: { orderId: 'o1' } })), meta);

  it('chains commits and verifies', () => {
    const first = commit({ version: 0, hash: GENESIS_HASH }, 2);
    const last = first[first.length - 1]!;
    const second = commit({ version: last.streamVersion, hash: last.hash }, 3);
    const all = [...first, ...second];
    expect(all.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5]);
    expect(verifyChain(all)).toEqual({ ok: true, events: 5 });
    const decoded = decodeEnvelope(all[0]!);
    expect(E.isRight(decoded)).toBe(true);
  });

  it('keeps the trace context outside the hash: the same commit hashes alike with or without it, and a bad one is dropped', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const events = (m: CommitMetadata) => sealCommit('Order-o1', { version: 0, hash: GENESIS_HASH }, [toNewEvent('e0', { type: 'OrderDelivered', data: { orderId: 'o1' } })], m);
    const traced = events({ ...meta, traceparent });
    expect(traced[0]!.traceparent).toBe(traceparent);
    expect(traced[0]!.hash).toBe(events(meta)[0]!.hash);
    expect(verifyChain(traced).ok).toBe(true);
    // Another trace context on a stored event does not break the audit chain; other fields do.
    expect(verifyChain([{ ...traced[0]!, traceparent: traceparent.replace('01', '00') }]).ok).toBe(true);
    expect(events({ ...meta, traceparent: 'not-a-traceparent' })[0]!.traceparent).toBeUndefined();
  });

  it('any trace context, on any commit: the hashes are those of the commit without it and the chain verifies', () => {
    const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
    const traceparent = fc.oneof(fc.tuple(hex(32), hex(16), fc.constantFrom('00', '01')).map(([t, s, f]) => `00-${t}-${s}-${f}`), fc.string({ maxLength: 60 }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), traceparent, (n, tp) => {
        const events = Array.from({ length: n }, (_, i) => toNewEvent(`e${i}`, { type: 'OrderDelivered', data: { orderId: 'o1' } }));
        const plain = sealCommit('Order-o1', { version: 0, hash: GENESIS_HASH }, events, meta);
        const traced = sealCommit('Order-o1', { version: 0, hash: GENESIS_HASH }, events, { ...meta, traceparent: tp });
        expect(traced.map((e) => e.hash)).toEqual(plain.map((e) => e.hash));
        expect(verifyChain(traced).ok).toBe(true);
        expect(traced.every((e) => e.traceparent === (/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/.test(tp) ? tp : undefined))).toBe(true);
      }),
    );
  });

  it('reports the first altered event', () => {
    const events = commit({ version: 0, hash: GENESIS_HASH }, 4);
    const tampered = events.map((e) => (e.streamVersion === 3 ? { ...e, data: { orderId: 'o2' } } : e));
    expect(verifyChain(tampered)).toEqual({ ok: false, events: 4, firstBreak: { kind: 'hash-mismatch', atVersion: 3 } });
    const dropped = events.filter((e) => e.streamVersion !== 2);
    expect(verifyChain(dropped).firstBreak).toEqual({ kind: 'version-gap', atVersion: 3, expected: 2 });
  });

  it('fingerprints ignore key order', () => {
    expect(fingerprint({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(fingerprint({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
  });
});
