/** Dates as they are in Sweden (Europe/Stockholm), whatever the server's time zone. */

/** The day in Sweden at an instant, YYYY-MM-DD. */
export function swedishDate(at: Date = new Date()): string {
  return at.toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
}
