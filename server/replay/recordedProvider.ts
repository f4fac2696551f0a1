import type { ModelProvider, ModelRequest, ModelResponse } from '../engine/modelProvider';
import type { Recording } from './recording';

/**
 * Serves a run's model calls from its recording, and once the recording runs out, from `live` (resume
 * and fork go on live; replay has no live provider and reports the call as a divergence). Recorded
 * calls are `skip`ped on the live provider, so its own state (a script's position, its random draws)
 * is where an uninterrupted run would have left it. Never calls a live provider for a recorded call:
 * replay costs nothing and touches no network.
 */
export class RecordedProvider implements ModelProvider {
  constructor(
    private readonly recording: Recording,
    private readonly live: ModelProvider | null,
    /** The provider the run was recorded with: its state is moved past each recorded call (`skip`). */
    private readonly schedule: ModelProvider | null = live,
  ) {}

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const recorded = this.recording.takeModelCall(request.agent);
    if (recorded) {
      this.schedule?.skip?.(request);
      if (recorded.kind === 'failed') throw recorded.error;
      return recorded.response;
    }
    if (this.live) return this.live.complete(request);
    // A call the journal never saw answered was still in flight when the run ended (a timeout, a
    // halt, a cancel): it never answers in the replay either, and the engine ends the same way. A
    // replay that goes on regardless meets the journal's end and is reported as a divergence.
    return { text: '', toolCalls: [], usage: { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 }, latencyMs: Number.POSITIVE_INFINITY };
  }
}
