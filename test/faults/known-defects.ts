/**
 * Scenarios today's hub fails, each with the defect that makes it fail (issue 11 unless said otherwise).
 * They run as `it.fails`, so `main` stays green while the suite documents reality; whoever fixes a
 * defect deletes its entry here (the scenario then has to pass). Never add an entry to get green
 * without naming the product defect the scenario exposes.
 */
export const KNOWN_DEFECTS: Readonly<Record<string, string>> = {};
