/*
 * Auditors: an order's events across its streams (order, payment, feedback) with who did what,
 * why (causation) and in which request (correlation), and the hash-chain verdict in plain words.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, problemText, type History } from '../api/client';
import { Link, navigate } from '../router';
import { hasRole, session } from '../session';
import { Alert, Field, Panel } from '../ui';

type HistoryEvent = NonNullable<NonNullable<History['streams']>[number]['events']>[number];

const actorText = (a: unknown): string => {
  const x = a as { kind?: string; id?: string; roles?: string[] } | undefined;
  if (!x?.kind) return '—';
  return x.kind === 'user' ? `user ${short(x.id, 8)}${x.roles?.length ? ` (${x.roles.join(', ')})` : ''}` : `system: ${x.id ?? ''}`;
};

const stamp = (iso: string | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '—');

function short(s: string | undefined, n = 12): string {
  return s ? (s.length > n ? `${s.slice(0, n)}…` : s) : '—';
}

/** The verdict and each stream's events, oldest first. `compact` leaves out the hash columns. */
export const Timeline = ({ history, compact = false }: { history: History; compact?: boolean }) => {
  const events: Array<HistoryEvent & { streamId: string }> = (history.streams ?? [])
    .flatMap((s) => (s.events ?? []).map((e) => ({ ...e, streamId: s.streamId ?? '' })))
    .sort((a, b) => (a.occurredAt ?? '').localeCompare(b.occurredAt ?? '') || (a.streamVersion ?? 0) - (b.streamVersion ?? 0));
  return (
    <>
      {history.verified ? (
        <p class="verdict ok" data-testid="chain-verdict">
          <span aria-hidden="true">✔</span> Verified: every stream&apos;s hash chain is intact ({(history.streams ?? []).map((s) => `${s.streamId?.split('-')[0] ?? ''} ${s.chain?.events ?? 0} event${s.chain?.events === 1 ? '' : 's'}`).join(', ')}).
        </p>
      ) : (
        <p class="verdict broken" role="alert" data-testid="chain-verdict">
          <span aria-hidden="true">✖</span> NOT verified: the history of{' '}
          {(history.streams ?? [])
            .filter((s) => !s.chain?.ok)
            .map((s) => s.streamId)
            .join(', ')}{' '}
          does not match its hash chain — it was altered after it was written.
        </p>
      )}
      <div class="scroll" tabIndex={0} role="region" aria-label="Events (scrolls sideways)">
        <table class="timeline">
          <caption class="sr-only">Events of the order, its payment and its feedback, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">When (UTC)</th>
              <th scope="col">Stream</th>
              <th scope="col">Event</th>
              <th scope="col">Actor</th>
              {!compact && <th scope="col">Causation</th>}
              {!compact && <th scope="col">Correlation</th>}
              {!compact && <th scope="col">Hash</th>}
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.eventId}>
                <td>{stamp(e.occurredAt)}</td>
                <td>
                  {e.streamId.split('-')[0]} <span class="muted">v{e.streamVersion}</span>
                </td>
                <td>
                  <strong>{e.type}</strong>
                </td>
                <td title={(e.actor as { id?: string } | undefined)?.id}>{actorText(e.actor)}</td>
                {!compact && (
                  <td>
                    <code title={e.causationId}>{short(e.causationId)}</code>
                  </td>
                )}
                {!compact && (
                  <td>
                    <code title={e.correlationId}>{short(e.correlationId)}</code>
                  </td>
                )}
                {!compact && (
                  <td>
                    <code title={`${e.prevHash ?? ''} → ${e.hash ?? ''}`}>{short(e.hash, 10)}</code>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
};

export const Audit = ({ initial }: { initial: string }) => {
  const [orderId, setOrderId] = useState(initial);
  const [history, setHistory] = useState<History | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = async (id: string) => {
    setError(undefined);
    setHistory(undefined);
    const { data, error: problem } = await api.GET('/orders/{id}/history', { params: { path: { id } } });
    if (data) setHistory(data);
    else setError(problemText(problem, 'No such order.'));
  };
  useEffect(() => {
    if (initial) void load(initial);
  }, [initial]);
  const submit = (e: Event) => {
    e.preventDefault();
    const id = orderId.trim();
    if (!id) return;
    navigate(`/app/audit?order=${encodeURIComponent(id)}`, true);
    void load(id);
  };
  return (
    <>
      <h1>Audit an order</h1>
      <form onSubmit={submit} class="card inline-form" role="search">
        <Field label="Order id" required size={44} value={orderId} onInput={(e) => setOrderId(e.currentTarget.value)} />
        <button type="submit">Show timeline</button>
      </form>
      {error && <Alert>{error}</Alert>}
      {history && (
        <Panel
          title={`Timeline of order ${history.orderId ?? ''}`}
          id="audit-timeline"
          actions={hasRole(session.value, 'admin') && <Link href={`/app/orders/${encodeURIComponent(history.orderId ?? '')}`}>Open the order (ship, deliver, cancel)</Link>}
        >
          <Timeline history={history} />
        </Panel>
      )}
    </>
  );
};
