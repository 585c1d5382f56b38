/**
 * The catalogue's runtime parts (decision 0007): the demo catalogue `strata start` lists on an
 * empty store, and `strata catalogue import <file.csv|file.json>`, a bulk load with a progress
 * bar and a report of every refused row.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Currency} from '@strata/events';
import { FEED_START, isCurrency, isIdentifier, toMinorUnits, type Actor, type ChangeFeed, type MinorUnits } from '@strata/events';
import { DEMO_CATALOGUE, type CommandContext, type ListProduct, type WriteModel } from '@strata/write-model';
import type { Config } from './config.js';
import { buildEngine } from './engine.js';
import { createLogger, type Logger } from './logger.js';
import { pidFile } from './operations.js';

const SYSTEM: Actor = { kind: 'system', id: 'strata-catalogue' };

const context = (commandId: string, correlationId: string): CommandContext => ({ commandId, actor: SYSTEM, correlationId, now: new Date().toISOString() });

/**
 * Lists the demo catalogue when the store holds no event at all (a fresh install), unless
 * `config.demoCatalogue` is off. The command ids are fixed, so processes starting together on one
 * empty database list each product once. Returns how many products it listed.
 */
export const loadDemoCatalogue = async (
  engine: { readonly feed: ChangeFeed; readonly writeModel: WriteModel },
  config: Pick<Config, 'demoCatalogue'>,
  logger: Pick<Logger, 'info'>,
): Promise<number> => {
  if (!config.demoCatalogue) return 0;
  const first = await engine.feed.readFeed(FEED_START, 1);
  if (first.events.length > 0) return 0;
  let listed = 0;
  for (const product of DEMO_CATALOGUE) {
    const result = await engine.writeModel.listProduct(product, context(`demo-catalogue-${product.productId}`, 'demo-catalogue'));
    if (E.isLeft(result)) throw new Error(`demo catalogue: ${product.productId}: ${result.left.message}`);
    if (result.right.events.length > 0) listed++;
  }
  logger.info('demo catalogue listed (STRATA_DEMO_CATALOGUE=false turns it off)', { products: listed });
  return listed;
};

// ── Import ─────────────────────────────────────────────────────────────────────────────────

/** One row of an import file, validated: what `ListProduct` needs. */
export type ImportRow = ListProduct & { readonly row: number };

/** A row the import did not apply, and why (`row` is 1-based: the CSV line after the header, the JSON array index + 1). */
export interface RefusedRow {
  readonly row: number;
  readonly productId?: string;
  readonly reason: string;
}

export interface ImportReport {
  readonly rows: number;
  readonly listed: number;
  readonly repriced: number;
  readonly unchanged: number;
  readonly refused: readonly RefusedRow[];
}

const FIELDS = ['productId', 'name', 'description', 'price', 'currency'] as const;

/** RFC 4180 CSV: quoted fields may hold commas, newlines and doubled quotes. */
export const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  // Blank lines are not rows.
  return rows.filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
};

