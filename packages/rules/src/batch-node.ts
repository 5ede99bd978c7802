/**
 * Node.js batch runner: `calculateTotals` over a batch of households on several worker threads
 * (`@tillit/rules/batch`). Node-only, like `@tillit/rules/node`.
 *
 * Every worker loads the rule book and compiles the municipalities' guidelines once, at start.
 * A batch is then loaded once: each worker receives a contiguous share of the households (copied
 * by structured clone) and keeps it, so that the batch can be run again without copying it again
 * (simulations, benchmarks). A run computes every share concurrently and writes the totals (öre)
 * into one `SharedArrayBuffer`, so that only a short message per worker goes each way per run.
 *
 *   const runner = await startBatchRunner({ guidelines: { ekby: ekbyGuidelinesSource } });
 *   try {
 *     const totals = await runner.calculateTotals(inputs); // validated CalculationInput[]
 *     console.log(totals.amount[0], totals.amountSum);
 *   } finally {
 *     await runner.close();
 *   }
 *
 * The totals are exactly those of `calculateTotals(ruleBook, input, { guidelines })` in one
 * thread: the same engine runs in every worker. Errors (a worker that fails to start, a
 * calculation that throws, a worker that dies) reject the returned promises.
 *
 * The package ships TypeScript sources. When this file is run as `.ts` (under tsx, vitest, …) a
 * worker has no TypeScript loader of its own (Node 20 workers do not inherit one registered with
 * `--import`), so the worker starts with a one-line script that imports this file through tsx's
 * `tsImport`. Compiled to `.js`, the file is started directly.
 */
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { calculateTotals } from './engine.ts';
import type { CalculateOptions } from './engine.ts';
import { compileGuidelines } from './guidelines.ts';
import type { GuidelinesSource } from './guidelines.ts';
import type { CalculationInput } from './input.ts';
import { DEFAULT_RULEBOOK_DIR, loadRuleBook } from './node.ts';

export interface BatchRunnerOptions {
  /** Worker threads to start; default `os.availableParallelism()`. */
  readonly workers?: number;
  /** The rule book's folder; default the one shipped with this package. */
  readonly ruleBookDir?: string;
  /**
   * Guidelines per municipality name (as in `CalculationInput.municipality`). A household that
   * names a municipality is calculated with its guidelines; one that names none, without. A batch
   * with a municipality not listed here is rejected, as the server rejects it.
   */
  readonly guidelines?: Readonly<Record<string, GuidelinesSource>>;
}

/** Totals in öre per household of a batch, in the batch's order. */
export interface BatchTotals {
  readonly norm: Float64Array;
  readonly costs: Float64Array;
  readonly income: Float64Array;
  readonly amount: Float64Array;
  readonly surplus: Float64Array;
  /** The sum of `amount` over the batch, in öre (what the batch would pay out). */
  readonly amountSum: number;
}

/** The five totals, in the order of their sections of the shared result buffer. */
const FIELDS = ['norm', 'costs', 'income', 'amount', 'surplus'] as const;

// ---------------------------------------------------------------------------------------------
// Messages between the runner and its workers.

/** `workerData` of a batch worker. */
interface WorkerSetup {
  readonly tillitBatchWorker: true;
  readonly ruleBookDir: string;
  readonly guidelines: Readonly<Record<string, GuidelinesSource>>;
}

type Request =
  | {
      readonly type: 'load';
      readonly id: number;
      readonly batch: number;
      /** This worker's share of the batch. */
      readonly inputs: readonly CalculationInput[];
      /** Index in the batch of the share's first household. */
      readonly offset: number;
      /** The batch's result buffer: FIELDS.length sections of `size` float64 each. */
      readonly buffer: SharedArrayBuffer;
      readonly size: number;
    }
  | { readonly type: 'run'; readonly id: number; readonly batch: number }
  | { readonly type: 'release'; readonly id: number; readonly batch: number };

type Reply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly amountSum: number }
  | { readonly type: 'failed'; readonly id: number; readonly name: string; readonly message: string };

function isWorkerSetup(data: unknown): data is WorkerSetup {
  return typeof data === 'object' && data !== null && (data as Partial<WorkerSetup>).tillitBatchWorker === true;
}

// ---------------------------------------------------------------------------------------------
// The worker: runs when this module is a batch worker's entry point.

