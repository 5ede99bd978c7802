/**
 * The auditor in a real browser: the pipeline decides a renewal by itself; the auditor signs in,
 * searches the audit log for the case, downloads the selection as CSV, verifies the chain, and
 * replays the decision from a row of the results: "Stämmer", with the amounts. A receipt altered
 * in the database then replays as "Stämmer inte". axe on every page.
 */
import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJourney } from './journey.ts';
import type { Journey } from './journey.ts';

let j: Journey;
beforeAll(async () => {
  j = await startJourney(1);
}, 120_000);
afterAll(async () => {
  await j?.close();
});

const url = (path: string) => `${j.h.server.url}${path}`;
/** Text with every kind of space as one plain space. */
const plain = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
const kronor = (amount: number) =>
  plain(
    new Intl.NumberFormat('sv-SE', { style: 'currency', currency: 'SEK', maximumFractionDigits: 2 }).format(amount),
  );

describe('an auditor', () => {
  it('replays a decision', async () => {
    const id = await j.h.apply('web', 0, 'renewal', 'auditor-journey');
    expect(await j.runPipeline()).toEqual(['decided']);
    const decision = (await j.h.state(id)).decisions[0] as { amount_ore: string; automated: boolean };
    expect(decision.automated).toBe(true);
    const amount = Number(decision.amount_ore) / 100;
    expect(amount).toBeGreaterThan(0);

    const { context, page } = await j.staffPage('ekby-auditor', '/personal/granskning');
    await page.getByRole('heading', { level: 1, name: 'Granskning' }).waitFor();
    await j.axe(page, 'the audit page');

    // Search the log for the case: the applicant's own writes are there, newest first.
    const search = page.getByRole('search', { name: 'Sök i granskningsloggen' });
    await search.getByRole('textbox', { name: /Ärendets id/ }).fill(id);
    await search.getByRole('button', { name: 'Sök', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Träffar' }).waitFor();
    const results = page.getByRole('table', { name: 'Poster i granskningsloggen, nyast först' });
    const rows = results.locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(1);
    const inTable = await j.h.server.store.db
      .selectFrom('audit_log')
      .select(sql<string>`id::text`.as('id'))
      .where('municipality_id', '=', 'ekby')
      .where((eb) => eb.or([eb('object_id', '=', id), eb(sql`details ->> 'application'`, '=', id)]))
      .execute();
    expect(await rows.count()).toBe(inTable.length);
    await expect.poll(async () => plain(await results.textContent())).toContain('Sökande');
    await j.axe(page, 'the search results');

    // The same selection as a file.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Ladda ner som CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^audit-log-ekby-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe('id,at,municipality,actor,role,action,objectType,objectId,purpose,details,prevHash,hash');
    expect(lines).toHaveLength(inTable.length + 1);

    // Verify the chain.
    await page.getByRole('button', { name: 'Kontrollera kedjan' }).click();
    await page.getByRole('heading', { level: 3, name: 'Kedjan är hel' }).waitFor();
    await page.getByText(/av kommunens poster är kontrollerade/).waitFor();
    await j.axe(page, 'the verified chain');

    // Replay the decision from a row about the case.
    await page.getByRole('link', { name: 'Spela upp beslutet' }).first().click();
    await page.waitForURL(url(`/personal/granskning/beslut/ekby/${id}`));
    await page.getByRole('heading', { level: 1, name: 'Uppspelning av beslut' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Stämmer', exact: true }).waitFor();
    await page.getByText('Automatiskt beslut.').waitFor();
    const assistance = page.getByRole('row', { name: /Bistånd/ });
    expect(plain(await assistance.textContent())).toBe(`Bistånd${kronor(amount)}${kronor(amount)}`);
    await page.getByText(/Regelbok \d/).waitFor();
    await j.axe(page, 'the replayed decision');

    // A receipt altered in the database does not match, and the page says where.
    const db = j.h.server.store.db;
    const original = await db
      .selectFrom('decision')
      .select('receipt')
      .where('application_id', '=', id)
      .executeTakeFirstOrThrow();
    await sql`update decision set receipt = jsonb_set(receipt, '{totals,amount}', to_jsonb((receipt #>> '{totals,amount}')::bigint + 50000))
      where application_id = ${id}`.execute(db);
    try {
      await page.reload();
      await page.getByRole('heading', { level: 2, name: 'Stämmer inte' }).waitFor();
      await page.getByText(/något i kvittot har ändrats/).waitFor();
      expect(plain(await assistance.textContent())).toBe(`Bistånd${kronor(amount + 500)}${kronor(amount)}`);
      await page.getByText('totals.amount', { exact: true }).waitFor();
      await j.axe(page, 'a replay that does not match');
    } finally {
      await db
        .updateTable('decision')
        .set({ receipt: JSON.stringify(original.receipt) })
        .where('application_id', '=', id)
        .execute();
    }

    // Back to the search, by keyboard.
    await page.getByRole('link', { name: 'Tillbaka till sökningen' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(url('/personal/granskning'));
    await page.getByRole('heading', { level: 1, name: 'Granskning' }).waitFor();
    await context.close();
  }, 240_000);
});
