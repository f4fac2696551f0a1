/**
 * What the e2e suites (the browser's and code-server's) assert about a view's layout, read from the
 * DOM of the page (or webview frame) it runs in. Kept as the source of one browser-side function,
 * evaluated as a string, so the test runner's transform can add nothing to it.
 */
export interface LayoutReport {
  width: number;
  /** Screen rects of the graph's nodes that overlap another node (pairs of ids). */
  overlaps: string[];
  /** Nodes drawn narrower than 120 px. */
  narrowNodes: string[];
  /** Text in nodes and edge labels drawn smaller than 11 px (font size × zoom). */
  smallText: string[];
  /** Visible elements outside the graph's canvas that reach past the window's left or right edge. */
  outside: string[];
  /** The page scrolls sideways. */
  scrollsSideways: boolean;
  /** Edge labels farther than 6 px from every point of their edge's path. */
  labelsOffEdge: string[];
  /** Edge labels a node covers (nodes are drawn above labels). */
  labelsUnderNodes: string[];
  /** Edge labels that overlap another edge's label (pairs of edge ids). */
  labelsOverlap: string[];
  /** Edges whose path runs through a node other than the two it joins (edge id and node id). */
  edgesThroughNodes: string[];
  labels: number;
  nodes: number;
  /** Edges marked as a guardrail's: id, stroke colour, the label's text. */
  tripped: { id: string; stroke: string; label: string }[];
  /**
   * Each graph pane whose drawing (nodes, edge paths, labels) is no wider than the pane, yet reaches
   * past its left or right side: a graph that fits is framed whole, it does not scroll sideways.
   */
  graphsPastPane: string[];
  /** Each graph pane: its width and its drawing's (a drawing wider than its pane scrolls, by design). */
  graphs: { pane: number; drawing: number }[];
  /**
   * The dashboard's run bar (`[data-testid="run-bar"]`), null where there is none: the rows its items
   * take, and its groups (the form; the run's state and controls) whose items take more than one.
   */
  runBar: { rows: number; brokenGroups: string[] } | null;
  /** Nodes the minimap draws, or null without a minimap. */
  minimapNodes: number | null;
  zoom: number;
}

