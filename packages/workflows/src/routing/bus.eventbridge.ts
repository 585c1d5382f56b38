/**
 * The bus on AWS: committed events put on the Strata EventBridge bus, where the same routing rules
 * (`rules.ts`, deployed by the CDK app) start the workflows. Beside `localBus.ts`, its in-process
 * stand-in; both pass `bus.contract.unit.test.ts` (the same events reach the same targets).
 * Only routed events are put (EventBridge bills every event put, read or not), in their current
 * schema version (`busEnvelope`), ten per `PutEvents` call, again for the entries it refused.
 */
import { PutEventsCommand, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import type { EventEnvelope } from '@strata/events';
import { toPutEventsEntry } from './rules.js';

export interface EventBridgeClientLike {
  send(command: PutEventsCommand): Promise<Pick<PutEventsCommandOutput, 'FailedEntryCount' | 'Entries'>>;
}

export interface EventBridgePublisherOptions {
  readonly client: EventBridgeClientLike;
  readonly eventBusName: string;
  /** Attempts per entry, first included (only refused entries are sent again). @default 3 */
  readonly maxAttempts?: number;
  /** @default 100 */
  readonly backoffMs?: number;
  readonly onCallFailed?: (attempt: number, err: unknown) => void;
}

/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES = 10;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface EventBridgePublisher {
  /** Puts the envelopes (already routed and upcast); returns the indexes still refused after every attempt. */
  publish(envelopes: readonly EventEnvelope[]): Promise<Set<number>>;
}

export const createEventBridgePublisher = (o: EventBridgePublisherOptions): EventBridgePublisher => {
  const maxAttempts = o.maxAttempts ?? 3;
  const backoffMs = o.backoffMs ?? 100;
  return {
    async publish(envelopes) {
      let pending = envelopes.map((_, i) => i);
      for (let attempt = 1; pending.length > 0 && attempt <= maxAttempts; attempt++) {
        if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2));
        const refused: number[] = [];
        for (let start = 0; start < pending.length; start += MAX_ENTRIES) {
          const slice = pending.slice(start, start + MAX_ENTRIES);
          try {
            const out = await o.client.send(new PutEventsCommand({ Entries: slice.map((i) => toPutEventsEntry(envelopes[i]!, o.eventBusName)) }));
            if ((out.FailedEntryCount ?? 0) > 0) refused.push(...slice.filter((_, k) => out.Entries?.[k]?.ErrorCode !== undefined));
          } catch (err) {
            // Throttled or unreachable: the whole call is retried.
            o.onCallFailed?.(attempt, err);
            refused.push(...slice);
          }
        }
        pending = refused;
      }
      return new Set(pending);
    },
  };
};
