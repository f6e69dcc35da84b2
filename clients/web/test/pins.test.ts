/** TOFU pins (docs/protocol-crypto.md §10): first key pinned, a changed key reported and never replacing the pin. */
import { beforeAll, describe, expect, it } from 'vitest';
import { sodium, sodiumReady } from '../src/crypto/sodium';
import { Pins, shortFingerprint } from '../src/messaging/pins';

beforeAll(async () => { await sodiumReady(); });

describe('Pins', () => {
  it('pins on first use, accepts the same key, refuses a changed one and keeps the first pin across a reload', () => {
    const k1 = sodium.randombytes_buf(32), k2 = sodium.randombytes_buf(32);
    const pins = new Pins();
    expect(pins.check('acc-b', 1, k1)).toBe('new');
    pins.pin('acc-b', 1, k1);
    expect(pins.check('acc-b', 1, k1)).toBe('same');
    expect(pins.check('acc-b', 1, k2)).toBe('changed');
    pins.pin('acc-b', 1, k2); // a hostile re-pin attempt does not replace the pinned key
    const reloaded = new Pins(JSON.parse(JSON.stringify(pins.toJson())));
    expect(reloaded.check('acc-b', 1, k2)).toBe('changed');
    expect(reloaded.check('acc-b', 1, k1)).toBe('same');
    // Per (account, device): another device or another account with the same prefix is separate.
    expect(reloaded.check('acc-b', 2, k1)).toBe('new');
    expect(reloaded.check('acc-bx', 1, k2)).toBe('new');
    reloaded.pin('acc-bx', 1, k2);
    expect(reloaded.devicesOf('acc-b')).toEqual([1]);
    expect(shortFingerprint(k1)).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){3}$/);
  });
});
