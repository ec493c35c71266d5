/** C export of integer models: the generator (emit.ts), its memory plan (plan.ts) and the shared kernels (runtime.ts). */

export { integerModelToC, type CExport, type CExportOptions, type CMemoryReport } from './emit.js';
export { planMemory, type CPlan, type CType } from './plan.js';
export { costModelMemory, type CostModelMemory } from './costModel.js';
