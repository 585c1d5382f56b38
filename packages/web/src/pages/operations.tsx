/*
 * Operators (admin): liveness and readiness, each projection's lag as a live chart (from the
 * Prometheus gauges of `GET /metrics`), and dead letters with their error and redrive.
 */
import { useState } from 'preact/hooks';
import { api, apiUrl } from '../api/client';
import { Chart } from '../chart';
import { session } from '../session';
import { Alert, Panel, usePoll, when } from '../ui';

const SAMPLE_MS = 2000;
const WINDOW = 90; // samples kept: three minutes

interface Sample {
  readonly t: number;
  readonly events: Readonly<Record<string, number>>;
}

/** `strata_projection_lag_events{projection="x"} 3` lines → { x: 3 }. */
export const parseLag = (text: string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^strata_projection_lag_events\{projection="((?:[^"\\]|\\.)*)"\}\s+([0-9.eE+-]+)$/gm)) out[m[1]!.replace(/\\(.)/g, '$1')] = Number(m[2]);
  return out;
};

interface DeadLetter {
  readonly id: string;
  readonly projection: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly error: string;
  readonly failedAt: string;
}

const authHeaders = (): HeadersInit => (session.value ? { authorization: `Bearer ${session.value.idToken}` } : {});

const DeadLetters = () => {
  const [letters, setLetters] = useState<readonly DeadLetter[] | undefined>();
  const [unavailable, setUnavailable] = useState(false);
  const [message, setMessage] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const load = async () => {
    const res = await fetch(apiUrl('/admin/dead-letters'), { headers: authHeaders() });
    if (res.status === 404) return setUnavailable(true);
    if (res.ok) setLetters(((await res.json()) as { items: DeadLetter[] }).items);
  };
  usePoll(load, SAMPLE_MS * 2, []);
  const redrive = async () => {
    setBusy(true);
    try {
      const res = await fetch(apiUrl('/admin/dead-letters/redrive'), { method: 'POST', headers: { ...authHeaders(), 'content-type': 'application/json' }, body: '{}' });
      const body = (await res.json()) as { redriven?: number; failed?: number; detail?: string };
      setMessage(res.ok ? `Redrive: ${body.redriven ?? 0} applied, ${body.failed ?? 0} still failing.` : (body.detail ?? 'The redrive failed.'));
      await load();
    } finally {
      setBusy(false);
    }
  };
  if (unavailable)
    return (
      <Panel title="Dead letters">
        <p>
          This engine has no dead-letter admin endpoint: use <code>strata dlq list</code> and <code>strata dlq redrive</code>.
        </p>
      </Panel>
    );
  return (
    <Panel
      title="Dead letters"
      actions={
        <button type="button" onClick={() => void redrive()} disabled={busy || !letters?.length}>
          Redrive all
        </button>
      }
    >
      {message && <Alert kind="info">{message}</Alert>}
      {letters === undefined ? (
        <p aria-busy="true">Loading…</p>
      ) : letters.length === 0 ? (
        <p data-testid="no-dead-letters">No dead letters: every projection applied every event.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Projection</th>
              <th scope="col">Event</th>
              <th scope="col">Failed</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {letters.map((l) => (
              <tr key={l.id}>
                <td>{l.projection}</td>
                <td>
                  {l.type} <span class="muted">{l.streamId}@{l.streamVersion}</span>
                </td>
                <td>{when(l.failedAt)}</td>
                <td>
                  <code>{l.error}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
};

export const Operations = () => {
  const [health, setHealth] = useState<string | undefined>();
  const [ready, setReady] = useState<{ status: string; checks: Record<string, { ok: boolean; detail?: string }> } | undefined>();
  const [samples, setSamples] = useState<readonly Sample[]>([]);
  usePoll(
    async () => {
      const [h, r, m] = await Promise.all([
        api.GET('/health').then(({ response }) => (response.ok ? 'ok' : `HTTP ${response.status}`)).catch(() => 'unreachable'),
        fetch(apiUrl('/ready')).then((res) => res.json() as Promise<{ status: string; checks: Record<string, { ok: boolean; detail?: string }> }>).catch(() => undefined),
        fetch(apiUrl('/metrics')).then((res) => (res.ok ? res.text() : '')).catch(() => ''),
      ]);
      setHealth(h);
      setReady(r);
      const events = parseLag(m);
      setSamples((prev) => [...prev, { t: Date.now() / 1000, events }].slice(-WINDOW));
    },
    SAMPLE_MS,
    [],
  );
  const projections = [...new Set(samples.flatMap((s) => Object.keys(s.events)))].sort();
  const latest = samples.at(-1)?.events ?? {};
  return (
    <>
      <h1>Operations</h1>
      <div class="grid">
        <Panel title="Engine">
          <dl class="kpis">
            <div>
              <dt>Liveness</dt>
              <dd data-testid="health">{health ?? '…'}</dd>
            </div>
            <div>
              <dt>Readiness</dt>
              <dd data-testid="readiness">{ready?.status ?? '…'}</dd>
            </div>
          </dl>
          {ready && (
            <table>
              <thead>
                <tr>
                  <th scope="col">Check</th>
                  <th scope="col">State</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(ready.checks).map(([name, c]) => (
                  <tr key={name}>
                    <td>{name}</td>
                    <td>
                      <span class={`badge ${c.ok ? 'badge-confirmed' : 'badge-cancelled'}`}>{c.ok ? 'ok' : 'failing'}</span>
                    </td>
                    <td>{c.detail ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Panel>
        <Panel title="Projection lag">
          {samples.length > 1 && projections.length > 0 ? (
            <Chart
              label={`Projection lag in events over the last ${samples.length} samples: ${projections.map((p) => `${p} ${latest[p] ?? 0}`).join(', ')}`}
              x={samples.map((s) => s.t)}
              series={projections.map((p) => ({ label: p, values: samples.map((s) => s.events[p] ?? null) }))}
              time
              integer
            />
          ) : (
            <p aria-busy="true">Collecting samples…</p>
          )}
          <p class="hint">Events each projection has not applied yet, sampled every {SAMPLE_MS / 1000} s from /metrics.</p>
          <ul class="inline-list">
            {projections.map((p) => (
              <li key={p}>
                {p}: <strong data-testid={`lag-${p}`}>{latest[p] ?? 0}</strong>
              </li>
            ))}
          </ul>
        </Panel>
      </div>
      <DeadLetters />
    </>
  );
};
