import { useState } from 'react';

/** Asks for the server token when the page was opened without one (see bridge/browserToken.ts). */
export function TokenPrompt({ onToken, rejected = false }: { onToken: (token: string) => void; rejected?: boolean }) {
  const [value, setValue] = useState('');
  return (
    <form
      className="sq-token"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim()) onToken(value.trim());
      }}
    >
      <h2 style={{ margin: 0 }}>Squad Studio</h2>
      {rejected && (
        <p role="alert" style={{ margin: 0 }} data-testid="token-rejected">
          The token this page had is not the server's (the server starts with a new one each time).
        </p>
      )}
      <p className="sq-muted" style={{ margin: 0 }}>
        Open the link <span className="sq-mono">squad serve</span> prints (<span className="sq-mono">http://127.0.0.1:…/#token=…</span>), or paste the server token: it is in{' '}
        <span className="sq-mono">.squad/server.json</span> of the workspace the server runs in. It stays in this tab only.
      </p>
      <input className="sq-input sq-mono" type="password" autoFocus aria-label="Server token" value={value} onChange={(e) => setValue(e.target.value)} />
      <button className="sq-button" type="submit">
        Connect
      </button>
    </form>
  );
}
