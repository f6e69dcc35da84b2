/**
 * The end-to-end-encrypted content of call signalling (docs/protocol.md, "Call signalling content"): what one
 * client tells the other inside the Double Ratchet message of a `call-offer`, `call-answer`, `call-ice` or
 * `call-hangup` envelope. Padded JSON like message content (§5.3 of protocol-crypto.md), and bound to its
 * envelope: the kind and call id inside must equal the frame's, so a relay cannot move a signal into another
 * call or turn an ice into an offer. Everything a peer sends is checked here before WebRTC sees it.
 */
import { sodium } from '../crypto/sodium';
import { InvalidMessageError } from '../crypto/ratchet';
import { claimedUsername, PADDING_BLOCK } from '../messaging/codec';

export type SignalKind = 'call-offer' | 'call-answer' | 'call-ice' | 'call-hangup';
export const SIGNAL_KINDS: readonly SignalKind[] = ['call-offer', 'call-answer', 'call-ice', 'call-hangup'];

export type CallMedia = 'audio' | 'video';
export type HangupReason = 'hangup' | 'declined' | 'busy' | 'failed';

export interface IceCandidate {
  candidate: string;
  sdpMid?: string;
  sdpMLineIndex?: number;
}

export type SignalBody =
  /** `from`: the caller's username claim, checked by the callee with a forward lookup (protocol-crypto.md §5.3). */
  | { kind: 'call-offer'; media: CallMedia; from?: string }
  | { kind: 'call-answer' }
  | { kind: 'call-ice'; sdp?: { type: 'offer' | 'answer'; sdp: string }; candidates?: IceCandidate[] }
  | { kind: 'call-hangup'; reason: HangupReason };

/** Bounds a hostile peer cannot exceed (the relay's 4 KiB per device message is the outer bound). */
export const MAX_SDP_CHARS = 3800;
export const MAX_CANDIDATES = 16;
export const MAX_CANDIDATE_CHARS = 512;

const REASONS: readonly HangupReason[] = ['hangup', 'declined', 'busy', 'failed'];

export function encodeSignal(callId: string, body: SignalBody): Uint8Array {
  const { kind, ...rest } = body;
  const json = { v: 1, kind, callId, ...rest };
  return sodium.pad(new TextEncoder().encode(JSON.stringify(json)), PADDING_BLOCK);
}

/**
 * Decodes and checks a signal's content against the envelope it came in (`kind`, `callId` of the deliver
 * frame). Throws InvalidMessageError on anything unexpected: the signal is then dropped, never half-applied.
 */
export function decodeSignal(plaintext: Uint8Array, kind: string, callId: string): SignalBody {
  let j: any;
  try {
    j = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(sodium.unpad(plaintext, PADDING_BLOCK)));
  } catch {
    throw new InvalidMessageError('call signal is not padded JSON');
  }
  if (!j || typeof j !== 'object' || j.v !== 1) throw new InvalidMessageError('unknown call signal version');
  if (j.kind !== kind) throw new InvalidMessageError(`call signal says ${String(j.kind)}, the envelope ${kind}`);
  if (j.callId !== callId) throw new InvalidMessageError('call signal belongs to another call');
  switch (kind) {
    case 'call-offer': {
      if (j.media !== 'audio' && j.media !== 'video') throw new InvalidMessageError('call offer without media');
      const from = claimedUsername(j.from); // a malformed claim is ignored: the offer still rings, by account id
      return { kind, media: j.media, ...(from ? { from } : {}) };
    }
    case 'call-answer':
      return { kind };
    case 'call-hangup':
      return { kind, reason: REASONS.includes(j.reason) ? j.reason : 'hangup' };
    case 'call-ice': {
      const out: Extract<SignalBody, { kind: 'call-ice' }> = { kind };
      if (j.sdp !== undefined) {
        const s = j.sdp;
        if (!s || (s.type !== 'offer' && s.type !== 'answer') || typeof s.sdp !== 'string' || s.sdp.length > MAX_SDP_CHARS
          || !s.sdp.startsWith('v=0')) throw new InvalidMessageError('call signal with an invalid session description');
        out.sdp = { type: s.type, sdp: s.sdp };
      }
      if (j.candidates !== undefined) {
        if (!Array.isArray(j.candidates) || j.candidates.length > MAX_CANDIDATES) throw new InvalidMessageError('call signal with invalid candidates');
        out.candidates = j.candidates.map((c: any) => {
          const ok = c && typeof c.candidate === 'string' && c.candidate.length <= MAX_CANDIDATE_CHARS
            && (c.sdpMid === undefined || (typeof c.sdpMid === 'string' && c.sdpMid.length <= 32))
            && (c.sdpMLineIndex === undefined || (Number.isInteger(c.sdpMLineIndex) && c.sdpMLineIndex >= 0 && c.sdpMLineIndex < 16));
          if (!ok) throw new InvalidMessageError('call signal with an invalid candidate');
          return { candidate: c.candidate, ...(c.sdpMid !== undefined ? { sdpMid: c.sdpMid } : {}),
            ...(c.sdpMLineIndex !== undefined ? { sdpMLineIndex: c.sdpMLineIndex } : {}) };
        });
      }
      if (!out.sdp && !out.candidates) throw new InvalidMessageError('empty call-ice signal');
      return out;
    }
    default:
      throw new InvalidMessageError(`unknown call signal kind ${kind}`);
  }
}
