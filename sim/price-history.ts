/**
 * Reads Spot price history the way a user can export it from their own account:
 *
 * - `aws ec2 describe-spot-price-history --output text`: lines
 *   `SPOTPRICEHISTORY<TAB>us-east-1a<TAB>g6.xlarge<TAB>Linux/UNIX<TAB>0.345600<TAB>2026-11-20T10:00:00+00:00`
 *   (the CLI prints the fields in key order: AvailabilityZone, InstanceType, ProductDescription,
 *   SpotPrice, Timestamp); `NEXTTOKEN` lines are skipped.
 * - CSV with a header naming the five columns in any order (`Timestamp`, `AvailabilityZone`,
 *   `InstanceType`, `ProductDescription`, `SpotPrice`; spacing, case and `_` do not matter), or without
 *   a header in the order timestamp, availability zone, instance type, product description, price.
 *
 * Parsing is strict: a malformed line fails with its line number. Only Linux/UNIX records are used
 * (mixed-OS records were a defect of the system spotplane replaces); other products are counted and skipped.
 * A region's price at a moment is its cheapest Availability Zone's latest price, as the RegionFinder sees it.
 */
import { isAwsRegion } from '../core/regions.ts';
import { TraceParseError } from './errors.ts';
import type { Series } from './trace.ts';

export interface PriceRecord {
  line: number;
  at: number;
  availabilityZone: string;
  region: string;
  instanceType: string;
  productDescription: string;
  price: number;
}

export interface PriceHistory {
  /** Per region, per instance type: the cheapest-AZ price as a step function. */
  prices: Record<string, Record<string, Series<number>>>;
  /** Per region, per zone, per instance type: that zone's own price as a step function. */
  zonePrices: Record<string, Record<string, Record<string, Series<number>>>>;
  records: number;
  skippedProducts: number;
  firstMs: number;
  lastMs: number;
}

const LINUX_PRODUCTS = new Set(['Linux/UNIX', 'Linux/UNIX (Amazon VPC)']);
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
const PRICE = /^\d+(\.\d+)?$/;
const AZ = /^([a-z]{2}(?:-[a-z]+)+-\d+)(?:-[a-z]+-\d+)?[a-z]$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

const COLUMNS = ['timestamp', 'availabilityzone', 'instancetype', 'productdescription', 'spotprice'] as const;
type Column = (typeof COLUMNS)[number];
const COLUMN_ALIASES: Record<string, Column> = { price: 'spotprice', az: 'availabilityzone' };

/** Splits one CSV line (RFC 4180 quoting, no embedded newlines). */
function splitCsv(text: string, line: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new TraceParseError('unterminated quoted field', line);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      fields.push(value);
      if (i === text.length) return fields;
      if (text[i] !== ',')
        throw new TraceParseError(`unexpected character after a quoted field at column ${i + 1}`, line);
      i++;
    } else {
      const comma = text.indexOf(',', i);
      if (comma < 0) {
        fields.push(text.slice(i).trim());
        return fields;
      }
      fields.push(text.slice(i, comma).trim());
      i = comma + 1;
    }
  }
}

function parseRecord(
  values: {
    timestamp: string;
    availabilityZone: string;
    instanceType: string;
    product: string;
    price: string;
  },
  line: number,
): PriceRecord {
  if (!TIMESTAMP.test(values.timestamp)) {
    throw new TraceParseError(
      `timestamp ${JSON.stringify(values.timestamp)} is not ISO-8601 with a zone (e.g. 2026-11-20T10:00:00Z)`,
      line,
    );
  }
  const at = Date.parse(values.timestamp);
  if (Number.isNaN(at))
    throw new TraceParseError(`timestamp ${JSON.stringify(values.timestamp)} is not a date`, line);
  const az = AZ.exec(values.availabilityZone);
  if (!az) {
    throw new TraceParseError(
      `availability zone ${JSON.stringify(values.availabilityZone)} is not a zone name such as us-east-1a`,
      line,
    );
  }
  const region = az[1]!;
  if (!isAwsRegion(region))
    throw new TraceParseError(`availability zone ${values.availabilityZone}: unknown region ${region}`, line);
  if (!INSTANCE_TYPE.test(values.instanceType)) {
    throw new TraceParseError(
      `instance type ${JSON.stringify(values.instanceType)} is not like g6.xlarge`,
      line,
    );
  }
  if (values.product === '') throw new TraceParseError('product description is empty', line);
  if (!PRICE.test(values.price) || !(Number(values.price) > 0)) {
    throw new TraceParseError(`price ${JSON.stringify(values.price)} is not a positive decimal number`, line);
  }
  return {
    line,
    at,
    availabilityZone: values.availabilityZone,
    region,
    instanceType: values.instanceType,
    productDescription: values.product,
    price: Number(values.price),
  };
}

