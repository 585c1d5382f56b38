/**
 * The simulated card provider as a Lambda behind a function URL: the sandbox stage's payment
 * provider (`-c stage=sandbox`), so a sandbox deploy takes payments end to end without a real
 * provider. The provider is the very one the local engine runs (`startSimulatedProvider`),
 * listening on loopback inside the execution environment; each function URL request is passed
 * to it as is. Its ledger and idempotency keys live in that environment's memory: the CDK app
 * reserves one concurrent execution so every request meets the same ledger, and a cold start
 * (an idle environment is recycled after some minutes) begins a fresh ledger — a sandbox, not a
 * record of money.
 */
import { startSimulatedProvider, type SimulatedProvider } from '@strata/workflows/provider/provider.simulated';
import { once } from './once.js';

/** The function URL's request (payload format 2.0), the fields used here. */
export interface FunctionUrlEvent {
  readonly rawPath: string;
  readonly rawQueryString?: string;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly requestContext: { readonly http: { readonly method: string } };
}

export interface FunctionUrlResult {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Only what the provider reads is passed on: the idempotency key and the content type. */
const FORWARDED_HEADERS = ['content-type', 'idempotency-key'] as const;

export const createSimulatedProviderHandler =
  (provider: () => Promise<Pick<SimulatedProvider, 'url'>>) =>
  async (event: FunctionUrlEvent): Promise<FunctionUrlResult> => {
    const { url } = await provider();
    const method = event.requestContext.http.method;
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_HEADERS) {
      const value = event.headers?.[name];
      if (value !== undefined) headers[name] = value;
    }
    const body = event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
    const res = await fetch(`${url}${event.rawPath}${query}`, { method, headers, ...(body === undefined || method === 'GET' ? {} : { body }) });
    return { statusCode: res.status, headers: { 'content-type': res.headers.get('content-type') ?? 'application/json' }, body: await res.text() };
  };

/** Lambda entry point (`handler` export, see infra's `LambdaEntry.simulatedProvider`). */
export const handler = createSimulatedProviderHandler(once(() => startSimulatedProvider({ port: 0 })));
