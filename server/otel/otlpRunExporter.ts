import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { RunEvent } from '../../protocol/runEvent';
import type { RunObserver } from '../runs/runObserver';
import { RunSpans } from './runSpans';

export interface OtlpRunExporterOptions {
  /** The OTLP/HTTP traces endpoint, e.g. `http://localhost:4318/v1/traces`. */
  url: string;
  serviceVersion: string;
  /** How long a batch waits before it is sent, ms (the SDK's default is 5 s). */
  scheduledDelayMillis?: number;
}

/**
 * Exports every run of the server as a trace over OTLP/HTTP (JSON). Its own tracer provider, never
 * registered globally: nothing else in the process is traced by accident, and two servers in one
 * process (tests) do not share one.
 */
export class OtlpRunExporter implements RunObserver {
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly runs = new Map<string, RunSpans>();

  constructor(options: OtlpRunExporterOptions) {
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'squad-studio', 'service.version': options.serviceVersion }),
      spanProcessors: [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: options.url }), {
          scheduledDelayMillis: options.scheduledDelayMillis ?? 1000,
          maxQueueSize: 20_000,
          maxExportBatchSize: 1000,
        }),
      ],
    });
    this.tracer = this.provider.getTracer('squad-studio', options.serviceVersion);
  }

  runStarted(run: { id: string; tenant: string; squad: string; startedAt: Date }): void {
    this.runs.set(run.id, new RunSpans(this.tracer, run.startedAt.getTime(), run));
  }

  event(id: string, event: RunEvent): void {
    this.runs.get(id)?.event(event);
  }

  runEnded(id: string): void {
    this.runs.get(id)?.finish();
    this.runs.delete(id);
  }

  /** Sends what is buffered now. */
  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  /** Ends open runs' spans, sends everything, and stops. */
  async close(): Promise<void> {
    for (const spans of this.runs.values()) spans.finish();
    this.runs.clear();
    await this.provider.shutdown();
  }
}
