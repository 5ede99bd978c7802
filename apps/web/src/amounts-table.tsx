/**
 * A two-column table of explained amounts: what (with legal references when given) and kronor,
 * and an optional total. The calculation's lines in the self-check and the caseworker's case
 * view, the riksnorm on "Så räknar vi".
 */
import { BodyShort, Table } from '@navikt/ds-react';
import { formatKronor } from './components';

export interface AmountRow {
  readonly key: string | number;
  readonly text: string;
  /** The language of `text` when it differs from the page's (the rule book writes Swedish and English). */
  readonly lang?: string;
  readonly references?: string;
  readonly kronor: number;
}

export function AmountsTable({
  caption,
  what,
  amount,
  rows,
  total,
}: {
  caption: string;
  what: string;
  amount: string;
  rows: readonly AmountRow[];
  total?: { label: string; kronor: number };
}) {
  return (
    <Table size="small">
      <caption className="visually-hidden">{caption}</caption>
      <Table.Header>
        <Table.Row>
          <Table.HeaderCell scope="col">{what}</Table.HeaderCell>
          <Table.HeaderCell scope="col" align="right">
            {amount}
          </Table.HeaderCell>
        </Table.Row>
      </Table.Header>
      <Table.Body>
        {rows.map((r) => (
          <Table.Row key={r.key}>
            <Table.DataCell lang={r.lang}>
              {r.text}
              {r.references ? <BodyShort size="small">{r.references}</BodyShort> : null}
            </Table.DataCell>
            <Table.DataCell align="right" className="amount">
              {formatKronor(r.kronor)}
            </Table.DataCell>
          </Table.Row>
        ))}
        {total ? (
          <Table.Row>
            <Table.HeaderCell scope="row">{total.label}</Table.HeaderCell>
            <Table.DataCell align="right" className="amount">
              {formatKronor(total.kronor)}
            </Table.DataCell>
          </Table.Row>
        ) : null}
      </Table.Body>
    </Table>
  );
}

/** Legal references as one line: "SoL 12 kap. 7 §; …". */
export function referencesText(refs: readonly { act: string; provision?: string }[] | undefined): string | undefined {
  if (!refs || refs.length === 0) return undefined;
  return refs.map((r) => `${r.act}${r.provision ? ` ${r.provision}` : ''}`).join('; ');
}
