/** The initial route's JavaScript stays within 200 KB gzipped (a budget, checked on the built files). */
import { describe, expect, it } from 'vitest';
import { BUDGET_BYTES, measure } from '../scripts/bundle-size.ts';

describe('bundle budget', () => {
  it('the start page needs at most 200 KB of JavaScript, gzipped, Swedish texts included', () => {
    const report = measure();
    expect(report.files.some((f) => f.file.includes('index'))).toBe(true);
    expect(report.initialJsGzipBytes).toBeGreaterThan(50 * 1024);
    expect(report.initialJsGzipBytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
