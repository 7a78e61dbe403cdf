// The 91 U4SSC / Y.4903 KPIs as data, written by hand from the U4SSC reference (test/fixtures/u4ssc-kpis.md)
// (copied to test/fixtures/, which the catalogue test compares against).
// One row per KPI: [code string, name, canonical unit, consolidation kind, extras].
// Units use the spellings of unit-tokens.ts ("/100k" = per 100,000 inhabitants). Consolidation:
// "last" for stocks and shares reported as a level (the latest value in the period stands),
// "mean" for quantities sampled repeatedly (concentrations, daily use, response times),
// "sum" for flows that accumulate over the period (energy, emissions, events per 100k),
// "max" for yes/no indicators (the period counts as "yes" if any reading says yes).
// Extras: series names (index = position), optionally with their own unit; a tighter maximum;
// unitUnconfirmed for the reference's "(?)" units, which a deployment may override.

export type ConsolidationKind = 'mean' | 'sum' | 'last' | 'max';

export interface KpiRowExtras {
  series?: readonly (string | readonly [name: string, unit: string])[];
  max?: number;
  unitUnconfirmed?: true;
}

export type KpiRow = readonly [
  code: string,
  name: string,
  unit: string,
  kind: ConsolidationKind,
  extras?: KpiRowExtras,
];

const MODES = ['private', 'public', 'walking', 'cycling', 'para-transit'];
const PLANNING = ['compact', 'connected', 'integrated', 'inclusive', 'resilient'];
const POLLUTANTS = ['PM10', 'PM2.5', 'NO2', 'SO2', 'O3'];
const TREATMENT_LEVELS = ['primary', 'secondary', 'tertiary'];
const WASTE_ROUTES = ['landfill', 'burnt', 'incinerated', 'open dump', 'recycled', 'other'];

