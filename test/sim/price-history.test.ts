import { describe, expect, it } from 'vitest';
import { traceFromPriceHistory } from '../../sim/csv-trace.ts';
import { SimConfigError, TraceParseError } from '../../sim/errors.ts';
import { parsePriceRecords, readPriceHistory } from '../../sim/price-history.ts';
import { marketAt, spotPriceAt, zonePriceAt } from '../../sim/trace.ts';

const TEXT = [
  'SPOTPRICEHISTORY\tus-east-1a\tg6.xlarge\tLinux/UNIX\t0.350000\t2026-11-20T10:00:00+00:00',
  'SPOTPRICEHISTORY\tus-east-1b\tg6.xlarge\tLinux/UNIX\t0.330000\t2026-11-20T10:05:00+00:00',
  'SPOTPRICEHISTORY\tus-east-1b\tg6.xlarge\tWindows\t0.010000\t2026-11-20T10:06:00+00:00',
  'SPOTPRICEHISTORY\tus-east-1b\tg6.xlarge\tLinux/UNIX\t0.400000\t2026-11-20T12:00:00+00:00',
  'SPOTPRICEHISTORY\teu-west-1a\tg6.xlarge\tLinux/UNIX (Amazon VPC)\t0.310000\t2026-11-20T09:00:00+00:00',
  'NEXTTOKEN\teyJ2IjoxfQ==',
  '',
].join('\n');

