/** Safety numbers (docs/protocol-crypto.md §6): 60 digits and the QR text both people see alike. */
import { sodium } from './sodium';
import { compare, concat, equal, hex, utf8 } from './bytes';

const ITERATIONS = 5200;

export function fingerprint(accountId: string, identityKeys: Uint8Array[]): Uint8Array {
  const keys = concat(...[...identityKeys].sort(compare));
  let h = concat(Uint8Array.of(0, 0), keys, utf8(accountId));
  for (let i = 0; i < ITERATIONS; i++) h = sodium.crypto_hash(concat(h, keys));
  return h;
}

function digits30(fp: Uint8Array): string {
  let s = '';
  for (let c = 0; c < 6; c++) {
    let v = 0;
    for (let i = 0; i < 5; i++) v = v * 256 + fp[5 * c + i];
    s += String(v % 100000).padStart(5, '0');
  }
  return s;
}

export interface SafetyNumber {
  digits: string; // 60 digits
  qr: string;
}

export function safetyNumber(local: { accountId: string; identityKeys: Uint8Array[] },
                             remote: { accountId: string; identityKeys: Uint8Array[] }): SafetyNumber {
  const a = fingerprint(local.accountId, local.identityKeys);
  const b = fingerprint(remote.accountId, remote.identityKeys);
  const da = digits30(a), db = digits30(b);
  const [first, second] = da <= db ? [a, b] : [b, a];
  return {
    digits: da <= db ? da + db : db + da,
    qr: `SC1:${hex(first.subarray(0, 32)).toUpperCase()}:${hex(second.subarray(0, 32)).toUpperCase()}`,
  };
}

/** 12 groups of 5 digits, for display. */
export function groups(digits: string): string[] {
  return digits.match(/.{5}/g) ?? [];
}

/** Scanned QR text against ours, in constant time. */
export function matchesScanned(ours: string, scanned: string): boolean {
  return equal(utf8(ours), utf8(scanned));
}
