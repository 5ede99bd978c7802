/**
 * Administration over real HTTP: settings changes on record with optimistic concurrency, the
 * host–partner relation as the partner's own decision, and next year's riksnorm entered by one
 * administrator and confirmed by a second, which switches that year's automated decisions on
 * (before it, an application for the year goes to a person; after, it is decided automatically,
 * under the new rule book, whose receipt replays).
 */
import { replay } from '@tillit/rules';
import type { Receipt } from '@tillit/rules';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swedishDate } from '../src/swedish-time.ts';
import { isCleanRenewal, startHarness } from './pipeline-harness.ts';
import type { Harness } from './pipeline-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness((find) => ({ clean: find(isCleanRenewal, 2) }));
});
afterAll(async () => {
  await h?.close();
});

const A = '/api/v1/municipalities/ekby/administration';
const L = '/api/v1/municipalities/lovsala/administration';
const thisYear = Number(swedishDate().slice(0, 4));
const nextYear = thisYear + 1;

interface SettingsView {
  version: number;
  settings: Record<string, unknown>;
  guidelines: unknown[];
  municipality: { host: string | null };
  mayChangeHost: boolean;
  changes: { version: number; reason: string; fields: string[]; changedBy: { name: string | null } }[];
}

async function settings(user: string, path = A): Promise<SettingsView> {
  const r = await h.call(user, 'GET', `${path}/settings`);
  expect(r.status).toBe(200);
  return r.body as unknown as SettingsView;
}

describe('municipality settings', () => {
  it('an administrator changes a setting with a reason; the change is on record and in force at once', async () => {
    const before = await settings('ekby-admin');
    expect(before.version).toBe(0);
    expect(before.settings.sampleRateBasisPoints).toBe(500);
    const put = await h.call('ekby-admin', 'PUT', `${A}/settings`, {
      expectedVersion: 0,
      reason: 'Nämndens beslut 2026-11-30 § 7: fler stickprov under 2027.',
      settings: { ...before.settings, sampleRateBasisPoints: 800 },
      guidelines: before.guidelines,
      host: null,
    });
    expect(put).toMatchObject({ status: 200, body: { version: 1, changed: true } });
    expect(h.server.app.tenants.current().get('ekby')!.settings.sampleRateBasisPoints).toBe(800);
    const after = await settings('ekby-auditor');
    expect(after.version).toBe(1);
    expect(after.changes).toEqual([
      {
        version: 1,
        reason: 'Nämndens beslut 2026-11-30 § 7: fler stickprov under 2027.',
        fields: ['settings.sampleRateBasisPoints'],
        changedBy: { name: 'Ebba Ekholm' },
        changedAt: expect.any(String),
      },
    ]);
    const audit = await h.server.store.db
      .selectFrom('audit_log')
      .select(['purpose', 'details'])
      .where('object_type', '=', 'municipality-settings')
      .where('action', '=', 'write')
      .execute();
    expect(audit).toEqual([
      { purpose: 'settings-change', details: { version: 1, fields: ['settings.sampleRateBasisPoints'] } },
    ]);
  });

  it('the same change again is no change; a change on an old version is refused, not overwritten', async () => {
    const now = await settings('ekby-admin');
    const same = await h.call('ekby-admin', 'PUT', `${A}/settings`, {
      expectedVersion: 0,
      reason: 'Nämndens beslut 2026-11-30 § 7: fler stickprov under 2027.',
      settings: now.settings,
      guidelines: now.guidelines,
      host: null,
    });
    expect(same).toMatchObject({ status: 200, body: { version: 1, changed: false } });
    const stale = await h.call(
      'ekby-admin-2',
      'PUT',
      `${A}/settings`,
      {
        expectedVersion: 0,
        reason: 'Utbetalningsdagen flyttas enligt nämndens beslut.',
        settings: { ...now.settings, payday: 20 },
        guidelines: now.guidelines,
        host: null,
      },
      { 'accept-language': 'en' },
    );
    expect(stale.status).toBe(409);
    expect(stale.body.detail).toBe(
      'Someone else has changed the settings (now version 1). Read them again and redo the change.',
    );
    expect((await settings('ekby-admin')).settings.payday).toBe(25);
  });

  it('bad input names the field: a payday past the 28th, guidelines for a state parameter, no reason', async () => {
    const now = await settings('ekby-admin');
    const bad = await h.call('ekby-admin', 'PUT', `${A}/settings`, {
      expectedVersion: 1,
      reason: 'kort',
      settings: { ...now.settings, payday: 31 },
      guidelines: now.guidelines,
      host: null,
    });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['reason', 'settings.payday']);
    const guideline = await h.call('ekby-admin', 'PUT', `${A}/settings`, {
      expectedVersion: 1,
      reason: 'Nya riktlinjer enligt nämndens beslut.',
      settings: now.settings,
      guidelines: [
        {
          from: '2027-01-01',
          decision: { act: 'Socialnämnden i Ekby 2026-12-01 § 1', url: 'https://example.org/ekby/2027' },
          values: { 'riksnorm.shared.1': 100000 },
        },
      ],
      host: null,
    });
    expect(guideline.status).toBe(400);
    expect(guideline.body.errors).toEqual([
      expect.objectContaining({ field: 'guidelines', message: expect.stringContaining('riksnorm.shared.1') }),
    ]);
    expect((await settings('ekby-admin')).version).toBe(1);
  });

  it("the host is the partner's own decision: the host's administrator cannot change it, the partner's can", async () => {
    const partner = await settings('ekby-admin', L);
    expect(partner.municipality.host).toBe('ekby');
    expect(partner.mayChangeHost).toBe(false);
    const byHost = await h.call('ekby-admin', 'PUT', `${L}/settings`, {
      expectedVersion: partner.version,
      reason: 'Samarbetet upphör enligt avtal.',
      settings: partner.settings,
      guidelines: partner.guidelines,
      host: null,
    });
    expect(byHost.status).toBe(403);
    const itself = await h.call('lovsala-admin', 'PUT', `${L}/settings`, {
      expectedVersion: partner.version,
      reason: 'Felaktig ändring för att pröva kontrollen.',
      settings: partner.settings,
      guidelines: partner.guidelines,
      host: 'lovsala',
    });
    expect(itself.status).toBe(400);
    expect((itself.body.errors as { field: string }[])[0]!.field).toBe('host');
    // Ekby hosts Lövsala, so Ekby cannot get a host itself.
    const own = await settings('ekby-admin');
    const hosted = await h.call('ekby-admin', 'PUT', `${A}/settings`, {
      expectedVersion: own.version,
      reason: 'Felaktig ändring för att pröva kontrollen.',
      settings: own.settings,
      guidelines: own.guidelines,
      host: 'lovsala',
    });
    expect(hosted.status).toBe(400);
  });
});

