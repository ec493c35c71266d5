/** The nn layer: modules, layers, losses, initialisation and optimisers. */
export * from './module.js';
export * from './fusion.js';
export * from './init.js';
export * from './losses.js';
export * from './layers/linear.js';
export * from './layers/conv.js';
export * from './layers/batchnorm.js';
export * from './layers/simple.js';
export * from './layers/containers.js';
export * from './optim/index.js';
export * from './metrics.js';
export * from './confusion.js';
export * from './train/config.js';
export * from './train/snapshot.js';
export * from './train/task.js';
export * from './summary.js';
