/**
 * The labour-market track in storage: participants (a person in a municipality), meeting notes,
 * the labour-market plan (every version kept), measures and exits (avslut). Every query is scoped
 * by municipality; every write is in the audit log in the same transaction; a participant's writes
 * are serialized by a lock on the participant's row. Whether an exit counts and whether the track
 * is reopened are derived when read, from the exits and the person's applications
 * (@tillit/domain exits.ts), so a return is never missed. Protected identity is fail-closed: a
 * person is visible only to staff with the claim unless every one of their submitted applications
 * says no one in the household has protected identity (unknown counts as protected).
 */
import { randomUUID } from 'node:crypto';
import { exitOutcomes, exitStanding, latestExit, trackStanding } from '@tillit/domain';
import type { ExitReason, ExitState, MonthOutcome, TrackState } from '@tillit/domain';
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { appendWrite } from '../audit.ts';
import type { AuditDetails } from '../audit.ts';
import type { Database } from '../db/schema.ts';
import type { MeasureEndReason, MeasureType, MeetingOutcome } from '../db/schema-labour-market.ts';
import type { MeetingMode, MeetingStatus } from '../db/schema-meetings.ts';
import { TAKEN_STATUSES } from '../meetings/service.ts';

type Tx = Kysely<Database> | Transaction<Database>;

/** Who writes: the audit log's actor and role, and the name shown beside what they wrote. */
export interface Actor {
  readonly actor: string;
  readonly role: string;
  readonly name: string | null;
}