const SOURCE = String.raw`(() => {
  const W = document.documentElement.clientWidth;
  const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el); return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const viewport = document.querySelector('.react-flow__viewport');
  const m = viewport ? /matrix\(([^,]+)/.exec(getComputedStyle(viewport).transform) : null;
  const zoom = m ? parseFloat(m[1]) : 1;
  const nodes = [...document.querySelectorAll('.react-flow__node')].filter(visible);
  const rects = nodes.map((n) => ({ id: n.getAttribute('data-id'), r: n.getBoundingClientRect() }));
  const overlaps = [];
  for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
    const a = rects[i].r, b = rects[j].r;
    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) overlaps.push(rects[i].id + ' & ' + rects[j].id);
  }
  const narrowNodes = rects.filter((x) => x.r.width < 120).map((x) => x.id + ' ' + Math.round(x.r.width) + 'px');
  const smallText = [];
  for (const el of document.querySelectorAll('.react-flow__node *, .sq-edge-label')) {
    if (!visible(el) || ![...el.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim())) continue;
    const px = parseFloat(getComputedStyle(el).fontSize) * zoom;
    if (px < 10.95) smallText.push((el.className || el.tagName) + ' "' + el.textContent.trim().slice(0, 20) + '" ' + px.toFixed(1) + 'px');
  }
  const outside = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.react-flow__renderer, .react-flow__edgelabel-renderer, .react-flow__viewport, .monaco-editor, .monaco-aria-container, .sq-timeline-scroll > div')) continue;
    if (!visible(el)) continue;
    // Inside a container that scrolls sideways (or clips), the container is what must fit.
    let clipped = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o !== 'visible') { const pr = p.getBoundingClientRect(); if (pr.right <= W + 1 && pr.left >= -1) { clipped = true; break; } } }
    if (clipped) continue;
    const r = el.getBoundingClientRect();
    if (r.right > W + 1 || r.left < -1) outside.push((el.getAttribute('data-testid') || el.className || el.tagName) + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
  }
  const labelsOffEdge = [];
  const labelsUnderNodes = [];
  const labels = [...document.querySelectorAll('.sq-edge-label[data-edge]')].filter(visible);
  for (const label of labels) {
    const id = label.getAttribute('data-edge');
    const path = document.querySelector('.react-flow__edge[data-id="' + CSS.escape(id) + '"] path.react-flow__edge-path');
    if (!path) { labelsOffEdge.push(id + ' (no path)'); continue; }
    const r = label.getBoundingClientRect();
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const ctm = path.getScreenCTM();
    const total = path.getTotalLength();
    let best = Infinity;
    for (let i = 0; i <= 400; i++) {
      const p = path.getPointAtLength((total * i) / 400);
      const x = ctm.a * p.x + ctm.c * p.y + ctm.e, y = ctm.b * p.x + ctm.d * p.y + ctm.f;
      best = Math.min(best, Math.hypot(x - cx, y - cy));
    }
    if (best > 6) labelsOffEdge.push(id + ' ' + best.toFixed(1) + 'px');
    for (const n of rects) if (r.left < n.r.right - 1 && n.r.left < r.right - 1 && r.top < n.r.bottom - 1 && n.r.top < r.bottom - 1) labelsUnderNodes.push(id + ' under ' + n.id);
  }
  const labelsOverlap = [];
  const labelRects = labels.map((l) => ({ id: l.getAttribute('data-edge'), r: l.getBoundingClientRect() }));
  for (let i = 0; i < labelRects.length; i++) for (let j = i + 1; j < labelRects.length; j++) {
    const a = labelRects[i].r, b = labelRects[j].r;
    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) labelsOverlap.push(labelRects[i].id + ' & ' + labelRects[j].id);
  }
  // An edge's own two nodes are the ones its ends touch (its handles sit on their borders); a sample
  // of its path more than 3 px inside any other node's box is the edge running behind that node.
  const edgesThroughNodes = [];
  for (const g of document.querySelectorAll('.react-flow__edge')) {
    const path = g.querySelector('path.react-flow__edge-path');
    // A straight edge has no height: whether it is drawn is its style's, not its box's.
    if (!path || getComputedStyle(g).display === 'none' || getComputedStyle(g).visibility === 'hidden') continue;
    const ctm = path.getScreenCTM();
    const total = path.getTotalLength();
    const pts = [];
    for (let i = 0; i <= 300; i++) { const p = path.getPointAtLength((total * i) / 300); pts.push({ x: ctm.a * p.x + ctm.c * p.y + ctm.e, y: ctm.b * p.x + ctm.d * p.y + ctm.f }); }
    const near = (n, p, d) => p.x >= n.r.left - d && p.x <= n.r.right + d && p.y >= n.r.top - d && p.y <= n.r.bottom + d;
    const ends = rects.filter((n) => near(n, pts[0], 8) || near(n, pts[pts.length - 1], 8));
    for (const n of rects) {
      if (ends.includes(n)) continue;
      if (pts.some((p) => p.x > n.r.left + 3 && p.x < n.r.right - 3 && p.y > n.r.top + 3 && p.y < n.r.bottom - 3)) edgesThroughNodes.push(g.getAttribute('data-id') + ' through ' + n.id);
    }
  }
  const tripped = [...document.querySelectorAll('.react-flow__edge.sq-edge-tripped')].map((g) => {
    const id = g.getAttribute('data-id');
    const label = document.querySelector('.sq-edge-label[data-edge="' + CSS.escape(id) + '"]');
    return { id, stroke: getComputedStyle(g.querySelector('path.react-flow__edge-path')).stroke, label: label ? label.textContent : '' };
  });
  const graphsPastPane = [];
  const graphs = [];
  for (const pane of [...document.querySelectorAll('[data-testid="graph"]')].filter(visible)) {
    const p = pane.getBoundingClientRect();
    let left = Infinity, right = -Infinity;
    const parts = [...pane.querySelectorAll('.react-flow__node, .sq-edge-label')].filter(visible).map((el) => el.getBoundingClientRect());
    for (const g of pane.querySelectorAll('.react-flow__edge')) {
      const path = g.querySelector('path.react-flow__edge-path');
      if (path && getComputedStyle(g).display !== 'none' && getComputedStyle(g).visibility !== 'hidden') parts.push(path.getBoundingClientRect());
    }
    for (const r of parts) { left = Math.min(left, r.left); right = Math.max(right, r.right); }
    if (left === Infinity) continue;
    graphs.push({ pane: Math.round(p.width), drawing: Math.round(right - left) });
    if (right - left <= p.width && (left < p.left - 1 || right > p.right + 1))
      graphsPastPane.push('drawing ' + Math.round(left - p.left) + '..' + Math.round(right - p.left) + ' in a pane of ' + Math.round(p.width) + 'px');
  }
  let runBar = null;
  const bar = document.querySelector('[data-testid="run-bar"]');
  if (bar && visible(bar)) {
    // An item's row is its vertical centre (items of one row are centred on it), to within 4 px.
    const rowsOf = (items) => { const cs = []; for (const el of items) { const r = el.getBoundingClientRect(); const c = r.top + r.height / 2; if (!cs.some((x) => Math.abs(x - c) <= 4)) cs.push(c); } return cs.length; };
    const groups = [...bar.children].filter(visible);
    const items = groups.flatMap((g) => [...g.children].filter(visible));
    runBar = { rows: rowsOf(items), brokenGroups: groups.filter((g) => rowsOf([...g.children].filter(visible)) > 1).map((g) => (g.className || g.tagName) + ' ' + rowsOf([...g.children].filter(visible)) + ' rows') };
  }
  const minimap = document.querySelector('.react-flow__minimap');
  return {
    width: W, overlaps, narrowNodes, smallText, outside, scrollsSideways: document.documentElement.scrollWidth > W + 1,
    labelsOffEdge, labelsUnderNodes, labelsOverlap, edgesThroughNodes, labels: labels.length, nodes: nodes.length, tripped, graphsPastPane, graphs, runBar,
    minimapNodes: minimap ? minimap.querySelectorAll('.react-flow__minimap-node').length : null, zoom,
  };
})()`;

