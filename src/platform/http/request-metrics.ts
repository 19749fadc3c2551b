/** Upper bounds of the latency buckets, in seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

const REQUESTS = { name: 'carbon_atlas_http_requests_total', help: 'HTTP requests answered' };
const LATENCY = { name: 'carbon_atlas_http_request_duration_seconds', help: 'Time to answer, by route and status' };

interface Series {
  /** The label set, already written as Prometheus text. */
  labels: string;
  count: number;
  sum: number;
  /** Answers per bucket (not cumulative: the exposition adds them up). */
  perBucket: number[];
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * Requests answered and how long they took, by method, route and status: a map lookup and a few
 * additions per response, written out as Prometheus text only when scraped. prom-client's Counter
 * and Histogram validate and hash the label set on every call, about 5 µs a response, a twentieth
 * of the server's time on the cached-tile path (docs/benchmarks.md). The label sets are bounded:
 * routes are the declared patterns (or `unmatched`), methods those Node's parser accepts.
 */
export class RequestMetrics {
  private readonly series = new Map<string, Series>();

  record(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.series.get(key);
    if (!series) {
      series = { labels: `method="${escapeLabel(method)}",route="${escapeLabel(route)}",status="${status}"`, count: 0, sum: 0, perBucket: LATENCY_BUCKETS.map(() => 0) };
      this.series.set(key, series);
    }
    series.count += 1;
    series.sum += seconds;
    const bucket = LATENCY_BUCKETS.findIndex((bound) => seconds <= bound);
    if (bucket >= 0) series.perBucket[bucket]! += 1;
  }

  /** Both families in the Prometheus text format (0.0.4), as prom-client writes its own. */
  exposition(): string {
    const all = [...this.series.values()];
    const requests = [`# HELP ${REQUESTS.name} ${REQUESTS.help}`, `# TYPE ${REQUESTS.name} counter`, ...all.map((series) => `${REQUESTS.name}{${series.labels}} ${series.count}`)];
    const latency = [`# HELP ${LATENCY.name} ${LATENCY.help}`, `# TYPE ${LATENCY.name} histogram`];
    for (const series of all) {
      let cumulative = 0;
      LATENCY_BUCKETS.forEach((bound, index) => {
        cumulative += series.perBucket[index]!;
        latency.push(`${LATENCY.name}_bucket{le="${bound}",${series.labels}} ${cumulative}`);
      });
      latency.push(`${LATENCY.name}_bucket{le="+Inf",${series.labels}} ${series.count}`);
      latency.push(`${LATENCY.name}_sum{${series.labels}} ${series.sum}`);
      latency.push(`${LATENCY.name}_count{${series.labels}} ${series.count}`);
    }
    return `${requests.join('\n')}\n\n${latency.join('\n')}\n`;
  }
}
