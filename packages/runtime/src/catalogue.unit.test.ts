import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { createMemoryEventStore, createWriteModel, DEMO_CATALOGUE } from '@strata/write-model';
import { importRows, loadDemoCatalogue, parseCsv, parseImport, progressBar } from './catalogue.js';

const silent = { info: () => undefined };

describe('strata catalogue import: parsing', () => {
  it('reads RFC 4180 CSV: quoted commas, doubled quotes, newlines in quotes, CRLF, blank lines', () => {
    expect(parseCsv('a,b,c\r\n"x, y","say ""hi""","two\nlines"\n\n1,,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\nlines'],
      ['1', '', '3'],
    ]);
  });

  it('validates every row and reports each refused one with its row number and reason', () => {
    const csv = [
      'productId,name,description,price,currency',
      'TEA-1,Green Tea,"Sencha, 100 g",7.90,',
      'TEA-2,Black Tea,,0,USD',
      'bad id!,Thing,,1.00,USD',
      'TEA-3,,,1.00,USD',
      'TEA-4,Yen Tea,,500,JPY',
      'TEA-5,Dinar Tea,,1.2345,KWD',
      'TEA-1,Green Tea again,,7.90,USD',
      'TEA-6,Rouble Tea,,1.00,RUB',
    ].join('\n');
    const { rows, refused } = parseImport(csv, 'csv');
    expect(rows.map((r) => [r.row, r.productId, r.price.amount, r.price.currency])).toEqual([
      [1, 'TEA-1', 790, 'USD'],
      [5, 'TEA-4', 500, 'JPY'],
    ]);
    expect(rows[0]?.description).toBe('Sencha, 100 g');
    expect(refused.map((r) => [r.row, r.productId])).toEqual([
      [2, 'TEA-2'],
      [3, 'bad id!'],
      [4, 'TEA-3'],
      [6, 'TEA-5'],
      [7, 'TEA-1'],
      [8, 'TEA-6'],
    ]);
    expect(refused[0]?.reason).toContain('greater than 0');
    expect(refused[4]?.reason).toContain('more than once');
  });

  it('reads a JSON array the same way, refusing unknown fields and non-objects', () => {
    const { rows, refused } = parseImport(JSON.stringify([{ productId: 'A', name: 'A', price: 2.5 }, { productId: 'B', name: 'B', price: '1', colour: 'red' }, 7]), 'json');
    expect(rows.map((r) => r.productId)).toEqual(['A']);
    expect(refused.map((r) => r.row)).toEqual([2, 3]);
    expect(() => parseImport('{"productId":"A"}', 'json')).toThrow('array');
    expect(() => parseImport('id,title\n1,x', 'csv')).toThrow('productId, name, price');
  });

  it('draws a bounded progress bar', () => {
    expect(progressBar(0, 4, 8)).toBe('[........] 0/4 rows');
    expect(progressBar(2, 4, 8)).toBe('[####....] 2/4 rows');
    expect(progressBar(0, 0, 4)).toBe('[####] 0/0 rows');
  });
});

describe('strata catalogue import: applying rows', () => {
  it('lists new products, reprices a changed price, leaves the same row unchanged, refuses what the decider refuses', async () => {
    const wm = createWriteModel({ eventStore: createMemoryEventStore() });
    const first = parseImport('productId,name,price\nA,Apple,1.00\nB,Bread,2.00\nC,Cheese,3.00', 'csv');
    const progress: number[] = [];
    expect(await importRows(wm, first.rows, { runId: 'run-1', concurrency: 2, onProgress: (done) => progress.push(done) })).toEqual({ listed: 3, repriced: 0, unchanged: 0, refused: [] });
    expect(progress.sort()).toEqual([1, 2, 3]);
    expect(E.isRight(await wm.retireProduct({ productId: 'C' }, { commandId: 'retire-c', actor: { kind: 'system', id: 't' }, correlationId: 't', now: '2026-01-01T00:00:00.000Z' }))).toBe(true);
    const second = parseImport('productId,name,price,currency\nA,Apple,1.00,USD\nB,Bread,2.50,USD\nC,Cheese,3.00,USD\nD,Dates,4.00,USD\nA2,Apple,1.00,EUR', 'csv');
    const report = await importRows(wm, second.rows, { runId: 'run-2' });
    expect(report).toMatchObject({ listed: 2, repriced: 1, unchanged: 1 });
    expect(report.refused).toEqual([{ row: 3, productId: 'C', reason: expect.stringContaining('retired') }]);
    expect((await wm.loadProduct('B')).state).toMatchObject({ status: 'listed', price: { amount: 250 } });
  });
});

describe('the demo catalogue', () => {
  const feedOf = (store: ReturnType<typeof createMemoryEventStore>) => ({ readFeed: store.readFeed });

  it('is listed on an empty store, once, with the seed flow\'s products at its prices', async () => {
    const store = createMemoryEventStore();
    const wm = createWriteModel({ eventStore: store });
    expect(await loadDemoCatalogue({ feed: feedOf(store), writeModel: wm }, { demoCatalogue: true }, silent)).toBe(DEMO_CATALOGUE.length);
    expect((await wm.loadProduct('NEWPROD001')).state).toMatchObject({ name: 'Fresh Product', price: { amount: 2500, currency: 'USD' } });
    expect((await wm.loadProduct('NEWPROD002')).state).toMatchObject({ name: 'Another Item', price: { amount: 4950, currency: 'USD' } });
    // The store is no longer empty: a restart lists nothing again.
    expect(await loadDemoCatalogue({ feed: feedOf(store), writeModel: wm }, { demoCatalogue: true }, silent)).toBe(0);
  });

  it('is not listed when switched off, nor on a store that holds events', async () => {
    const store = createMemoryEventStore();
    const wm = createWriteModel({ eventStore: store });
    expect(await loadDemoCatalogue({ feed: feedOf(store), writeModel: wm }, { demoCatalogue: false }, silent)).toBe(0);
    expect((await wm.loadProduct('NEWPROD001')).version).toBe(0);
    await wm.registerCustomer({ customerId: 'c-1', email: 'ada@example.com', firstName: 'Ada', lastName: 'L', phoneNumber: '1' }, { commandId: 'r', actor: { kind: 'system', id: 't' }, correlationId: 't', now: '2026-01-01T00:00:00.000Z' });
    expect(await loadDemoCatalogue({ feed: feedOf(store), writeModel: wm }, { demoCatalogue: true }, silent)).toBe(0);
    expect((await wm.loadProduct('NEWPROD001')).version).toBe(0);
  });
});
