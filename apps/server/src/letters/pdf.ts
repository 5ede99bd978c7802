/**
 * PDF letters from their HTML, printed by headless Chromium (Debian's package, driven with
 * playwright-core): it shapes and orders every script (Arabic right to left included) and embeds
 * the fonts the HTML brings, so the text in the PDF is extractable. One browser, started on first
 * use; each letter prints in a fresh page.
 */
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** Chromium's flags for a closed, headless server: no sandbox as root, no background network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

export interface PdfRenderer {
  /** The HTML document printed to A4 PDF (tagged, for accessibility). */
  render(html: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

export function chromiumPdfRenderer(executablePath?: string): PdfRenderer {
  let browser: Promise<Browser> | undefined;
  return {
    async render(html) {
      browser ??= launchChromium(executablePath);
      const b = await browser.catch((e: unknown) => {
        browser = undefined; // try again next time (Chromium may be installed later)
        throw e;
      });
      const page = await b.newPage({ javaScriptEnabled: false });
      try {
        // The letter's HTML is complete: it loads nothing from the network.
        await page.route('**/*', (route) => route.abort());
        await page.setContent(html, { waitUntil: 'load' });
        const pdf = await page.pdf({ format: 'A4', printBackground: true, tagged: true, preferCSSPageSize: true });
        return new Uint8Array(pdf);
      } finally {
        await page.close();
      }
    },
    async close() {
      const b = await browser?.catch(() => undefined);
      browser = undefined;
      await b?.close();
    },
  };
}
