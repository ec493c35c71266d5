/**
 * Both entries export the same concepts: everything `tsdnas/browser` has is in `tsdnas`, and
 * what only the Node entry has is file access (loaders that read paths, file checkpoints,
 * reports) — listed here, so a new export lands in both or is added to this list on purpose.
 */

import { describe, expect, it } from 'vitest';
import * as node from '../../src/index.js';
import * as browser from '../../src/browser.js';

const PROTOCOL = [
  'searchOptimizers', 'pitSearch', 'pitSweep', 'mpsSearch', 'SEARCH_DEFAULTS', 'MPS_DEFAULTS', 'runSweep', 'searchMasks', 'runMps', 'mps',
  'plainRegularizer', 'multiComplexityRegularizer', 'hingeRegularizer', 'defaultMaskLr', 'paretoFront', 'SEARCH_SCHEMA', 'MPS_SCHEMA',
  'pit', 'describeArchitecture', 'buildFromArchitecture', 'quantize', 'calibrate', 'integerize', 'evaluateModel', 'predict',
  'encodeModel', 'decodeModel', 'encodeQuantModel', 'decodeQuantModel', 'makeDataset', 'stratifiedSplit', 'makeSplits', 'splitDataset',
  'onnx', 'cExport', 'buildSeed', 'Adam', 'tensor', 'backward', 'confusionMatrix',
];
const FILES = ['saveModel', 'loadModel', 'saveQuantModel', 'loadQuantModel', 'saveModelCheckpoint', 'loadModelCheckpoint', 'saveQuantCheckpoint', 'loadQuantCheckpoint', 'loadDataset'];

describe('package entries', () => {
  it('export the protocol, defaults, checkpoints and api helpers from both', () => {
    for (const name of PROTOCOL) {
      expect(name in node, `tsdnas lacks ${name}`).toBe(true);
      expect(name in browser, `tsdnas/browser lacks ${name}`).toBe(true);
    }
    for (const name of FILES) expect(name in node, `tsdnas lacks ${name}`).toBe(true);
  });

  it('the browser entry is the Node entry minus file access', () => {
    const onlyBrowser = Object.keys(browser).filter((k) => !(k in node));
    // Platform adapters and the browser backend chooser exist only where they make sense.
    expect(onlyBrowser.filter((k) => !/^(useBrowserBackend)$/.test(k))).toEqual([]);
    const onlyNode = Object.keys(node).filter((k) => !(k in browser));
    const fileish = /^(save|load|read|write|list|resolveDataDir|fileExists|dirExists|requireFile|packageRoot|DATA_DIR_ENV|DATA_SOURCES|mnistPackageDir|mnistDigitsCached|fitClip|report$|DATASET_NAMES|ECG5000_SPLIT_SEED|PPG_|FSDD_RATE|ppgRecordingWindows|restoreModel$|detectReader$|specForPath$|resolveDatasetRef$|prepareForModel$|resolveModel$|resolveModelAsync$)/;
    expect(onlyNode.filter((k) => !fileish.test(k))).toEqual([]);
  });
});