/** Whether the reader may see people with protected identity. */
export interface Viewer {
  readonly protectedIdentityAccess: boolean;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const swedishDay = (d: Date | string) => new Date(d).toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
const day = (column: string) => sql<string>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;
/** The statuses of an application that is not a return (never submitted, or taken back). */
const NOT_A_RETURN: ReadonlySet<string> = new Set(['draft', 'withdrawn']);

/* ------------------------------------------------------------------ reading the facts */

interface Submission {
  readonly applicationId: string;
  readonly month: string;
  readonly status: string;
  readonly submittedAt: Date;
  /** The day in Sweden it was submitted. */
  readonly submittedOn: string;
  readonly protectedIdentity: boolean | null;
  readonly name: string | null;
}

interface ExitRow {
  readonly id: string;
  readonly reason: ExitReason;
  readonly date: string;
  readonly note: string | null;
  readonly recordedBy: string;
  readonly recordedByName: string | null;
  readonly recordedAt: string;
}

/** Rows by participant, each as `view` makes it, in the rows' order. */
function byParticipant<R extends { readonly participant_id: string }, V>(
  rows: readonly R[],
  view: (r: R) => V,
): Map<string, V[]> {
  const out = new Map<string, V[]>();
  for (const r of rows) {
    const list = out.get(r.participant_id) ?? [];
    list.push(view(r));
    out.set(r.participant_id, list);
  }
  return out;
}

/** Every submitted application of the participants (all of the municipality's when `ids` is undefined), oldest first. */
async function submissionsOf(
  db: Tx,
  municipality: string,
  ids?: readonly string[],
): Promise<Map<string, Submission[]>> {
  if (ids?.length === 0) return new Map();
  const rows = await db
    .selectFrom('labour_market_participant as p')
    .innerJoin('application as a', (j) =>
      j.onRef('a.municipality_id', '=', 'p.municipality_id').onRef('a.applicant', '=', 'p.applicant'),
    )
    .select([
      'p.id as participant_id',
      'a.id',
      'a.month',
      'a.status',
      'a.submitted_at',
      'a.protected_identity',
      sql<string | null>`a.snapshot #>> '{household,adults,0,name}'`.as('name'),
    ])
    .where('p.municipality_id', '=', municipality)
    .where('a.submitted_at', 'is not', null)
    .$if(ids !== undefined, (q) => q.where('p.id', 'in', ids!))
    .orderBy('a.submitted_at')
    .orderBy('a.id')
    .execute();
  return byParticipant(rows, (r) => ({
    applicationId: r.id,
    month: r.month,
    status: r.status,
    submittedAt: new Date(r.submitted_at!),
    submittedOn: swedishDay(r.submitted_at!),
    protectedIdentity: r.protected_identity,
    name: r.name,
  }));
}

/** The days the person returned, in the rule's sense: submitted applications not withdrawn. */
const returnDays = (subs: readonly Submission[]) =>
  subs.filter((s) => !NOT_A_RETURN.has(s.status)).map((s) => s.submittedOn);

/** Fail-closed: without the claim, only when every submitted application says "no protected identity". */
function visible(viewer: Viewer, subs: readonly Submission[]): boolean {
  return viewer.protectedIdentityAccess || (subs.length > 0 && subs.every((s) => s.protectedIdentity === false));
}

async function exitsOf(db: Tx, municipality: string, ids?: readonly string[]): Promise<Map<string, ExitRow[]>> {
  if (ids?.length === 0) return new Map();
  const rows = await db
    .selectFrom('labour_market_exit')
    .select([
      'id',
      'participant_id',
      'reason',
      day('exit_date').as('exit_date'),
      'note',
      'recorded_by',
      'recorded_by_name',
      'recorded_at',
    ])
    .where('municipality_id', '=', municipality)
    .$if(ids !== undefined, (q) => q.where('participant_id', 'in', ids!))
    .orderBy('exit_date')
    .orderBy('recorded_at')
    .execute();
  return byParticipant(rows, (r) => ({
    id: r.id,
    reason: r.reason,
    date: r.exit_date,
    note: r.note,
    recordedBy: r.recorded_by,
    recordedByName: r.recorded_by_name,
    recordedAt: iso(r.recorded_at),
  }));
}

/* ------------------------------------------------------------------ views */

export interface ExitView {
  readonly id: string;
  readonly reason: ExitReason;
  readonly exitDate: string;
  readonly note: string | null;
  readonly recordedBy: string;
  readonly recordedByName: string | null;
  readonly recordedAt: string;
  /** voided (a return within three months), provisional (window open) or final. */
  readonly state: ExitState;
  readonly counts: boolean;
  /** The return that voided it, if any. */
  readonly returnedOn: string | null;
  /** The last day a return voids it. */
  readonly windowEnds: string;
}

function exitView(e: ExitRow, returns: readonly string[], today: string): ExitView {
  const s = exitStanding(e.date, returns, today);
  return {
    id: e.id,
    reason: e.reason,
    exitDate: e.date,
    note: e.note,
    recordedBy: e.recordedBy,
    recordedByName: e.recordedByName,
    recordedAt: e.recordedAt,
    state: s.state,
    counts: s.counts,
    returnedOn: s.returnedOn,
    windowEnds: s.window.through,
  };
}

export interface TrackView {
  readonly state: TrackState;
  /** The first application after the last exit, if any (within three months: the reopening). */
  readonly returnedOn: string | null;
}

function track(exits: readonly ExitRow[], returns: readonly string[], today: string): TrackView {
  const t = trackStanding(exits, returns, today);
  return { state: t.state, returnedOn: t.returnedOn };
}

export interface ParticipantSummary {
  readonly id: string;
  /** The first adult's name in the latest application, if given. */
  readonly name: string | null;
  readonly track: TrackView;
  readonly firstSubmittedOn: string;
  readonly latestApplication: {
    readonly id: string;
    readonly month: string;
    readonly status: string;
    readonly submittedOn: string;
  };
  readonly lastExit: ExitView | null;
  readonly ongoingMeasures: number;
}

function summary(
  id: string,
  subs: readonly Submission[],
  exits: readonly ExitRow[],
  ongoingMeasures: number,
  today: string,
): ParticipantSummary {
  const returns = returnDays(subs);
  const latest = subs.at(-1)!;
  const last = latestExit(exits);
  return {
    id,
    name: latest.name,
    track: track(exits, returns, today),
    firstSubmittedOn: subs[0]!.submittedOn,
    latestApplication: {
      id: latest.applicationId,
      month: latest.month,
      status: latest.status,
      submittedOn: latest.submittedOn,
    },
    lastExit: last ? exitView(last, returns, today) : null,
    ongoingMeasures,
  };
}

async function ongoingMeasureCounts(
  db: Tx,
  municipality: string,
  ids?: readonly string[],
): Promise<Map<string, number>> {
  if (ids?.length === 0) return new Map();
  const rows = await db
    .selectFrom('labour_market_measure')
    .select(['participant_id', sql<number>`count(*)::int`.as('n')])
    .where('municipality_id', '=', municipality)
    .where('ended_on', 'is', null)
    .$if(ids !== undefined, (q) => q.where('participant_id', 'in', ids!))
    .groupBy('participant_id')
    .execute();
  return new Map(rows.map((r) => [r.participant_id, Number(r.n)]));
}

/** The largest list answered at once. */
export const MAX_PARTICIPANTS = 1000;

/**
 * The municipality's participants the viewer may see, with their track's state (only those in
 * `state` when given), the latest application first.
 */
export async function listParticipants(
  db: Tx,
  municipality: string,
  viewer: Viewer,
  filter: { readonly state?: TrackState },
  today: string,
): Promise<{ readonly participants: ParticipantSummary[]; readonly truncated: boolean }> {
  const subs = await submissionsOf(db, municipality);
  const exits = await exitsOf(db, municipality);
  const measures = await ongoingMeasureCounts(db, municipality);
  const all: ParticipantSummary[] = [];
  for (const [id, s] of subs) {
    if (!visible(viewer, s)) continue;
    const p = summary(id, s, exits.get(id) ?? [], measures.get(id) ?? 0, today);
    if (filter.state === undefined || p.track.state === filter.state) all.push(p);
  }
  all.sort((a, b) =>
    a.latestApplication.submittedOn !== b.latestApplication.submittedOn
      ? a.latestApplication.submittedOn < b.latestApplication.submittedOn
        ? 1
        : -1
      : a.id < b.id
        ? -1
        : 1,
  );
  return { participants: all.slice(0, MAX_PARTICIPANTS), truncated: all.length > MAX_PARTICIPANTS };
}

export interface Activity {
  readonly what: string;
  readonly startsOn: string;
  readonly endsOn: string | null;
}

export interface PlanContent {
  readonly goals: readonly string[];
  readonly activities: readonly Activity[];
}

export interface PlanVersion extends PlanContent {
  readonly version: number;
  readonly createdBy: string;
  readonly createdByName: string | null;
  readonly createdAt: string;
}

export interface MeasureView {
  readonly id: string;
  readonly type: MeasureType;
  readonly provider: string;
  readonly startsOn: string;
  readonly plannedEndOn: string | null;
  readonly endedOn: string | null;
  readonly endReason: MeasureEndReason | null;
  readonly enrolledBy: string;
  readonly enrolledByName: string | null;
  readonly enrolledAt: string;
}

export interface NoteView {
  readonly id: string;
  readonly outcome: MeetingOutcome | null;
  readonly text: string;
  readonly writtenBy: string;
  readonly writtenByName: string | null;
  readonly writtenAt: string;
}

export interface MeetingView {
  readonly id: string;
  readonly participantId: string;
  readonly applicationId: string;
  readonly status: MeetingStatus;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly mode: MeetingMode;
  readonly location: string | null;
  readonly coachName: string;
  readonly notes: readonly NoteView[];
}

export interface ParticipantView extends ParticipantSummary {
  readonly exits: readonly ExitView[];
  readonly measures: readonly MeasureView[];
  readonly plan: PlanVersion | null;
  readonly planVersions: number;
  readonly meetings: readonly MeetingView[];
  readonly today: string;
}

const NOTE_COLUMNS = ['id', 'outcome', 'text', 'written_by', 'written_by_name', 'created_at'] as const;

function noteView(n: {
  id: string;
  outcome: MeetingOutcome | null;
  text: string;
  written_by: string;
  written_by_name: string | null;
  created_at: Date;
}): NoteView {
  return {
    id: n.id,
    outcome: n.outcome,
    text: n.text,
    writtenBy: n.written_by,
    writtenByName: n.written_by_name,
    writtenAt: iso(n.created_at),
  };
}

function planVersion(r: {
  version: number;
  goals: unknown;
  activities: unknown;
  created_by: string;
  created_by_name: string | null;
  created_at: Date;
}): PlanVersion {
  return {
    version: r.version,
    goals: r.goals as string[],
    activities: r.activities as Activity[],
    createdBy: r.created_by,
    createdByName: r.created_by_name,
    createdAt: iso(r.created_at),
  };
}

const PLAN_COLUMNS = ['version', 'goals', 'activities', 'created_by', 'created_by_name', 'created_at'] as const;

/** Every version of the participant's plan, the newest first. */
export async function planVersions(db: Tx, municipality: string, participantId: string): Promise<PlanVersion[]> {
  const rows = await db
    .selectFrom('labour_market_plan')
    .select(PLAN_COLUMNS)
    .where('municipality_id', '=', municipality)
    .where('participant_id', '=', participantId)
    .orderBy('version', 'desc')
    .execute();
  return rows.map(planVersion);
}

async function measuresOf(db: Tx, municipality: string, participantId: string): Promise<MeasureView[]> {
  const rows = await db
    .selectFrom('labour_market_measure')
    .select([
      'id',
      'type',
      'provider',
      day('starts_on').as('starts_on'),
      sql<string | null>`to_char(planned_end_on, 'YYYY-MM-DD')`.as('planned_end_on'),
      sql<string | null>`to_char(ended_on, 'YYYY-MM-DD')`.as('ended_on'),
      'end_reason',
      'enrolled_by',
      'enrolled_by_name',
      'created_at',
    ])
    .where('municipality_id', '=', municipality)
    .where('participant_id', '=', participantId)
    .orderBy('starts_on')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    provider: r.provider,
    startsOn: r.starts_on,
    plannedEndOn: r.planned_end_on,
    endedOn: r.ended_on,
    endReason: r.end_reason,
    enrolledBy: r.enrolled_by,
    enrolledByName: r.enrolled_by_name,
    enrolledAt: iso(r.created_at),
  }));
}