function textRecord(text: string, line: number): PriceRecord | undefined {
  const fields = text.split('\t');
  if (fields[0] === 'NEXTTOKEN') return undefined;
  if (fields[0] !== 'SPOTPRICEHISTORY') {
    throw new TraceParseError(`expected a SPOTPRICEHISTORY line, got ${JSON.stringify(fields[0])}`, line);
  }
  if (fields.length !== 6)
    throw new TraceParseError(`expected 6 tab-separated fields, got ${fields.length}`, line);
  const [, availabilityZone, instanceType, product, price, timestamp] = fields.map((f) => f.trim()) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return parseRecord({ timestamp, availabilityZone, instanceType, product, price }, line);
}

const normalize = (name: string) => name.toLowerCase().replace(/[^a-z]/g, '');

function csvHeader(fields: readonly string[], line: number): Column[] {
  const columns = fields.map((f) => {
    const n = normalize(f);
    const column = (COLUMNS as readonly string[]).includes(n) ? (n as Column) : COLUMN_ALIASES[n];
    if (!column)
      throw new TraceParseError(`unknown column ${JSON.stringify(f)}; expected ${COLUMNS.join(', ')}`, line);
    return column;
  });
  for (const c of COLUMNS) {
    if (columns.filter((x) => x === c).length !== 1) {
      throw new TraceParseError(`the header must name column ${c} exactly once`, line);
    }
  }
  return columns;
}

/** Parses the text of a price-history export into records, in file order. */
export function parsePriceRecords(text: string): { records: PriceRecord[]; skippedProducts: number } {
  const lines = text.split(/\r?\n/);
  const records: PriceRecord[] = [];
  let skippedProducts = 0;
  let format: 'text' | 'csv' | undefined;
  let columns: Column[] = [...COLUMNS];
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    if (!format) {
      format = raw.startsWith('SPOTPRICEHISTORY\t') || raw.startsWith('NEXTTOKEN\t') ? 'text' : 'csv';
      if (format === 'csv') {
        const fields = splitCsv(raw, line);
        if (!TIMESTAMP.test(fields[0] ?? '')) {
          columns = csvHeader(fields, line);
          return;
        }
      }
    }
    let record: PriceRecord | undefined;
    if (format === 'text') {
      record = textRecord(raw, line);
    } else {
      const fields = splitCsv(raw, line);
      if (fields.length !== columns.length) {
        throw new TraceParseError(
          `expected ${columns.length} comma-separated fields, got ${fields.length}`,
          line,
        );
      }
      const value = (c: Column) => fields[columns.indexOf(c)]!;
      record = parseRecord(
        {
          timestamp: value('timestamp'),
          availabilityZone: value('availabilityzone'),
          instanceType: value('instancetype'),
          product: value('productdescription'),
          price: value('spotprice'),
        },
        line,
      );
    }
    if (!record) return;
    if (LINUX_PRODUCTS.has(record.productDescription)) records.push(record);
    else skippedProducts++;
  });
  if (records.length === 0) {
    throw new TraceParseError(
      'no Linux/UNIX Spot price records found (is this describe-spot-price-history output?)',
      0,
    );
  }
  return { records, skippedProducts };
}

/** Cheapest AZ at each moment: a step function over every AZ's latest price. */
function cheapestAz(records: readonly PriceRecord[]): Series<number> {
  const sorted = [...records].sort((a, b) => a.at - b.at || a.line - b.line);
  const latest = new Map<string, number>();
  const points: { at: number; value: number }[] = [];
  for (const r of sorted) {
    latest.set(r.availabilityZone, r.price);
    const value = Math.min(...latest.values());
    const last = points.at(-1);
    if (last && last.at === r.at) last.value = value;
    else if (!last || last.value !== value) points.push({ at: r.at, value });
  }
  return points;
}

/**
 * Reads a price-history export into per-region, per-instance-type price series.
 * @throws {TraceParseError} with the 1-based line of the first bad record.
 */
export function readPriceHistory(text: string): PriceHistory {
  const { records, skippedProducts } = parsePriceRecords(text);
  const groups = new Map<string, PriceRecord[]>();
  for (const r of records) {
    const key = `${r.region}\u0000${r.instanceType}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const prices: Record<string, Record<string, Series<number>>> = {};
  const zonePrices: Record<string, Record<string, Record<string, Series<number>>>> = {};
  for (const [key, group] of groups) {
    const [region, type] = key.split('\u0000') as [string, string];
    prices[region] ??= {};
    prices[region][type] = cheapestAz(group);
    for (const r of [...group].sort((a, b) => a.at - b.at || a.line - b.line)) {
      zonePrices[region] ??= {};
      zonePrices[region][r.availabilityZone] ??= {};
      const byType = zonePrices[region][r.availabilityZone]!;
      const series = (byType[type] ?? []) as { at: number; value: number }[];
      byType[type] = series;
      const last = series.at(-1);
      if (last && last.at === r.at) last.value = r.price;
      else if (!last || last.value !== r.price) series.push({ at: r.at, value: r.price });
    }
  }
  // A loop, not Math.min(...): an export can hold more records than the call stack takes arguments.
  let firstMs = Number.POSITIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;
  for (const r of records) {
    firstMs = Math.min(firstMs, r.at);
    lastMs = Math.max(lastMs, r.at);
  }
  return { prices, zonePrices, records: records.length, skippedProducts, firstMs, lastMs };
}
