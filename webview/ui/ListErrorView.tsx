import type { BridgeError } from '../../client/BridgeError';
import { VsButton } from './controls/VsButton';

/**
 * What the app shows when it cannot list the workspace's squad files. A refused token (HTTP 401/403,
 * `forbidden`) is the common case in a browser: the server makes a new token each time it starts, so
 * a bookmarked or old link stops working. Saying "no squad file" there would send the user looking
 * for a file problem that is not there.
 */
export function ListErrorView({ error, onNewToken }: { error: BridgeError; onNewToken?: (() => void) | undefined }) {
  if (error.code === 'forbidden') {
    return (
      <div className="sq-token" role="alert" data-testid="token-rejected">
        <h2 style={{ margin: 0 }}>This page's token is not the server's</h2>
        <p style={{ margin: 0 }}>
          The server refused it ({error.message}). A server makes a new token each time it starts, so a link from an earlier <span className="sq-mono">squad serve</span> no longer works.
        </p>
        <p className="sq-muted" style={{ margin: 0 }}>
          To get a new link: open the <span className="sq-mono">http://127.0.0.1:…/#token=…</span> link that <span className="sq-mono">squad serve</span> prints when it starts, or paste the token from{' '}
          <span className="sq-mono">.squad/server.json</span> in the workspace the server runs in.
        </p>
        {onNewToken && (
          <div>
            <VsButton onClick={onNewToken} testId="enter-token">
              Enter another token
            </VsButton>
          </div>
        )}
      </div>
    );
  }
  return (
    <div className="sq-empty" role="alert" data-testid="list-error">
      Cannot list the workspace's squad files: {error.message}
    </div>
  );
}
