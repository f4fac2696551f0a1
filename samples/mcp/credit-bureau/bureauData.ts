import { z } from 'zod';
import raw from './bureauData.json';

const MonthSchema = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  onTimePct: z.number().min(0).max(100),
  avgDaysBeyondTerms: z.number().nonnegative(),
  tradelines: z.number().int().nonnegative(),
  balanceUsd: z.number().int().nonnegative(),
});

export const FilingType = z.enum(['ucc', 'judgment', 'tax-lien', 'bankruptcy']);
export type FilingType = z.infer<typeof FilingType>;

const FilingSchema = z.looseObject({
  type: FilingType,
  filed: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  jurisdiction: z.string(),
  status: z.enum(['active', 'open', 'released', 'terminated', 'satisfied', 'dismissed', 'discharged']),
});

export const CompanySchema = z.object({
  id: z.string(),
  legalName: z.string(),
  aliases: z.array(z.string()),
  city: z.string(),
  state: z.string().length(2),
  naics: z.string(),
  industry: z.string(),
  yearsInBusiness: z.number().int().nonnegative(),
  employees: z.number().int().nonnegative(),
  score: z.object({
    value: z.number().int().min(1).max(100),
    riskClass: z.number().int().min(1).max(5),
    paydex: z.number().int().min(0).max(100),
    industryPercentile: z.number().int().min(0).max(100),
    factors: z.array(z.string()),
  }),
  /** Newest month first. */
  history: z.array(MonthSchema),
  filings: z.array(FilingSchema),
});
export type Company = z.infer<typeof CompanySchema>;

export const BureauDataSchema = z.object({
  bureau: z.string(),
  asOf: z.string(),
  note: z.string(),
  companies: z.array(CompanySchema).min(1),
});
export type BureauData = z.infer<typeof BureauDataSchema>;

/** The synthetic data set shipped with the sample, checked at load like any other input. */
export function loadBureauData(): BureauData {
  return BureauDataSchema.parse(raw);
}

/** A company by bureau id or by legal name or alias, ignoring case, punctuation and spacing. */
export function findCompany(data: BureauData, query: string): Company | undefined {
  const key = normalize(query);
  return data.companies.find((c) => c.id.toLowerCase() === query.trim().toLowerCase() || [c.legalName, ...c.aliases].some((n) => normalize(n) === key));
}

/** Companies whose name contains every word of the query. */
export function searchCompanies(data: BureauData, query: string): Company[] {
  const words = normalize(query).split(' ').filter(Boolean);
  return data.companies.filter((c) => words.every((w) => normalize([c.legalName, ...c.aliases, c.city, c.industry].join(' ')).includes(w)));
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}
