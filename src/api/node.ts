/** The file side of the library API (Node entry only): checkpoints saved and loaded by path. */
export { saveModel, loadModel, saveQuantModel, loadQuantModel } from './files.js';
