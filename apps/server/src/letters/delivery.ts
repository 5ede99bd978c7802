/**
 * Delivering letters. The applicant's inbox in Tillit always (the letter is there as soon as it
 * is stored); a digital mailbox (e.g. Kivra), e-mail and SMS through adapters. E-mail and SMS
 * only say that a letter has come — never its content. The adapters here are local fakes that
 * keep what they would have sent in an outbox; a municipality configures real ones.
 */
import type { DeliveryChannel } from '../db/schema-letters.ts';

/** What an adapter is given: no identity numbers, no letter content beyond its title. */
export interface DeliveryNotice {
  readonly letterId: string;
  readonly municipality: string;
  readonly applicationId: string;
  readonly title: string;
  readonly lang: string;
  /** The PDF, for a digital mailbox; notifications leave it out. */
  readonly pdf?: Uint8Array;
}

export type DeliveryResult = { readonly ok: true } | { readonly ok: false; readonly detail: string };

export interface DeliveryAdapter {
  readonly channel: Exclude<DeliveryChannel, 'inbox'>;
  send(notice: DeliveryNotice): Promise<DeliveryResult>;
}

/** A local stand-in for a real channel: records what it would send; can be told to fail. */
export class FakeChannel implements DeliveryAdapter {
  readonly outbox: DeliveryNotice[] = [];
  failing = false;
  constructor(readonly channel: Exclude<DeliveryChannel, 'inbox'>) {}
  async send(notice: DeliveryNotice): Promise<DeliveryResult> {
    if (this.failing) return { ok: false, detail: `${this.channel} unavailable` };
    this.outbox.push(this.channel === 'digital-mailbox' ? notice : { ...notice, pdf: undefined });
    return { ok: true };
  }
}

/** The demo's channels: a digital mailbox and e-mail and SMS notices, all fakes. */
export function fakeChannels(): FakeChannel[] {
  return [new FakeChannel('digital-mailbox'), new FakeChannel('email'), new FakeChannel('sms')];
}
