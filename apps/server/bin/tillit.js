#!/usr/bin/env node
// Entry point of `npx tillit`: runs the TypeScript CLI through tsx (see docs/adr/0002).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
