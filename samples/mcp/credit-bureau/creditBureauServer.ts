import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { findCompany, FilingType, searchCompanies, type BureauData, type Company } from './bureauData';

const READ_ONLY = { readOnlyHint: true, idempotentHint: true, openWorldHint: false } as const;
const companyArg = z.string().min(1).describe('Legal name (or a known alias) or bureau id, e.g. "Harbor Freight Logistics LLC".');

/**
 * A commercial credit bureau as an MCP server: scores, payment history and public filings of the
 * companies in a small synthetic data set. Written with the SDK's `McpServer`, the way a team
 * would write its own internal tool server; every tool is read-only and returns structured content
 * (with its JSON text twin, as the spec asks) under a declared output schema.
 */
export function createCreditBureauServer(data: BureauData): McpServer {
  const server = new McpServer({ name: 'credit-bureau', version: '1.0.0' }, { instructions: `${data.bureau}, data as of ${data.asOf}. ${data.note}` });

  server.registerTool(
    'credit_score',
    {
      title: 'Commercial credit score',
      description: 'The company\'s commercial credit score (1-100, higher is safer), risk class (1 best to 5 worst), PAYDEX and the factors behind them.',
      inputSchema: { company: companyArg },
      outputSchema: {
        company: z.string(),
        bureauId: z.string(),
        score: z.number(),
        riskClass: z.number(),
        paydex: z.number(),
        industryPercentile: z.number(),
        factors: z.array(z.string()),
        asOf: z.string(),
      },
      annotations: READ_ONLY,
    },
    ({ company }) =>
      withCompany(data, company, (c) => ({
        company: c.legalName,
        bureauId: c.id,
        score: c.score.value,
        riskClass: c.score.riskClass,
        paydex: c.score.paydex,
        industryPercentile: c.score.industryPercentile,
        factors: c.score.factors,
        asOf: data.asOf,
      })),
  );

  server.registerTool(
    'payment_history',
    {
      title: 'Trade payment history',
      description: 'Month by month: share of trade paid on time, average days beyond terms, tradelines and balance; newest month first.',
      inputSchema: { company: companyArg, months: z.number().int().min(1).max(24).default(12).describe('How many months, 1 to 24.') },
      outputSchema: {
        company: z.string(),
        months: z.array(z.object({ month: z.string(), onTimePct: z.number(), avgDaysBeyondTerms: z.number(), tradelines: z.number(), balanceUsd: z.number() })),
        averageOnTimePct: z.number(),
        worstMonth: z.string(),
      },
      annotations: READ_ONLY,
    },
    ({ company, months }) =>
      withCompany(data, company, (c) => {
        const shown = c.history.slice(0, months);
        const worst = shown.reduce((w, m) => (m.onTimePct < w.onTimePct ? m : w), shown[0]!);
        const average = shown.reduce((s, m) => s + m.onTimePct, 0) / shown.length;
        return { company: c.legalName, months: shown, averageOnTimePct: Math.round(average * 10) / 10, worstMonth: worst.month };
      }),
  );

  server.registerTool(
    'filings',
    {
      title: 'Public filings',
      description: 'UCC financing statements, judgments, tax liens and bankruptcies on record, newest first.',
      inputSchema: { company: companyArg, type: FilingType.optional().describe('Only filings of this type.') },
      outputSchema: { company: z.string(), filings: z.array(z.record(z.string(), z.unknown())), open: z.number() },
      annotations: READ_ONLY,
    },
    ({ company, type }) =>
      withCompany(data, company, (c) => {
        const filings = c.filings.filter((f) => type === undefined || f.type === type).sort((a, b) => b.filed.localeCompare(a.filed));
        return { company: c.legalName, filings, open: filings.filter((f) => f.status === 'open' || f.status === 'active').length };
      }),
  );

  server.registerTool(
    'search_companies',
    {
      title: 'Search companies',
      description: 'Companies whose name, city or industry contains every word of the query.',
      inputSchema: { query: z.string().min(1) },
      outputSchema: { matches: z.array(z.object({ bureauId: z.string(), legalName: z.string(), city: z.string(), state: z.string(), industry: z.string() })) },
      annotations: READ_ONLY,
    },
    ({ query }) =>
      structured({
        matches: searchCompanies(data, query).map((c) => ({ bureauId: c.id, legalName: c.legalName, city: c.city, state: c.state, industry: c.industry })),
      }),
  );

  return server;
}

function withCompany(data: BureauData, query: string, answer: (c: Company) => Record<string, unknown>): CallToolResult {
  const company = findCompany(data, query);
  if (!company) {
    const near = searchCompanies(data, query.split(/\s+/)[0] ?? '').map((c) => c.legalName);
    return {
      content: [{ type: 'text', text: `no company "${query}" on file${near.length ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''}` }],
      isError: true,
    };
  }
  return structured(answer(company));
}

function structured(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}
