/**
 * The caseworker's queues and assignment over real HTTP: which case is in which queue and why,
 * oldest first; protected identity only with the claim; taking a case, another caseworker's
 * taking over only when asked; tenant and role on every call; reads and writes in the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTraits } from '@tillit/authority-sim';
import { looksLikeIdentityNumber } from '../src/audit.ts';
import { isCleanRenewal, startHarness } from './pipeline-harness.ts';
import type { Harness } from './pipeline-harness.ts';

let h: Harness;
const ids = {} as Record<'new' | 'waiting' | 'proposal' | 'protected' | 'decided', string>;
beforeAll(async () => {
  h = await startHarness((find) => ({
    clean: find(isCleanRenewal, 3),
    partner: find(isCleanRenewal, 1, '9902'),
    protected: find((x) => hasTraits(x, 'protected-identity', 'single'), 1),
  }));
  await h.confirm2026();
  ids.new = await h.apply('clean', 0, 'new', 'queue-new');
  ids.waiting = await h.apply('clean', 1, 'new', 'queue-waiting');
  ids.proposal = await h.apply('partner', 0, 'renewal', 'queue-proposal', { municipality: 'lovsala', rent: 5800 });
  ids.protected = await h.apply('protected', 0, 'renewal', 'queue-protected');
  ids.decided = await h.apply('clean', 2, 'renewal', 'queue-decided');
  await h.drain();
  const asked = await h.call(
    'ekby-caseworker',
    'POST',
    `/api/v1/municipalities/ekby/cases/${ids.waiting}/completion-request`,
    {
      message: 'Skicka hyresavin.',
      items: ['Hyresavi'],
      dueDate: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
    },
  );
  expect(asked.status).toBe(201);
});
afterAll(async () => {
  await h?.close();
});

const queue = (user: string, m: string, q: string, query = '') =>
  h.call(user, 'GET', `/api/v1/municipalities/${m}/queues/${q}${query}`);
const idsOf = (r: { body: Record<string, unknown> }) => (r.body.items as { id: string }[]).map((i) => i.id);

describe('queues', () => {
  it('puts each case in its queue with why, the proposal and the due date; decided cases in none', async () => {
    const needs = await queue('ekby-caseworker', 'ekby', 'needs-person');
    expect(needs.status).toBe(200);
    expect(idsOf(needs)).toEqual([ids.new]);
    const item = (needs.body.items as Record<string, unknown>[])[0]!;
    expect(item).toMatchObject({
      kind: 'new',
      status: 'needs-person',
      assignedTo: null,
      late: false,
      proposal: { version: 1, outcome: 'bifall' },
    });
    expect((item.flags as { check: string }[]).map((f) => f.check)).toContain('new-application-meeting');

    const waiting = await queue('ekby-caseworker', 'ekby', 'waiting-applicant');
    expect(idsOf(waiting)).toEqual([ids.waiting]);
    expect((waiting.body.items as { dueDate: string }[])[0]!.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // Lövsala proposes; Ekby (its host) handles it: a proposal to approve, no open flag.
    const proposals = await queue('ekby-caseworker', 'lovsala', 'proposals');
    expect(idsOf(proposals)).toEqual([ids.proposal]);
    expect((proposals.body.items as { flags: unknown[] }[])[0]!.flags).toEqual([]);
    expect(idsOf(await queue('ekby-caseworker', 'ekby', 'proposals'))).not.toContain(ids.decided);

    // Late: an open alert.
    await h.server.store.db
      .insertInto('alert')
      .values({ municipality_id: 'ekby', application_id: ids.new, kind: 'decision-overdue' })
      .execute();
    const late = await queue('ekby-auditor', 'ekby', 'late');
    expect(idsOf(late)).toEqual([ids.new]);
    expect((late.body.items as { late: boolean }[])[0]!.late).toBe(true);
  });

  it('shows a protected household only to staff with the claim', async () => {
    const all = async (user: string) => [
      ...idsOf(await queue(user, 'ekby', 'needs-person')),
      ...idsOf(await queue(user, 'ekby', 'proposals')),
    ];
    expect(await all('ekby-caseworker')).not.toContain(ids.protected);
    expect(await all('ekby-protected-caseworker')).toContain(ids.protected);
  });

  it('names a bad queue or filter; other municipalities 404, other roles 403; reads logged', async () => {
    const bad = await h.call('ekby-caseworker', 'GET', '/api/v1/municipalities/ekby/queues/everything', undefined, {
      'accept-language': 'en',
    });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['queue']);
    expect((await queue('ekby-caseworker', 'ekby', 'needs-person', '?assigned=someone')).status).toBe(400);
    expect((await queue('lovsala-caseworker', 'ekby', 'needs-person')).status).toBe(404);
    expect((await queue('ekby-coach', 'ekby', 'needs-person')).status).toBe(403);
    expect((await queue('ekby-customer-service', 'ekby', 'needs-person')).status).toBe(403);
    const logged = await h.server.store.db
      .selectFrom('audit_log')
      .select(['object_type', 'object_id'])
      .where('object_type', '=', 'queue')
      .execute();
    expect(logged.map((l) => l.object_id)).toContain('needs-person');
  });
});

describe('assignment', () => {
  it('takes a case, refuses another taker unless taking over, puts it back; the queue filters by it', async () => {
    const path = `/api/v1/municipalities/ekby/cases/${ids.new}/assignment`;
    const take = await h.call('ekby-caseworker', 'POST', path, { to: 'me' });
    expect(take).toMatchObject({ status: 200, body: { assignedTo: { subject: 'ekby-caseworker', name: 'Erika Ek' } } });
    // Taking again is the same.
    expect((await h.call('ekby-caseworker', 'POST', path, { to: 'me' })).body).toEqual(take.body);
    expect(idsOf(await queue('ekby-caseworker', 'ekby', 'needs-person', '?assigned=me'))).toEqual([ids.new]);
    expect(idsOf(await queue('ekby-caseworker', 'ekby', 'needs-person', '?assigned=none'))).toEqual([]);

    const other = await h.call('ekby-protected-caseworker', 'POST', path, { to: 'me' }, { 'accept-language': 'en' });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ conflict: 'assigned-to-other', detail: expect.stringContaining('Erika Ek') });
    const over = await h.call('ekby-protected-caseworker', 'POST', path, { to: 'me', takeOver: true });
    expect(over.body).toMatchObject({ assignedTo: { subject: 'ekby-protected-caseworker' } });
    const back = await h.call('ekby-protected-caseworker', 'POST', path, { to: null });
    expect(back.body).toEqual({ assignedTo: null });

    const purposes = await h.server.store.db
      .selectFrom('audit_log')
      .select('purpose')
      .where('object_id', '=', ids.new)
      .where('action', '=', 'write')
      .orderBy('id')
      .execute();
    expect(purposes.map((p) => p.purpose).filter((p) => p.startsWith('case-'))).toEqual([
      'case-taken',
      'case-taken-over',
      'case-returned-to-queue',
    ]);
  });

  it('only caseworkers of the municipality, only cases they may see; bad bodies named', async () => {
    const path = (m: string, id: string) => `/api/v1/municipalities/${m}/cases/${id}/assignment`;
    expect((await h.call('ekby-auditor', 'POST', path('ekby', ids.new), { to: 'me' })).status).toBe(403);
    expect((await h.call('lovsala-caseworker', 'POST', path('ekby', ids.new), { to: 'me' })).status).toBe(404);
    expect((await h.call('ekby-caseworker', 'POST', path('ekby', ids.protected), { to: 'me' })).status).toBe(404);
    const bad = await h.call('ekby-caseworker', 'POST', path('ekby', ids.new), { to: 'someone' });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['to']);
  });
});

describe('the case view for the caseworker', () => {
  const view = (user: string, m: string, id: string) => h.call(user, 'GET', `/api/v1/municipalities/${m}/cases/${id}`);

  it('says who has the case, whether it is late, when each flag fired, and who is reading', async () => {
    const path = `/api/v1/municipalities/ekby/cases/${ids.new}`;
    expect((await h.call('ekby-caseworker', 'POST', `${path}/assignment`, { to: 'me' })).status).toBe(200);
    const v = await view('ekby-caseworker', 'ekby', ids.new);
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({
      status: 'needs-person',
      assignedTo: { subject: 'ekby-caseworker', name: 'Erika Ek', since: expect.any(String) },
      // The first test opened an alert on this case.
      late: { since: expect.any(String) },
      viewer: { subject: 'ekby-caseworker' },
      kommuniceringar: [],
      appeal: null,
      sampleCheck: null,
    });
    const flag = (v.body.flags as Record<string, unknown>[]).find((f) => f.check === 'new-application-meeting')!;
    expect(flag).toMatchObject({ outcome: 'flag', status: 'open', closedAt: null, closedBy: null });
    expect(Date.parse(flag.createdAt as string)).not.toBeNaN();
    // The history: received, collecting, assessing, needs-person (with the reasons), in order.
    const statuses = (v.body.timeline as { status: string }[]).map((e) => e.status);
    expect(statuses.slice(-4)).toEqual(['received', 'collecting', 'assessing', 'needs-person']);
    // Another caseworker sees who has it, and themselves as the reader.
    const other = await view('ekby-protected-caseworker', 'ekby', ids.new);
    expect(other.body).toMatchObject({
      assignedTo: { subject: 'ekby-caseworker' },
      viewer: { subject: 'ekby-protected-caseworker' },
    });
    expect((await h.call('ekby-caseworker', 'POST', `${path}/assignment`, { to: null })).body).toEqual({
      assignedTo: null,
    });
    expect((await view('ekby-caseworker', 'ekby', ids.new)).body.assignedTo).toBeNull();
  });

  it('lists each kommunicering sent, and shows it on the history without changing the status', async () => {
    const path = `/api/v1/municipalities/ekby/cases/${ids.new}`;
    const dueDate = new Date(Date.now() + 10 * 86_400_000).toLocaleDateString('sv-SE', {
      timeZone: 'Europe/Stockholm',
    });
    const reasons = 'Du har inte kommit till mötet med arbetsmarknadssekreteraren.';
    const sent = await h.call(
      'ekby-caseworker',
      'POST',
      `${path}/kommunicering`,
      { plannedOutcome: 'avslag', reasons, dueDate },
      { 'idempotency-key': 'queues-kommunicering-1' },
    );
    expect(sent.status).toBe(201);
    const v = await view('ekby-caseworker', 'ekby', ids.new);
    expect(v.body.status).toBe('needs-person');
    expect(v.body.kommuniceringar).toEqual([
      {
        id: sent.body.kommunicering,
        plannedOutcome: 'avslag',
        amount: 0,
        reasons,
        dueDate,
        sentBy: 'ekby-caseworker',
        sentAt: expect.any(String),
      },
    ]);
    const last = (v.body.timeline as { status: string; actor: string; note: Record<string, unknown> }[]).at(-1)!;
    expect(last).toMatchObject({
      status: 'needs-person',
      actor: 'ekby-caseworker',
      note: { kommunicering: sent.body.kommunicering, dueDate },
    });
  });

  it('points to the appeal of a decided case; the host reads a partner case as the partner’s', async () => {
    const decided = await view('ekby-caseworker', 'ekby', ids.decided);
    expect(decided.body).toMatchObject({ status: 'decided', appeal: null, late: null, assignedTo: null });
    const lodged = await h.call(
      h.user('clean', 2),
      'POST',
      `/api/v1/municipalities/ekby/applications/${ids.decided}/appeal`,
      { reasons: 'Hyran är högre än ni räknat med.' },
      { 'idempotency-key': 'queues-appeal-1' },
    );
    expect(lodged.status).toBe(201);
    const after = await view('ekby-auditor', 'ekby', ids.decided);
    expect(after.body.appeal).toEqual({ id: lodged.body.id, status: 'received' });
    expect(after.body.viewer).toEqual({ subject: 'ekby-auditor' });

    // Ekby hosts Lövsala: its caseworker reads the partner's case; the read is logged as Lövsala's.
    const partner = await view('ekby-caseworker', 'lovsala', ids.proposal);
    expect(partner.status).toBe(200);
    expect(partner.body).toMatchObject({ municipality: 'lovsala', status: 'needs-person', kommuniceringar: [] });
    const read = await h.server.store.db
      .selectFrom('audit_log')
      .select(['municipality_id', 'purpose', 'details'])
      .where('object_id', '=', ids.proposal)
      .where('purpose', '=', 'case-view')
      .execute();
    expect(read.map((r) => r.municipality_id)).toEqual(['lovsala']);
    expect(looksLikeIdentityNumber(JSON.stringify(read))).toBe(false);
    // Lövsala's own staff never read Ekby's cases; other roles are refused.
    expect((await view('lovsala-caseworker', 'ekby', ids.new)).status).toBe(404);
    expect((await view('ekby-coach', 'ekby', ids.new)).status).toBe(403);
  });
});
