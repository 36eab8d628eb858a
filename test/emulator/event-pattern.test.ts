import { describe, expect, it } from 'vitest';
import { InvalidEventPatternException } from '../../emulator/errors.ts';
import { matchesPattern, validatePattern } from '../../emulator/event-pattern.ts';

// The EC2 state-change event of the EventBridge user guide ("Creating Amazon EventBridge event patterns").
const ec2StateChange = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

// The event used by the guide's content-filtering examples (numeric, anything-but, $or).
const metricsEvent = {
  ...ec2StateChange,
  time: '2017-10-02T18:43:48Z',
  detail: { state: 'running', 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, 'source-ip': '10.0.0.123' },
};

const spotWarning = {
  version: '0',
  id: '1e5527d7-bb36-4607-3370-4164db56a40e',
  'detail-type': 'EC2 Spot Instance Interruption Warning',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2026-11-24T10:00:00Z',
  region: 'us-west-2',
  resources: ['arn:aws:ec2:us-west-2b:instance/i-0b662ef9931388ba0'],
  detail: { 'instance-id': 'i-0b662ef9931388ba0', 'instance-action': 'terminate' },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...ec2StateChange, detail });

interface Case {
  name: string;
  pattern: unknown;
  event: unknown;
  matches: boolean;
}

const cases: Case[] = [
  // Field and value matching
  {
    name: 'the guide’s EC2 termination pattern matches the terminated event',
    pattern: {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    },
    event: ec2StateChange,
    matches: true,
  },
  {
    name: 'the same pattern does not match a running instance',
    pattern: { source: ['aws.ec2'], detail: { state: ['terminated'] } },
    event: withDetail({ state: 'running' }),
    matches: false,
  },
  {
    name: 'values of one field are ORed',
    pattern: { detail: { state: ['pending', 'terminated'] } },
    event: ec2StateChange,
    matches: true,
  },
  {
    name: 'fields are ANDed: one mismatch fails the pattern',
    pattern: { source: ['aws.ec2'], region: ['eu-west-1'] },
    event: ec2StateChange,
    matches: false,
  },
  {
    name: 'matching is case-sensitive',
    pattern: { source: ['AWS.EC2'] },
    event: ec2StateChange,
    matches: false,
  },
  {
    name: 'a field missing from the event fails an exact match',
    pattern: { detail: { reason: ['x'] } },
    event: ec2StateChange,
    matches: false,
  },
  {
    name: 'numbers match numerically (300 equals 3.0e2)',
    pattern: { detail: { 'x-limit': [3.018e2] } },
    event: metricsEvent,
    matches: true,
  },
  {
    name: 'a number does not match its string form',
    pattern: { detail: { 'c-count': ['5'] } },
    event: metricsEvent,
    matches: false,
  },
  {
    name: 'booleans match booleans',
    pattern: { detail: { encrypted: [true] } },
    event: withDetail({ encrypted: true }),
    matches: true,
  },
  {
    name: 'nested objects (Macie severity.score and count) match at depth',
    pattern: { detail: { severity: { score: [1] }, count: [2] } },
    event: withDetail({ severity: { score: 1, description: 'Low' }, count: 2 }),
    matches: true,
  },
  {
    name: 'a pattern object does not match a scalar at that place',
    pattern: { detail: { severity: { score: [1] } } },
    event: withDetail({ severity: 1 }),
    matches: false,
  },
  // Null and empty values (guide: "Matching on null values and empty strings")
  {
    name: 'null matches a null value',
    pattern: { detail: { responseElements: [null] } },
    event: withDetail({ eventVersion: '', responseElements: null }),
    matches: true,
  },
  {
    name: 'an empty string matches an empty string',
    pattern: { detail: { eventVersion: [''] } },
    event: withDetail({ eventVersion: '', responseElements: null }),
    matches: true,
  },
  {
    name: 'null does not match a missing field',
    pattern: { detail: { responseElements: [null] } },
    event: withDetail({}),
    matches: false,
  },
  {
    name: 'an empty string does not match null',
    pattern: { detail: { responseElements: [''] } },
    event: withDetail({ responseElements: null }),
    matches: false,
  },
  // Arrays in the event (guide: "Arrays in Amazon EventBridge event patterns")
  {
    name: 'an event array matches when it shares any value with the pattern',
    pattern: {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    event: {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    },
    matches: true,
  },
  {
    name: 'an event array with no shared value does not match',
    pattern: { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-other'] },
    event: ec2StateChange,
    matches: false,
  },
  {
    name: 'an empty event array matches no value',
    pattern: { resources: [{ prefix: '' }] },
    event: { ...ec2StateChange, resources: [] },
    matches: false,
  },
  {
    name: 'a nested pattern applies to each object of an event array (same element for all fields)',
    pattern: { detail: { items: { name: ['b'], size: [2] } } },
    event: withDetail({
      items: [
        { name: 'a', size: 2 },
        { name: 'b', size: 2 },
      ],
    }),
    matches: true,
  },
  {
    name: 'fields satisfied only by different array elements do not match',
    pattern: { detail: { items: { name: ['a'], size: [3] } } },
    event: withDetail({
      items: [
        { name: 'a', size: 2 },
        { name: 'b', size: 3 },
      ],
    }),
    matches: false,
  },
  // Prefix and suffix
  {
    name: 'prefix: "time" starting with 2017-10-02',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    event: metricsEvent,
    matches: true,
  },
  {
    name: 'prefix: European Auto Scaling regions (guide example) rejects us-west-1',
    pattern: { source: ['aws.ec2'], region: [{ prefix: 'eu-' }] },
    event: ec2StateChange,
    matches: false,
  },
  {
    name: 'prefix with equals-ignore-case: "EventB" matches "eventbridge"',
    pattern: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] },
    event: { service: 'eventbridge' },
    matches: true,
  },
  {
    name: 'prefix without ignore-case is case-sensitive',
    pattern: { service: [{ prefix: 'EventB' }] },
    event: { service: 'eventbridge' },
    matches: false,
  },
  {
    name: 'prefix never matches a number',
    pattern: { detail: { 'c-count': [{ prefix: '5' }] } },
    event: metricsEvent,
    matches: false,
  },
  {
    name: 'suffix: FileName ending in .png',
    pattern: { FileName: [{ suffix: '.png' }] },
    event: { FileName: 'image.png' },
    matches: true,
  },
  {
    name: 'suffix with equals-ignore-case: "TBRIDGE" matches "EventBridge"',
    pattern: { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] },
    event: { service: 'EventBRIDGE' },
    matches: true,
  },
  {
    name: 'suffix rejects another extension',
    pattern: { FileName: [{ suffix: '.png' }] },
    event: { FileName: 'image.jpg' },
    matches: false,
  },
  // equals-ignore-case
  {
    name: 'equals-ignore-case: detail-type in any casing',
    pattern: { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
    event: ec2StateChange,
    matches: true,
  },
  {
    name: 'equals-ignore-case still needs the whole value',
    pattern: { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance' }] },
    event: ec2StateChange,
    matches: false,
  },
  // anything-but
  {
    name: 'anything-but a string: "running" is not "initializing"',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: metricsEvent,
    matches: true,
  },
  {
    name: 'anything-but a string rejects that string',
    pattern: { detail: { state: [{ 'anything-but': 'running' }] } },
    event: metricsEvent,
    matches: false,
  },
  {
    name: 'anything-but a number: x-limit 301.8 is not 123',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: metricsEvent,
    matches: true,
  },
  {
    name: 'anything-but a list of strings rejects a listed value',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } },
    event: metricsEvent,
    matches: false,
  },
  {
    name: 'anything-but a list of numbers accepts an unlisted value',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: metricsEvent,
    matches: true,
  },
  {
    name: 'anything-but prefix "init" rejects "initializing"',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: withDetail({ state: 'initializing' }),
    matches: false,
  },
  {
    name: 'anything-but prefix "us-" accepts an EU region',
    pattern: { region: [{ 'anything-but': { prefix: 'us-' } }] },
    event: { ...ec2StateChange, region: 'eu-west-1' },
    matches: true,
  },
  {
    name: 'anything-but suffix ".png" rejects a png',
    pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
    event: { FileName: 'a.png' },
    matches: false,
  },
  {
    name: 'anything-but equals-ignore-case rejects "INITIALIZING"',
    pattern: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] },
    event: { state: 'INITIALIZING' },
    matches: false,
  },
  {
    name: 'anything-but wildcard "*/lib/*" rejects a path inside lib',
    pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    event: { FilePath: '/usr/lib/libc.so' },
    matches: false,
  },
  {
    name: 'anything-but wildcard accepts a path outside lib',
    pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    event: { FilePath: '/usr/bin/env' },
    matches: true,
  },
  {
    name: 'anything-but needs the field to exist',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: withDetail({}),
    matches: false,
  },
  {
    name: 'anything-but on an event array matches when some element is not excluded',
    pattern: { tags: [{ 'anything-but': 'a' }] },
    event: { tags: ['a', 'b'] },
    matches: true,
  },
  // Numeric
  {
    name: 'numeric: the guide’s c-count / d-count / x-limit example',
    pattern: {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    },
    event: metricsEvent,
    matches: true,
  },
  {
    name: 'numeric: the upper bound is exclusive with "<"',
    pattern: { detail: { 'c-count': [{ numeric: ['>=', 1, '<', 5] }] } },
    event: metricsEvent,
    matches: false,
  },
  {
    name: 'numeric: a lower bound alone',
    pattern: { detail: { 'd-count': [{ numeric: ['>=', 3] }] } },
    event: metricsEvent,
    matches: true,
  },
  {
    name: 'numeric never matches a numeric string',
    pattern: { count: [{ numeric: ['>', 0] }] },
    event: { count: '5' },
    matches: false,
  },
  // exists
  {
    name: 'exists true: detail.state is present',
    pattern: { detail: { state: [{ exists: true }] } },
    event: ec2StateChange,
    matches: true,
  },
  {
    name: 'exists false: detail.c-count is absent',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: ec2StateChange,
    matches: true,
  },
  {
    name: 'exists false fails when the field is there',
    pattern: { detail: { state: [{ exists: false }] } },
    event: ec2StateChange,
    matches: false,
  },
  {
    name: 'exists false holds when even the parent object is missing',
    pattern: { detail: { nested: { deep: [{ exists: false }] } } },
    event: ec2StateChange,
    matches: true,
  },
  {
    name: 'exists true does not count an intermediate object as a value',
    pattern: { detail: [{ exists: true }] },
    event: ec2StateChange,
    matches: false,
  },
  {
    name: 'exists true counts a null value as present',
    pattern: { detail: { responseElements: [{ exists: true }] } },
    event: withDetail({ responseElements: null }),
    matches: true,
  },
  // wildcard
  {
    name: 'wildcard: event bus ARN in any account',
    pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    event: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' },
    matches: true,
  },
  {
    name: 'wildcard: any .png inside "dir"',
    pattern: { Filename: [{ wildcard: 'dir/*.png' }] },
    event: { Filename: 'dir/sub/pic.png' },
    matches: true,
  },
  {
    name: 'wildcard is anchored at both ends',
    pattern: { Filename: [{ wildcard: 'dir/*.png' }] },
    event: { Filename: 'other/dir/pic.png' },
    matches: false,
  },
  {
    name: 'wildcard: "\\*" is a literal star and regex characters are literal',
    pattern: { key: [{ wildcard: 'a\\*b.(c)*' }] },
    event: { key: 'a*b.(c)xyz' },
    matches: true,
  },
  {
    name: 'wildcard: an escaped star does not match other characters',
    pattern: { key: [{ wildcard: 'a\\*b' }] },
    event: { key: 'axb' },
    matches: false,
  },
  // cidr
  {
    name: 'cidr: source IP inside 10.0.0.0/24',
    pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
    event: metricsEvent,
    matches: true,
  },
  {
    name: 'cidr: source IP outside 10.0.1.0/24',
    pattern: { detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } },
    event: metricsEvent,
    matches: false,
  },
  // $or
  {
    name: '$or: the guide’s metricName / namespace example',
    pattern: {
      source: ['aws.ec2'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    },
    event: { source: 'aws.ec2', metricName: 'NetworkIn', namespace: 'AWS/EC2' },
    matches: true,
  },
  {
    name: '$or: no branch matches',
    pattern: {
      source: ['aws.ec2'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    },
    event: { source: 'aws.ec2', metricName: 'NetworkIn', namespace: 'AWS/RDS' },
    matches: false,
  },
  {
    name: '$or inside detail with numeric branches (guide example)',
    pattern: {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { 'd-count': [{ numeric: ['<', 10] }] },
          { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
        ],
      },
    },
    event: withDetail({ 'c-count': 50, 'd-count': 30, 'x-limit': 301.8 }),
    matches: true,
  },
  {
    name: '$or is still ANDed with its sibling fields',
    pattern: { source: ['aws.s3'], $or: [{ region: ['us-west-1'] }, { account: ['111122223333'] }] },
    event: ec2StateChange,
    matches: false,
  },
  // spotplane's own rules
  {
    name: 'spot interruption rule: detail-type and detail.instance-action',
    pattern: {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Spot Instance Interruption Warning'],
      detail: { 'instance-action': ['terminate', 'stop', 'hibernate'] },
    },
    event: spotWarning,
    matches: true,
  },
  {
    name: 'hub-to-worker rule: "prefix" as a field name is a field, not an operator',
    pattern: { source: ['spotplane.hub'], detail: { prefix: ['spotplane'], target_region: ['us-west-2'] } },
    event: { source: 'spotplane.hub', detail: { prefix: 'spotplane', target_region: 'us-west-2' } },
    matches: true,
  },
  {
    name: 'hub-to-worker rule does not fire for another region',
    pattern: { source: ['spotplane.hub'], detail: { prefix: ['spotplane'], target_region: ['us-west-2'] } },
    event: { source: 'spotplane.hub', detail: { prefix: 'spotplane', target_region: 'eu-west-1' } },
    matches: false,
  },
  {
    name: 'an event that is not an object matches only absence',
    pattern: { source: [{ exists: false }] },
    event: 42,
    matches: true,
  },
];

