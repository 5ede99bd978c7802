/**
 * ISO 20022 customer credit transfer initiation, pain.001.001.03, as Swedish banks take it: one
 * payment information block (PmtInf) per requested execution date and urgency, debtor account as
 * IBAN with the bank's BIC, creditor accounts as Swedish domestic accounts (clearing number and
 * account number, scheme BBAN; the clearing number also as the creditor agent's member id in
 * the Swedish clearing system, SESBA). Amounts in SEK with two decimals.
 *
 * Deterministic: the same batch gives the same bytes (payments in a fixed order, no clock — the
 * creation time is an input). The file is stored as generated, so re-exports never regenerate.
 */
import { create } from 'xmlbuilder2';

type XMLBuilder = ReturnType<typeof create>;

export const PAIN_001_NS = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.03';

export interface Debtor {
  readonly name: string;
  /** Organisationsnummer, NNNNNN-NNNN. */
  readonly organisationNumber: string;
  readonly iban: string;
  readonly bic: string;
}

export interface CreditTransfer {
  /** EndToEndId: at most 35 characters, unique. */
  readonly endToEndId: string;
  readonly amountOre: number;
  /** Requested execution date, YYYY-MM-DD. */
  readonly payOn: string;
  readonly urgent: boolean;
  readonly clearing: string;
  readonly account: string;
  readonly creditorName: string | null;
  /** Unstructured remittance information shown to the payee (at most 140 characters). */
  readonly remittance: string;
}

export interface BatchFile {
  /** MsgId: at most 35 characters, unique. */
  readonly messageId: string;
  readonly createdAt: Date;
  readonly debtor: Debtor;
  readonly transfers: readonly CreditTransfer[];
}

/** Öre as a decimal SEK amount with two decimals: 123456 → "1234.56". */
export function oreToDecimal(ore: number): string {
  if (!Number.isSafeInteger(ore) || ore < 0) throw new RangeError(`not an amount in öre: ${ore}`);
  return `${Math.floor(ore / 100)}.${String(ore % 100).padStart(2, '0')}`;
}

/** xs:dateTime in UTC, to the second. */
function isoDateTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

function el(parent: XMLBuilder, name: string, text?: string): XMLBuilder {
  const node = parent.ele(PAIN_001_NS, name);
  if (text !== undefined) node.txt(text);
  return node;
}

/** Groups transfers by (execution date, urgency), in date order, normal before urgent. */
function blocks(transfers: readonly CreditTransfer[]): CreditTransfer[][] {
  const sorted = [...transfers].sort(
    (a, b) =>
      a.payOn.localeCompare(b.payOn) ||
      Number(a.urgent) - Number(b.urgent) ||
      (a.endToEndId < b.endToEndId ? -1 : a.endToEndId > b.endToEndId ? 1 : 0),
  );
  const out: CreditTransfer[][] = [];
  for (const t of sorted) {
    const last = out.at(-1);
    if (last && last[0]!.payOn === t.payOn && last[0]!.urgent === t.urgent) last.push(t);
    else out.push([t]);
  }
  return out;
}

const sum = (ts: readonly CreditTransfer[]) => ts.reduce((s, t) => s + t.amountOre, 0);

/** The pain.001.001.03 document for a batch, as UTF-8 XML text. */
export function buildPain001(batch: BatchFile): string {
  if (batch.transfers.length === 0) throw new Error('a payment file needs at least one transfer');
  if (batch.messageId.length > 35) throw new Error('MsgId is at most 35 characters');
  const orgId = batch.debtor.organisationNumber.replace('-', '');
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const initiation = el(doc.ele(PAIN_001_NS, 'Document'), 'CstmrCdtTrfInitn');

  const header = el(initiation, 'GrpHdr');
  el(header, 'MsgId', batch.messageId);
  el(header, 'CreDtTm', isoDateTime(batch.createdAt));
  el(header, 'NbOfTxs', String(batch.transfers.length));
  el(header, 'CtrlSum', oreToDecimal(sum(batch.transfers)));
  const initiator = el(header, 'InitgPty');
  el(initiator, 'Nm', batch.debtor.name);
  el(el(el(el(initiator, 'Id'), 'OrgId'), 'Othr'), 'Id', orgId);

  blocks(batch.transfers).forEach((block, i) => {
    const first = block[0]!;
    const info = el(initiation, 'PmtInf');
    el(info, 'PmtInfId', `${batch.messageId.slice(0, 30)}-${i + 1}`);
    el(info, 'PmtMtd', 'TRF');
    el(info, 'NbOfTxs', String(block.length));
    el(info, 'CtrlSum', oreToDecimal(sum(block)));
    el(el(el(info, 'PmtTpInf'), 'SvcLvl'), 'Cd', first.urgent ? 'URGP' : 'NURG');
    el(info, 'ReqdExctnDt', first.payOn);
    const debtor = el(info, 'Dbtr');
    el(debtor, 'Nm', batch.debtor.name);
    el(el(el(el(debtor, 'Id'), 'OrgId'), 'Othr'), 'Id', orgId);
    const debtorAccount = el(info, 'DbtrAcct');
    el(el(debtorAccount, 'Id'), 'IBAN', batch.debtor.iban);
    el(debtorAccount, 'Ccy', 'SEK');
    el(el(el(info, 'DbtrAgt'), 'FinInstnId'), 'BIC', batch.debtor.bic);
    for (const t of block) {
      const tx = el(info, 'CdtTrfTxInf');
      el(el(tx, 'PmtId'), 'EndToEndId', t.endToEndId);
      el(el(tx, 'Amt'), 'InstdAmt', oreToDecimal(t.amountOre)).att('Ccy', 'SEK');
      const member = el(el(el(tx, 'CdtrAgt'), 'FinInstnId'), 'ClrSysMmbId');
      el(el(member, 'ClrSysId'), 'Cd', 'SESBA');
      el(member, 'MmbId', t.clearing);
      if (t.creditorName !== null) el(el(tx, 'Cdtr'), 'Nm', t.creditorName.slice(0, 140));
      const other = el(el(el(tx, 'CdtrAcct'), 'Id'), 'Othr');
      el(other, 'Id', `${t.clearing}${t.account}`);
      el(el(other, 'SchmeNm'), 'Cd', 'BBAN');
      el(el(tx, 'RmtInf'), 'Ustrd', t.remittance.slice(0, 140));
    }
  });
  return doc.end({ prettyPrint: true });
}
