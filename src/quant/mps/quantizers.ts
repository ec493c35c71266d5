/** The fake quantisers the search mixes, behind one import (the quantisation layer's). */
export { pactQuant, weightQuant, weightScales } from '../quantizers.js';
