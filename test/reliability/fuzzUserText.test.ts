/**
 * Hostile-input fuzzing of the text readers of a user's files (UCR tables, sktime .ts, ARFF,
 * CSV): from one valid file per format, CASES seeded mutants (byte mutants and hostile values
 * in place of numbers, test/reliability/mutate.ts). Each must give a table that passes
 * checkTable (with no ±Infinity and no empty series), or throw a plain Error naming the file:
 * never a TypeError / RangeError from deep inside, nor a hang.
 */

import { afterAll, describe, it } from 'vitest';
import { checkTable, type SeriesTable } from '../../src/data/user/table.js';
import { parseArff, parseCsvRows, parseCsvSeriesFile, parseSktimeTs, parseUcrTable } from '../../src/data/user/formats/text.js';
import { mutateText } from './mutate.js';
import { attempt, newTally, recorder, type Tally } from './fuzzHarness.js';

/** Cases per reader, as in fuzz.test.ts (importing it from there would run that suite too). */
const CASES = 1000;


/** A parsed table's own invariants beyond checkTable: finite or NaN values, no empty series. */
function checkParsed(t: SeriesTable): void {
  checkTable(t);
  t.series.forEach((s, i) => {
    if (t.lengths[i] < 1) throw new Error(`series ${i + 1} is empty`);
    for (const v of s) if (v === Infinity || v === -Infinity) throw new Error(`series ${i + 1} holds ${v}`);
  });
}

function fuzz(name: string, source: string, valid: string, parse: (s: string) => SeriesTable): Tally {
  const t = newTally();
  checkParsed(parse(valid));
  for (let i = 0; i < CASES; i++) {
    const text = mutateText(valid, name.length + 11, i);
    attempt(t, source, `${name} case ${i}`, () => {
      const table = parse(text);
      try {
        checkParsed(table);
      } catch (e) {
        // A table that breaks its invariants is a reader bug, never a refusal.
        throw new TypeError(`parsed into a bad table: ${(e as Error).message}`);
      }
    });
  }
  return t;
}

const { check, report } = recorder(CASES);
afterAll(report);

const wave = (i: number, n: number): string[] => Array.from({ length: n }, (_, j) => (Math.sin(i + j) * 3).toFixed(3));

describe('user text readers fuzzing (seeded)', () => {
  it('UCR tables', () => {
    const text = Array.from({ length: 6 }, (_, i) => [i % 2 ? 'abnormal' : '-1', ...wave(i, 10), ...(i === 3 ? ['NaN', 'NaN'] : wave(i + 1, 2))].join('\t')).join('\n') + '\n';
    check('ucr-table', fuzz('ucr-table', 'U_TRAIN.tsv', text, (s) => parseUcrTable(s, 'U_TRAIN.tsv')));
  });

  it('sktime .ts (multivariate, variable length, missing values)', () => {
    const head = '# toy\n@problemName Toy\n@timeStamps false\n@missing true\n@univariate false\n@dimensions 2\n@equalLength false\n@classLabel true up down\n@data\n';
    const withGap = (xs: string[]): string[] => xs.map((x, j) => (j === 2 ? '?' : x));
    const rows = Array.from({ length: 5 }, (_, i) => `${wave(i, 6 + i).join(',')}:${withGap(wave(i + 7, 6 + i)).join(',')}:${i % 2 ? 'up' : 'down'}`);
    check('sktime-ts', fuzz('sktime-ts', 'Toy_TRAIN.ts', head + rows.join('\r\n') + '\r\n', (s) => parseSktimeTs(s, 'Toy_TRAIN.ts')));
    const reg = '@problemName R\n@timeStamps false\n@univariate true\n@targetLabel true\n@data\n' + Array.from({ length: 5 }, (_, i) => `${wave(i, 8).join(',')}:${(i * 1.5).toFixed(2)}`).join('\n') + '\n';
    check('sktime-ts-reg', fuzz('sktime-ts-reg', 'R_TRAIN.ts', reg, (s) => parseSktimeTs(s, 'R_TRAIN.ts')));
  });

  it('ARFF (univariate and UEA relational)', () => {
    const uni = '% toy\n@relation Toy\n' + Array.from({ length: 8 }, (_, j) => `@attribute att${j + 1} numeric\n`).join('') + "@attribute target {-1,1,'two words'}\n@data\n"
      + Array.from({ length: 5 }, (_, i) => `${wave(i, 8).join(',')},${['-1', '1', "'two words'"][i % 3]}`).join('\n') + '\n';
    check('arff', fuzz('arff', 'Toy_TRAIN.arff', uni, (s) => parseArff(s, 'Toy_TRAIN.arff')));
    const multi = '@relation Motions\n@attribute relationalAtt relational\n' + Array.from({ length: 6 }, (_, j) => `@attribute t${j + 1} numeric\n`).join('')
      + '@end relationalAtt\n@attribute activity {Standing,Running}\n@data\n'
      + Array.from({ length: 4 }, (_, i) => `'${wave(i, 6).join(',')}\\n${wave(i + 3, 6).join(',')}\\n${wave(i + 5, 6).join(',')}',${i % 2 ? 'Running' : 'Standing'}`).join('\n') + '\n';
    check('arff-relational', fuzz('arff-relational', 'Motions_TRAIN.arff', multi, (s) => parseArff(s, 'Motions_TRAIN.arff')));
  });

  it('CSV (rows with header, group and quoted cells; one file per series)', () => {
    const rows = 'subject;a1;a2;a3;b1;b2;b3;label\r\n' + Array.from({ length: 6 }, (_, i) => `s${i % 3};${wave(i, 6).join(';')};${i % 2 ? '"sitting; still"' : 'walking'}`).join('\r\n') + '\r\n';
    check('csv-rows', fuzz('csv-rows', 'data.csv', '\uFEFF' + rows, (s) => parseCsvRows(s, 'data.csv', { groupColumn: 'subject', channels: 2 })));
    const plain = Array.from({ length: 6 }, (_, i) => `${i % 2},${wave(i, 8).join(',')}`).join('\n') + '\n';
    check('csv-rows-auto', fuzz('csv-rows-auto', 'plain.csv', plain, (s) => parseCsvRows(s, 'plain.csv')));
    const series = 'time,ax,ay,az\n' + Array.from({ length: 12 }, (_, t) => `${t},${wave(t, 3).join(',')}`).join('\n') + '\n';
    check('csv-series', fuzz('csv-series', 'rec1.csv', series, (s) => {
      const r = parseCsvSeriesFile(s, 'rec1.csv', { columns: ['ax', 'ay', 'az'] });
      return { source: 'rec1.csv', channels: r.channels, series: [r.values], lengths: [r.length], labels: null, groups: null };
    }));
  });
});
