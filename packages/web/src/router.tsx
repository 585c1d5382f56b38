/*
 * A small history router: the app's routes live under `/app/...` (never colliding with API paths
 * such as `/orders/{id}`); `strata start` and CloudFront answer every `/app/*` with index.html.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<() => void>();

export const navigate = (to: string, replace = false): void => {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const l of listeners) l();
};

export const usePath = (): string => {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return path;
};

/** `/app/orders/:id` against `/app/orders/abc` → `{ id: 'abc' }`, or undefined. */
export const match = (pattern: string, path: string): Record<string, string> | undefined => {
  const p = pattern.split('/');
  const a = path.replace(/\/$/, '').split('/');
  if (p.length !== a.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(a[i]!);
    else if (seg !== a[i]) return undefined;
  }
  return params;
};

export const Link = ({ href, children, ...rest }: { href: string; children: ComponentChildren } & Omit<JSX.AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) => (
  <a
    href={href}
    {...rest}
    onClick={(e) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      navigate(href);
    }}
  >
    {children}
  </a>
);
