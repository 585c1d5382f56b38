/* Small accessible building blocks shared by the pages. */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

let fieldIds = 0;
const useId = (prefix: string) => useRef(`${prefix}-${++fieldIds}`).current;

/** A labelled input; the label is always visible and tied to the control. */
export const Field = ({ label, hint, ...input }: { label: string; hint?: string } & JSX.InputHTMLAttributes<HTMLInputElement>) => {
  const id = useId('f');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} {...input} aria-describedby={hint ? `${id}-hint` : undefined} />
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
    </div>
  );
};

export const Select = ({ label, options, ...rest }: { label: string; options: readonly string[] } & JSX.SelectHTMLAttributes<HTMLSelectElement>) => {
  const id = useId('s');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} {...rest}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
};

/** A message for everyone, read out by screen readers when it changes. */
export const Alert = ({ kind = 'error', children }: { kind?: 'error' | 'success' | 'info'; children: ComponentChildren }) => (
  <div class={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
    {children}
  </div>
);

const digitsOf = (currency: string): number => {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
};

/** An amount in minor units of `currency`, formatted (JPY has none, KWD three). */
export const money = (minor: number, currency: string): string => {
  const digits = digitsOf(currency);
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
  }
};

export const minorDigits = digitsOf;

export const StatusBadge = ({ status }: { status: string | undefined }) => <span class={`badge badge-${status ?? 'unknown'}`}>{status ?? 'unknown'}</span>;

export const when = (iso: string | undefined): string => (iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' }) + ' UTC' : '—');

/** Re-runs `task` every `ms` while the component is shown (a live view by polling). */
export const usePoll = (task: () => Promise<void>, ms: number, deps: readonly unknown[]): void => {
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        await task();
      } finally {
        if (!stopped) timer = setTimeout(() => void tick(), ms);
      }
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, deps);
};

/** Rows as CSV (RFC 4180 quoting), downloaded as `name`. */
export const downloadCsv = (name: string, rows: ReadonlyArray<Record<string, unknown>>): void => {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const text = [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n');
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
};

/** A page section with its heading; `actions` sit beside the heading. */
export const Panel = ({ title, actions, children, id }: { title: string; actions?: ComponentChildren; children: ComponentChildren; id?: string }) => (
  <section class="panel" aria-labelledby={`${id ?? title.replace(/\W+/g, '-').toLowerCase()}-h`}>
    <div class="panel-head">
      <h2 id={`${id ?? title.replace(/\W+/g, '-').toLowerCase()}-h`}>{title}</h2>
      {actions && <div class="panel-actions">{actions}</div>}
    </div>
    {children}
  </section>
);

/** A hook for async state: `run` shows `busy` and the error. */
export const useAsync = () => {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const run = async (task: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await task();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
};
