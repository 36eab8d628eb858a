import { describe, expect, it } from 'vitest';
import { cheapestLatestPrice, parseSpotPrice, type SpotPriceRecord } from '../../core/ranking/index.ts';

const at = (iso: string) => new Date(iso);
const rec = (
  zone: string,
  type: string,
  price: string,
  time: string,
  product = 'Linux/UNIX',
): SpotPriceRecord => ({
  AvailabilityZone: zone,
  InstanceType: type,
  ProductDescription: product,
  SpotPrice: price,
  Timestamp: at(time),
});

const types = ['g6.xlarge', 'g5.xlarge'];

describe('cheapestLatestPrice', () => {
  const cases: {
    name: string;
    records: SpotPriceRecord[];
    expected: ReturnType<typeof cheapestLatestPrice>;
  }[] = [
    { name: 'returns null for an empty history', records: [], expected: null },
    {
      name: 'compares prices as numbers, not strings ("10.1" is dearer than "9.0")',
      records: [
        rec('us-west-2a', 'g6.xlarge', '10.1', '2026-11-24T10:00:00Z'),
        rec('us-west-2b', 'g6.xlarge', '9.0', '2026-11-24T10:00:00Z'),
      ],
      expected: { price: 9, availabilityZone: 'us-west-2b', instanceType: 'g6.xlarge' },
    },
    {
      name: 'uses the latest record per AZ and type, not an older cheaper one',
      records: [
        rec('us-west-2a', 'g6.xlarge', '0.20', '2026-11-24T08:00:00Z'),
        rec('us-west-2a', 'g6.xlarge', '0.90', '2026-11-24T10:00:00Z'),
        rec('us-west-2b', 'g6.xlarge', '0.50', '2026-11-24T09:00:00Z'),
      ],
      expected: { price: 0.5, availabilityZone: 'us-west-2b', instanceType: 'g6.xlarge' },
    },
    {
      name: 'ignores Windows, SUSE and RHEL records however cheap',
      records: [
        rec('us-west-2a', 'g6.xlarge', '0.10', '2026-11-24T10:00:00Z', 'Windows'),
        rec('us-west-2a', 'g6.xlarge', '0.11', '2026-11-24T10:00:00Z', 'SUSE Linux'),
        rec('us-west-2a', 'g6.xlarge', '0.12', '2026-11-24T10:00:00Z', 'Red Hat Enterprise Linux'),
        rec('us-west-2a', 'g6.xlarge', '0.80', '2026-11-24T10:00:00Z', 'Linux/UNIX'),
      ],
      expected: { price: 0.8, availabilityZone: 'us-west-2a', instanceType: 'g6.xlarge' },
    },
    {
      name: 'accepts the "Linux/UNIX (Amazon VPC)" description and takes the newer of the two',
      records: [
        rec('us-west-2a', 'g6.xlarge', '0.70', '2026-11-24T09:00:00Z', 'Linux/UNIX'),
        rec('us-west-2a', 'g6.xlarge', '0.75', '2026-11-24T10:00:00Z', 'Linux/UNIX (Amazon VPC)'),
      ],
      expected: { price: 0.75, availabilityZone: 'us-west-2a', instanceType: 'g6.xlarge' },
    },
    {
      name: 'keeps the lower price when both Linux descriptions share a timestamp, in either order',
      records: [
        rec('us-west-2a', 'g6.xlarge', '0.75', '2026-11-24T10:00:00Z', 'Linux/UNIX (Amazon VPC)'),
        rec('us-west-2a', 'g6.xlarge', '0.70', '2026-11-24T10:00:00Z', 'Linux/UNIX'),
        rec('us-west-2a', 'g6.xlarge', '0.75', '2026-11-24T10:00:00Z', 'Linux/UNIX (Amazon VPC)'),
      ],
      expected: { price: 0.7, availabilityZone: 'us-west-2a', instanceType: 'g6.xlarge' },
    },
    {
      name: 'takes the cheapest over AZs and configured types, ignoring other types',
      records: [
        rec('eu-west-1a', 'g6.xlarge', '0.60', '2026-11-24T10:00:00Z'),
        rec('eu-west-1b', 'g5.xlarge', '0.55', '2026-11-24T10:00:00Z'),
        rec('eu-west-1c', 'p5.48xlarge', '0.01', '2026-11-24T10:00:00Z'),
      ],
      expected: { price: 0.55, availabilityZone: 'eu-west-1b', instanceType: 'g5.xlarge' },
    },
    {
      name: 'breaks an exact price tie by AZ name so the answer never depends on record order',
      records: [
        rec('eu-west-1c', 'g6.xlarge', '0.50', '2026-11-24T10:00:00Z'),
        rec('eu-west-1a', 'g6.xlarge', '0.50', '2026-11-24T10:00:00Z'),
        rec('eu-west-1a', 'g5.xlarge', '0.50', '2026-11-24T10:00:00Z'),
      ],
      expected: { price: 0.5, availabilityZone: 'eu-west-1a', instanceType: 'g5.xlarge' },
    },
    {
      name: 'skips records with missing fields or unparseable prices',
      records: [
        { ...rec('us-west-2a', 'g6.xlarge', '0.10', '2026-11-24T10:00:00Z'), AvailabilityZone: undefined },
        { ...rec('us-west-2a', 'g6.xlarge', '0.10', '2026-11-24T10:00:00Z'), Timestamp: undefined },
        { ...rec('us-west-2a', 'g6.xlarge', '0.10', '2026-11-24T10:00:00Z'), Timestamp: new Date('nope') },
        rec('us-west-2a', 'g6.xlarge', 'abc', '2026-11-24T10:00:00Z'),
        rec('us-west-2a', 'g6.xlarge', '-1', '2026-11-24T10:00:00Z'),
        rec('us-west-2b', 'g6.xlarge', '0.90', '2026-11-24T10:00:00Z'),
      ],
      expected: { price: 0.9, availabilityZone: 'us-west-2b', instanceType: 'g6.xlarge' },
    },
  ];

  it.each(cases)('$name', ({ records, expected }) => {
    expect(cheapestLatestPrice(records, types)).toEqual(expected);
  });
});

describe('parseSpotPrice', () => {
  it.each([
    ['0.412300', 0.4123],
    ['10.1', 10.1],
    ['9', 9],
    [undefined, undefined],
    ['', undefined],
    ['1e3', undefined],
    ['NaN', undefined],
  ])('parses %j as %j', (text, expected) => {
    expect(parseSpotPrice(text)).toBe(expected);
  });
});
