import { outboundRequest, OutboundTargetRefused, type OutboundPolicy } from '../http/outbound.js';
import { signatureHeader } from './signature.js';

export const DELIVERY_TIMEOUT_MS = 10_000;

export interface SignedDelivery {
  url: string;
  /** The subscriber's secret: the body is signed with it (see signature.ts). */
  secret: string;
  event: string;
  deliveryId: string;
  /** The JSON body, exactly as sent and signed. */
  body: string;
}

/**
 * POSTs one signed webhook delivery through the outbound client (public targets only, checked
 * again at connection time; 10 s timeout; redirects never followed). Any answer but a 2xx is a
 * failure, described; the caller decides about retries.
 */
export async function postSignedWebhook(delivery: SignedDelivery, policy: OutboundPolicy, signal?: AbortSignal): Promise<{ statusCode: number | null; error: string | null }> {
  const headers = {
    'content-type': 'application/json',
    'carbon-atlas-event': delivery.event,
    'carbon-atlas-delivery': delivery.deliveryId,
    'carbon-atlas-signature': signatureHeader(delivery.secret, delivery.body, Math.floor(Date.now() / 1000)),
  };
  try {
    const { status } = await outboundRequest(delivery.url, { method: 'POST', headers, body: delivery.body, timeoutMs: DELIVERY_TIMEOUT_MS, maxResponseBytes: 0, signal }, policy);
    if (status >= 200 && status < 300) return { statusCode: status, error: null };
    return { statusCode: status, error: status >= 300 && status < 400 ? `HTTP ${status}: redirects are not followed` : `HTTP ${status}` };
  } catch (failure) {
    const error = failure instanceof OutboundTargetRefused ? `Refused: ${failure.message}` : failure instanceof Error ? failure.message : String(failure);
    return { statusCode: null, error };
  }
}