/** The person's meetings that are booked or have taken place (with notes), by `participant` or one `meeting`. */
async function meetingsOf(
  db: Tx,
  municipality: string,
  which: { readonly participant: string } | { readonly meeting: string },
): Promise<MeetingView[]> {
  let q = db
    .selectFrom('meeting as m')
    .innerJoin('coach_slot as s', (j) =>
      j.onRef('s.id', '=', 'm.slot_id').onRef('s.municipality_id', '=', 'm.municipality_id'),
    )
    .innerJoin('application as a', (j) =>
      j.onRef('a.id', '=', 'm.application_id').onRef('a.municipality_id', '=', 'm.municipality_id'),
    )
    .innerJoin('labour_market_participant as p', (j) =>
      j.onRef('p.municipality_id', '=', 'a.municipality_id').onRef('p.applicant', '=', 'a.applicant'),
    )
    .select([
      'm.id',
      'm.status',
      'm.application_id',
      'p.id as participant_id',
      's.starts_at',
      's.ends_at',
      's.mode',
      's.location',
      's.coach_name',
    ])
    .where('m.municipality_id', '=', municipality);
  q =
    'participant' in which
      ? q.where('p.id', '=', which.participant).where('m.status', 'in', TAKEN_STATUSES)
      : q.where('m.id', '=', which.meeting);
  const rows = await q.orderBy('s.starts_at').execute();
  const ids = rows.map((r) => r.id);
  const notes = ids.length
    ? await db
        .selectFrom('meeting_note')
        .select([...NOTE_COLUMNS, 'meeting_id'])
        .where('municipality_id', '=', municipality)
        .where('meeting_id', 'in', ids)
        .orderBy('created_at')
        .orderBy('id')
        .execute()
    : [];
  return rows.map((r) => ({
    id: r.id,
    participantId: r.participant_id,
    applicationId: r.application_id,
    status: r.status,
    startsAt: iso(r.starts_at),
    endsAt: iso(r.ends_at),
    mode: r.mode,
    location: r.location,
    coachName: r.coach_name,
    notes: notes.filter((n) => n.meeting_id === r.id).map(noteView),
  }));
}