interface YearView {
  year: number;
  automated: boolean;
  confirmation: { confirmedBy: string; secondBy: string; note: string } | null;
  groups: {
    group: string;
    status: string;
    parameters: { id: string; amount: number | null; previous: number | null }[];
  }[];
}
async function rulebookView(user = 'ekby-admin') {
  const r = await h.call(user, 'GET', `${A}/rulebook`);
  expect(r.status).toBe(200);
  return r.body as unknown as {
    inForce: { hash: string; version: string };
    years: YearView[];
    changes: { id: string; status: string }[];
  };
}

describe("next year's riksnorm, four eyes", () => {
  let values: Record<string, number>;
  let changeId: string;

  it('shows last, this and next year; next year has no values and no automation', async () => {
    const view = await rulebookView('ekby-auditor');
    expect(view.years.map((y) => y.year)).toEqual([thisYear - 1, thisYear, nextYear]);
    const next = view.years.find((y) => y.year === nextYear)!;
    expect(next.automated).toBe(false);
    const riksnorm = next.groups.find((g) => g.group === 'riksnorm')!;
    expect(riksnorm.status).toBe('missing');
    expect(riksnorm.parameters).toHaveLength(21);
    // This year's amounts raised by 2 %, in whole kronor (or 5 000 kr where this year has none).
    values = Object.fromEntries(
      riksnorm.parameters.map((p) => [p.id, p.previous !== null ? Math.round((p.previous / 100) * 1.02) : 5000]),
    );
  });

  it('an application for next January goes to a person while the year has no values', async () => {
    await h.apply('clean', 0, 'renewal', 'admin-before', { month: `${nextYear}-01` });
    expect(await h.drain()).toEqual(['needs-person']);
  });

  it('one administrator enters the values with their source; a retry is the same change', async () => {
    const body = {
      kind: 'values',
      year: nextYear,
      group: 'riksnorm',
      values,
      source: {
        act: `Förordning (${thisYear}:1234) om ändring i socialtjänstförordningen (2001:937)`,
        url: `https://svenskforfattningssamling.se/doc/${thisYear}1234.html`,
      },
      note: `Riksnormen för ${nextYear} enligt regeringens beslut.`,
    };
    const first = await h.call('ekby-admin', 'POST', `${A}/rulebook/changes`, body, {
      'idempotency-key': 'norm-next-1',
    });
    expect(first.status).toBe(201);
    expect(first.body.warnings).toEqual([]);
    const change = first.body.change as { id: string; status: string; amounts: Record<string, number> };
    expect(change.status).toBe('pending');
    expect(change.amounts['riksnorm.personal.adult.single']).toBe(values['riksnorm.personal.adult.single']! * 100);
    changeId = change.id;
    const again = await h.call('ekby-admin', 'POST', `${A}/rulebook/changes`, body, {
      'idempotency-key': 'norm-next-1',
    });
    expect(again.status).toBe(200);
    expect((again.body.change as { id: string }).id).toBe(changeId);
    // A second entry for the same year and group while one waits: refused.
    const other = await h.call('ekby-admin-2', 'POST', `${A}/rulebook/changes`, body, {
      'idempotency-key': 'norm-next-2',
    });
    expect(other.status).toBe(409);
    // Still off: nothing is in force before a second administrator confirms.
    expect((await rulebookView()).years.find((y) => y.year === nextYear)!.automated).toBe(false);
  });

  it('a missing amount or a bad source is named by field', async () => {
    const { ['riksnorm.shared.7']: _dropped, ...fewer } = values;
    void _dropped;
    const r = await h.call(
      'ekby-admin-2',
      'POST',
      `${A}/rulebook/changes`,
      {
        kind: 'values',
        year: nextYear + 1,
        group: 'riksnorm',
        values: fewer,
        source: { act: 'SFS', url: 'ftp://example.org' },
        note: 'Prov med fel för att se felmeddelandena.',
      },
      { 'idempotency-key': 'norm-bad-1', 'accept-language': 'en' },
    );
    expect(r.status).toBe(400);
    expect((r.body.errors as { field: string }[]).map((e) => e.field)).toEqual([
      'values.riksnorm.shared.7',
      'source.act',
      'source.url',
    ]);
  });

  it('whoever entered it cannot confirm it; a second administrator does, and the year is automated', async () => {
    const self = await h.call('ekby-admin', 'POST', `${A}/rulebook/changes/${changeId}/confirm`, {});
    expect(self.status).toBe(409);
    const hashBefore = h.server.rulebooks.current().hash;
    const confirmed = await h.call('ekby-admin-2', 'POST', `${A}/rulebook/changes/${changeId}/confirm`, {
      note: 'Kontrollerat mot SFS-texten.',
    });
    expect(confirmed.status).toBe(200);
    const change = confirmed.body.change as { status: string; resultingHash: string; decidedBy: { name: string } };
    expect(change).toMatchObject({ status: 'confirmed', decidedBy: { name: 'Emil Eklund' } });
    expect(change.resultingHash).not.toBe(hashBefore);
    expect(h.server.rulebooks.current().hash).toBe(change.resultingHash);
    // Confirming again is the same answer.
    const again = await h.call('ekby-admin-2', 'POST', `${A}/rulebook/changes/${changeId}/confirm`, {});
    expect(again.status).toBe(200);

    const view = await rulebookView();
    expect(view.inForce.hash).toBe(change.resultingHash);
    const next = view.years.find((y) => y.year === nextYear)!;
    expect(next.automated).toBe(true);
    expect(next.confirmation).toMatchObject({ confirmedBy: 'Ebba Ekholm', secondBy: 'Emil Eklund' });
    expect(next.groups.find((g) => g.group === 'riksnorm')!.status).toBe('secondary');
  });

  it('an application for next January is now decided automatically, and its receipt replays', async () => {
    const id = await h.apply('clean', 1, 'renewal', 'admin-after', { month: `${nextYear}-01` });
    expect(await h.drain()).toEqual(['decided']);
    const s = await h.state(id);
    const d = s.decisions[0]!;
    expect(d).toMatchObject({ outcome: 'bifall', automated: true });
    const receipt = (typeof d.receipt === 'string' ? JSON.parse(d.receipt) : d.receipt) as Receipt;
    expect(receipt.rulebook.hash).toBe(h.server.rulebooks.current().hash);
    // A single adult: the entered personal costs and shared costs for one, plus the rent 6 200.
    const single = values['riksnorm.personal.adult.single']! + values['riksnorm.shared.1']!;
    expect(Number(d.amount_ore)).toBe((single + 6200) * 100);
    expect(replay(receipt, h.server.rulebooks.byHash(receipt.rulebook.hash)!).ok).toBe(true);
  });

  it('the record shows who entered and who confirmed, and the audit log has both', async () => {
    const view = await rulebookView('ekby-auditor');
    expect(view.changes.find((c) => c.id === changeId)).toMatchObject({
      status: 'confirmed',
      enteredBy: { name: 'Ebba Ekholm' },
      decidedBy: { name: 'Emil Eklund' },
      decisionNote: 'Kontrollerat mot SFS-texten.',
    });
    const audit = await h.server.store.db
      .selectFrom('audit_log')
      .select('purpose')
      .where('object_type', '=', 'rulebook-change')
      .where('object_id', '=', changeId)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.purpose)).toEqual(['rulebook-change-entered', 'rulebook-change-confirmed']);
  });
});

