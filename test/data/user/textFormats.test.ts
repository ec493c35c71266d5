/**
 * The text readers of a user's files (src/data/user/formats/text.ts) on small hand-written
 * files: what they read, and that a malformed file is refused with its name and line.
 */

import { describe, expect, it } from 'vitest';
import { checkTable, type SeriesTable } from '../../../src/data/user/table.js';
import {
  csvSeriesTable, detectDelimiter, detectHeader, parseArff, parseCsvRows, parseCsvSeriesFile, parseSktimeTs, parseUcrTable,
} from '../../../src/data/user/formats/text.js';

const f32 = (xs: number[]): Float32Array => Float32Array.from(xs);
const vals = (t: SeriesTable, i: number): number[] => Array.from(t.series[i]);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('UCR tables', () => {
  it('reads tab-separated files with text labels, NaN padding and inner NaN', () => {
    const t = checkTable(parseUcrTable('-1\t1\t2\t3\nabnormal\t4\tNaN\t5\n1.5\t6\t7\tNaN\n', 'A_TRAIN.tsv'));
    expect(t.channels).toBe(1);
    expect(t.labels).toEqual(['-1', 'abnormal', '1.5']);
    expect(t.lengths).toEqual([3, 3, 2]);
    expect(vals(t, 1)[1]).toBeNaN();
    expect(vals(t, 2)).toEqual([6, 7]);
    expect(t.rowNames).toEqual(['A_TRAIN.tsv line 1', 'A_TRAIN.tsv line 2', 'A_TRAIN.tsv line 3']);
    expect(t.groups).toBeNull();
  });

  it('reads comma files (detected or given), CRLF and BOM', () => {
    const t = checkTable(parseUcrTable(bytes('\uFEFF1,0.5,0.25\r\n2,1,2\r\n'), 'old.csv'));
    expect(t.labels).toEqual(['1', '2']);
    expect(vals(t, 0)).toEqual([0.5, 0.25]);
    expect(parseUcrTable('1,2,3\n', 'x', { delimiter: ',' }).lengths).toEqual([2]);
  });

  it('refuses malformed files naming the file and line', () => {
    expect(() => parseUcrTable('', 'E.tsv')).toThrow(/E\.tsv: no data lines/);
    expect(() => parseUcrTable('1\t2\t3\n1\t2\n', 'E.tsv')).toThrow(/E\.tsv line 2: 2 columns, but line 1 has 3/);
    expect(() => parseUcrTable('1\t2\t3\n1\t2\tx\n', 'E.tsv')).toThrow(/E\.tsv line 2, column 3: 'x' is not a number/);
    expect(() => parseUcrTable('1\t2\t\n', 'E.tsv')).toThrow(/E\.tsv line 1, column 3: empty value/);
    expect(() => parseUcrTable('1\t1e400\n', 'E.tsv')).toThrow(/E\.tsv line 1, column 2: .*float32 range/);
    expect(() => parseUcrTable('1\tNaN\tNaN\n', 'E.tsv')).toThrow(/E\.tsv line 1: the series has no values/);
    expect(() => parseUcrTable('\t1\t2\n', 'E.tsv')).toThrow(/E\.tsv line 1, column 1: empty label/);
    expect(() => parseUcrTable('1\n', 'E.tsv')).toThrow(/E\.tsv line 1: expected comma-separated columns/);
  });
});

const TS_UNI = `# a comment
@problemName Toy
@timeStamps false
@missing true
@univariate true
@equalLength false
@classLabel true up down
@data
1,2,3:up
4,?,NaN,7:down
`;

const TS_MULTI = `@ProblemName Multi\r\n@TIMESTAMPS false\r\n@univariate false\r\n@dimensions 2\r\n@equalLength true\r\n@seriesLength 3\r\n@classLabel true a b\r\n@data\r\n1,2,3:4,5,6:a\r\n7,8,9:10,11,12:b\r\n`;