/** Whether the participant exists in the municipality and the viewer may see them (else: not found). */
export async function participantVisible(
  db: Tx,
  municipality: string,
  participantId: string,
  viewer: Viewer,
): Promise<boolean> {
  const subs = (await submissionsOf(db, municipality, [participantId])).get(participantId);
  return subs !== undefined && visible(viewer, subs);
}

/** One participant with everything on their track; undefined when not found or not visible. */
export async function getParticipant(
  db: Tx,
  municipality: string,
  participantId: string,
  viewer: Viewer,
  today: string,
): Promise<ParticipantView | undefined> {
  const subs = (await submissionsOf(db, municipality, [participantId])).get(participantId);
  if (subs === undefined || !visible(viewer, subs)) return undefined;
  const exits = (await exitsOf(db, municipality, [participantId])).get(participantId) ?? [];
  const measures = await measuresOf(db, municipality, participantId);
  const plans = await planVersions(db, municipality, participantId);
  const returns = returnDays(subs);
  return {
    ...summary(participantId, subs, exits, measures.filter((m) => m.endedOn === null).length, today),
    exits: exits.map((e) => exitView(e, returns, today)).reverse(),
    measures,
    plan: plans[0] ?? null,
    planVersions: plans.length,
    meetings: await meetingsOf(db, municipality, { participant: participantId }),
    today,
  };
}

