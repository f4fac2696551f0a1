import { describe, expect, it } from 'vitest';
import { HostPolicy } from './hostPolicy';

describe('HostPolicy', () => {
  const p = new HostPolicy({ host: '127.0.0.1', port: 4000, allowedOrigins: ['http://localhost:5173/'] });

  it('accepts loopback names with any port and refuses other names (DNS rebinding)', () => {
    for (const h of ['127.0.0.1:4000', 'localhost:4000', 'LOCALHOST', '[::1]:4000', '::1']) expect(p.hostAllowed(h)).toBe(true);
    for (const h of [undefined, '', 'evil.example:4000', 'evil.example', '127.0.0.1.nip.io:4000', '0.0.0.0:4000']) expect(p.hostAllowed(h)).toBe(false);
  });

  it('accepts no Origin, its own origins and allowed ones; refuses others and "null"', () => {
    for (const o of [undefined, 'http://127.0.0.1:4000', 'http://localhost:4000', 'http://localhost:5173']) expect(p.originAllowed(o)).toBe(true);
    for (const o of ['null', 'http://evil.example', 'http://127.0.0.1:4001', 'https://127.0.0.1:4000']) expect(p.originAllowed(o)).toBe(false);
  });

  it('accepts the host the user chose to bind', () => {
    const lan = new HostPolicy({ host: '192.168.1.20', port: 4000 });
    expect(lan.hostAllowed('192.168.1.20:4000')).toBe(true);
    expect(lan.originAllowed('http://192.168.1.20:4000')).toBe(true);
  });
});