describe('sktime .ts', () => {
  it('reads univariate variable-length cases with missing values', () => {
    const t = checkTable(parseSktimeTs(TS_UNI, 'toy.ts'));
    expect(t.channels).toBe(1);
    expect(t.lengths).toEqual([3, 4]);
    expect(t.labels).toEqual(['up', 'down']);
    expect(t.declaredClasses).toEqual(['up', 'down']);
    expect(t.taskHint).toBe('classification');
    expect(vals(t, 1)[1]).toBeNaN();
    expect(vals(t, 1)[2]).toBeNaN();
    expect(vals(t, 1)[3]).toBe(7);
    expect(t.rowNames![0]).toBe('toy.ts line 9');
  });

  it('reads multivariate cases channel-major, CRLF and any-case keywords', () => {
    const t = checkTable(parseSktimeTs(TS_MULTI, 'm.ts'));
    expect(t.channels).toBe(2);
    expect(vals(t, 1)).toEqual([7, 8, 9, 10, 11, 12]);
    expect(t.labels).toEqual(['a', 'b']);
  });

  it('reads regression targets and unlabelled files', () => {
    const r = checkTable(parseSktimeTs('@targetLabel true\n@data\n1,2:3.5\n4,5:-1\n', 'r.ts'));
    expect(r.labels).toEqual(['3.5', '-1']);
    expect(r.taskHint).toBe('regression');
    expect(r.declaredClasses).toBeUndefined();
    const u = checkTable(parseSktimeTs('@classLabel false\n@data\n1,2:3,4\n', 'u.ts'));
    expect(u.labels).toBeNull();
    expect(u.channels).toBe(2);
  });

  it('refuses malformed files naming the file and line', () => {
    expect(() => parseSktimeTs('', 'e.ts')).toThrow(/e\.ts: no @data line/);
    expect(() => parseSktimeTs('@classLabel true a\n1,2:a\n', 'e.ts')).toThrow(/e\.ts line 2: data before the @data line/);
    expect(() => parseSktimeTs('@timeStamps true\n@data\n', 'e.ts')).toThrow(/e\.ts line 1: @timeStamps true: timestamped series are not supported/);
    expect(() => parseSktimeTs('@classLabel true a b\n@data\n1,2:c\n', 'e.ts')).toThrow(/e\.ts line 3: class 'c' is not declared by @classLabel/);
    expect(() => parseSktimeTs('@data\n1,2,3:4,5\n', 'e.ts')).toThrow(/e\.ts line 2: dimension 2 has 2 values, but dimension 1 has 3/);
    expect(() => parseSktimeTs('@data\n1,2:3,4\n1,2\n', 'e.ts')).toThrow(/e\.ts line 3: 1 dimension, but line 2 has 2/);
    expect(() => parseSktimeTs('@dimensions 3\n@data\n1,2:3,4\n', 'e.ts')).toThrow(/e\.ts line 3: 2 dimensions, but @dimensions says 3/);
    expect(() => parseSktimeTs('@classLabel true a\n@data\n1,x:a\n', 'e.ts')).toThrow(/e\.ts line 3, dimension 1, value 2: 'x' is not a number/);
    expect(() => parseSktimeTs('@classLabel true a\n@data\n1,2\n', 'e.ts')).toThrow(/e\.ts line 3: no label after the last ':'/);
    expect(() => parseSktimeTs('@targetLabel true\n@data\n1,2:big\n', 'e.ts')).toThrow(/e\.ts line 3: the regression target 'big' is not a number/);
    expect(() => parseSktimeTs('@classLabel true\n@data\n', 'e.ts')).toThrow(/e\.ts line 1: @classLabel true lists no classes/);
    expect(() => parseSktimeTs('@clasLabel true a\n@data\n', 'e.ts')).toThrow(/e\.ts line 1: unknown header line '@clasLabel'/);
    expect(() => parseSktimeTs('@data\n', 'e.ts')).toThrow(/e\.ts: no cases after @data/);
    expect(() => parseSktimeTs('@data\n(0,1),(1,2)\n', 'e.ts')).toThrow(/e\.ts line 2: .*timestamped/);
    expect(() => parseSktimeTs('@data\n1,2::\n', 'e.ts')).toThrow(/e\.ts line 2: dimension 2 is empty/);
  });
});

const ARFF_UNI = `% UCR style
@RELATION Toy
@attribute att1 numeric
@attribute 'att 2' REAL
@attribute att3 integer
@attribute target {-1,1,'two words'}

@DATA
1,2,3,-1
4,?,6,1
7,8,?,'two words'
`;

const ARFF_MULTI = `@relation Motions
@attribute relationalAtt relational
@attribute t1 numeric
@attribute t2 numeric
@attribute t3 numeric
@end relationalAtt
@attribute activity {Standing,Running}
@data
'1,2,3\\n4,5,6',Standing
"7,8,?\\n10,11,?",Running
`;

