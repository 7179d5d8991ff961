/** One failed upstream call as the status page shows it: codes, ids and the error message only. */
export interface RecentUpstreamError {
  readonly at: string;
  readonly api: string;
  readonly code: string;
  readonly status: number | undefined;
  readonly cause: string | undefined;
  readonly message: string;
  readonly requestId: string;
}

/**
 * The last N upstream failures, newest first. Transport and gateway messages never carry a
 * credential; provider bodies (which may hold personal data) are deliberately not kept.
 */
export class RecentUpstreamErrors {
  private readonly entries: RecentUpstreamError[] = [];

  constructor(private readonly capacity = 20) {}

  record(entry: RecentUpstreamError): void {
    this.entries.unshift(entry);
    if (this.entries.length > this.capacity) this.entries.length = this.capacity;
  }

  list(): readonly RecentUpstreamError[] {
    return [...this.entries];
  }
}
