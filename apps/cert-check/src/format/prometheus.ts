/**
 * Prometheus text exposition format (version 0.0.4) for the expiry gauges, e.g. for node_exporter's
 * textfile collector: `cert-check expiry --prom chain.pem > /var/lib/node_exporter/cert.prom`.
 */
export interface ExpiryGaugeSample {
  readonly file: string;
  readonly days: number;
  readonly seconds: number;
}

const METRICS = [
  {
    name: 'connectpay_certificate_expiry_days',
    help: 'Whole days until the first certificate in the chain file expires (negative once expired).',
    value: (sample: ExpiryGaugeSample) => sample.days,
  },
  {
    name: 'connectpay_certificate_expiry_seconds',
    help: 'Seconds until the first certificate in the chain file expires (negative once expired).',
    value: (sample: ExpiryGaugeSample) => sample.seconds,
  },
] as const;

/** Label values escape backslash, double quote and newline, as the exposition format requires. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function prometheusText(samples: readonly ExpiryGaugeSample[]): string {
  const lines: string[] = [];
  for (const metric of METRICS) {
    lines.push(`# HELP ${metric.name} ${metric.help}`, `# TYPE ${metric.name} gauge`);
    for (const sample of samples)
      lines.push(`${metric.name}{file="${escapeLabelValue(sample.file)}"} ${metric.value(sample)}`);
  }
  return `${lines.join('\n')}\n`;
}
