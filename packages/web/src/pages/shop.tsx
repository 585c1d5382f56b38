/*
 * The storefront: products from the catalogue (`GET /products`, issue 13) when the API has one,
 * otherwise free entry of product lines with their price (the API today takes prices from the
 * request; with the catalogue it checks them against its own and answers 409 when they differ).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, apiUrl, problemText } from '../api/client';
import { navigate } from '../router';
import { session } from '../session';
import { Alert, Field, Panel, Select, minorDigits, money, useAsync } from '../ui';

interface Product {
  readonly productId: string;
  readonly name: string;
  readonly description?: string;
  readonly price: { readonly amount: number; readonly currency: string };
}

const isProduct = (p: unknown): p is Product => {
  const x = p as Partial<Product> | null;
  return !!x && typeof x.productId === 'string' && typeof x.name === 'string' && typeof x.price?.amount === 'number' && typeof x.price.currency === 'string';
};

interface Line {
  key: number;
  productId: string;
  productName: string;
  quantity: string;
  price: string;
  fromCatalogue: boolean;
}

const CURRENCIES = ['USD', 'EUR', 'GBP', 'CHF', 'CAD', 'AUD', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'JPY'] as const;
let lineKeys = 0;
const emptyLine = (): Line => ({ key: ++lineKeys, productId: '', productName: '', quantity: '1', price: '', fromCatalogue: false });

export const Shop = () => {
  const [catalogue, setCatalogue] = useState<readonly Product[] | undefined>();
  const [lines, setLines] = useState<Line[]>([emptyLine()]);
  const [currency, setCurrency] = useState<(typeof CURRENCIES)[number]>('USD');
  const [address, setAddress] = useState({ street: '', city: '', zipCode: '', country: '' });
  const { busy, error, setError, run } = useAsync();

  useEffect(() => {
    // The catalogue is public. Ask for it only when the API's document lists it (a 404 would be
    // a console error on every visit until issue 13 lands); free entry otherwise.
    const load = async () => {
      const doc = (await (await fetch(apiUrl('/openapi.json'))).json()) as { paths?: Record<string, unknown> };
      if (!doc.paths?.['/products']) return;
      const res = await fetch(apiUrl('/products?limit=50'));
      const page = res.ok ? ((await res.json()) as { items?: unknown[] }) : undefined;
      const items = (page?.items ?? []).filter(isProduct);
      if (items.length > 0) {
        setCatalogue(items);
        setLines([]);
      }
    };
    load().catch(() => undefined);
  }, []);

  const update = (key: number, patch: Partial<Line>) => setLines(lines.map((l) => (l.key === key ? { ...l, ...patch } : l)));
  const addProduct = (p: Product) => {
    const existing = lines.find((l) => l.productId === p.productId);
    if (existing) return update(existing.key, { quantity: String(Number(existing.quantity) + 1) });
    setCurrency(p.price.currency as (typeof CURRENCIES)[number]);
    const digits = minorDigits(p.price.currency);
    setLines([...lines, { key: ++lineKeys, productId: p.productId, productName: p.name, quantity: '1', price: (p.price.amount / 10 ** digits).toFixed(digits), fromCatalogue: true }]);
  };

  const total = lines.reduce((s, l) => s + (Number(l.price) || 0) * (Number(l.quantity) || 0), 0);

  const submit = (e: Event) => {
    e.preventDefault();
    if (lines.length === 0) return setError('Add at least one product.');
    void run(async () => {
      const { data, error: problem } = await api.POST('/orders', {
        headers: { 'Idempotency-Key': crypto.randomUUID() },
        body: {
          ...(session.value ? { userId: session.value.sub } : {}),
          currency,
          items: lines.map((l) => ({ productId: l.productId.trim(), productName: l.productName.trim(), quantity: Number(l.quantity), price: l.price.trim() })),
          shippingAddress: address,
        },
      });
      if (!data?.orderId) return setError(problemText(problem, 'The order was not placed.'));
      navigate(`/app/orders/${encodeURIComponent(data.orderId)}`);
    });
  };

  return (
    <>
      <h1>Shop</h1>
      {catalogue && (
        <Panel title="Products">
          <ul class="products">
            {catalogue.map((p) => (
              <li key={p.productId} class="card product">
                <h3>{p.name}</h3>
                {p.description && <p>{p.description}</p>}
                <p class="price">{money(p.price.amount, p.price.currency)}</p>
                <button type="button" onClick={() => addProduct(p)} aria-label={`Add ${p.name} to the order`}>
                  Add
                </button>
              </li>
            ))}
          </ul>
        </Panel>
      )}
      <form onSubmit={submit}>
        <Panel
          title="Your order"
          actions={
            !catalogue && (
              <button type="button" class="secondary" onClick={() => setLines([...lines, emptyLine()])}>
                Add a line
              </button>
            )
          }
        >
          {!catalogue && <p class="hint">This shop has no catalogue yet: enter each product, its quantity and unit price.</p>}
          {lines.length === 0 && <p>No products yet: add some from the list above.</p>}
          {lines.map((l, i) => (
            <fieldset key={l.key} class="line">
              <legend>Line {i + 1}</legend>
              <Field label="Product id" required value={l.productId} readOnly={l.fromCatalogue} onInput={(e) => update(l.key, { productId: e.currentTarget.value })} />
              <Field label="Product name" required value={l.productName} readOnly={l.fromCatalogue} onInput={(e) => update(l.key, { productName: e.currentTarget.value })} />
              <Field label="Quantity" type="number" min={1} max={1000000} required value={l.quantity} onInput={(e) => update(l.key, { quantity: e.currentTarget.value })} />
              <Field
                label={`Unit price (${currency})`}
                inputMode="decimal"
                pattern="^\d+(\.\d+)?$"
                required
                value={l.price}
                readOnly={l.fromCatalogue}
                onInput={(e) => update(l.key, { price: e.currentTarget.value })}
              />
              <button type="button" class="link danger" onClick={() => setLines(lines.filter((x) => x.key !== l.key))} aria-label={`Remove line ${i + 1}`}>
                Remove
              </button>
            </fieldset>
          ))}
          <div class="row">
            <Select label="Currency" options={CURRENCIES} value={currency} disabled={!!catalogue} onChange={(e) => setCurrency(e.currentTarget.value as (typeof CURRENCIES)[number])} />
            <p class="total" aria-live="polite">
              Total: <strong>{total.toFixed(minorDigits(currency))} {currency}</strong>
            </p>
          </div>
        </Panel>
        <Panel title="Shipping address">
          <Field label="Street" autocomplete="street-address" required value={address.street} onInput={(e) => setAddress({ ...address, street: e.currentTarget.value })} />
          <div class="row">
            <Field label="City" autocomplete="address-level2" required value={address.city} onInput={(e) => setAddress({ ...address, city: e.currentTarget.value })} />
            <Field label="Postal code" autocomplete="postal-code" required value={address.zipCode} onInput={(e) => setAddress({ ...address, zipCode: e.currentTarget.value })} />
            <Field label="Country" autocomplete="country" required placeholder="DE" value={address.country} onInput={(e) => setAddress({ ...address, country: e.currentTarget.value })} />
          </div>
        </Panel>
        {error && <Alert>{error}</Alert>}
        <button type="submit" disabled={busy}>
          {busy ? 'Placing…' : 'Place order'}
        </button>
      </form>
    </>
  );
};