describe('matchesPattern', () => {
  it.each(cases)('$name', ({ pattern, event, matches }) => {
    expect(matchesPattern(pattern, event)).toBe(matches);
  });

  it('accepts the pattern and the event as JSON text (as PutRule and TestEventPattern take them)', () => {
    expect(matchesPattern('{"source":["aws.ec2"]}', JSON.stringify(ec2StateChange))).toBe(true);
  });

  it('throws for a malformed pattern instead of matching nothing', () => {
    expect(() => matchesPattern({ source: 'aws.ec2' }, ec2StateChange)).toThrow(InvalidEventPatternException);
  });
});

describe('validatePattern', () => {
  it.each([
    { source: ['aws.ec2'] },
    { detail: { state: [{ 'anything-but': ['a', 'b'] }] } },
    { n: [{ numeric: ['=', 5] }], m: [{ numeric: ['>=', -1e9, '<=', 1e9] }] },
    { k: [{ wildcard: 'a\\**' }] },
    {
      k: [
        { 'anything-but': { 'equals-ignore-case': 'x' } },
        { 'anything-but': { wildcard: ['*.a', '*.b'] } },
      ],
    },
    { k: [{ cidr: '192.168.0.1' }] },
  ])('accepts %j', (pattern) => {
    expect(() => validatePattern(pattern)).not.toThrow();
  });

  const invalid: [string, unknown, string, RegExp][] = [
    ['a non-object', ['aws.ec2'], '(root)', /must be a JSON object/],
    ['invalid JSON text', '{source:', '(root)', /not valid JSON/],
    ['an empty pattern', {}, '(root)', /empty objects/],
    ['a bare string value', { source: 'aws.ec2' }, 'source', /must be an array of match values or an object/],
    ['an empty value list', { source: [] }, 'source', /empty arrays/],
    ['a nested array value', { source: [['a']] }, 'source[0]', /nested arrays/],
    ['an empty nested object', { detail: {} }, 'detail', /empty objects/],
    [
      'an unknown filter',
      { source: [{ regex: 'a.*' }] },
      'source[0].regex',
      /unrecognized match type "regex"/,
    ],
    ['two filters in one object', { source: [{ prefix: 'a', suffix: 'b' }] }, 'source[0]', /exactly one/],
    ['a numeric prefix', { source: [{ prefix: 5 }] }, 'source[0].prefix', /must be a string/],
    [
      'a malformed ignore-case prefix',
      { source: [{ prefix: { 'equals-ignore-case': 5 } }] },
      'source[0].prefix',
      /equals-ignore-case/,
    ],
    [
      'a non-boolean exists',
      { detail: { state: [{ exists: 'yes' }] } },
      'detail.state[0].exists',
      /true or false/,
    ],
    ['an odd numeric list', { n: [{ numeric: ['>', 1, '<'] }] }, 'n[0].numeric', /"numeric" must be/],
    ['an unknown numeric operator', { n: [{ numeric: ['!=', 1] }] }, 'n[0].numeric', /unknown operator "!="/],
    ['a numeric string bound', { n: [{ numeric: ['>', '1'] }] }, 'n[0].numeric', /must be numbers/],
    ['a numeric bound out of range', { n: [{ numeric: ['>', 2e9] }] }, 'n[0].numeric', /between/],
    ['a range with two lower bounds', { n: [{ numeric: ['>', 1, '>', 2] }] }, 'n[0].numeric', /range/],
    ['an empty range', { n: [{ numeric: ['>', 5, '<', 1] }] }, 'n[0].numeric', /range is empty/],
    [
      'a mixed anything-but list',
      { s: [{ 'anything-but': ['a', 1] }] },
      's[0].anything-but',
      /only strings or only numbers/,
    ],
    [
      'an unknown anything-but form',
      { s: [{ 'anything-but': { numeric: ['>', 1] } }] },
      's[0].anything-but',
      /anything-but/,
    ],
    [
      'an anything-but prefix number',
      { s: [{ 'anything-but': { prefix: 1 } }] },
      's[0].anything-but.prefix',
      /must be a string/,
    ],
    [
      'an empty anything-but wildcard list',
      { s: [{ 'anything-but': { wildcard: [] } }] },
      's[0].anything-but.wildcard',
      /empty/,
    ],
    ['consecutive wildcards', { s: [{ wildcard: 'a**b' }] }, 's[0].wildcard', /consecutive wildcard/],
    ['a bad cidr', { ip: [{ cidr: '10.0.0.300/8' }] }, 'ip[0].cidr', /IPv4 CIDR/],
    ['a one-branch $or', { $or: [{ a: ['x'] }] }, '$or', /at least two/],
    ['a non-object $or branch', { $or: [{ a: ['x'] }, 'b'] }, '$or[1]', /must be an object/],
    ['an infinite number', { n: [Number.POSITIVE_INFINITY] }, 'n[0]', /finite/],
  ];

  it.each(invalid)('rejects %s, naming the path', (_what, pattern, path, reason) => {
    let error: unknown;
    try {
      validatePattern(pattern);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidEventPatternException);
    expect((error as InvalidEventPatternException).name).toBe('InvalidEventPatternException');
    expect((error as InvalidEventPatternException).path).toBe(path);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message.startsWith(`${path}: `)).toBe(true);
  });
});