/** One meeting with its notes, if its participant is visible to the viewer. */
export async function getMeeting(
  db: Tx,
  municipality: string,
  meetingId: string,
  viewer: Viewer,
): Promise<(MeetingView & { readonly name: string | null }) | undefined> {
  const [m] = await meetingsOf(db, municipality, { meeting: meetingId });
  if (!m) return undefined;
  const subs = (await submissionsOf(db, municipality, [m.participantId])).get(m.participantId);
  if (subs === undefined || !visible(viewer, subs)) return undefined;
  return { ...m, name: subs.at(-1)!.name };
}

/* ------------------------------------------------------------------ writes */

export type LabourMarketConflict =
  | 'stale-plan'
  | 'already-exited'
  | 'track-exited'
  | 'measure-ended'
  | 'meeting-not-taking-place'
  | 'idempotency-key-reused';

export type FieldCode = 'future-date' | 'before-last-exit' | 'before-start' | 'not-yet';

export type WriteResult<T> =
  | { readonly ok: true; readonly value: T; readonly replay: boolean }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'invalid'; readonly field: string; readonly code: FieldCode }
  | {
      readonly ok: false;
      readonly reason: 'conflict';
      readonly conflict: LabourMarketConflict;
      readonly current?: number;
    };

const notFound = { ok: false, reason: 'not-found' } as const;
const conflict = (c: LabourMarketConflict, current?: number) =>
  ({ ok: false, reason: 'conflict', conflict: c, ...(current !== undefined ? { current } : {}) }) as const;
const invalid = (field: string, code: FieldCode) => ({ ok: false, reason: 'invalid', field, code }) as const;

type ParticipantScope = { readonly municipality: string; readonly participantId: string };

/** A write on the participant's track in the audit log. */
function auditParticipantWrite(
  tx: Transaction<Database>,
  actor: Actor,
  scope: ParticipantScope,
  purpose: string,
  details: AuditDetails,
) {
  return appendWrite(tx, actor, {
    municipalityId: scope.municipality,
    objectType: 'labour-market-participant',
    objectId: scope.participantId,
    purpose,
    details,
  });
}

/** Locks the participant's row (serializing their writes) when it exists in the municipality and is visible. */
async function lockParticipant(
  tx: Transaction<Database>,
  municipality: string,
  participantId: string,
  viewer: Viewer,
): Promise<boolean> {
  const row = await tx
    .selectFrom('labour_market_participant')
    .select('id')
    .where('id', '=', participantId)
    .where('municipality_id', '=', municipality)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined && (await participantVisible(tx, municipality, participantId, viewer));
}

const planKey = (c: PlanContent) =>
  JSON.stringify({
    goals: c.goals,
    activities: c.activities.map((a) => ({ what: a.what, startsOn: a.startsOn, endsOn: a.endsOn })),
  });

/**
 * Saves a new version of the participant's plan, on the version the coach read (`basedOnVersion`,
 * 0 for the first): a newer version answers `stale-plan` with the current number. Earlier versions
 * are kept. Idempotent on the key (the same key with other content: `idempotency-key-reused`).
 */
export async function savePlan(
  db: Kysely<Database>,
  scope: ParticipantScope,
  req: PlanContent & { readonly basedOnVersion: number; readonly key: string },
  actor: Actor,
  viewer: Viewer,
): Promise<WriteResult<PlanVersion>> {
  return db.transaction().execute(async (tx): Promise<WriteResult<PlanVersion>> => {
    if (!(await lockParticipant(tx, scope.municipality, scope.participantId, viewer))) return notFound;
    const earlier = await tx
      .selectFrom('labour_market_plan')
      .select(PLAN_COLUMNS)
      .where('participant_id', '=', scope.participantId)
      .where('client_key', '=', req.key)
      .executeTakeFirst();
    if (earlier) {
      const v = planVersion(earlier);
      return planKey(v) === planKey(req) ? { ok: true, value: v, replay: true } : conflict('idempotency-key-reused');
    }
    const current = await tx
      .selectFrom('labour_market_plan')
      .select(sql<number>`coalesce(max(version), 0)::int`.as('v'))
      .where('participant_id', '=', scope.participantId)
      .executeTakeFirstOrThrow();
    const currentVersion = Number(current.v);
    if (req.basedOnVersion !== currentVersion) return conflict('stale-plan', currentVersion);
    const row = await tx
      .insertInto('labour_market_plan')
      .values({
        id: randomUUID(),
        municipality_id: scope.municipality,
        participant_id: scope.participantId,
        version: currentVersion + 1,
        goals: JSON.stringify(req.goals),
        activities: JSON.stringify(
          req.activities.map((a) => ({ what: a.what, startsOn: a.startsOn, endsOn: a.endsOn })),
        ),
        created_by: actor.actor,
        created_by_name: actor.name,
        client_key: req.key,
      })
      .returning(PLAN_COLUMNS)
      .executeTakeFirstOrThrow();
    await auditParticipantWrite(tx, actor, scope, 'labour-market-plan-saved', { version: currentVersion + 1 });
    return { ok: true, value: planVersion(row), replay: false };
  });
}