function serveBatches(setup: WorkerSetup): void {
  const port = parentPort!;
  const rb = loadRuleBook(setup.ruleBookDir);
  // Municipalities with identical guidelines share one compiled copy (and the engine's caches).
  const compiled = new Map<string, CalculateOptions>();
  const optionsByMunicipality = new Map<string, CalculateOptions>();
  for (const [municipality, source] of Object.entries(setup.guidelines)) {
    const key = JSON.stringify(source);
    let options = compiled.get(key);
    if (!options) {
      options = { guidelines: compileGuidelines(rb, source, municipality) };
      compiled.set(key, options);
    }
    optionsByMunicipality.set(municipality, options);
  }
  const none: CalculateOptions = {};

  interface Share {
    readonly inputs: readonly CalculationInput[];
    readonly options: readonly CalculateOptions[];
    readonly offset: number;
    readonly size: number;
    readonly out: Float64Array;
  }
  const shares = new Map<number, Share>();

  function handle(req: Request): Reply {
    switch (req.type) {
      case 'load': {
        const options = req.inputs.map((input) => {
          if (input.municipality === undefined) return none;
          const o = optionsByMunicipality.get(input.municipality);
          if (!o) throw new Error(`no guidelines for the municipality ${input.municipality}`);
          return o;
        });
        const out = new Float64Array(req.buffer);
        shares.set(req.batch, { inputs: req.inputs, options, offset: req.offset, size: req.size, out });
        return { type: 'done', id: req.id, amountSum: 0 };
      }
      case 'run': {
        const share = shares.get(req.batch);
        if (!share) throw new Error(`batch ${req.batch} is not loaded`);
        const { inputs, options, offset, size, out } = share;
        let amountSum = 0;
        for (let i = 0; i < inputs.length; i++) {
          const t = calculateTotals(rb, inputs[i]!, options[i]!);
          const k = offset + i;
          out[k] = t.norm;
          out[size + k] = t.costs;
          out[2 * size + k] = t.income;
          out[3 * size + k] = t.amount;
          out[4 * size + k] = t.surplus;
          amountSum += t.amount;
        }
        return { type: 'done', id: req.id, amountSum };
      }
      case 'release':
        shares.delete(req.batch);
        return { type: 'done', id: req.id, amountSum: 0 };
    }
  }

  port.on('message', (req: Request) => {
    let reply: Reply;
    try {
      reply = handle(req);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      reply = { type: 'failed', id: req.id, name: err.name, message: err.message };
    }
    port.postMessage(reply);
  });
  port.postMessage({ type: 'ready' } satisfies Reply);
}

if (!isMainThread && isWorkerSetup(workerData)) serveBatches(workerData);

// ---------------------------------------------------------------------------------------------
// The runner, in the calling thread.

/** A batch whose households are held by the workers; run it with `BatchRunner.run`. */
export interface LoadedBatch {
  /** Households in the batch. */
  readonly size: number;
}

interface Batch extends LoadedBatch {
  readonly id: number;
  readonly totals: Omit<BatchTotals, 'amountSum'>;
  running: boolean;
  released: boolean;
}

/** One worker and its requests awaiting a reply (a worker answers in order, one at a time). */
class Channel {
  readonly ready: Promise<void>;
  private readonly pending = new Map<number, { resolve: (r: number) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;
  private closing = false;

  constructor(readonly worker: Worker) {
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: Reply) => {
        if (reply.type === 'ready') return resolve();
        const p = this.pending.get(reply.id);
        if (!p) return;
        this.pending.delete(reply.id);
        if (reply.type === 'done') p.resolve(reply.amountSum);
        else p.reject(Object.assign(new Error(reply.message), { name: reply.name }));
      });
      const fail = (e: Error): void => {
        this.failure ??= e;
        reject(e);
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      };
      worker.on('error', fail);
      worker.on('messageerror', fail);
      worker.on('exit', (code) => {
        if (!this.closing) fail(new Error(`batch worker ${worker.threadId} exited with code ${code}`));
      });
    });
    // A start-up failure is reported by `startBatchRunner`; do not let it go unhandled here.
    this.ready.catch(() => undefined);
  }

  /** Sends a request; resolves with the reply's `amountSum`. */
  request(req: Request): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<number>((resolve, reject) => {
      this.pending.set(req.id, { resolve, reject });
      this.worker.postMessage(req);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const closed = new Error('the batch runner was closed');
    for (const p of this.pending.values()) p.reject(closed);
    this.pending.clear();
    this.failure ??= closed;
    await this.worker.terminate();
  }
}

