/**
 * Where the benchmark data lives, and what to tell the user when it is not there.
 *
 * The datasets are never part of the package: a user downloads them from their original
 * sources and points tsdnas at the folder (--data-dir or TSDNAS_DATA_DIR). On the development
 * machines the folder sits beside the project as ../shared/data.
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dirExists, fileExists } from './files.js';

export const DATA_DIR_ENV = 'TSDNAS_DATA_DIR';

/** The tsdnas package root: the nearest folder above this module with a package.json named tsdnas. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tsdnas') return dir;
      } catch {
        // an unreadable package.json is not ours; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/**
 * The data directory: `explicit` (--data-dir) if given, else $TSDNAS_DATA_DIR, else
 * ../shared/data relative to the working directory or to the package root.
 */
export function resolveDataDir(explicit?: string): string {
  if (explicit !== undefined && explicit !== '') {
    const dir = resolve(explicit);
    if (!dirExists(dir)) throw new Error(`data directory '${dir}' (from --data-dir / dataDir) does not exist or is not a directory; point --data-dir or $${DATA_DIR_ENV} at the folder that holds the datasets (see the README for their sources)`);
    return dir;
  }
  const fromEnv = process.env[DATA_DIR_ENV];
  if (fromEnv) {
    const dir = resolve(fromEnv);
    if (!dirExists(dir)) throw new Error(`data directory '${dir}' (from $${DATA_DIR_ENV}) does not exist or is not a directory; fix $${DATA_DIR_ENV} or pass --data-dir`);
    return dir;
  }
  const tried = [...new Set([resolve(process.cwd(), '../shared/data'), resolve(packageRoot(), '../shared/data')])];
  for (const dir of tried) if (dirExists(dir)) return dir;
  throw new Error(
    `no data directory found. Tried: ${tried.join(', ')}. Pass --data-dir <dir> or set ${DATA_DIR_ENV}=<dir> ` +
      `to a folder holding ucr/, ppg-spc2015/, fsdd/ and fashion-mnist/ (see docs/datasets.md for the download sources).`,
  );
}

/** Where each folder of the data directory comes from. */
export const DATA_SOURCES: Record<string, { folder: string; url: string; how: string }> = {
  ucr: {
    folder: 'ucr',
    url: 'https://www.cs.ucr.edu/~eamonn/time_series_data_2018/',
    how: 'download the UCR Time Series Archive 2018 (UCRArchive_2018.zip) and copy the dataset folders (e.g. ECG200/) into',
  },
  ppg: {
    folder: 'ppg-spc2015',
    url: 'https://sites.google.com/site/researchbyzhang/ieeespcup2015',
    how: 'download the IEEE Signal Processing Cup 2015 (TROIKA) data: Training_data, Extra_TrainingData, TestData and TrueBPM, into',
  },
  fsdd: {
    folder: 'fsdd',
    url: 'https://github.com/Jakobovski/free-spoken-digit-dataset',
    how: "clone the Free Spoken Digit Dataset and copy its 'recordings' folder into",
  },
  fashion: {
    folder: 'fashion-mnist',
    url: 'https://github.com/zalandoresearch/fashion-mnist',
    how: 'download the four *-ubyte.gz files from data/fashion/ of the Fashion-MNIST repository into',
  },
};

/** Throws unless `path` is a file, with a message naming the dataset and how to get the data. */
export function requireFile(path: string, dataset: string, source: keyof typeof DATA_SOURCES, dataDir: string): string {
  if (fileExists(path)) return path;
  const s = DATA_SOURCES[source];
  throw new Error(
    `dataset '${dataset}': missing file ${path}. To get it, ${s.how} ${join(dataDir, s.folder)} ` +
      `(source: ${s.url}); or point --data-dir / ${DATA_DIR_ENV} at a data directory that has ${s.folder}/.`,
  );
}