/** The track's state now, within a transaction. */
async function currentTrack(tx: Tx, municipality: string, participantId: string, today: string) {
  const subs = (await submissionsOf(tx, municipality, [participantId])).get(participantId) ?? [];
  const exits = (await exitsOf(tx, municipality, [participantId])).get(participantId) ?? [];
  return { exits, returns: returnDays(subs), track: track(exits, returnDays(subs), today) };
}

async function measureById(tx: Tx, municipality: string, id: string): Promise<MeasureView | undefined> {
  const row = await tx
    .selectFrom('labour_market_measure')
    .select(['participant_id'])
    .where('id', '=', id)
    .where('municipality_id', '=', municipality)
    .executeTakeFirst();
  if (!row) return undefined;
  return (await measuresOf(tx, municipality, row.participant_id)).find((m) => m.id === id);
}

/**
 * Enrols the participant in a measure. Not while the track is exited (`track-exited`): a return
 * opens it again. Idempotent on the key.
 */
export async function enrolMeasure(
  db: Kysely<Database>,
  scope: ParticipantScope,
  req: {
    readonly type: MeasureType;
    readonly provider: string;
    readonly startsOn: string;
    readonly plannedEndOn: string | null;
    readonly key: string;
  },
  actor: Actor,
  viewer: Viewer,
  today: string,
): Promise<WriteResult<MeasureView>> {
  return db.transaction().execute(async (tx): Promise<WriteResult<MeasureView>> => {
    if (!(await lockParticipant(tx, scope.municipality, scope.participantId, viewer))) return notFound;
    const earlier = await tx
      .selectFrom('labour_market_measure')
      .select(['id', 'type', 'provider', day('starts_on').as('starts_on')])
      .where('participant_id', '=', scope.participantId)
      .where('client_key', '=', req.key)
      .executeTakeFirst();
    if (earlier) {
      const same = earlier.type === req.type && earlier.provider === req.provider && earlier.starts_on === req.startsOn;
      if (!same) return conflict('idempotency-key-reused');
      return { ok: true, value: (await measureById(tx, scope.municipality, earlier.id))!, replay: true };
    }
    const { track: t } = await currentTrack(tx, scope.municipality, scope.participantId, today);
    if (t.state === 'exited') return conflict('track-exited');
    const id = randomUUID();
    await tx
      .insertInto('labour_market_measure')
      .values({
        id,
        municipality_id: scope.municipality,
        participant_id: scope.participantId,
        type: req.type,
        provider: req.provider,
        starts_on: req.startsOn,
        planned_end_on: req.plannedEndOn,
        enrolled_by: actor.actor,
        enrolled_by_name: actor.name,
        client_key: req.key,
      })
      .execute();
    await auditParticipantWrite(tx, actor, scope, 'labour-market-measure-enrolled', { measure: id, type: req.type });
    return { ok: true, value: (await measureById(tx, scope.municipality, id))!, replay: false };
  });
}

/**
 * Ends an ongoing measure on a day (not before it started, not in the future). Ending it again on
 * the same day for the same reason answers the same; otherwise `measure-ended`.
 */
export async function endMeasure(
  db: Kysely<Database>,
  scope: { readonly municipality: string; readonly participantId: string; readonly measureId: string },
  req: { readonly endedOn: string; readonly reason: Exclude<MeasureEndReason, 'exit'> },
  actor: Actor,
  viewer: Viewer,
  today: string,
): Promise<WriteResult<MeasureView>> {
  return db.transaction().execute(async (tx): Promise<WriteResult<MeasureView>> => {
    if (!(await lockParticipant(tx, scope.municipality, scope.participantId, viewer))) return notFound;
    const m = await measureById(tx, scope.municipality, scope.measureId);
    const owned = await tx
      .selectFrom('labour_market_measure')
      .select('id')
      .where('id', '=', scope.measureId)
      .where('participant_id', '=', scope.participantId)
      .executeTakeFirst();
    if (!m || !owned) return notFound;
    if (m.endedOn !== null)
      return m.endedOn === req.endedOn && m.endReason === req.reason
        ? { ok: true, value: m, replay: true }
        : conflict('measure-ended');
    if (req.endedOn > today) return invalid('endedOn', 'future-date');
    if (req.endedOn < m.startsOn) return invalid('endedOn', 'before-start');
    await tx
      .updateTable('labour_market_measure')
      .set({ ended_on: req.endedOn, end_reason: req.reason, ended_by: actor.actor, ended_at: new Date() })
      .where('id', '=', scope.measureId)
      .where('municipality_id', '=', scope.municipality)
      .execute();
    await auditParticipantWrite(tx, actor, scope, 'labour-market-measure-ended', {
      measure: scope.measureId,
      reason: req.reason,
    });
    return { ok: true, value: (await measureById(tx, scope.municipality, scope.measureId))!, replay: false };
  });
}

