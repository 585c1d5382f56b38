/*
 * The Strata web app. One single-page app for every role: customers (storefront, orders),
 * analysts (dashboards over the warehouse SQL), auditors (order timelines with the hash-chain
 * verdict) and operators (health, projection lag, dead letters). Roles decide what is shown; the
 * API decides what is allowed.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { configureApi } from './api/client';
import { Link, match, navigate, usePath } from './router';
import { hasRole, homeOf, session, type Session } from './session';
import { Alert } from './ui';
import { SignIn, SignUp } from './pages/auth';
import { Shop } from './pages/shop';
import { OrderList } from './pages/orders';
import { OrderDetail } from './pages/order';
import { Insights } from './pages/insights';
import { Audit } from './pages/audit';
import { Operations } from './pages/operations';

const useSession = (): [Session | undefined, string | undefined] => {
  const [s, setS] = useState(session.value);
  const [notice, setNotice] = useState<string | undefined>();
  useEffect(
    () =>
      session.subscribe((next, why) => {
        setS(next);
        setNotice(why);
      }),
    [],
  );
  return [s, notice];
};

interface NavItem {
  readonly href: string;
  readonly label: string;
  readonly show: (s: Session) => boolean;
}
const NAV: readonly NavItem[] = [
  { href: '/app/shop', label: 'Shop', show: (s) => hasRole(s, 'customer') },
  { href: '/app/orders', label: 'My orders', show: (s) => hasRole(s, 'customer') },
  { href: '/app/insights', label: 'Dashboards', show: (s) => hasRole(s, 'analyst', 'admin') },
  { href: '/app/audit', label: 'Audit', show: (s) => hasRole(s, 'auditor', 'admin') },
  { href: '/app/operations', label: 'Operations', show: (s) => hasRole(s, 'admin') },
];

const Page = ({ path, s }: { path: string; s: Session | undefined }) => {
  if (path === '/app/signup') return <SignUp />;
  if (!s) return <SignIn />;
  if (path === '/app/signin' || path === '/' || path === '/app' || path === '/app/') {
    navigate(homeOf(s), true);
    return null;
  }
  if (path === '/app/shop') return <Shop />;
  if (path === '/app/orders') return <OrderList />;
  const order = match('/app/orders/:id', path);
  if (order) return <OrderDetail orderId={order.id!} />;
  if (path === '/app/insights') return <Insights />;
  if (path === '/app/audit') return <Audit initial={new URLSearchParams(location.search).get('order') ?? ''} />;
  if (path === '/app/operations') return <Operations />;
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is nothing at <code>{path}</code>. <Link href={homeOf(s)}>Go to your start page</Link>.
      </p>
    </>
  );
};

const App = () => {
  const path = usePath();
  const [s, notice] = useSession();
  useEffect(() => {
    // Each page names itself; focus moves to the heading so keyboard and screen-reader users land on it.
    const h1 = document.querySelector<HTMLElement>('main h1');
    if (h1) {
      document.title = `${h1.textContent ?? ''} · Strata`;
      h1.setAttribute('tabindex', '-1');
      h1.focus({ preventScroll: true });
    }
  }, [path, s]);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="brand">
          <span aria-hidden="true" class="logo" /> Strata
        </div>
        {s && (
          <nav aria-label="Main">
            <ul>
              {NAV.filter((n) => n.show(s)).map((n) => (
                <li key={n.href}>
                  <Link href={n.href} aria-current={path.startsWith(n.href) ? 'page' : undefined}>
                    {n.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div class="who">
          {s ? (
            <>
              <span>
                {s.email || 'signed in'} <span class="roles">({s.roles.join(', ')})</span>
              </span>
              <button type="button" class="link" onClick={() => session.signOut()}>
                Sign out
              </button>
            </>
          ) : (
            <Link href="/app/signup">Create an account</Link>
          )}
        </div>
      </header>
      <main id="main">
        {notice && !s && <Alert kind="info">{notice}</Alert>}
        <Page path={path} s={s} />
      </main>
    </>
  );
};

const boot = async () => {
  try {
    const res = await fetch('/config.json', { cache: 'no-cache' });
    if (res.ok) {
      const config = (await res.json()) as { apiBase?: string };
      if (config.apiBase) configureApi(config.apiBase);
    }
  } catch {
    // No runtime configuration: the default `/api` base path.
  }
  render(<App />, document.getElementById('root')!);
};
void boot();
