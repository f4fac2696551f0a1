import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { ElkLayout } from './elkLayout';

const ElkLayoutContext = createContext<ElkLayout | null>(null);

/**
 * One ELK worker for the whole app, started when the app mounts (so ELK has loaded by the time the
 * first graph needs a layout, while the app fetches its data) and ended when it unmounts. Every
 * graph view lays out through it: switching views does not start ELK again.
 */
export function ElkLayoutProvider({ children }: { children: ReactNode }) {
  const [elk] = useState(() => new ElkLayout());
  useEffect(() => {
    elk.warm();
    return () => elk.dispose();
  }, [elk]);
  return <ElkLayoutContext.Provider value={elk}>{children}</ElkLayoutContext.Provider>;
}

export function useElkLayout(): ElkLayout {
  const elk = useContext(ElkLayoutContext);
  if (!elk) throw new Error('a graph view needs an ElkLayoutProvider above it');
  return elk;
}