/** From this window width the dashboard's run bar (its form, the run's state and controls) is one line. */
export const RUN_BAR_ONE_LINE = 1200;

/** The report of the page or frame `target` (anything with Playwright's `evaluate`). */
export async function layoutReport(target: { evaluate<R>(expression: string): Promise<R> }): Promise<LayoutReport> {
  return target.evaluate<LayoutReport>(SOURCE);
}

/** The failures of a report, as lines to read in a test's output (empty when the layout is right). */
export function layoutProblems(report: LayoutReport): string[] {
  const out: string[] = [];
  if (report.overlaps.length) out.push(`nodes overlap: ${report.overlaps.join(', ')}`);
  if (report.narrowNodes.length) out.push(`nodes narrower than 120 px: ${report.narrowNodes.join(', ')}`);
  if (report.smallText.length) out.push(`text under 11 px: ${report.smallText.slice(0, 5).join(', ')}`);
  if (report.outside.length) out.push(`past the window's edge (${report.width} px): ${report.outside.slice(0, 6).join(', ')}`);
  if (report.scrollsSideways) out.push('the page scrolls sideways');
  if (report.labelsOffEdge.length) out.push(`labels off their edges: ${report.labelsOffEdge.join(', ')}`);
  if (report.labelsUnderNodes.length) out.push(`labels under nodes: ${report.labelsUnderNodes.join(', ')}`);
  if (report.labelsOverlap.length) out.push(`labels over each other: ${report.labelsOverlap.join(', ')}`);
  if (report.edgesThroughNodes.length) out.push(`edges behind nodes: ${report.edgesThroughNodes.join(', ')}`);
  if (report.graphsPastPane.length) out.push(`the graph fits its pane but scrolls sideways: ${report.graphsPastPane.join(', ')}`);
  // The run bar's design: each group on one line from 800 px, both on one line from 1,200 px.
  if (report.runBar && report.width >= 800 && report.runBar.brokenGroups.length) out.push(`run bar groups on more than one line: ${report.runBar.brokenGroups.join(', ')}`);
  if (report.runBar && report.width >= RUN_BAR_ONE_LINE && report.runBar.rows > 1) out.push(`the run bar takes ${report.runBar.rows} lines at ${report.width} px`);
  if (report.minimapNodes !== null && report.minimapNodes < report.nodes) out.push(`the minimap draws ${report.minimapNodes} of ${report.nodes} nodes`);
  return out;
}
