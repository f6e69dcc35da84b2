/** Shapes of the services' JSON answers used by the app (see each service's README). */
export interface Account {
  accountId: string;
  username?: string;
  devices: unknown[];
  createdAt: string;
}

export type UsageKind = 'MESSAGE' | 'CALL_MINUTE' | 'FILE_TRANSFER';

export interface Wallet {
  accountId: string;
  balance: number;
  version: number;
  status: string;
  unaffordableKinds: UsageKind[];
  overdraftCredits: number;
}

export interface LedgerEntry {
  entryId: string;
  version: number;
  kind: string;
  cause: string;
  amount: number;
  balanceAfter: number;
  at: string;
  paymentId?: string;
  note?: string;
  /** USAGE and USAGE_REJECTED entries: what was charged. */
  usage?: { kind: UsageKind; units: number; mode?: string };
}

export interface LedgerPage {
  entries: LedgerEntry[];
  nextBefore: number | null;
}

export interface Pricing {
  prices: Record<UsageKind, number>;
}

export interface Pack {
  packId: string;
  credits: number;
  priceMinor: number;
  currency: string;
}

export interface Payment {
  paymentId: string;
  packId: string;
  credits: number;
  amountMinor: number;
  currency: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'REFUNDED' | 'DISPUTED';
  checkoutUrl?: string;
}
