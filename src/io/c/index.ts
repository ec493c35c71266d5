/** C export of integer models: the generator (emit.ts), its memory plan (plan.ts), the shared kernels (runtime.ts), the SMLAD weight layout (dsp.ts) and the fixed-point interface (fixedPoint.ts). */

export { integerModelToC, type CExport, type CExportOptions, type CMemoryReport } from './emit.js';
export { type CModelAbout } from './header.js';
export { planMemory, type CPlan, type CType } from './plan.js';
export { costModelMemory, costModelCycles, type CostModelMemory } from './costModel.js';
export { dspWords, codesOfDspRow, rowWords } from './dsp.js';
export { C_FRAC_BITS, divisionMagic, inputQ16Requant, outputQ16, outputQ16Requant, quantizeInputQ16, toQ16 } from './fixedPoint.js';
