/**
 * Who wrote (docs/protocol-crypto.md §5.3, `from`): identity-service has no reverse lookup (account id →
 * username), on purpose — it would let anyone enumerate the directory. So a sender puts its own username in the
 * end-to-end-encrypted content, and the receiver never shows that claim as it is: it asks the existing forward
 * lookup (`GET /v1/usernames/{u}`) who owns the name, and shows it only when the owner is the account the relay
 * authenticated as the sender. A claim of someone else's name, of a name nobody has, or a malformed one (dropped
 * by the codec) never becomes the conversation's name. Each claim is asked once per conversation (cached in the
 * encrypted history), and a conversation asks about a few names at most, so a hostile sender cannot spend the
 * receiver's lookup allowance (20 per 30 s at identity-service) by changing its claim on every message.
 */

export type ClaimResult = 'confirmed' | 'not-theirs' | 'unknown';

/** The forward lookup: the owner of a username, undefined when nobody has it; throws when it cannot say now. */
export interface NameDirectory {
  lookup(username: string): Promise<{ accountId: string; username: string } | undefined>;
}

/** What the receiver keeps per conversation: lower-cased claim → its result. */
export type ClaimCache = Record<string, ClaimResult>;

/** The part of a conversation a claim can change. */
export interface Named {
  accountId: string;
  /** Only ever from a forward lookup: this user's own search, or a confirmed claim. */
  username?: string;
  claims?: ClaimCache;
  notices: string[];
}

/** Claims one conversation asks about at most (a rename or two; anything beyond is ignored). */
export const MAX_CLAIMS_PER_CONVERSATION = 4;

/** How a conversation is named on screen: the checked username, else the sender's account id (shortened). */
export function displayName(c: { accountId: string; username?: string }): string {
  return c.username ? `@${c.username}` : `account ${c.accountId.slice(0, 8)}…`;
}

/**
 * Checks the username `claimed` by the authenticated sender of conversation `c` (its accountId) and applies the
 * result: confirmed → the conversation is named after it (as identity-service spells it); anything else → the
 * name is not taken and a notice says the claim did not match. Returns whether `c` changed. A lookup that fails
 * (network, rate limit) changes and caches nothing: a later message asks again.
 */
export async function resolveClaim(dir: NameDirectory, c: Named, claimed: string | undefined): Promise<boolean> {
  if (!claimed) return false;
  const key = claimed.toLowerCase();
  if (c.username?.toLowerCase() === key) return false; // already the name, from a lookup
  const claims = c.claims ?? {};
  if (claims[key] !== undefined || Object.keys(claims).length >= MAX_CLAIMS_PER_CONVERSATION) return false;
  const owner = await dir.lookup(claimed);
  const result: ClaimResult = !owner ? 'unknown' : owner.accountId === c.accountId ? 'confirmed' : 'not-theirs';
  c.claims = { ...claims, [key]: result };
  if (result === 'confirmed') {
    c.username = owner!.username;
  } else {
    const shown = c.username ? `it stays ${displayName(c)}` : 'it is shown by its account id';
    c.notices.push(result === 'unknown'
      ? `This contact says it is @${claimed}, but no account has that username: ${shown}.`
      : `This contact says it is @${claimed}, but that username belongs to another account: ${shown}. Do not trust the claim.`);
  }
  return true;
}
