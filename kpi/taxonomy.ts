// The U4SSC / Y.4903 taxonomy (dimension > sub-dimension > category) and the rule that turns a
// KPI code string into its compact wire code.
//
// Wire code rule (stable forever): wire = D*10000 + S*1000 + C*100 + N, where D is the dimension
// ID, S the sub-dimension ID within its dimension, C the category ID within its sub-dimension, and
// N the KPI number within its category ("EN: EN: AQ: 1C" -> 2*10000 + 1*1000 + 1*100 + 1 = 21101).
// The IDs below are written out, never derived from table order, and never reused or renumbered:
// adding a KPI, a category or a sub-dimension only appends a row with the next free ID, so no
// existing wire code changes. The core/advanced tier is not part of the wire code. Dimension IDs
// 4..6 are left for deployment-defined KPIs (wire codes 40000..65535).

import { KpiError, KpiErrorCode } from './errors.js';

export interface TaxonNode {
  /** Code as it appears in the code string ("EN", "AQ"). */
  code: string;
  id: number;
  name: string;
}

export const DIMENSIONS: readonly TaxonNode[] = [
  { code: 'EC', id: 1, name: 'Economy' },
  { code: 'EN', id: 2, name: 'Environment' },
  { code: 'SC', id: 3, name: 'Society and Culture' },
];

/** Sub-dimensions keyed by dimension code. */
export const SUB_DIMENSIONS: Readonly<Record<string, readonly TaxonNode[]>> = {
  EC: [
    { code: 'ICT', id: 1, name: 'Information and Communication Technology' },
    { code: 'P', id: 2, name: 'Productivity' },
    { code: 'I', id: 3, name: 'Infrastructure' },
  ],
  EN: [
    { code: 'EN', id: 1, name: 'Environment' },
    { code: 'E', id: 2, name: 'Energy' },
  ],
  SC: [
    { code: 'EH', id: 1, name: 'Education, Health and Culture' },
    { code: 'SH', id: 2, name: 'Safety, Housing and Social Inclusion' },
  ],
};

/** Categories keyed by "dimension:subDimension". */
export const CATEGORIES: Readonly<Record<string, readonly TaxonNode[]>> = {
  'EC:ICT': [
    { code: 'ICT', id: 1, name: 'ICT Infrastructure' },
    { code: 'WS', id: 2, name: 'Water and Sanitation' },
    { code: 'D', id: 3, name: 'Drainage' },
    { code: 'ES', id: 4, name: 'Electricity Supply' },
    { code: 'T', id: 5, name: 'Transport' },
    { code: 'PS', id: 6, name: 'Public Sector' },
  ],
  'EC:P': [
    { code: 'IN', id: 1, name: 'Innovation' },
    { code: 'EM', id: 2, name: 'Employment' },
  ],
  'EC:I': [
    { code: 'WS', id: 1, name: 'Water and Sanitation' },
    { code: 'WA', id: 2, name: 'Waste' },
    { code: 'ES', id: 3, name: 'Electricity Supply' },
    { code: 'T', id: 4, name: 'Transport' },
    { code: 'B', id: 5, name: 'Buildings' },
    { code: 'UP', id: 6, name: 'Urban Planning' },
  ],
  'EN:EN': [
    { code: 'AQ', id: 1, name: 'Air Quality' },
    { code: 'WS', id: 2, name: 'Water and Sanitation' },
    { code: 'WA', id: 3, name: 'Waste' },
    { code: 'EQ', id: 4, name: 'Environmental Quality' },
    { code: 'PSN', id: 5, name: 'Public Space and Nature' },
  ],
  'EN:E': [{ code: 'E', id: 1, name: 'Energy' }],
  'SC:EH': [
    { code: 'ED', id: 1, name: 'Education' },
    { code: 'H', id: 2, name: 'Health' },
    { code: 'C', id: 3, name: 'Culture' },
  ],
  'SC:SH': [
    { code: 'HO', id: 1, name: 'Housing' },
    { code: 'SI', id: 2, name: 'Social Inclusion' },
    { code: 'SA', id: 3, name: 'Safety' },
    { code: 'FS', id: 4, name: 'Food Security' },
  ],
};

export type Tier = 'core' | 'advanced';

/** The parts of a code string "DIM: SUB: CAT: nT". */
export interface CodeParts {
  dimension: string;
  subDimension: string;
  category: string;
  number: number;
  /** Absent when the string omitted the C/A letter. */
  tier?: Tier;
}

/** Parse "EN: EN: AQ: 1C" (spacing and case free); undefined when it is not of that form. */
export function parseCodeString(text: string): CodeParts | undefined {
  if (typeof text !== 'string' || text.length > 40) return undefined;
  const parts = text.split(':').map((p) => p.trim().toUpperCase());
  if (parts.length !== 4) return undefined;
  const [dimension, subDimension, category, last] = parts as [string, string, string, string];
  const m = /^([1-9][0-9]?)([CA])?$/.exec(last);
  if (!m || !dimension || !subDimension || !category) return undefined;
  const tier: Tier | undefined = m[2] === 'C' ? 'core' : m[2] === 'A' ? 'advanced' : undefined;
  return { dimension, subDimension, category, number: Number(m[1]), ...(tier ? { tier } : {}) };
}

/** Format parts back into the canonical code string ("EN: EN: AQ: 1C"). */
export function formatCodeString(p: CodeParts & { tier: Tier }): string {
  return `${p.dimension}: ${p.subDimension}: ${p.category}: ${p.number}${p.tier === 'core' ? 'C' : 'A'}`;
}

/** The taxonomy nodes of a code, or undefined when any level is not in the tables. */
export function taxonNodes(p: CodeParts): { dim: TaxonNode; sub: TaxonNode; cat: TaxonNode } | undefined {
  const dim = DIMENSIONS.find((d) => d.code === p.dimension);
  const sub = SUB_DIMENSIONS[p.dimension]?.find((s) => s.code === p.subDimension);
  const cat = CATEGORIES[`${p.dimension}:${p.subDimension}`]?.find((c) => c.code === p.category);
  return dim && sub && cat ? { dim, sub, cat } : undefined;
}

/** Apply the wire code rule; KpiError when the code string is outside the taxonomy or the rule's digits. */
export function wireCodeOf(p: CodeParts): number {
  const nodes = taxonNodes(p);
  if (!nodes || nodes.dim.id > 6 || nodes.sub.id > 9 || nodes.cat.id > 9 || p.number > 99) {
    throw new KpiError(KpiErrorCode.UnknownKpi, 'code outside the taxonomy or the wire code rule', {
      code: `${p.dimension}: ${p.subDimension}: ${p.category}: ${p.number}`,
    });
  }
  return nodes.dim.id * 10000 + nodes.sub.id * 1000 + nodes.cat.id * 100 + p.number;
}