/**
 * Records an exit (avslut) to work, studies or other on a day: not in the future, after the last
 * exit, and not while the track is already exited (`already-exited`). Ongoing measures end on the
 * exit day (reason `exit`; on their start day if they had not started yet). Idempotent on the key.
 */
export async function recordExit(
  db: Kysely<Database>,
  scope: ParticipantScope,
  req: { readonly reason: ExitReason; readonly exitDate: string; readonly note: string | null; readonly key: string },
  actor: Actor,
  viewer: Viewer,
  today: string,
): Promise<WriteResult<ExitView>> {
  return db.transaction().execute(async (tx): Promise<WriteResult<ExitView>> => {
    if (!(await lockParticipant(tx, scope.municipality, scope.participantId, viewer))) return notFound;
    const state = await currentTrack(tx, scope.municipality, scope.participantId, today);
    const earlier = await tx
      .selectFrom('labour_market_exit')
      .select(['id', 'reason', day('exit_date').as('exit_date')])
      .where('participant_id', '=', scope.participantId)
      .where('client_key', '=', req.key)
      .executeTakeFirst();
    if (earlier) {
      if (earlier.reason !== req.reason || earlier.exit_date !== req.exitDate)
        return conflict('idempotency-key-reused');
      const e = state.exits.find((x) => x.id === earlier.id)!;
      return { ok: true, value: exitView(e, state.returns, today), replay: true };
    }
    if (req.exitDate > today) return invalid('exitDate', 'future-date');
    if (state.track.state === 'exited') return conflict('already-exited');
    const last = latestExit(state.exits);
    if (last && req.exitDate <= last.date) return invalid('exitDate', 'before-last-exit');
    const id = randomUUID();
    const row = await tx
      .insertInto('labour_market_exit')
      .values({
        id,
        municipality_id: scope.municipality,
        participant_id: scope.participantId,
        reason: req.reason,
        exit_date: req.exitDate,
        note: req.note,
        recorded_by: actor.actor,
        recorded_by_name: actor.name,
        client_key: req.key,
      })
      .returning(['recorded_at'])
      .executeTakeFirstOrThrow();
    const ended = await tx
      .updateTable('labour_market_measure')
      .set({
        ended_on: sql<string>`greatest(${req.exitDate}::date, starts_on)`,
        end_reason: 'exit',
        ended_by: actor.actor,
        ended_at: new Date(),
      })
      .where('municipality_id', '=', scope.municipality)
      .where('participant_id', '=', scope.participantId)
      .where('ended_on', 'is', null)
      .returning('id')
      .execute();
    await auditParticipantWrite(tx, actor, scope, 'labour-market-exit-recorded', {
      exit: id,
      reason: req.reason,
      measuresEnded: ended.length,
    });
    const e: ExitRow = {
      id,
      reason: req.reason,
      date: req.exitDate,
      note: req.note,
      recordedBy: actor.actor,
      recordedByName: actor.name,
      recordedAt: iso(row.recorded_at),
    };
    return { ok: true, value: exitView(e, state.returns, today), replay: false };
  });
}

/**
 * Adds a note to a meeting, perhaps with its outcome (held / no-show), which the meeting's status
 * then shows. An outcome only once the meeting has begun (`not-yet`); a cancelled or moved
 * meeting takes no note (`meeting-not-taking-place`). Idempotent on the key.
 */