/** Validates one raw record (from CSV or JSON) into a row, or says why it is refused. */
export const validateRecord = (record: Readonly<Record<string, unknown>>, row: number): E.Either<RefusedRow, ImportRow> => {
  const productId = typeof record.productId === 'string' ? record.productId.trim() : undefined;
  const refuse = (reason: string) => E.left<RefusedRow>(productId === undefined || productId === '' ? { row, reason } : { row, productId, reason });
  const unknown = Object.keys(record).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) return refuse(`unknown field ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
  if (!isIdentifier(productId)) return refuse('productId must be 1-128 letters, digits or _ . : -');
  const name = typeof record.name === 'string' ? record.name.trim() : '';
  if (name === '' || name.length > 200) return refuse('name must be 1-200 characters');
  const description = record.description === undefined ? '' : record.description;
  if (typeof description !== 'string' || description.length > 2000) return refuse('description must be text of at most 2000 characters');
  const currencyRaw = record.currency === undefined || record.currency === '' ? 'USD' : record.currency;
  if (!isCurrency(currencyRaw)) return refuse(`currency ${JSON.stringify(currencyRaw)} is not one Strata supports`);
  const currency: Currency = currencyRaw;
  if (typeof record.price !== 'number' && typeof record.price !== 'string') return refuse('price is missing');
  const price = toMinorUnits(record.price, currency);
  if (E.isLeft(price)) return refuse(`price: ${price.left.message}`);
  if (price.right <= 0) return refuse('price must be greater than 0');
  return E.right({ row, productId, name, description, price: { amount: price.right as MinorUnits, currency } });
};

/** Reads a CSV (header row naming the columns) or a JSON array of objects into rows and refusals. */
export const parseImport = (text: string, format: 'csv' | 'json'): { rows: ImportRow[]; refused: RefusedRow[] } => {
  const records: Array<Record<string, unknown>> = [];
  if (format === 'json') {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error('a JSON catalogue is an array of products');
    for (const r of parsed) records.push(typeof r === 'object' && r !== null && !Array.isArray(r) ? (r as Record<string, unknown>) : { '(not an object)': r });
  } else {
    const [header, ...lines] = parseCsv(text);
    const columns = (header ?? []).map((c) => c.trim());
    const missing = ['productId', 'name', 'price'].filter((c) => !columns.includes(c));
    if (missing.length > 0) throw new Error(`the CSV header must name the columns productId, name, price (optional: description, currency); missing ${missing.join(', ')}`);
    for (const line of lines) records.push(Object.fromEntries(columns.map((c, i) => [c, line[i] ?? ''])));
  }
  const rows: ImportRow[] = [];
  const refused: RefusedRow[] = [];
  const seen = new Set<string>();
  records.forEach((record, i) => {
    const checked = validateRecord(record, i + 1);
    if (E.isLeft(checked)) refused.push(checked.left);
    else if (seen.has(checked.right.productId)) refused.push({ row: i + 1, productId: checked.right.productId, reason: 'the file lists this productId more than once' });
    else {
      seen.add(checked.right.productId);
      rows.push(checked.right);
    }
  });
  return { rows, refused };
};

/**
 * Applies rows: a new product is listed; a listed one whose only change is its price is
 * repriced; the same details again are unchanged (an import may be run twice); anything else is
 * refused with the decider's reason (a retired product, another currency, another name).
 * `concurrency` rows are in flight at once (the SQL store commits them in groups).
 */
export const importRows = async (
  writeModel: WriteModel,
  rows: readonly ImportRow[],
  options: { readonly runId: string; readonly concurrency?: number; readonly onProgress?: (done: number, total: number) => void } = { runId: 'import' },
): Promise<Omit<ImportReport, 'rows'> & { refused: RefusedRow[] }> => {
  const counts = { listed: 0, repriced: 0, unchanged: 0 };
  const refused: RefusedRow[] = [];
  let done = 0;
  let next = 0;
  const one = async (row: ImportRow): Promise<void> => {
    const ctx = (what: string) => context(`${options.runId}-${what}-${row.productId}`, options.runId);
    const { row: _row, ...product } = row;
    const current = await writeModel.loadProduct(row.productId);
    if (current.state.status === 'listed' && current.state.name === product.name && current.state.description === product.description && current.state.price.amount !== product.price.amount) {
      const repriced = await writeModel.repriceProduct({ productId: product.productId, price: product.price }, ctx('reprice'));
      if (E.isLeft(repriced)) refused.push({ row: row.row, productId: row.productId, reason: repriced.left.message });
      else counts.repriced++;
      return;
    }
    const listed = await writeModel.listProduct(product, ctx('list'));
    if (E.isLeft(listed)) refused.push({ row: row.row, productId: row.productId, reason: listed.left.message });
    else if (listed.right.events.length === 0) counts.unchanged++;
    else counts.listed++;
  };
  const worker = async (): Promise<void> => {
    while (next < rows.length) {
      const row = rows[next++]!;
      await one(row);
      options.onProgress?.(++done, rows.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 16, rows.length)) }, worker));
  return { ...counts, refused: refused.sort((a, b) => a.row - b.row) };
};

/** `[#####.....] 120/400 rows` for a terminal (one line, redrawn) or a log (one line per step). */
export const progressBar = (done: number, total: number, width = 30): string => {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} rows`;
};

const ownedBy = (config: Config): number | undefined => {
  if (config.store.kind !== 'pglite') return undefined;
  const file = pidFile(config);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
};

/**
 * `strata catalogue import <file>`: parses and validates the whole file first, then lists the
 * rows through the write model, a progress bar on stderr and the report on stdout (refused rows
 * one per line). Exit code 0 when every row was applied or unchanged, 2 when some were refused.
 * The embedded store has one writer: with PGlite, stop `strata start` first; with PostgreSQL
 * the import runs beside live engines (its appends are ordinary commands).
 */
export const runCatalogueCommand = async (config: Config, sub: string | undefined, file: string | undefined): Promise<number> => {
  if (sub !== 'import' || file === undefined) {
    process.stderr.write('strata: usage: strata catalogue import <file.csv|file.json>\n');
    return 64;
  }
  const format = extname(file).toLowerCase() === '.json' ? 'json' : extname(file).toLowerCase() === '.csv' ? 'csv' : undefined;
  if (format === undefined) {
    process.stderr.write(`strata: ${file}: the file must end in .csv or .json\n`);
    return 64;
  }
  let parsed: ReturnType<typeof parseImport>;
  try {
    parsed = parseImport(await readFile(file, 'utf8'), format);
  } catch (err) {
    process.stderr.write(`strata: ${file}: ${(err as Error).message}\n`);
    return 65; // EX_DATAERR
  }
  const owner = ownedBy(config);
  if (owner !== undefined) {
    process.stderr.write(`strata: strata start (pid ${owner}) owns ${config.dataDir}; stop it first — the embedded store has one writer. With DATABASE_URL (PostgreSQL) the import runs beside a live engine.\n`);
    return 75; // EX_TEMPFAIL
  }
  const engine = await buildEngine(config, createLogger('warn'), { workflows: false, lake: false });
  try {
    const tty = process.stderr.isTTY;
    const total = parsed.rows.length;
    let shown = -1;
    const applied = await importRows(engine.writeModel, parsed.rows, {
      runId: `import-${Date.now().toString(36)}`,
      onProgress: (done) => {
        // On a terminal the bar is redrawn in place; in a log, one line per tenth.
        const step = Math.floor((done / total) * 10);
        if (tty) process.stderr.write(`\r${progressBar(done, total)}`);
        else if (step !== shown || done === total) {
          shown = step;
          process.stderr.write(`${progressBar(done, total)}\n`);
        }
      },
    });
    if (tty && total > 0) process.stderr.write('\n');
    const refused = [...parsed.refused, ...applied.refused].sort((a, b) => a.row - b.row);
    const report: ImportReport = { rows: total + parsed.refused.length, listed: applied.listed, repriced: applied.repriced, unchanged: applied.unchanged, refused };
    process.stdout.write(`${file}: ${report.rows} rows — ${report.listed} listed, ${report.repriced} repriced, ${report.unchanged} unchanged, ${refused.length} refused\n`);
    for (const r of refused) process.stdout.write(`  row ${r.row}${r.productId === undefined ? '' : ` (${r.productId})`}: ${r.reason}\n`);
    return refused.length === 0 ? 0 : 2;
  } finally {
    await engine.close();
  }
};