describe("confirming a year's unverified values", () => {
  it('a proposal can be rejected by another administrator or withdrawn by its author; a second administrator confirms', async () => {
    const propose = (user: string, key: string) =>
      h.call(
        user,
        'POST',
        `${A}/rulebook/changes`,
        {
          kind: 'confirmation',
          year: 2026,
          note: 'De härledda beloppen för 2026 stämmer med regeringens totalbelopp.',
        },
        { 'idempotency-key': key },
      );
    const first = await propose('ekby-admin', 'confirm-2026-1');
    expect(first.status).toBe(201);
    const firstId = (first.body.change as { id: string }).id;
    const rejected = await h.call('ekby-admin-2', 'POST', `${A}/rulebook/changes/${firstId}/reject`, {
      note: 'Vänta på SFS-texten.',
    });
    expect(rejected.body.change).toMatchObject({ status: 'rejected', decisionNote: 'Vänta på SFS-texten.' });
    // Withdrawing is for the author only.
    const second = await propose('ekby-admin', 'confirm-2026-2');
    const secondId = (second.body.change as { id: string }).id;
    expect((await h.call('ekby-admin-2', 'POST', `${A}/rulebook/changes/${secondId}/withdraw`, {})).status).toBe(409);
    const withdrawn = await h.call('ekby-admin', 'POST', `${A}/rulebook/changes/${secondId}/withdraw`, {});
    expect(withdrawn.body.change).toMatchObject({ status: 'withdrawn' });
    // The rule book is shared by the installation: Lövsala's administrator may be the second one.
    const third = await propose('ekby-admin', 'confirm-2026-3');
    const thirdId = (third.body.change as { id: string }).id;
    const confirmed = await h.call(
      'lovsala-admin',
      'POST',
      `/api/v1/municipalities/lovsala/administration/rulebook/changes/${thirdId}/confirm`,
      {},
    );
    expect(confirmed.body.change).toMatchObject({ status: 'confirmed', resultingHash: null });
    const y2026 = (await rulebookView()).years.find((y) => y.year === 2026);
    if (y2026)
      expect(y2026).toMatchObject({
        automated: true,
        confirmation: { confirmedBy: 'Ebba Ekholm', secondBy: 'Linnea Lövkvist' },
      });
    const row = await h.server.store.db
      .selectFrom('rulebook_confirmation')
      .select(['confirmed_by', 'second_by'])
      .where('year', '=', 2026)
      .where('rulebook_hash', '=', h.server.rulebooks.current().hash)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ confirmed_by: 'ekby-admin', second_by: 'lovsala-admin' });
    // Nothing more to confirm for the year under this rule book.
    expect((await propose('ekby-admin-2', 'confirm-2026-4')).status).toBe(409);
  });
});