export async function addMeetingNote(
  db: Kysely<Database>,
  scope: { readonly municipality: string; readonly meetingId: string },
  req: { readonly outcome: MeetingOutcome | null; readonly text: string; readonly key: string },
  actor: Actor,
  viewer: Viewer,
  now: Date,
): Promise<WriteResult<NoteView>> {
  return db.transaction().execute(async (tx): Promise<WriteResult<NoteView>> => {
    const meeting = await tx
      .selectFrom('meeting as m')
      .innerJoin('coach_slot as s', 's.id', 'm.slot_id')
      .select(['m.id', 'm.status', 'm.application_id', 's.starts_at'])
      .where('m.id', '=', scope.meetingId)
      .where('m.municipality_id', '=', scope.municipality)
      .forUpdate()
      .executeTakeFirst();
    if (!meeting) return notFound;
    const [view] = await meetingsOf(tx, scope.municipality, { meeting: scope.meetingId });
    if (!view || !(await participantVisible(tx, scope.municipality, view.participantId, viewer))) return notFound;
    const earlier = await tx
      .selectFrom('meeting_note')
      .select(NOTE_COLUMNS)
      .where('meeting_id', '=', scope.meetingId)
      .where('client_key', '=', req.key)
      .executeTakeFirst();
    if (earlier)
      return earlier.text === req.text && earlier.outcome === req.outcome
        ? { ok: true, value: noteView(earlier), replay: true }
        : conflict('idempotency-key-reused');
    if (!(TAKEN_STATUSES as readonly string[]).includes(meeting.status)) return conflict('meeting-not-taking-place');
    if (req.outcome !== null && new Date(meeting.starts_at) > now) return invalid('outcome', 'not-yet');
    const row = await tx
      .insertInto('meeting_note')
      .values({
        id: randomUUID(),
        municipality_id: scope.municipality,
        meeting_id: scope.meetingId,
        outcome: req.outcome,
        text: req.text,
        written_by: actor.actor,
        written_by_name: actor.name,
        client_key: req.key,
      })
      .returning(NOTE_COLUMNS)
      .executeTakeFirstOrThrow();
    if (req.outcome !== null && req.outcome !== meeting.status)
      await tx
        .updateTable('meeting')
        .set({ status: req.outcome, updated_at: new Date() })
        .where('id', '=', scope.meetingId)
        .where('municipality_id', '=', scope.municipality)
        .execute();
    await appendWrite(tx, actor, {
      municipalityId: scope.municipality,
      objectType: 'meeting',
      objectId: scope.meetingId,
      purpose: 'meeting-note-written',
      details: { note: row.id, ...(req.outcome !== null ? { outcome: req.outcome } : {}) },
    });
    return { ok: true, value: noteView(row), replay: false };
  });
}

/* ------------------------------------------------------------------ outcome figures */

export interface Outcomes {
  readonly from: string;
  readonly to: string;
  readonly today: string;
  readonly months: readonly MonthOutcome[];
  readonly total: Omit<MonthOutcome, 'month'>;
}

/**
 * Exits per month of the exit date, as they stand today: those that count by reason (voided ones
 * apart). Counts only: no person is named, and people with protected identity are counted too.
 */
export async function outcomes(
  db: Tx,
  municipality: string,
  range: { readonly from: string; readonly to: string },
  today: string,
): Promise<Outcomes> {
  const [ty, tm] = [Number(range.to.slice(0, 4)), Number(range.to.slice(5, 7))];
  const after = tm === 12 ? `${ty + 1}-01-01` : `${ty}-${String(tm + 1).padStart(2, '0')}-01`;
  const rows = await db
    .selectFrom('labour_market_exit')
    .select(['participant_id', 'reason', day('exit_date').as('exit_date')])
    .where('municipality_id', '=', municipality)
    .where('exit_date', '>=', `${range.from}-01`)
    .where('exit_date', '<', after)
    .execute();
  const subs = await submissionsOf(db, municipality, [...new Set(rows.map((r) => r.participant_id))]);
  const months = exitOutcomes(
    rows.map((r) => ({
      date: r.exit_date,
      reason: r.reason,
      submittedOn: returnDays(subs.get(r.participant_id) ?? []),
    })),
    range,
    today,
  );
  const counted = { work: 0, studies: 0, other: 0 };
  let provisional = 0;
  let voided = 0;
  for (const m of months) {
    counted.work += m.counted.work;
    counted.studies += m.counted.studies;
    counted.other += m.counted.other;
    provisional += m.provisional;
    voided += m.voided;
  }
  const total = counted.work + counted.studies + counted.other;
  return {
    ...range,
    today,
    months,
    total: {
      counted,
      total,
      provisional,
      voided,
      workOrStudiesPercent: total === 0 ? null : Math.round(((counted.work + counted.studies) * 1000) / total) / 10,
    },
  };
}
