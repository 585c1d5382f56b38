/* A customer's orders, their status kept live by polling, and their spending summary. */
import { useState } from 'preact/hooks';
import { api, problemText, type Order, type Schemas } from '../api/client';
import { Link } from '../router';
import { Alert, Panel, StatusBadge, money, usePoll, when } from '../ui';

/** How often the list asks for news (the GraphQL subscription of issue 14 will replace this). */
export const POLL_MS = 1500;

export const Spending = () => {
  const [summary, setSummary] = useState<Schemas['Analytics'] | undefined>();
  usePoll(
    async () => {
      const { data } = await api.GET('/analytics', { params: { query: { reportType: 'summary' } } });
      if (data) setSummary(data);
    },
    POLL_MS * 4,
    [],
  );
  if (!summary) return null;
  return (
    <Panel title="Your spending">
      <dl class="kpis">
        <div>
          <dt>Orders</dt>
          <dd>{summary.orders ?? 0}</dd>
        </div>
        {(summary.revenue ?? []).map((r) => (
          <div key={r.currency}>
            <dt>Spent ({r.currency})</dt>
            <dd>{money(r.amount ?? 0, r.currency ?? 'USD')}</dd>
          </div>
        ))}
        {(summary.averageOrderValue ?? []).map((r) => (
          <div key={`avg-${r.currency}`}>
            <dt>Average order ({r.currency})</dt>
            <dd>{money(Math.round(r.amount ?? 0), r.currency ?? 'USD')}</dd>
          </div>
        ))}
      </dl>
      <p class="hint">Spent counts paid orders (confirmed, shipped or delivered).</p>
    </Panel>
  );
};

export const OrderList = () => {
  const [orders, setOrders] = useState<readonly Order[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  usePoll(
    async () => {
      const { data, error: problem } = await api.GET('/orders', { params: { query: { limit: 50 } } });
      if (data) {
        setOrders(data.items ?? []);
        setError(undefined);
      } else setError(problemText(problem, 'Could not load your orders.'));
    },
    POLL_MS,
    [],
  );
  return (
    <>
      <h1>My orders</h1>
      <Spending />
      <Panel title="Orders" actions={<Link href="/app/shop">Place an order</Link>}>
        {error && <Alert>{error}</Alert>}
        {orders === undefined ? (
          <p aria-busy="true">Loading…</p>
        ) : orders.length === 0 ? (
          <p>
            No orders yet. <Link href="/app/shop">Place your first order</Link>.
          </p>
        ) : (
          <table>
            <caption class="sr-only">Your orders, newest first; status updates live</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Placed</th>
                <th scope="col">Items</th>
                <th scope="col" class="num">
                  Total
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <tr key={o.orderId} data-order-id={o.orderId}>
                  <td>
                    <Link href={`/app/orders/${encodeURIComponent(o.orderId ?? '')}`}>{o.orderId?.slice(0, 8)}</Link>
                  </td>
                  <td>{when(o.createdAt)}</td>
                  <td>{(o.items ?? []).map((i) => `${i.quantity} × ${i.productName}`).join(', ')}</td>
                  <td class="num">{money(o.totalMinor ?? 0, o.currency ?? 'USD')}</td>
                  <td aria-live="polite">
                    <StatusBadge status={o.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </>
  );
};