describe('readPriceHistory', () => {
  it('reads `--output text` lines, keeping only Linux/UNIX records', () => {
    const history = readPriceHistory(TEXT);
    expect(history.records).toBe(4);
    expect(history.skippedProducts).toBe(1);
    expect(Object.keys(history.prices).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(history.firstMs).toBe(Date.parse('2026-11-20T09:00:00Z'));
    expect(history.lastMs).toBe(Date.parse('2026-11-20T12:00:00Z'));
  });

  it("takes each moment's cheapest Availability Zone as the region's price", () => {
    const series = readPriceHistory(TEXT).prices['us-east-1']!['g6.xlarge']!;
    expect(series).toEqual([
      { at: Date.parse('2026-11-20T10:00:00Z'), value: 0.35 },
      { at: Date.parse('2026-11-20T10:05:00Z'), value: 0.33 },
      // 1b rose to 0.40, so 1a's 0.35 is the cheapest again.
      { at: Date.parse('2026-11-20T12:00:00Z'), value: 0.35 },
    ]);
  });

  it('reads CSV with a header in any order, spelling or quoting', () => {
    const csv = [
      'SpotPrice,"Availability Zone",instance_type,ProductDescription,Timestamp',
      '0.3456,us-west-2c,g5.xlarge,"Linux/UNIX (Amazon VPC)",2026-11-20T10:00:00Z',
      '"0.3001",us-west-2a,g5.xlarge,Linux/UNIX,2026-11-20T11:00:00.000Z',
    ].join('\r\n');
    const series = readPriceHistory(csv).prices['us-west-2']!['g5.xlarge']!;
    expect(series.map((p) => p.value)).toEqual([0.3456, 0.3001]);
  });

  it('reads headerless CSV in the order timestamp, zone, type, product, price', () => {
    const csv = '2026-11-20T10:00:00Z,ap-northeast-1a,g6.xlarge,Linux/UNIX,0.5100\n';
    expect(readPriceHistory(csv).prices['ap-northeast-1']!['g6.xlarge']![0]!.value).toBe(0.51);
  });

  it('compares prices as numbers, not strings', () => {
    const csv = [
      'timestamp,availability zone,instance type,product description,price',
      '2026-11-20T10:00:00Z,us-east-1a,g6.xlarge,Linux/UNIX,10.1',
      '2026-11-20T10:00:00Z,us-east-1b,g6.xlarge,Linux/UNIX,9.0',
    ].join('\n');
    expect(readPriceHistory(csv).prices['us-east-1']!['g6.xlarge']![0]!.value).toBe(9);
  });

  it.each([
    [
      'a text line with a missing field',
      'SPOTPRICEHISTORY\tus-east-1a\tg6.xlarge\tLinux/UNIX\t0.35',
      1,
      /6 tab-separated/,
    ],
    [
      'a foreign label',
      'SPOTPRICEHISTORY\tus-east-1a\tg6.xlarge\tLinux/UNIX\t0.35\t2026-11-20T10:00:00Z\nRESERVED\tx',
      2,
      /SPOTPRICEHISTORY/,
    ],
    ['a timestamp without a zone', '2026-11-20T10:00:00,us-east-1a,g6.xlarge,Linux/UNIX,0.3', 1, /timestamp/],
    [
      'an unknown header column',
      'ts,az,InstanceType,ProductDescription,SpotPrice\n',
      1,
      /unknown column "ts"/,
    ],
    [
      'a price that is not a number',
      '2026-11-20T10:00:00Z,us-east-1a,g6.xlarge,Linux/UNIX,cheap',
      1,
      /price "cheap"/,
    ],
    ['a negative price', '2026-11-20T10:00:00Z,us-east-1a,g6.xlarge,Linux/UNIX,-0.3', 1, /price "-0.3"/],
    ['a zero price', '2026-11-20T10:00:00Z,us-east-1a,g6.xlarge,Linux/UNIX,0', 1, /positive/],
    [
      'a bad zone',
      '2026-11-20T10:00:00Z,useast1a,g6.xlarge,Linux/UNIX,0.3',
      1,
      /availability zone "useast1a"/,
    ],
    [
      'an unknown region',
      '2026-11-20T10:00:00Z,xx-north-9a,g6.xlarge,Linux/UNIX,0.3',
      1,
      /unknown region xx-north-9/,
    ],
    ['a bad instance type', '2026-11-20T10:00:00Z,us-east-1a,G6 XL,Linux/UNIX,0.3', 1, /instance type/],
    [
      'a short CSV row after good ones',
      '2026-11-20T10:00:00Z,us-east-1a,g6.xlarge,Linux/UNIX,0.3\n\n2026-11-20T10:00:00Z,us-east-1a,g6.xlarge',
      3,
      /expected 5 comma-separated fields, got 3/,
    ],
    ['an unterminated quote', '2026-11-20T10:00:00Z,"us-east-1a,g6.xlarge,Linux/UNIX,0.3', 1, /unterminated/],
    [
      'a header missing a column',
      'Timestamp,AvailabilityZone,InstanceType,SpotPrice',
      1,
      /productdescription/,
    ],
  ])('rejects %s with its line number', (_name, text, line, message) => {
    let error: unknown;
    try {
      parsePriceRecords(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TraceParseError);
    expect((error as TraceParseError).line).toBe(line);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(new RegExp(`^line ${line}: `));
  });

  it('rejects a file with no Linux/UNIX record', () => {
    expect(() => readPriceHistory('2026-11-20T10:00:00Z,us-east-1a,g6.xlarge,Windows,0.3')).toThrow(
      /no Linux\/UNIX/,
    );
    expect(() => readPriceHistory('\n\n')).toThrow(TraceParseError);
  });
});

describe('traceFromPriceHistory', () => {
  it("spans the whole export, carrying each price forward (and a region's first price back to the start)", () => {
    const trace = traceFromPriceHistory(readPriceHistory(TEXT), { seed: 1 });
    expect(trace.source).toBe('csv');
    expect(trace.startMs).toBe(Date.parse('2026-11-20T09:00:00Z'));
    expect(trace.endMs).toBe(Date.parse('2026-11-20T12:00:00Z'));
    expect(spotPriceAt(trace, 'us-east-1', Date.parse('2026-11-20T11:00:00Z'), 'g6.xlarge')).toBe(0.33);
    // us-east-1's first record is at 10:00; before it the run takes that first price.
    expect(marketAt(trace, 'us-east-1', trace.startMs).spotPrice).toBe(0.35);
    expect(marketAt(trace, 'eu-west-1', trace.startMs).spotPrice).toBe(0.31);
  });

  it('keeps every zone at its own price, as the export recorded it', () => {
    const trace = traceFromPriceHistory(readPriceHistory(TEXT), { seed: 1 });
    const east = trace.regions.find((r) => r.region === 'us-east-1')!;
    expect(east.zones?.map((z) => z.zone)).toEqual(['us-east-1a', 'us-east-1b']);
    const at = Date.parse('2026-11-20T12:30:00Z');
    expect(zonePriceAt(trace, 'us-east-1', 'us-east-1a', at, 'g6.xlarge')).toBe(0.35);
    expect(zonePriceAt(trace, 'us-east-1', 'us-east-1b', at, 'g6.xlarge')).toBe(0.4);
    expect(marketAt(trace, 'us-east-1', at).spotPrices).toEqual({
      'us-east-1a': { 'g6.xlarge': 0.35 },
      'us-east-1b': { 'g6.xlarge': 0.4 },
    });
  });

  it('gives the same trace for the same export and seed', () => {
    const a = traceFromPriceHistory(readPriceHistory(TEXT), { seed: 4, days: 0.1 });
    const b = traceFromPriceHistory(readPriceHistory(TEXT), { seed: 4, days: 0.1 });
    expect(b).toEqual(a);
  });

  it('refuses --days past the end of the export, saying what it covers', () => {
    expect(() => traceFromPriceHistory(readPriceHistory(TEXT), { seed: 1, days: 1 })).toThrow(
      /--days 1 goes past the end of the price history: it covers 0\.13 days \(2026-11-20T09:00:00\.000Z to 2026-11-20T12:00:00\.000Z\)/,
    );
  });

  it('names a requested region the export lacks', () => {
    expect(() => traceFromPriceHistory(readPriceHistory(TEXT), { seed: 1, regions: ['us-west-2'] })).toThrow(
      /no Linux\/UNIX price for region us-west-2; it has: eu-west-1, us-east-1/,
    );
    expect(() =>
      traceFromPriceHistory(readPriceHistory(TEXT), { seed: 1, instanceTypes: ['g5.xlarge'] }),
    ).toThrow(SimConfigError);
  });

  it('rejects an export whose records are all at one instant', () => {
    const one = 'SPOTPRICEHISTORY\tus-east-2a\tg6.xlarge\tLinux/UNIX\t0.3\t2026-11-20T13:00:00Z';
    expect(() => traceFromPriceHistory(readPriceHistory(`${one}\n`), { seed: 1 })).toThrow(/covers no time/);
  });
});
