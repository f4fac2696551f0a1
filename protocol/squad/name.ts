import { z } from 'zod';

/** An identifier a user writes and later reads in tables, traces and `financials#2`-style ids. */
export const NameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a name starts with a letter and has only letters, digits, "-" and "_" (64 at most)');
