/*
 * Analysts: dashboards over the warehouse SQL (`GET /insights/{query}`, the same statements Athena
 * and QuickSight run), for a date range, with drill-down to the orders behind a figure (no personal
 * data: order id, day, status, total, country) and CSV download of every table.
 */
import { useMemo, useState } from 'preact/hooks';
import { api, problemText, type Insight, type InsightName } from '../api/client';
import { Chart } from '../chart';
import { Alert, Field, Panel, StatusBadge, downloadCsv, money, usePoll } from '../ui';

type Row = Insight['rows'][number];
type Rows = readonly Row[];

const DASHBOARD: readonly InsightName[] = ['revenue_by_day', 'orders_by_status', 'top_products', 'revenue_by_country', 'payment_outcomes', 'feedback_by_category'];
const REFRESH_MS = 3000;

interface Drill {
  readonly title: string;
  readonly from?: string;
  readonly to?: string;
  readonly filter: (r: Row) => boolean;
}

const CsvButton = ({ name, rows }: { name: string; rows: Rows }) => (
  <button type="button" class="secondary" disabled={rows.length === 0} onClick={() => downloadCsv(`${name}.csv`, rows as Array<Record<string, unknown>>)}>
    Download CSV<span class="sr-only"> of {name.replace(/_/g, ' ')}</span>
  </button>
);

/** Axis labels in major units (amounts are minor units; two digits covers the usual currencies). */
const yMajor = (v: number) => (v / 100).toLocaleString('en', { maximumFractionDigits: 0 });

const daySeconds = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;

