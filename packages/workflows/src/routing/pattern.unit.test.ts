import { describe, expect, it } from '@jest/globals';
import { matchesPattern, type EventPattern } from './pattern.js';

// Cases follow the examples of the EventBridge user guide ("Content filtering in event
// patterns", "Comparison operators"), rewritten here around an EC2-style event.
const event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0', 'arn:aws:ec2:us-west-1:123456789012:instance/i-0'],
  detail: {
    'instance-id': 'i-1234567890abcdef0',
    state: 'terminated',
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.123',
    FileName: 'photo.PNG',
    location: null,
    note: '',
    tags: ['blue', 'large'],
    owner: { team: 'payments', 'cost-center': 42 },
  },
};

const cases: ReadonlyArray<[string, EventPattern, boolean]> = [
  ['exact source', { source: ['aws.ec2'] }, true],
  ['exact source, other value', { source: ['aws.s3'] }, false],
  ['list of values is OR', { source: ['aws.s3', 'aws.ec2'] }, true],
  ['every field must match (AND)', { source: ['aws.ec2'], 'detail-type': ['Nope'] }, false],
  ['nested detail field', { detail: { state: ['terminated'] } }, true],
  ['nested two levels', { detail: { owner: { team: ['payments'] } } }, true],
  ['nested two levels, no match', { detail: { owner: { team: ['orders'] } } }, false],
  ['missing field does not match a value', { detail: { color: ['blue'] } }, false],
  ['event array: any element matches', { resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-0'] }, true],
  ['event array: no element matches', { resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-9'] }, false],
  ['event array with prefix', { detail: { tags: [{ prefix: 'lar' }] } }, true],
  ['numbers match exactly', { detail: { 'c-count': [5] } }, true],
  ['a number does not match its string', { detail: { 'c-count': ['5'] } }, false],
  ['null matches null', { detail: { location: [null] } }, true],
  ['empty string matches empty string', { detail: { note: [''] } }, true],
  ['null does not match a missing field', { detail: { missing: [null] } }, false],
  ['prefix', { time: [{ prefix: '2017-12-22' }] }, true],
  ['prefix, no match', { time: [{ prefix: '2017-10-02' }] }, false],
  ['prefix ignoring case', { detail: { state: [{ prefix: { 'equals-ignore-case': 'TERM' } }] } }, true],
  ['prefix only applies to strings', { detail: { 'c-count': [{ prefix: '5' }] } }, false],
  ['suffix is case-sensitive', { detail: { FileName: [{ suffix: '.png' }] } }, false],
  ['suffix ignoring case', { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, true],
  ['equals-ignore-case', { detail: { state: [{ 'equals-ignore-case': 'TERMINATED' }] } }, true],
  ['anything-but a string', { detail: { state: [{ 'anything-but': 'initializing' }] } }, true],
  ['anything-but the same string', { detail: { state: [{ 'anything-but': 'terminated' }] } }, false],
  ['anything-but a number', { detail: { 'c-count': [{ 'anything-but': 123 }] } }, true],
  ['anything-but a list', { detail: { state: [{ 'anything-but': ['stopped', 'terminated'] }] } }, false],
  ['anything-but a list, other value', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, true],
  ['anything-but prefix', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, true],
  ['anything-but prefix, excluded', { detail: { state: [{ 'anything-but': { prefix: 'term' } }] } }, false],
  ['anything-but suffix', { detail: { FileName: [{ 'anything-but': { suffix: '.PNG' } }] } }, false],
  ['anything-but needs the field present', { detail: { missing: [{ 'anything-but': 'x' }] } }, false],
  ['numeric range > 0 <= 5', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, true],
  ['numeric range excludes bound', { detail: { 'c-count': [{ numeric: ['>', 0, '<', 5] }] } }, false],
  ['numeric < 10', { detail: { 'd-count': [{ numeric: ['<', 10] }] } }, true],
  ['numeric = 3.018e2', { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, true],
  ['numeric only applies to numbers', { detail: { state: [{ numeric: ['>', 0] }] } }, false],
  ['exists true on a present field', { detail: { 'c-count': [{ exists: true }] } }, true],
  ['exists true on a missing field', { detail: { 'e-count': [{ exists: true }] } }, false],
  ['exists false on a missing field', { detail: { 'e-count': [{ exists: false }] } }, true],
  ['exists false on a present field', { detail: { 'c-count': [{ exists: false }] } }, false],
  ['exists false under a missing object', { detail: { absent: { field: [{ exists: false }] } } }, true],
  ['exists applies to leaves: an object is not one', { detail: { owner: [{ exists: true }] } }, false],
  ['null counts as present for exists', { detail: { location: [{ exists: true }] } }, true],
  ['$or: one branch matches', { $or: [{ detail: { state: ['running'] } }, { detail: { 'c-count': [5] } }] }, true],
  ['$or: no branch matches', { $or: [{ detail: { state: ['running'] } }, { detail: { 'c-count': [6] } }] }, false],
  ['mixed matchers in one list are OR', { detail: { state: [{ prefix: 'run' }, 'terminated'] } }, true],
];

describe('matchesPattern (EventBridge semantics)', () => {
  it.each(cases)('%s', (_name, pattern, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });

  it('does not match a non-object event', () => {
    expect(matchesPattern({ source: ['x'] }, 'x')).toBe(false);
  });
});