export class BatchRunner {
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly channels: readonly Channel[],
    private readonly municipalities: ReadonlySet<string>,
  ) {}

  /** Worker threads in use. */
  get workers(): number {
    return this.channels.length;
  }

  /** Starts the workers; resolves when every one has loaded the rule book and the guidelines. */
  static async start(options: BatchRunnerOptions = {}): Promise<BatchRunner> {
    const n = options.workers ?? availableParallelism();
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`workers must be a positive integer, not ${n}`);
    const setup: WorkerSetup = {
      tillitBatchWorker: true,
      ruleBookDir: options.ruleBookDir ?? DEFAULT_RULEBOOK_DIR,
      guidelines: options.guidelines ?? {},
    };
    const channels = Array.from({ length: n }, () => new Channel(spawnWorker(setup)));
    const runner = new BatchRunner(channels, new Set(Object.keys(setup.guidelines)));
    try {
      await Promise.all(channels.map((c) => c.ready));
    } catch (e) {
      await runner.close();
      throw e;
    }
    return runner;
  }

  /**
   * Gives each worker its contiguous share of `inputs` (validated inputs, as `calculateTotals`
   * takes), to keep until `release`. The copy to the workers happens here, not in `run`.
   */
  async load(inputs: readonly CalculationInput[]): Promise<LoadedBatch> {
    this.assertOpen();
    for (const input of inputs)
      if (input.municipality !== undefined && !this.municipalities.has(input.municipality))
        throw new Error(`no guidelines for the municipality ${input.municipality}`);
    const size = inputs.length;
    const buffer = new SharedArrayBuffer(FIELDS.length * size * Float64Array.BYTES_PER_ELEMENT);
    const section = (f: number) => new Float64Array(buffer, f * size * Float64Array.BYTES_PER_ELEMENT, size);
    const batch: Batch = {
      id: this.nextId++,
      size,
      totals: { norm: section(0), costs: section(1), income: section(2), amount: section(3), surplus: section(4) },
      running: false,
      released: false,
    };
    const per = Math.ceil(size / this.channels.length);
    await Promise.all(
      this.channels.map((c, w) => {
        const offset = Math.min(size, w * per);
        const share = inputs.slice(offset, Math.min(size, offset + per));
        return c.request({ type: 'load', id: this.nextId++, batch: batch.id, inputs: share, offset, buffer, size });
      }),
    );
    return batch;
  }

  /**
   * Calculates every household of a loaded batch, each worker its share, concurrently. The
   * returned arrays are views of the batch's result buffer: the next run of the same batch
   * overwrites them (copy them to keep them). One run of a batch at a time.
   */
  async run(loaded: LoadedBatch): Promise<BatchTotals> {
    this.assertOpen();
    const batch = loaded as Batch;
    if (batch.released) throw new Error('the batch was released');
    if (batch.running) throw new Error('the batch is already running');
    batch.running = true;
    try {
      const sums = await Promise.all(
        this.channels.map((c) => c.request({ type: 'run', id: this.nextId++, batch: batch.id })),
      );
      let amountSum = 0;
      for (const s of sums) amountSum += s;
      return { ...batch.totals, amountSum };
    } finally {
      batch.running = false;
    }
  }

  /** Lets the workers drop their shares of the batch. */
  async release(loaded: LoadedBatch): Promise<void> {
    const batch = loaded as Batch;
    if (batch.released || this.closed) return;
    batch.released = true;
    await Promise.all(this.channels.map((c) => c.request({ type: 'release', id: this.nextId++, batch: batch.id })));
  }

  /** Load, run and release in one: the totals of `inputs`, in their order. */
  async calculateTotals(inputs: readonly CalculationInput[]): Promise<BatchTotals> {
    const batch = await this.load(inputs);
    try {
      return await this.run(batch);
    } finally {
      await this.release(batch);
    }
  }

  /** Terminates the workers; pending requests are rejected. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.channels.map((c) => c.close()));
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the batch runner was closed');
  }
}

/** Starts a batch runner; see `BatchRunner`. Close it with `close()` when done. */
export function startBatchRunner(options: BatchRunnerOptions = {}): Promise<BatchRunner> {
  return BatchRunner.start(options);
}

/** Starts a worker whose entry point is this module, with a TypeScript loader if it is `.ts`. */
function spawnWorker(setup: WorkerSetup): Worker {
  const self = new URL(import.meta.url);
  const isTypeScript = self.pathname.endsWith('.ts');
  self.search = ''; // tsx may add a query to the module's URL
  if (!isTypeScript) return new Worker(self, { workerData: setup });
  // Resolved from here, so that it is the tsx this package's dependants installed.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = JSON.stringify(self.href);
  const script = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${entry}, ${entry}));`;
  return new Worker(script, { eval: true, workerData: setup });
}
