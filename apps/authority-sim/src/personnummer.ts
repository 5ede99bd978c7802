/**
 * Synthetic Swedish personal identity numbers (personnummer), 12 digits: YYYYMMDD NNN C.
 *
 * THE RULE (see README): YYYYMMDD is the synthetic person's birth date; NNN, the birth number, is
 * taken from 980–999 only (its last digit odd for a man, even for a woman), the first free one for
 * that date in a seeded order; C is the Luhn (mod 10) check digit over the ten digits YYMMDDNNN.
 * Such numbers are valid in form but NOT guaranteed to be unassigned: they are for this simulator
 * only and must never be used to look anything up in a real system.
 */

export const SERIAL_MIN = 980;
export const SERIAL_MAX = 999;

/** The Luhn check digit over nine digits (YYMMDDNNN), weights 2,1,2,1,… from the left. */
export function luhnCheckDigit(nineDigits: string): number {
  let sum = 0;
  for (let i = 0; i < nineDigits.length; i++) {
    let d = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** The 12-digit personnummer for a birth date ("YYYY-MM-DD") and birth number (0–999). */
export function makePersonnummer(birthDate: string, serial: number): string {
  const ymd = birthDate.replaceAll('-', '');
  const nnn = String(serial).padStart(3, '0');
  return `${ymd}${nnn}${luhnCheckDigit(ymd.slice(2) + nnn)}`;
}

/** Twelve digits, a date that exists and a correct check digit. */
export function isValidPersonnummer(value: string): boolean {
  if (!/^\d{12}$/.test(value)) return false;
  const y = Number(value.slice(0, 4));
  const m = Number(value.slice(4, 6));
  const d = Number(value.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return luhnCheckDigit(value.slice(2, 11)) === Number(value[11]);
}

/**
 * Hands out unique personnummer. For a birth date and sex it tries the ten birth numbers of that
 * sex in 980–999, starting at `offset`; when all ten are taken it moves the date one day earlier.
 */
export class PersonnummerRegistry {
  private readonly used = new Set<string>();

  /** Returns the number and the (possibly moved) birth date it encodes. */
  assign(birthDate: string, sex: 'female' | 'male', offset: number): { personnummer: string; birthDate: string } {
    let date = birthDate;
    for (;;) {
      for (let k = 0; k < 10; k++) {
        const serial = SERIAL_MIN + 2 * ((offset + k) % 10) + (sex === 'male' ? 1 : 0);
        const pnr = makePersonnummer(date, serial);
        if (!this.used.has(pnr)) {
          this.used.add(pnr);
          return { personnummer: pnr, birthDate: date };
        }
      }
      const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
      date = new Date(t - 86_400_000).toISOString().slice(0, 10);
    }
  }
}