export const KPI_ROWS: readonly KpiRow[] = [
  // EC: ICT
  ['EC: ICT: ICT: 1C', 'Household Internet access', '%', 'last'],
  ['EC: ICT: ICT: 2C', 'Fixed broadband subscriptions', '%', 'last'],
  ['EC: ICT: ICT: 3C', 'Wireless broadband subscriptions', '/100k', 'last'],
  ['EC: ICT: ICT: 4C', 'Wireless broadband coverage', '%', 'last', { series: ['3G', '4G'] }],
  ['EC: ICT: ICT: 5C', 'Availability of WiFi in public areas', 'count', 'last'],
  ['EC: ICT: WS: 1C', 'Smart water meters', '%', 'last'],
  ['EC: ICT: WS: 2A', 'Water supply ICT monitoring', '%', 'last'],
  ['EC: ICT: D: 1A', 'Drainage / storm water system ICT monitoring', '%', 'last'],
  ['EC: ICT: ES: 1C', 'Smart electricity meters', '%', 'last'],
  ['EC: ICT: ES: 2A', 'Electricity supply ICT monitoring', '%', 'last'],
  ['EC: ICT: ES: 3A', 'Demand response penetration', '%', 'last'],
  ['EC: ICT: T: 1C', 'Dynamic public transport information', '%', 'last'],
  ['EC: ICT: T: 2C', 'Traffic monitoring', '%', 'last'],
  ['EC: ICT: T: 3A', 'Intersection control', '%', 'last'],
  [
    'EC: ICT: PS: 1A',
    'Open data',
    '%',
    'last',
    {
      series: [
        ['share', '%'],
        ['datasets', 'count'],
      ],
    },
  ],
  ['EC: ICT: PS: 2A', 'e-Government', 'count', 'last'],
  ['EC: ICT: PS: 3A', 'Public sector e-procurement', '%', 'last'],
  // EC: P
  ['EC: P: IN: 1C', 'R&D expenditure', '%', 'last'],
  ['EC: P: IN: 2C', 'Patents', '/100k/yr', 'sum'],
  ['EC: P: IN: 3A', 'Small and medium-sized enterprises', '%', 'last'],
  ['EC: P: EM: 1C', 'Unemployment rate', '%', 'mean'],
  ['EC: P: EM: 2C', 'Youth unemployment rate', '%', 'mean'],
  ['EC: P: EM: 3A', 'Tourism industry employment', '%', 'last'],
  ['EC: P: EM: 4A', 'ICT sector employment', '%', 'last'],
  // EC: I
  ['EC: I: WS: 1C', 'Basic water supply', '%', 'last'],
  ['EC: I: WS: 2C', 'Potable water supply', '%', 'last'],
  ['EC: I: WS: 3C', 'Water supply loss', '%', 'mean'],
  ['EC: I: WS: 4C', 'Wastewater collection', '%', 'last'],
  ['EC: I: WS: 5C', 'Household sanitation', '%', 'last'],
  ['EC: I: WA: 1C', 'Solid waste collection', '%', 'last'],
  ['EC: I: ES: 1C', 'Electricity system outage frequency', '/customer/yr', 'sum'],
  ['EC: I: ES: 2C', 'Electricity system outage time', 'h/customer/yr', 'sum', { unitUnconfirmed: true }],
  ['EC: I: ES: 3C', 'Access to electricity', '%', 'last'],
  ['EC: I: T: 1C', 'Public transport network', 'km/100k', 'last'],
  ['EC: I: T: 2A', 'Public transport network convenience', '%', 'last'],
  ['EC: I: T: 3C', 'Bicycle network', 'km/100k', 'last'],
  ['EC: I: T: 4A', 'Transportation mode share', '%', 'last', { series: MODES }],
  ['EC: I: T: 5A', 'Travel time index', 'ratio', 'mean'],
  ['EC: I: T: 6A', 'Shared bicycles', '/100k', 'last'],
  ['EC: I: T: 7A', 'Shared vehicles', '/100k', 'last'],
  ['EC: I: T: 8A', 'Low-carbon emission passenger vehicles', '%', 'last'],
  ['EC: I: B: 1A', 'Public building sustainability', '%', 'last'],
  ['EC: I: B: 2A', 'Integrated building management systems in public buildings', '%', 'last'],
  ['EC: I: UP: 1A', 'Pedestrian infrastructure', '%', 'last'],
  ['EC: I: UP: 2A', 'Urban development and spatial planning', 'yes/no', 'max', { series: PLANNING }],
  // EN: EN and EN: E
  ['EN: EN: AQ: 1C', 'Air pollution', 'µg/m³', 'mean', { series: POLLUTANTS }],
  ['EN: EN: AQ: 2C', 'GHG emissions', 'tCO2e/person/yr', 'sum'],
  ['EN: EN: WS: 1C', 'Drinking water quality / safety plan', '%', 'last'],
  ['EN: EN: WS: 2C', 'Water consumption', 'L/person/day', 'mean'],
  ['EN: EN: WS: 3C', 'Freshwater consumption', '%', 'last'],
  ['EN: EN: WS: 4C', 'Wastewater treatment', '%', 'last', { series: TREATMENT_LEVELS }],
  ['EN: EN: WA: 1C', 'Solid waste treatment', '%', 'last', { series: WASTE_ROUTES }],
  ['EN: EN: EQ: 1C', 'EMF exposure: compliant antenna sites', '%', 'last'],
  ['EN: EN: EQ: 2A', 'Noise exposure', '%', 'last'],
  ['EN: EN: PSN: 1C', 'Green areas', 'ha/100k', 'last'],
  ['EN: EN: PSN: 2A', 'Green area accessibility', '%', 'last'],
  ['EN: EN: PSN: 3A', 'Protected natural areas', '%', 'last'],
  ['EN: EN: PSN: 4A', 'Recreational facilities', '/100k', 'last', { unitUnconfirmed: true }],
  ['EN: E: E: 1C', 'Renewable energy consumption', '%', 'last'],
  ['EN: E: E: 2C', 'Electricity consumption', 'kWh/person/yr', 'sum'],
  ['EN: E: E: 3C', 'Residential thermal energy consumption', 'GJ/person/yr', 'sum'],
  ['EN: E: E: 4A', 'Public building energy consumption', 'ekWh/m²/yr', 'sum'],
  // SC: EH
  ['SC: EH: ED: 1C', 'Student ICT access', '%', 'last'],
  ['SC: EH: ED: 2C', 'School enrolment', '%', 'last'],
  ['SC: EH: ED: 3C', 'Higher education degrees', '/100k', 'last'],
  ['SC: EH: ED: 4C', 'Adult literacy', '%', 'last'],
  ['SC: EH: ED: 5A', 'Electronic health records', '%', 'last'],
  ['SC: EH: H: 1C', 'Life expectancy', 'yr', 'last', { max: 150 }],
  ['SC: EH: H: 2C', 'Maternal mortality rate', '/100k live births', 'last'],
  ['SC: EH: H: 3C', 'Physicians', '/100k', 'last'],
  ['SC: EH: H: 4A', 'In-patient hospital beds', '/100k', 'last'],
  ['SC: EH: H: 5A', 'Health insurance / public health coverage', '%', 'last'],
  ['SC: EH: C: 1C', 'Cultural expenditure', '%', 'last'],
  ['SC: EH: C: 2A', 'Cultural infrastructure', '/100k', 'last'],
  // SC: SH
  ['SC: SH: HO: 1C', 'Informal settlements', '%', 'last'],
  ['SC: SH: HO: 2A', 'Housing expenditure', '%', 'last'],
  ['SC: SH: SI: 1C', 'Gender income equity', 'ratio', 'last'],
  ['SC: SH: SI: 2C', 'Gini coefficient', 'fraction', 'last'],
  ['SC: SH: SI: 3C', 'Poverty', '%', 'last'],
  ['SC: SH: SI: 4C', 'Voter participation', '%', 'last'],
  ['SC: SH: SI: 5A', 'Child care availability', '%', 'last'],
  ['SC: SH: SA: 1C', 'Natural disaster related deaths', '/100k', 'sum'],
  ['SC: SH: SA: 2C', 'Disaster related economic losses', '%', 'sum'],
  ['SC: SH: SA: 3A', 'Resilience plans', 'yes/no', 'max'],
  ['SC: SH: SA: 4A', 'Population living in disaster prone areas', '%', 'last'],
  ['SC: SH: SA: 5A', 'Emergency service response time', 'min', 'mean'],
  ['SC: SH: SA: 6C', 'Police service', '/100k', 'last'],
  ['SC: SH: SA: 7C', 'Fire service', '/100k', 'last'],
  ['SC: SH: SA: 8C', 'Violent crime rate', '/100k', 'sum'],
  ['SC: SH: SA: 9C', 'Traffic fatalities', '/100k', 'sum'],
  ['SC: SH: FS: 1A', 'Local food supply', '%', 'last'],
];
