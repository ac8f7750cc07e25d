/**
 * Imported first by main.ts: zod compiles object parsers with `new Function` unless told not to, and probes for
 * it while schemas are built; the panel's CSP (rightly) forbids eval, so the probe alone is a CSP violation.
 */
import { z } from 'zod';

z.config({ jitless: true });
