import { useEffect, useMemo, useState } from 'react';
import type { SquadLayout } from '../../../protocol/webview/squadLayout';
import type { Bridge } from '../../bridge/Bridge';
import { squadGraph } from '../../model/squadGraph';
import { SquadGraphView } from '../graph/SquadGraphView';

/**
 * The squad file's graph in a dashboard that has no run yet: Run Squad opens the dashboard before
 * the run exists (the server may still be starting), and the squad is drawn at once instead of a
 * blank pane; the run's own graph replaces it once the run is shown.
 */
export function PendingRunGraph({ bridge, path, layout, hint }: { bridge: Bridge; path: string; layout: SquadLayout | null; hint: string }) {
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    bridge.request('squad.open', { path }, controller.signal).then(
      (file) => setText(file.text),
      () => {},
    );
    return () => controller.abort();
  }, [bridge, path]);
  const graph = useMemo(() => (text === null ? null : squadGraph(text, path)), [text, path]);
  if (!graph || graph.nodes.length === 0) return <div className="sq-empty">{hint}</div>;
  return (
    <div className="sq-main sq-pending-run">
      <div className="sq-work no-bottom">
        <SquadGraphView graph={graph} savedLayout={layout} editable={false} selected={null} onSelect={() => {}} overlay={<div className="sq-pending-hint sq-muted">{hint}</div>} />
      </div>
    </div>
  );
}
