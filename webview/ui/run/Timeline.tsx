import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { RunView, TimelineRow } from '../../model/runView';
import { VsTextField } from '../controls/VsTextField';

const ROW = 22;
const OVERSCAN = 12;

export interface TimelineProps {
  view: RunView;
  version: number;
  /** Follow new rows as they arrive (live), unless the user scrolled up. */
  follow: boolean;
}

/**
 * Messages, model calls and tool calls in journal order, with a latency bar on the run's virtual
 * time axis. Virtualized: only the rows in view exist in the DOM (about 40 of 100,000), absolutely
 * placed in a spacer as tall as every row, so scrolling costs the same at any run length.
 * Keyboard: ↑/↓ move the selection, PageUp/PageDown, Home/End; the selection's payload shows below.
 */
export function Timeline({ view, version, follow }: TimelineProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(300);
  const [selected, setSelected] = useState<number | null>(null);
  const [filter, setFilter] = useState('');
  const pinned = useRef(true);

  const rows = useMemo(() => {
    if (!filter) return view.timeline;
    const f = filter.toLowerCase();
    return view.timeline.filter((r) => r.label.toLowerCase().includes(f) || (r.agent ?? '').toLowerCase().includes(f) || r.kind === f);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `version` is the change signal of the view mutated in place
  }, [view, version, filter]);
  const span = Math.max(1, view.account.virtualMs);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const resize = new ResizeObserver(() => setHeight(el.clientHeight));
    resize.observe(el);
    return () => resize.disconnect();
  }, []);
  useEffect(() => {
    const el = scroller.current;
    // Written, never read: reading scrollHeight here would force one more layout of the page per frame.
    if (follow && pinned.current && el) el.scrollTop = rows.length * ROW;
  }, [version, follow, rows.length]);

  // Following the end, the rows in view are known without waiting for the scroll event: the window
  // is drawn once per fold, not once for the fold and again when the scroll it causes comes back.
  const following = follow && pinned.current;
  const top = following ? Math.max(0, rows.length * ROW - height) : scrollTop;
  const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((top + height) / ROW) + OVERSCAN);
  const visible: { row: TimelineRow; index: number }[] = [];
  for (let i = first; i < last; i++) visible.push({ row: rows[i]!, index: i });

  const move = (to: number): void => {
    const index = Math.max(0, Math.min(rows.length - 1, to));
    setSelected(index);
    const el = scroller.current;
    if (!el) return;
    if (index * ROW < el.scrollTop) el.scrollTop = index * ROW;
    else if ((index + 1) * ROW > el.scrollTop + el.clientHeight) el.scrollTop = (index + 1) * ROW - el.clientHeight;
  };
  const onKey = (e: KeyboardEvent): void => {
    const page = Math.max(1, Math.floor(height / ROW) - 1);
    const at = selected ?? -1;
    const keys: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, PageDown: at + page, PageUp: at - page, Home: 0, End: rows.length - 1 };
    const to = keys[e.key];
    if (to === undefined) return;
    e.preventDefault();
    pinned.current = e.key === 'End';
    move(to);
  };
  // The detail pane opening under the list shrinks it: keep the selected row in view.
  useEffect(() => {
    const el = scroller.current;
    if (selected === null || !el) return;
    if (selected * ROW < el.scrollTop) el.scrollTop = selected * ROW;
    else if ((selected + 1) * ROW > el.scrollTop + el.clientHeight) el.scrollTop = (selected + 1) * ROW - el.clientHeight;
  }, [selected, height]);
  const detail = selected === null ? null : rows[selected];
  const payload = detail ? view.events[detail.detailSeq - 1] : undefined;

  return (
    <div className="sq-timeline">
      <div className="sq-timeline-head">
        <strong>Timeline</strong>
        <span className="sq-muted" data-testid="timeline-count">
          {rows.length.toLocaleString('en-US')} rows · {view.lastSeq.toLocaleString('en-US')} events
        </span>
        <span className="sq-spacer" />
        <VsTextField label="Filter the timeline" placeholder="Filter (agent, text, model, tool…)" value={filter} onInput={setFilter} style={{ width: 240 }} testId="timeline-filter" />
      </div>
      <div
        className="sq-timeline-scroll"
        ref={scroller}
        tabIndex={0}
        role="listbox"
        aria-label="Run timeline"
        aria-activedescendant={selected === null ? undefined : `sq-row-${selected}`}
        onKeyDown={onKey}
        onScroll={(e) => {
          const el = e.currentTarget;
          pinned.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW;
          // While following, the render derives the window from the row count (above): a state
          // update here would render the timeline a second time per frame for nothing.
          if (!(follow && pinned.current)) setScrollTop(el.scrollTop);
        }}
        data-testid="timeline"
      >
        <div style={{ height: rows.length * ROW, position: 'relative' }}>
          {visible.map(({ row, index }) => (
            <div
              key={index}
              id={`sq-row-${index}`}
              role="option"
              aria-selected={selected === index}
              className={`sq-row${selected === index ? ' selected' : ''}${row.ok ? '' : ' bad'}`}
              style={{ top: index * ROW }}
              onClick={() => {
                // A chosen row stays where it is: the live fold stops following the end.
                pinned.current = false;
                setSelected(index);
              }}
              data-kind={row.kind}
            >
              <span className="seq">#{row.seq}</span>
              <span className="t">{formatMs(row.t)}</span>
              <span className={`sq-kind ${row.kind}`}>
                {row.kind} <span className="sq-muted">{row.agent ?? ''}</span>
              </span>
              <span className="label" title={row.label}>
                {row.label}
              </span>
              <span className="fig">{row.figure}</span>
              <span className="sq-bar-track" title={row.durationMs ? `${Math.round(row.durationMs)} ms` : undefined}>
                <i className={`sq-bar ${row.kind}`} style={{ left: `${(row.t / span) * 100}%`, ...(row.durationMs > 0 ? { width: `${Math.max(0.4, (row.durationMs / span) * 100)}%` } : {}) }} />
              </span>
            </div>
          ))}
        </div>
      </div>
      {payload && (
        <div className="sq-detail" data-testid="event-detail">
          {JSON.stringify(payload, null, 2)}
        </div>
      )}
    </div>
  );
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}
