/* One order: live status, its lines and payment, the timeline of its events, cancel and feedback. */
import { useRef, useState } from 'preact/hooks';
import { api, problemText, type History, type Order } from '../api/client';
import { Link } from '../router';
import { hasRole, session } from '../session';
import { Alert, Field, Panel, Select, StatusBadge, money, usePoll, useAsync, when } from '../ui';
import { POLL_MS } from './orders';
import { Timeline } from './audit';

const CANCELLABLE = new Set(['placed', 'confirmed']);
const RATEABLE = new Set(['confirmed', 'shipped', 'delivered']);
const CATEGORIES = ['Product Quality', 'Delivery', 'Service', 'Price', 'Other'] as const;

const Feedback = ({ orderId, onSent }: { orderId: string; onSent: () => void }) => {
  const [rating, setRating] = useState('5');
  const [category, setCategory] = useState<string>(CATEGORIES[0]);
  const [comment, setComment] = useState('');
  const [done, setDone] = useState(false);
  const { busy, error, setError, run } = useAsync();
  if (done) return <Alert kind="success">Thank you: your feedback is recorded.</Alert>;
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const { response, error: problem } = await api.POST('/feedback', { body: { orderId, rating: Number(rating), category, comment } });
      if (response.status === 201) {
        setDone(true);
        onSent();
      }
      else setError(problemText(problem, 'The feedback was not recorded.'));
    });
  };
  return (
    <form onSubmit={submit} class="feedback">
      <div class="row">
        <Select label="Rating (1 to 5)" options={['5', '4', '3', '2', '1']} value={rating} onChange={(e) => setRating(e.currentTarget.value)} />
        <Select label="Category" options={CATEGORIES} value={category} onChange={(e) => setCategory(e.currentTarget.value)} />
      </div>
      <Field label="Comment" maxLength={2000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      {error && <Alert>{error}</Alert>}
      <button type="submit" disabled={busy}>
        Send feedback
      </button>
    </form>
  );
};

export const OrderDetail = ({ orderId }: { orderId: string }) => {
  const [order, setOrder] = useState<Order | undefined>();
  const [history, setHistory] = useState<History | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const cancel = useAsync();
  const [justSent, setJustSent] = useState(false);
  const seenVersion = useRef(-1);

  usePoll(
    async () => {
      const { data, error } = await api.GET('/orders/{id}', { params: { path: { id: orderId } } });
      if (!data) return setLoadError(problemText(error, 'Could not load the order.'));
      setLoadError(undefined);
      setOrder(data);
      // The timeline changes when the order does (payment events come with order events).
      if (data.version !== seenVersion.current) {
        seenVersion.current = data.version ?? 0;
        const h = await api.GET('/orders/{id}/history', { params: { path: { id: orderId } } });
        if (h.data) setHistory(h.data);
      }
    },
    POLL_MS,
    [orderId],
  );

  // Admins move a paid order along: shipped, then delivered.
  const advance = (step: 'ship' | 'deliver') =>
    void cancel.run(async () => {
      const options = { params: { path: { id: orderId } }, headers: { 'Idempotency-Key': crypto.randomUUID() }, body: {} };
      const { data, error } = step === 'ship' ? await api.POST('/orders/{id}/ship', options) : await api.POST('/orders/{id}/deliver', options);
      if (data) setOrder(data);
      else cancel.setError(problemText(error, `The order was not marked ${step === 'ship' ? 'shipped' : 'delivered'}.`));
    });
  const admin = hasRole(session.value, 'admin');

  const doCancel = () =>
    void cancel.run(async () => {
      const { data, error } = await api.POST('/orders/{id}/cancel', {
        params: { path: { id: orderId } },
        headers: { 'Idempotency-Key': crypto.randomUUID() },
        body: { reason: 'cancelled by the customer' },
      });
      if (data) setOrder(data);
      else cancel.setError(problemText(error, 'The order was not cancelled.'));
    });

  const feedbackGiven = (history?.streams ?? []).some((s) => s.streamId?.startsWith('Feedback'));

  return (
    <>
      <p>
        {admin ? (
          <Link href={`/app/audit?order=${encodeURIComponent(orderId)}`}>
            <span aria-hidden="true">← </span>Back to the audit view
          </Link>
        ) : (
          <Link href="/app/orders">
            <span aria-hidden="true">← </span>Back to my orders
          </Link>
        )}
      </p>
      <h1>Order {orderId.slice(0, 8)}</h1>
      {loadError && <Alert>{loadError}</Alert>}
      {order && (
        <>
          <Panel title="Status">
            <p class="status-line" aria-live="polite">
              Status: <StatusBadge status={order.status} />
              {order.payment?.status && <span class="muted"> · payment {order.payment.status}</span>}
              {order.cancelReason && <span class="muted"> · {order.cancelReason}</span>}
            </p>
            <p class="muted">
              Placed {when(order.createdAt)} · updated {when(order.updatedAt)}
            </p>
            <div class="actions">
              {admin && order.status === 'confirmed' && (
                <button type="button" onClick={() => advance('ship')} disabled={cancel.busy}>
                  Mark shipped
                </button>
              )}
              {admin && order.status === 'shipped' && (
                <button type="button" onClick={() => advance('deliver')} disabled={cancel.busy}>
                  Mark delivered
                </button>
              )}
              {CANCELLABLE.has(order.status ?? '') && (
                <button type="button" class="danger" onClick={doCancel} disabled={cancel.busy}>
                  Cancel order
                </button>
              )}
            </div>
            {cancel.error && <Alert>{cancel.error}</Alert>}
          </Panel>
          <Panel title="Items">
            <table>
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col" class="num">
                    Quantity
                  </th>
                  <th scope="col" class="num">
                    Unit price
                  </th>
                </tr>
              </thead>
              <tbody>
                {(order.items ?? []).map((i) => (
                  <tr key={i.productId}>
                    <td>
                      {i.productName} <span class="muted">({i.productId})</span>
                    </td>
                    <td class="num">{i.quantity}</td>
                    <td class="num">{money(i.unitPriceMinor ?? 0, order.currency ?? 'USD')}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={2}>
                    Total
                  </th>
                  <td class="num">
                    <strong>{money(order.totalMinor ?? 0, order.currency ?? 'USD')}</strong>
                  </td>
                </tr>
              </tfoot>
            </table>
            {order.shippingAddress && (
              <p class="muted">
                Ships to {order.shippingAddress.street}, {order.shippingAddress.zipCode} {order.shippingAddress.city}, {order.shippingAddress.country}
              </p>
            )}
          </Panel>
          {RATEABLE.has(order.status ?? '') && history && order.userId === session.value?.sub && (
            <Panel title="Feedback">
              {feedbackGiven && !justSent ? (
                <p>You have rated this order: thank you.</p>
              ) : (
                <Feedback
                  orderId={orderId}
                  onSent={() => {
                    setJustSent(true);
                    seenVersion.current = -1; // the timeline gains the feedback event
                  }}
                />
              )}
            </Panel>
          )}
        </>
      )}
      {history && (
        <Panel title="Timeline">
          <Timeline history={history} compact />
        </Panel>
      )}
    </>
  );
};
