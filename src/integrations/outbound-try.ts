/**
 * One try of an outbound integration call (a webhook delivery, an LTI score post) as its
 * repository records it.
 */
export interface OutboundTryRecord {
  number: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  succeeded: boolean;
}

/** A try as the API lists it under `log`: its outcome and timing, never a body or a secret. */
export function toOutboundTryView(entry: OutboundTryRecord) {
  return {
    try: entry.number,
    startedAt: entry.startedAt.toISOString(),
    durationMs: entry.durationMs,
    statusCode: entry.statusCode,
    error: entry.error,
    succeeded: entry.succeeded,
  };
}
