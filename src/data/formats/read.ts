/**
 * The format readers applied to files (Node only): each reads the bytes through files.ts, whose
 * errors name the path, and hands them to the pure parser with Node's zlib adapter.
 */

import { readBytes } from '../files.js';
import { nodeZlib } from '../../platform/node.js';
import { parseIdx, type IdxArray } from './idx.js';
import { parseMat, type MatFile } from './mat.js';
import { parseWav, type WavAudio } from './wav.js';
import { parseUcrTsv, type UcrSeries } from './ucr.js';

export function readIdx(path: string): IdxArray {
  return parseIdx(readBytes(path), path, nodeZlib);
}

export function readMat(path: string): MatFile {
  return parseMat(readBytes(path), path, nodeZlib);
}

export function readWav(path: string): WavAudio {
  return parseWav(readBytes(path), path);
}

export function readUcrTsv(path: string): UcrSeries {
  return parseUcrTsv(readBytes(path), path);
}
