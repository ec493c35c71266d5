/** A user's own data from files (Node): paths and description files to splits, or to a trained model's inputs. */

export { detectReader, specForPath, readUserTables, type UserTables } from './read.js';
export { readDatasetSpec, resolveDatasetRef, loadAnyDataset, prepareForModel, type DatasetRef, type ModelInputs } from './load.js';