describe('ARFF', () => {
  it('reads univariate files with a nominal class, quoted values and ? padding', () => {
    const t = checkTable(parseArff(ARFF_UNI, 'toy.arff'));
    expect(t.channels).toBe(1);
    expect(t.labels).toEqual(['-1', '1', 'two words']);
    expect(t.declaredClasses).toEqual(['-1', '1', 'two words']);
    expect(t.taskHint).toBe('classification');
    expect(t.lengths).toEqual([3, 3, 2]);
    expect(vals(t, 1)[1]).toBeNaN();
    expect(t.rowNames![0]).toBe('toy.arff line 9');
  });

  it('reads the UEA relational form: one channel per \\n row, trailing padding cut', () => {
    const t = checkTable(parseArff(ARFF_MULTI.replace(/\n/g, '\r\n'), 'm.arff'));
    expect(t.channels).toBe(2);
    expect(t.lengths).toEqual([3, 2]);
    expect(vals(t, 0)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(vals(t, 1)).toEqual([7, 8, 10, 11]);
    expect(t.labels).toEqual(['Standing', 'Running']);
  });

  it('reads numeric targets as regression, string labels, and all-? labels as unlabelled', () => {
    const r = checkTable(parseArff('@relation r\n@attribute a numeric\n@attribute b numeric\n@attribute y numeric\n@data\n1,2,0.5\n3,4,-2\n', 'r.arff'));
    expect(r.taskHint).toBe('regression');
    expect(r.labels).toEqual(['0.5', '-2']);
    const s = checkTable(parseArff('@attribute a numeric\n@attribute name string\n@data\n1,"walk, fast"\n', 's.arff'));
    expect(s.labels).toEqual(['walk, fast']);
    const u = checkTable(parseArff('@attribute a numeric\n@attribute c {x,y}\n@data\n1,?\n2,?\n', 'u.arff'));
    expect(u.labels).toBeNull();
    expect(u.declaredClasses).toEqual(['x', 'y']);
  });

  it('refuses malformed files naming the file and line', () => {
    expect(() => parseArff('', 'e.arff')).toThrow(/e\.arff: no @data line/);
    expect(() => parseArff('@attribute a numeric\n@attribute c {x,y}\n', 'e.arff')).toThrow(/e\.arff: no @data line/);
    expect(() => parseArff('@attribute a numeric\n@attribute c {x,y}\n@data\n1,z\n', 'e.arff')).toThrow(/e\.arff line 4: class 'z' is not declared/);
    expect(() => parseArff('@attribute a numeric\n@attribute c {x,y}\n@data\n1,2,x\n', 'e.arff')).toThrow(/e\.arff line 4: 3 values, but 2 attributes/);
    expect(() => parseArff('@attribute a numeric\n@attribute c {x,y}\n@data\nq,x\n', 'e.arff')).toThrow(/e\.arff line 4, value 1: 'q' is not a number/);
    expect(() => parseArff('@attribute a numeric\n@attribute c {x,y}\n@data\n{0 1,1 x}\n', 'e.arff')).toThrow(/e\.arff line 4: sparse ARFF rows/);
    expect(() => parseArff('@attribute a numeric\n@attribute c {x,y}\n@data\n1,x\n2,?\n', 'e.arff')).toThrow(/e\.arff line 5: the label is missing/);
    expect(() => parseArff('@attribute a {p,q}\n@attribute c {x,y}\n@data\np,x\n', 'e.arff')).toThrow(/e\.arff line 1: attribute 'a' is nominal; only the last/);
    expect(() => parseArff('@attribute d date\n@data\n', 'e.arff')).toThrow(/e\.arff line 1: date attribute/);
    expect(() => parseArff(ARFF_MULTI.replace("'1,2,3\\n4,5,6'", "'1,2,3\\n4,5'"), 'e.arff')).toThrow(/e\.arff line 9: channel 2 has 2 values, but 'relationalAtt' declares 3/);
    expect(() => parseArff(ARFF_MULTI.replace("'1,2,3\\n4,5,6'", "'1,2,3'"), 'e.arff')).toThrow(/e\.arff line 10: 2 channels .* but line 9 has 1/);
    expect(() => parseArff(ARFF_MULTI.replace('@end relationalAtt\n', ''), 'e.arff')).toThrow(/e\.arff line 6: attribute 'activity' inside relational 'relationalAtt' must be numeric .* '@end relationalAtt' missing/);
    expect(() => parseArff(ARFF_MULTI.split('@end')[0], 'e.arff')).toThrow(/e\.arff: no @data line/);
    expect(() => parseArff(ARFF_MULTI.replace('@end relationalAtt\n@attribute activity {Standing,Running}\n', ''), 'e.arff')).toThrow(/e\.arff line 2: relational attribute 'relationalAtt' has no '@end/);
    expect(() => parseArff("@attribute a numeric\n@attribute c {x,y}\n@data\n'1,x\n", 'e.arff')).toThrow(/e\.arff line 4: a quoted value opened at column 1 is never closed/);
  });
});

describe('CSV: one sample per row', () => {
  it('detects the delimiter outside quotes', () => {
    expect(detectDelimiter('a,b,c\n1,2,3\n')).toBe(',');
    expect(detectDelimiter('a;b;c\n1;2;3\n')).toBe(';');
    expect(detectDelimiter('a\tb\n"x,y,z"\t2\n')).toBe('\t');
    expect(detectDelimiter('1|2|3\n4|5|6\n')).toBe('|');
    expect(detectDelimiter('1,5;2,5\n3,1;4,2\n')).toBe(';');
    expect(detectDelimiter('1\n2\n')).toBe(',');
  });

  it('detects a header row', () => {
    expect(detectHeader([['label', 'a', 'b'], ['x', '1', '2']])).toBe(true);
    expect(detectHeader([['walk', '1', '2'], ['run', '3', '4']])).toBe(false);
    expect(detectHeader([['v'], ['1']])).toBe(true);
    expect(detectHeader([['1', '2'], ['3', '4']])).toBe(false);
  });

  it('reads a header, a named label column, a group column, quoted cells and missing values', () => {
    const csv = '\uFEFFsubject,x1,x2,"the ""x3""",Label\r\ns1,1,2,3,walking\r\ns2,"4",,6,"sitting, still"\r\n';
    const t = checkTable(parseCsvRows(bytes(csv), 'data.csv', { groupColumn: 'subject' }));
    expect(t.labels).toEqual(['walking', 'sitting, still']);
    expect(t.groups).toEqual(['s1', 's2']);
    expect(vals(t, 0)).toEqual([1, 2, 3]);
    expect(vals(t, 1)[1]).toBeNaN();
    expect(t.rowNames).toEqual(['data.csv row 2', 'data.csv row 3']);
  });

  it('takes column 0 as the label when it is text, or whole numbers beside fractions (no header)', () => {
    expect(parseCsvRows('walk,1,2\nrun,3,4\n', 'a.csv').labels).toEqual(['walk', 'run']);
    expect(parseCsvRows('1,0.5,0.25\n2,0.75,1\n', 'b.csv').labels).toEqual(['1', '2']);
    expect(parseCsvRows('1,5,2\n2,7,1\n', 'c.csv').labels).toBeNull();
    const t = parseCsvRows('a,b\n1,2\n', 'd.csv');
    expect(t.labels).toBeNull();
    expect(vals(t, 0)).toEqual([1, 2]);
    expect(parseCsvRows('1,0.5,0.25\n', 'e.csv', { labelColumn: null }).labels).toBeNull();
    expect(parseCsvRows('0.5;0.25;x\n', 'f.csv', { labelColumn: 2 }).labels).toEqual(['x']);
  });

  it('splits the value columns into channels (channel-major) and cuts trailing padding', () => {
    const t = checkTable(parseCsvRows('y,a1,a2,a3,b1,b2,b3\nup,1,2,3,4,5,6\ndown,1,2,,4,5,NaN\n', 'c.csv', { channels: 2 }));
    expect(t.channels).toBe(2);
    expect(t.lengths).toEqual([3, 2]);
    expect(vals(t, 1)).toEqual([1, 2, 4, 5]);
    const ig = parseCsvRows('id,t,v1,v2,label\n7,0,1,2,a\n', 'i.csv', { ignoreColumns: ['id', 1] });
    expect(vals(ig, 0)).toEqual([1, 2]);
    expect(ig.labels).toEqual(['a']);
  });

  it('refuses malformed files naming the file and line', () => {
    expect(() => parseCsvRows('', 'e.csv')).toThrow(/e\.csv: the file is empty/);
    expect(() => parseCsvRows('a,b\n', 'e.csv')).toThrow(/e\.csv: no data rows after the header/);
    expect(() => parseCsvRows('x,1,2\ny,3\n', 'e.csv')).toThrow(/e\.csv line 2: 2 cells, but line 1 has 3/);
    expect(() => parseCsvRows('label,a,b\nx,1,2\ny,3,oops\n', 'e.csv')).toThrow(/e\.csv line 3, column 3 \('b'\): 'oops' is not a number/);
    expect(() => parseCsvRows('x,1,"2\n', 'e.csv')).toThrow(/e\.csv line 1: a quoted cell is never closed/);
    expect(() => parseCsvRows('x,1,"2"3\n', 'e.csv')).toThrow(/e\.csv line 1: text after the closing quote/);
    expect(() => parseCsvRows('y,a,b,c\nu,1,2,3\n', 'e.csv', { channels: 2 })).toThrow(/e\.csv: 3 value columns do not split into 2 channels/);
    expect(() => parseCsvRows('y,a\nu,1\n', 'e.csv', { labelColumn: 'klass' })).toThrow(/e\.csv: labelColumn 'klass' is not a column; the header has 'y', 'a'/);
    expect(() => parseCsvRows('u,1\n', 'e.csv', { labelColumn: 'y' })).toThrow(/e\.csv: labelColumn 'y' is a column name, but the file has no header/);
    expect(() => parseCsvRows('u,1\n', 'e.csv', { labelColumn: 5 })).toThrow(/e\.csv: labelColumn 5 is not a column/);
    expect(() => parseCsvRows('y,a\n,1\n', 'e.csv')).toThrow(/e\.csv line 2, column 1 \('y'\): the label is missing/);
    expect(() => parseCsvRows('y,a\nu,\n', 'e.csv')).toThrow(/e\.csv line 2: the row has no values/);
  });
});

describe('CSV: one file per series', () => {
  it('reads rows as time steps and columns as channels (channel-major), with header names', () => {
    const s = parseCsvSeriesFile('time;ax;ay\n0;1;2\n1;3;4\n2;5;\n', 'rec.csv', { columns: ['ax', 'ay'] });
    expect(s.channels).toBe(2);
    expect(s.length).toBe(3);
    expect(Array.from(s.values).slice(0, 5)).toEqual([1, 3, 5, 2, 4]);
    expect(s.values[5]).toBeNaN();
    expect(s.channelNames).toEqual(['ax', 'ay']);
    const n = parseCsvSeriesFile('1\t2\n3\t4\n', 'n.tsv');
    expect(n.channelNames).toBeUndefined();
    expect(n.values).toEqual(f32([1, 3, 2, 4]));
  });

  it('builds a table from many files, with labels and groups from the caller', () => {
    const t = checkTable(csvSeriesTable([
      { name: 'walk/a.csv', input: 'x,y\n1,2\n3,4\n', label: 'walk', group: 'p1' },
      { name: 'run/b.csv', input: bytes('x,y\n5,6\n'), label: 'run', group: 'p2' },
    ], 'folder', {}));
    expect(t.channels).toBe(2);
    expect(t.lengths).toEqual([2, 1]);
    expect(t.labels).toEqual(['walk', 'run']);
    expect(t.groups).toEqual(['p1', 'p2']);
    expect(t.channelNames).toEqual(['x', 'y']);
    expect(t.rowNames).toEqual(['walk/a.csv', 'run/b.csv']);
    expect(vals(t, 0)).toEqual([1, 3, 2, 4]);
  });

  it('refuses files that do not match, naming the file', () => {
    const a = { name: 'a.csv', input: 'x,y\n1,2\n', label: 'p', group: null };
    expect(() => csvSeriesTable([a, { ...a, name: 'b.csv', input: 'x\n1\n' }], 'f', {})).toThrow(/b\.csv: 1 channel columns, but a\.csv has 2/);
    expect(() => csvSeriesTable([a, { ...a, name: 'b.csv', input: 'y,x\n1,2\n' }], 'f', {})).toThrow(/b\.csv: columns y, x differ from a\.csv/);
    expect(() => csvSeriesTable([a, { ...a, name: 'b.csv', label: null }], 'f', {})).toThrow(/b\.csv: has no label but a\.csv has one/);
    expect(() => csvSeriesTable([a, { ...a, name: 'b.csv', input: 'x,y\n1,z\n' }], 'f', {})).toThrow(/b\.csv line 2, column 2 \('y'\): 'z' is not a number/);
    expect(() => csvSeriesTable([], 'f', {})).toThrow(/f: no series files/);
  });
});
