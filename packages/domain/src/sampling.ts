/** Sample checks (stickprov): filled in by the work on issue 4. */
export {};