export const Insights = () => {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [data, setData] = useState<Partial<Record<InsightName, Rows>>>({});
  const [error, setError] = useState<string | undefined>();
  const [drill, setDrill] = useState<Drill | undefined>();
  const [drillRows, setDrillRows] = useState<Rows | undefined>();

  const range = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
  usePoll(
    async () => {
      const results = await Promise.all(DASHBOARD.map((query) => api.GET('/insights/{query}', { params: { path: { query }, query: range } })));
      const failed = results.find((r) => !r.data);
      if (failed) return setError(problemText(failed.error, 'The warehouse did not answer.'));
      setError(undefined);
      setData(Object.fromEntries(results.map((r, i) => [DASHBOARD[i], r.data!.rows])));
    },
    REFRESH_MS,
    [from, to],
  );

  const openDrill = async (d: Drill) => {
    setDrill(d);
    setDrillRows(undefined);
    const query = { ...range, ...(d.from ? { from: d.from } : {}), ...(d.to ? { to: d.to } : {}) };
    const res = await api.GET('/insights/{query}', { params: { path: { query: 'order_drilldown' }, query } });
    setDrillRows(res.data ? res.data.rows.filter(d.filter) : []);
    requestAnimationFrame(() => document.getElementById('drilldown-h')?.focus());
  };

  const byDay = data.revenue_by_day ?? [];
  const currencies = useMemo(() => [...new Set(byDay.map((r) => r.currency ?? ''))].sort(), [byDay]);
  const days = useMemo(() => [...new Set(byDay.map((r) => r.day ?? ''))].sort(), [byDay]);
  const dayChart = useMemo(
    () => ({
      x: days.map(daySeconds),
      series: currencies.map((c) => ({ label: `Revenue ${c}`, values: days.map((d) => (byDay.find((r) => r.day === d && r.currency === c)?.amount ?? null)) })),
    }),
    [byDay, days, currencies],
  );
  const revenueTotals = currencies.map((c) => ({ currency: c, amount: byDay.filter((r) => r.currency === c).reduce((s, r) => s + (r.amount ?? 0), 0), orders: byDay.filter((r) => r.currency === c).reduce((s, r) => s + (r.orders ?? 0), 0) }));
  const statuses = data.orders_by_status ?? [];
  const statusChart = useMemo(() => ({ x: statuses.map((_, i) => i), cats: statuses.map((r) => r.status ?? ''), series: [{ label: 'Orders', values: statuses.map((r) => r.orders ?? 0) }] }), [statuses]);
  const countries = data.revenue_by_country ?? [];
  const top = data.top_products ?? [];
  const payments = data.payment_outcomes ?? [];
  const feedback = data.feedback_by_category ?? [];

  return (
    <>
      <h1>Dashboards</h1>
      <form class="card inline-form" onSubmit={(e) => e.preventDefault()} aria-label="Date range">
        <Field label="From (first day)" type="date" value={from} max={to || undefined} onInput={(e) => setFrom(e.currentTarget.value)} />
        <Field label="To (last day)" type="date" value={to} min={from || undefined} onInput={(e) => setTo(e.currentTarget.value)} />
        <button
          type="button"
          class="secondary"
          onClick={() => {
            setFrom('');
            setTo('');
          }}
        >
          All days
        </button>
        <p class="hint">Figures refresh every few seconds. Amounts count paid orders (confirmed, shipped, delivered); days are UTC.</p>
      </form>
      {error && <Alert>{error}</Alert>}

      <dl class="kpis" aria-label="Revenue">
        {revenueTotals.length === 0 && (
          <div>
            <dt>Revenue</dt>
            <dd>none yet</dd>
          </div>
        )}
        {revenueTotals.map((r) => (
          <div key={r.currency}>
            <dt>Revenue ({r.currency})</dt>
            <dd data-testid={`revenue-${r.currency}`}>{money(r.amount, r.currency)}</dd>
          </div>
        ))}
        {revenueTotals.map((r) => (
          <div key={`o-${r.currency}`}>
            <dt>Paid orders ({r.currency})</dt>
            <dd>{r.orders}</dd>
          </div>
        ))}
      </dl>

      <div class="grid">
        <Panel title="Revenue per day" actions={<CsvButton name="revenue_by_day" rows={byDay} />}>
          {days.length === 0 ? (
            <p>No paid orders in this range.</p>
          ) : days.length <= 31 ? (
            <Chart label={`Revenue per day, ${days.length} days`} x={days.map((_, i) => i)} categories={days.map((d) => d.slice(5))} series={dayChart.series} bars yFormat={yMajor} />
          ) : (
            <Chart label={`Revenue per day, ${days.length} days`} x={dayChart.x} series={dayChart.series} time yFormat={yMajor} />
          )}
          <table>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Currency</th>
                <th scope="col" class="num">
                  Revenue
                </th>
                <th scope="col" class="num">
                  Orders
                </th>
                <th scope="col">
                  <span class="sr-only">Drill down</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {byDay.map((r) => (
                <tr key={`${r.day}-${r.currency}`}>
                  <td>{r.day}</td>
                  <td>{r.currency}</td>
                  <td class="num">{money(r.amount ?? 0, r.currency ?? 'USD')}</td>
                  <td class="num">{r.orders}</td>
                  <td>
                    <button type="button" class="link" onClick={() => void openDrill({ title: `Orders of ${r.day ?? ''} (${r.currency ?? ''})`, from: r.day!, to: r.day!, filter: (o) => o.currency === r.currency })}>
                      Orders<span class="sr-only"> of {r.day}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>

        <Panel title="Orders by status" actions={<CsvButton name="orders_by_status" rows={statuses} />}>
          {statuses.length > 0 && <Chart label="Orders by status" x={statusChart.x} categories={statusChart.cats} series={statusChart.series} bars integer />}
          <table>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Orders
                </th>
                <th scope="col">
                  <span class="sr-only">Drill down</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {statuses.map((r) => (
                <tr key={r.status}>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td class="num">{r.orders}</td>
                  <td>
                    <button type="button" class="link" onClick={() => void openDrill({ title: `Orders ${r.status ?? ''}`, filter: (o) => o.status === r.status })}>
                      Orders<span class="sr-only"> {r.status}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>

        <Panel title="Revenue by country" actions={<CsvButton name="revenue_by_country" rows={countries} />}>
          {countries.length > 0 && (
            <Chart label="Revenue by country" x={countries.map((_, i) => i)} categories={countries.map((r) => `${r.country ?? ''} ${r.currency ?? ''}`)} series={[{ label: 'Revenue', values: countries.map((r) => r.amount ?? 0) }]} bars yFormat={yMajor} />
          )}
          <table>
            <thead>
              <tr>
                <th scope="col">Country</th>
                <th scope="col" class="num">
                  Revenue
                </th>
                <th scope="col" class="num">
                  Orders
                </th>
                <th scope="col">
                  <span class="sr-only">Drill down</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {countries.map((r) => (
                <tr key={`${r.country}-${r.currency}`}>
                  <td>{r.country}</td>
                  <td class="num">{money(r.amount ?? 0, r.currency ?? 'USD')}</td>
                  <td class="num">{r.orders}</td>
                  <td>
                    <button type="button" class="link" onClick={() => void openDrill({ title: `Paid orders shipped to ${r.country ?? ''}`, filter: (o) => o.country === r.country && o.currency === r.currency && ['confirmed', 'shipped', 'delivered'].includes(o.status ?? '') })}>
                      Orders<span class="sr-only"> to {r.country}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>

        <Panel title="Top products" actions={<CsvButton name="top_products" rows={top} />}>
          <table>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col" class="num">
                  Quantity
                </th>
                <th scope="col" class="num">
                  Revenue (minor units)
                </th>
              </tr>
            </thead>
            <tbody>
              {top.map((r) => (
                <tr key={r.product_id}>
                  <td>
                    {r.product_name} <span class="muted">({r.product_id})</span>
                  </td>
                  <td class="num">{r.quantity}</td>
                  <td class="num">{r.revenue}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>

        <Panel title="Payment outcomes" actions={<CsvButton name="payment_outcomes" rows={payments} />}>
          <p class="hint">All payments (payments are not dated in the warehouse).</p>
          <table>
            <thead>
              <tr>
                <th scope="col">Outcome</th>
                <th scope="col" class="num">
                  Payments
                </th>
              </tr>
            </thead>
            <tbody>
              {payments.map((r) => (
                <tr key={r.status}>
                  <td>{r.status}</td>
                  <td class="num">{r.payments}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>

        <Panel title="Feedback by category" actions={<CsvButton name="feedback_by_category" rows={feedback} />}>
          <table>
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col" class="num">
                  Ratings
                </th>
                <th scope="col" class="num">
                  Average
                </th>
              </tr>
            </thead>
            <tbody>
              {feedback.map((r) => (
                <tr key={r.category}>
                  <td>{r.category}</td>
                  <td class="num">{r.count}</td>
                  <td class="num">{r.average_rating?.toFixed(2) ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      </div>

      {drill && (
        <section class="panel" aria-labelledby="drilldown-h">
          <div class="panel-head">
            <h2 id="drilldown-h" tabIndex={-1}>
              {drill.title}
            </h2>
            <div class="panel-actions">
              <CsvButton name="orders" rows={drillRows ?? []} />
              <button type="button" class="secondary" onClick={() => setDrill(undefined)}>
                Close
              </button>
            </div>
          </div>
          {drillRows === undefined ? (
            <p aria-busy="true">Loading…</p>
          ) : (
            <table>
              <caption class="sr-only">Orders behind the figure; no personal data</caption>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Day</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    Total
                  </th>
                  <th scope="col">Country</th>
                </tr>
              </thead>
              <tbody>
                {drillRows.map((o) => (
                  <tr key={o.order_id}>
                    <td>
                      <code>{o.order_id}</code>
                    </td>
                    <td>{o.day}</td>
                    <td>
                      <StatusBadge status={o.status} />
                    </td>
                    <td class="num">{money(o.total ?? 0, o.currency ?? 'USD')}</td>
                    <td>{o.country}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </>
  );
};
