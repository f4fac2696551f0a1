import type { ToolSpec } from '../engine/modelProvider';
import type { ToolCallOutcome, ToolCallRequest, ToolHost } from '../engine/toolHost';
import type { Recording } from './recording';

/**
 * Serves tool calls from the recording by their call id, and from `live` once it has none (resume,
 * fork). The tool list is the live host's when there is one (so agents see the same tools), else the
 * recorded run's tool names, which is all the engine needs to let recorded calls through.
 */
export class RecordedToolHost implements ToolHost {
  constructor(
    private readonly recording: Recording,
    private readonly live: ToolHost | null,
    private readonly recordedTools: readonly ToolSpec[],
  ) {}

  tools(): readonly ToolSpec[] {
    return this.live?.tools() ?? this.recordedTools;
  }

  async call(request: ToolCallRequest): Promise<ToolCallOutcome> {
    const callId = request.callId.slice(request.callId.lastIndexOf('/') + 1);
    const recorded = this.recording.toolCall(callId);
    if (recorded) {
      // The live host catches up with the call, so the calls it makes after the recorded ones are
      // the calls an uninterrupted run makes (the same replicas down, the same random draws).
      await this.live?.replay?.(request, recorded);
      return recorded;
    }
    if (!this.live) return { ok: false, content: `replay: the journal has no result for tool call ${callId} (${request.tool})`, latencyMs: 0 };
    return this.live.call(request);
  }
}
